/** The bundle options: the AWS SDK's ES module build; no credential source that Lambda never uses. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_FILE, BUNDLE_OPTIONS } from '../../lib/nodejs-bundle';
import { PROJECT_ROOT } from '../../lib/project-root';

const projectBuilds = new Map<string, { inputs: string[]; code: string }>();

/** Builds `entry` of this project with the bundle options (once per file), for its inputs and its code. */
function buildProjectEntry(entry: string): { inputs: string[]; code: string } {
  const built = projectBuilds.get(entry);
  if (built) return built;
  const result = esbuild.buildSync({
    ...BUNDLE_OPTIONS,
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    outfile: BUNDLE_FILE,
    write: false,
    metafile: true,
  });
  const build = { inputs: Object.keys(result.metafile.inputs), code: result.outputFiles[0].text };
  projectBuilds.set(entry, build);
  return build;
}

describe('BUNDLE_OPTIONS', () => {
  it.each(['functions/method1-sample/index.ts', 'functions/method2-sample/index.ts'])(
    'bundle the AWS SDK of %s from its ES module build, which esbuild can tree-shake',
    (entry) => {
      const { inputs } = buildProjectEntry(entry);
      expect(inputs.filter((input) => /@aws-sdk\/client-[a-z]+\/dist-cjs\//.test(input))).toEqual([]);
    },
  );

  it.each(['functions/method1-sample/index.ts', 'functions/method2-sample/index.ts'])(
    'leave out of %s the credential sources and the SDK clients they use, which Lambda never loads',
    (entry) => {
      const { inputs } = buildProjectEntry(entry);
      expect(
        inputs.filter((input) => /credential-provider-(?!env|node)|nested-clients|token-providers/.test(input)),
      ).toEqual([]);
    },
  );

  it('keep reading credentials from the environment: a bundled client signs with them', () => {
    const { code } = buildProjectEntry('functions/method2-sample/index.ts');
    expect(code).toContain('AWS_SECRET_ACCESS_KEY');
  });

  it('make a process without credentials in its environment fail naming the source it lacks', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'bundle-credentials-'));
    try {
      const result = esbuild.buildSync({
        ...BUNDLE_OPTIONS,
        absWorkingDir: PROJECT_ROOT,
        stdin: {
          contents: [
            "import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';",
            "new SSMClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' })",
            "  .send(new GetParameterCommand({ Name: 'x' }))",
            '  .catch((error) => console.log(error.message));',
          ].join('\n'),
          resolveDir: PROJECT_ROOT,
          loader: 'ts',
        },
        outfile: join(scratch, BUNDLE_FILE),
      });
      expect(result.errors).toEqual([]);
      const run = spawnSync(process.execPath, [join(scratch, BUNDLE_FILE)], {
        cwd: scratch,
        env: { PATH: process.env.PATH, HOME: scratch },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.stdout).toContain("Cannot find package '@aws-sdk/credential-provider-ini'");
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
