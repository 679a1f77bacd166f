/**
 * Method 3's entries bundled as the stacks bundle every handler (BUNDLE_OPTIONS): the SDK entry
 * takes the Secrets Manager client's ES module build and no credential source beyond the
 * environment; the extension entry carries no AWS SDK at all.
 */
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_FILE, BUNDLE_OPTIONS } from '../../lib/nodejs-bundle';
import { PROJECT_ROOT } from '../../lib/project-root';

const SDK_ENTRY = 'functions/method3-sample/index.ts';
const EXTENSION_ENTRY = 'functions/method3-sample/extension.ts';

const builds = new Map<string, { inputs: string[]; code: string }>();

/** Builds `entry` with the bundle options (once per file), for its inputs and its code. */
function build(entry: string): { inputs: string[]; code: string } {
  const built = builds.get(entry);
  if (built) return built;
  const result = esbuild.buildSync({
    ...BUNDLE_OPTIONS,
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    outfile: BUNDLE_FILE,
    write: false,
    metafile: true,
  });
  const output = { inputs: Object.keys(result.metafile.inputs), code: result.outputFiles[0].text };
  builds.set(entry, output);
  return output;
}

describe('method3-sample bundles', () => {
  it('take the Secrets Manager client from its ES module build, which esbuild can tree-shake', () => {
    const { inputs } = build(SDK_ENTRY);
    expect([
      inputs.some((input) => input.includes('@aws-sdk/client-secrets-manager/dist-es/')),
      inputs.filter((input) => /@aws-sdk\/client-[a-z-]+\/dist-cjs\//.test(input)),
    ]).toEqual([true, []]);
  });

  it('leave out the credential sources beyond the environment, and the clients they use', () => {
    const { inputs } = build(SDK_ENTRY);
    expect(
      inputs.filter((input) => /credential-provider-(?!env|node)|nested-clients|token-providers/.test(input)),
    ).toEqual([]);
  });

  it('keep reading credentials from the environment', () => {
    expect(build(SDK_ENTRY).code).toContain('AWS_SECRET_ACCESS_KEY');
  });

  it('bring no other AWS client into the SDK entry', () => {
    const clients = new Set(
      build(SDK_ENTRY)
        .inputs.map((input) => /@aws-sdk\/(client-[a-z-]+)\//.exec(input)?.[1])
        .filter((client) => client !== undefined),
    );
    expect([...clients]).toEqual(['client-secrets-manager']);
  });

  it('carry no AWS SDK through the extension', () => {
    expect(build(EXTENSION_ENTRY).inputs.filter((input) => /@aws-sdk|@smithy/.test(input))).toEqual([]);
  });
});
