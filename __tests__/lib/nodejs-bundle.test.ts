/**
 * The bundle options (the AWS SDK's ES module build; no credential source that Lambda never
 * uses) and the bundle cache, over a scratch project: a bundle is reused while nothing it was
 * built from changed, and rebuilt, never served stale, otherwise.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import AdmZip from 'adm-zip';
import { App, TerraformStack, Testing } from 'cdktf';
import * as esbuild from 'esbuild';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  bundle,
  BUNDLE_DIRECTORY_MODE,
  BUNDLE_FILE,
  BUNDLE_FILE_MODE,
  BUNDLE_OPTIONS,
  NodejsBundle,
} from '../../lib/nodejs-bundle';
import { PROJECT_ROOT } from '../../lib/project-root';
import { buildProjectEntry } from '../support/bundle';

vi.mock('esbuild', async (importOriginal) => {
  const actual = await importOriginal<typeof import('esbuild')>();
  return { ...actual, buildSync: vi.fn(actual.buildSync) };
});

const builds = vi.mocked(esbuild.buildSync);

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

describe('bundle', () => {
  let root: string;
  const ENTRY = 'src/index.ts';
  // Old enough for the cache to record a build that read it.
  const SETTLED = new Date(Date.now() - 3_600_000);

  function write(path: string, content: string): void {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    utimesSync(file, SETTLED, SETTLED);
  }

  function code(directory: string): string {
    return readFileSync(join(directory, BUNDLE_FILE), 'utf8');
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bundle-cache-'));
    write(ENTRY, "import { greeting } from './greeting';\nexport const handler = () => greeting;\n");
    write('src/greeting.ts', "export const greeting = 'hello-v1';\n");
    builds.mockClear();
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('builds the entry into a folder under the project’s .local/bundles', () => {
    const directory = bundle(ENTRY, 'nodejs22.x', root);
    expect([dirname(directory), code(directory)]).toEqual([
      join(root, '.local', 'bundles'),
      expect.stringContaining('hello-v1'),
    ]);
  });

  it('reuses the bundle while nothing it was built from changed', () => {
    const first = bundle(ENTRY, 'nodejs22.x', root);
    const second = bundle(ENTRY, 'nodejs22.x', root);
    expect([builds.mock.calls.length, second]).toEqual([1, first]);
  });

  it('builds again when an input changed, and the bundle holds the change', () => {
    bundle(ENTRY, 'nodejs22.x', root);
    write('src/greeting.ts', "export const greeting = 'hello-v2';\n");
    const directory = bundle(ENTRY, 'nodejs22.x', root);
    expect([builds.mock.calls.length, code(directory)]).toEqual([2, expect.stringContaining('hello-v2')]);
  });

  it('builds again for another runtime: the options are part of what is recorded', () => {
    bundle(ENTRY, 'nodejs22.x', root);
    bundle(ENTRY, 'nodejs20.x', root);
    expect(builds).toHaveBeenCalledTimes(2);
  });

  it('builds again when a new file takes over an import without any input changing', () => {
    bundle(ENTRY, 'nodejs22.x', root);
    // esbuild tries .tsx before .ts, so './greeting' now resolves here.
    write('src/greeting.tsx', "export const greeting = 'hello-tsx';\n");
    const directory = bundle(ENTRY, 'nodejs22.x', root);
    expect(code(directory)).toContain('hello-tsx');
  });

  it('builds again when the installed packages changed', () => {
    bundle(ENTRY, 'nodejs22.x', root);
    write('node_modules/.package-lock.json', '{"lockfileVersion": 3}');
    bundle(ENTRY, 'nodejs22.x', root);
    expect(builds).toHaveBeenCalledTimes(2);
  });

  it('builds again when a tsconfig.json appears, which may change how the code compiles', () => {
    bundle(ENTRY, 'nodejs22.x', root);
    write('tsconfig.json', '{"compilerOptions": {}}');
    bundle(ENTRY, 'nodejs22.x', root);
    expect(builds).toHaveBeenCalledTimes(2);
  });

  /** Plants `content` as `name` in a bundle folder, keeping the times a bundle has. */
  function plant(directory: string, name: string, content: string): void {
    const times = statSync(directory).mtime;
    writeFileSync(join(directory, name), content);
    utimesSync(join(directory, name), times, times);
    utimesSync(directory, times, times);
  }

  it('never serves a bundle whose code was changed after it was built', () => {
    const directory = bundle(ENTRY, 'nodejs22.x', root);
    plant(directory, BUNDLE_FILE, 'exports.handler = () => "planted";');
    expect(code(bundle(ENTRY, 'nodejs22.x', root))).toContain('hello-v1');
  });

  it('never serves a bundle folder that holds another file, which would be deployed too', () => {
    const directory = bundle(ENTRY, 'nodejs22.x', root);
    plant(directory, 'extra.js', 'planted');
    expect(readdirSync(bundle(ENTRY, 'nodejs22.x', root))).toEqual([BUNDLE_FILE]);
  });

  it('never serves a bundle whose file times were changed: its zip would differ', () => {
    const directory = bundle(ENTRY, 'nodejs22.x', root);
    utimesSync(join(directory, BUNDLE_FILE), SETTLED, SETTLED);
    bundle(ENTRY, 'nodejs22.x', root);
    expect(statSync(join(directory, BUNDLE_FILE)).mtime).not.toEqual(SETTLED);
  });

  it('does not record a build whose inputs changed just before it: they may have changed during it', () => {
    writeFileSync(join(root, 'src/greeting.ts'), "export const greeting = 'hello-fresh';\n");
    bundle(ENTRY, 'nodejs22.x', root);
    bundle(ENTRY, 'nodejs22.x', root);
    expect(builds).toHaveBeenCalledTimes(2);
  });
});

describe('under a strict umask (077), which would make every new file rw------- and Lambda fail to import it', () => {
  let umask: number;
  let scratch: string;
  const ENTRY = 'src/index.ts';

  /** The permission bits of `path`. */
  const permissions = (path: string): number => statSync(path).mode & 0o777;

  beforeEach(() => {
    umask = process.umask(0o077);
    scratch = mkdtempSync(join(tmpdir(), 'bundle-umask-'));
    mkdirSync(join(scratch, 'src'));
    writeFileSync(join(scratch, ENTRY), "export const handler = () => 'umask';\n");
    builds.mockClear();
  });

  afterEach(() => {
    process.umask(umask);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('still writes the bundle world-readable (0644) in a folder others may enter (0755)', () => {
    const directory = bundle(ENTRY, 'nodejs22.x', scratch);
    expect([permissions(join(directory, BUNDLE_FILE)), permissions(directory)]).toEqual([0o644, 0o755]);
    expect([BUNDLE_FILE_MODE, BUNDLE_DIRECTORY_MODE]).toEqual([0o644, 0o755]);
  });

  it.each([
    ['file', (directory: string) => join(directory, BUNDLE_FILE), 0o600],
    ['folder', (directory: string) => directory, 0o700],
  ])('never reuses a cached bundle whose %s others cannot read, and rebuilds it readable', (_, path, mode) => {
    const directory = bundle(ENTRY, 'nodejs22.x', scratch);
    // As a bundle written under this umask before the modes were set explicitly (chmod keeps the times).
    chmodSync(path(directory), mode);
    const again = bundle(ENTRY, 'nodejs22.x', scratch);
    expect([again, builds.mock.calls.length]).toEqual([directory, 2]);
    expect([permissions(join(again, BUNDLE_FILE)), permissions(again)]).toEqual([0o644, 0o755]);
  });

  /** Each entry of the zip at `file`, with the Unix permission bits of its external attributes. */
  function zipEntryModes(file: string): [string, number][] {
    return new AdmZip(file).getEntries().map((entry) => [entry.entryName, (entry.header.attr >>> 16) & 0o777]);
  }

  it('zips the bundle as a world-readable entry with packaging=asset (cdktf copies the file’s mode)', () => {
    const outdir = join(scratch, 'cdktf.out');
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'umask');
    // A scratch project, so that the bundle is written now, under this umask, not found in a cache.
    new NodejsBundle(stack, 'bundle', {
      entry: ENTRY,
      name: 'umask',
      runtime: 'nodejs22.x',
      packaging: 'asset',
      root: scratch,
    });
    app.synth();
    const assets = join(outdir, 'stacks', 'umask', 'assets');
    const zips = readdirSync(assets, { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.zip'))
      .map((path) => join(assets, path));
    expect(zips).toHaveLength(1);
    expect(builds).toHaveBeenCalledTimes(1);
    expect(zipEntryModes(zips[0])).toEqual([[BUNDLE_FILE, 0o644]]);
  });

  it('asks archive_file for world-readable entries with packaging=archive, whatever the copied file’s mode', () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        new NodejsBundle(scope, 'bundle', { entry: ENTRY, name: 'umask', runtime: 'nodejs22.x', root: scratch });
      }),
    ) as { data: { archive_file: Record<string, { output_file_mode?: string }> } };
    expect(Object.values(json.data.archive_file).map((archive) => archive.output_file_mode)).toEqual(['0644']);
  });
});
