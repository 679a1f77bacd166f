/**
 * Method 3's entries bundled as the stacks bundle every handler (BUNDLE_OPTIONS): the SDK entry
 * takes the Secrets Manager client's ES module build and no credential source beyond the
 * environment; the extension entry carries no AWS SDK at all.
 */
import { describe, expect, it } from 'vitest';
import { buildProjectEntry } from '../support/bundle';

const SDK_ENTRY = 'functions/method3-sample/index.ts';
const EXTENSION_ENTRY = 'functions/method3-sample/extension.ts';

describe('method3-sample bundles', () => {
  it('take the Secrets Manager client from its ES module build, which esbuild can tree-shake', () => {
    const { inputs } = buildProjectEntry(SDK_ENTRY);
    expect([
      inputs.some((input) => input.includes('@aws-sdk/client-secrets-manager/dist-es/')),
      inputs.filter((input) => /@aws-sdk\/client-[a-z-]+\/dist-cjs\//.test(input)),
    ]).toEqual([true, []]);
  });

  it('leave out the credential sources beyond the environment, and the clients they use', () => {
    const { inputs } = buildProjectEntry(SDK_ENTRY);
    expect(
      inputs.filter((input) => /credential-provider-(?!env|node)|nested-clients|token-providers/.test(input)),
    ).toEqual([]);
  });

  it('keep reading credentials from the environment', () => {
    expect(buildProjectEntry(SDK_ENTRY).code).toContain('AWS_SECRET_ACCESS_KEY');
  });

  it('bring no other AWS client into the SDK entry', () => {
    const clients = new Set(
      buildProjectEntry(SDK_ENTRY)
        .inputs.map((input) => /@aws-sdk\/(client-[a-z-]+)\//.exec(input)?.[1])
        .filter((client) => client !== undefined),
    );
    expect([...clients]).toEqual(['client-secrets-manager']);
  });

  it('carry no AWS SDK through the extension', () => {
    expect(buildProjectEntry(EXTENSION_ENTRY).inputs.filter((input) => /@aws-sdk|@smithy/.test(input))).toEqual([]);
  });
});
