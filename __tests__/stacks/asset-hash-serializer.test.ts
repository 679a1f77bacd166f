import { describe, expect, it } from 'vitest';
import { ASSET_HASH_MASK, assetHashSerializer, maskAssetHashes } from '../support/asset-hash-serializer';

const HASH = 'F09CF913AB25EF1344687CCCAF559429';
const OTHER_HASH = 'AEC3BB1B89FF8007EB3B1FCD0893EAC8';

describe('maskAssetHashes', () => {
  it('masks the hash in the path of an archive asset', () => {
    expect(maskAssetHashes(`assets/function_bundle_asset_9D4A2384/${HASH}/archive.zip`)).toBe(
      `assets/function_bundle_asset_9D4A2384/${ASSET_HASH_MASK}/archive.zip`,
    );
  });

  it('masks the hash that ends the path of a directory asset, inside synthesized JSON', () => {
    expect(maskAssetHashes(`"source_dir": "assets/function_bundle_asset_9D4A2384/${HASH}",`)).toBe(
      `"source_dir": "assets/function_bundle_asset_9D4A2384/${ASSET_HASH_MASK}",`,
    );
  });

  it.each([
    ['an output path', 'dist/method1-sample.zip'],
    ['a reference with a logical id hash', '${aws_kms_key.function_key_0C6BA6C9.arn}'],
    ['32 hex digits outside an asset path', `arn:aws:kms:ap-northeast-1:123456789012:key/${HASH}`],
    ['an asset path whose segment is not a 32-digit hash', 'assets/function_bundle_asset_9D4A2384/latest'],
  ])('leaves %s unchanged', (_name, text) => {
    expect(maskAssetHashes(text)).toBe(text);
  });

  it('is stable: paths that differ only in their hash mask to the same string', () => {
    const path = (hash: string) => `assets/function_bundle_asset_9D4A2384/${hash}/archive.zip`;
    expect(maskAssetHashes(path(HASH))).toBe(maskAssetHashes(path(OTHER_HASH)));
  });
});

describe('assetHashSerializer', () => {
  it('claims a string holding an asset hash', () => {
    expect(assetHashSerializer.test(`assets/function_bundle_asset_9D4A2384/${HASH}`)).toBe(true);
  });

  it('does not claim its own masked output, so printing it cannot recurse', () => {
    expect(assetHashSerializer.test(`assets/function_bundle_asset_9D4A2384/${ASSET_HASH_MASK}`)).toBe(false);
  });

  it('masks the hash wherever it sits in a snapshot once registered', () => {
    expect.addSnapshotSerializer(assetHashSerializer);
    expect({ data: { source_dir: `assets/function_bundle_asset_9D4A2384/${HASH}` } }).toMatchInlineSnapshot(`
      {
        "data": {
          "source_dir": "assets/function_bundle_asset_9D4A2384/<asset-hash>",
        },
      }
    `);
  });
});
