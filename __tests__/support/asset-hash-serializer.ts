/** Keeps the stack snapshots about the Terraform configuration, not about the bundle's bytes. */
import type { SnapshotSerializer } from 'vitest';

/**
 * An asset path as cdktf's TerraformAsset writes it, `assets/<construct id>/<hash>` followed by
 * `/archive.zip` for an archive asset or nothing for a directory; the hash is the first 32 hex
 * digits, upper case, of an MD5 over the asset's content. Group 1 is the part that is kept.
 */
const ASSET_HASH = /(assets\/[^/\s"'`\\]+\/)[0-9A-F]{32}(?![0-9A-Za-z])/g;

/** What {@link maskAssetHashes} puts in place of an asset hash. */
export const ASSET_HASH_MASK = '<asset-hash>';

/**
 * `text` with the hash segment of every asset path replaced by {@link ASSET_HASH_MASK}, so
 * `assets/bundle_asset_9D4A2384/F09CF913AB25EF1344687CCCAF559429/archive.zip` becomes
 * `assets/bundle_asset_9D4A2384/<asset-hash>/archive.zip`. Anything else is left as it is.
 */
export function maskAssetHashes(text: string): string {
  return text.replace(ASSET_HASH, `$1${ASSET_HASH_MASK}`);
}

/**
 * A snapshot serializer that prints strings with their asset hashes masked.
 *
 * Why: the stacks bundle the handler into a TerraformAsset whose path carries a hash of the
 * bundle, so a snapshot of the synthesized JSON changed with every edit to the function code,
 * down to a log message, and failed for a reason that has nothing to do with the stack. That
 * the asset path carries a hash and that `source_code_hash` is taken from the zip stays
 * asserted by the property tests in method1-sample.test.ts and options.test.ts, which match
 * the parsed JSON against patterns and never pass through this serializer.
 *
 * It claims only strings that hold an unmasked hash, so the masked string it hands back to the
 * printer is printed as an ordinary string instead of coming back here.
 *
 * Register it per test file with `expect.addSnapshotSerializer(assetHashSerializer)`.
 */
export const assetHashSerializer: SnapshotSerializer = {
  test: (value: unknown) => typeof value === 'string' && maskAssetHashes(value) !== value,
  serialize: (value: string, config, indentation, depth, refs, printer) =>
    printer(maskAssetHashes(value), config, indentation, depth, refs),
};
