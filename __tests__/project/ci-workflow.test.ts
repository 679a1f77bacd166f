/**
 * The GitHub Actions workflow cannot run on this machine; what can drift is checked here: it
 * ends in `.ci/run` (so it runs what a local `.ci/run` runs) after installing the tools the
 * end-to-end tests need, at versions they accept (Terraform: what cdktf.json's targetVersions says),
 * on the Node.js LTS lines the project supports, the Lambda runtime's among them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAMBDA_RUNTIME } from '../../lib/lambda-runtime';
import { PROJECT_ROOT } from '../../lib/project-root';
import { nodeMajorOf, NODE_RELEASES } from '../../tools/local/node-binary';

const workflow = readFileSync(join(PROJECT_ROOT, '.github/workflows/ci.yml'), 'utf8');
/** The `run:` commands and `uses:` actions of its steps, in order. */
const steps = [...workflow.matchAll(/^ {6}- (run|uses): (.+)$/gm)].map(([, kind, value]) => `${kind}: ${value}`);

/** The value of a `with:` input, as written. */
function input(name: string): string | undefined {
  return new RegExp(`^ {10}${name}: (.+)$`, 'm').exec(workflow)?.[1];
}

/** The Node.js majors of the job's matrix, e.g. `node-version: [22, 24]` → [22, 24]. */
function nodeMatrix(): number[] | undefined {
  return /^ {8}node-version: \[([^\]]*)\]$/m
    .exec(workflow)?.[1]
    .split(',')
    .map((version) => Number(version.trim()));
}

/** `a` against `b` as dotted version numbers: negative when older, 0 when equal, positive when newer. */
function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((version) => version.split('.').map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    const difference = (x[i] ?? 0) - (y[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

describe('.github/workflows/ci.yml', () => {
  it('ends in .ci/run, the one CI script', () => {
    expect(steps.at(-1)).toBe('run: .ci/run');
  });

  it('installs Node.js, Terraform and Python before it', () => {
    expect(steps.slice(0, -1)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^uses: actions\/setup-node@/),
        expect.stringMatching(/^uses: hashicorp\/setup-terraform@/),
        expect.stringMatching(/^uses: actions\/setup-python@/),
      ]),
    );
  });

  it('runs on the supported Node.js LTS lines, 22 and 24, through a matrix', () => {
    expect(nodeMatrix()).toEqual([22, 24]);
    expect(input('node-version')).toBe('${{ matrix.node-version }}');
  });

  it(`includes the Node.js of the functions' runtime (${LAMBDA_RUNTIME}), whose release the local run pins`, () => {
    const major = nodeMajorOf(LAMBDA_RUNTIME);
    expect(nodeMatrix()).toContain(major);
    expect(NODE_RELEASES[major]).toMatch(new RegExp(`^${major}\\.\\d+\\.\\d+$`));
  });

  it("installs a Terraform that cdktf.json's targetVersions accepts (write-only attributes need 1.11)", () => {
    const config = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdktf.json'), 'utf8')) as Record<string, any>;
    const minimum = /^>=\s*(\d+(?:\.\d+)*)$/.exec(config.targetVersions.terraform as string)?.[1];
    expect(minimum).toBeDefined();
    expect(compareVersions(input('terraform_version') ?? '0', minimum ?? '')).toBeGreaterThanOrEqual(0);
  });

  it("turns off setup-terraform's wrapper, which rewrites the output and exit codes the tests read", () => {
    expect(input('terraform_wrapper')).toBe('false');
  });

  it('installs moto server 5 at a pinned version', () => {
    expect(steps).toContainEqual(expect.stringMatching(/^run: pip install "moto\[server\]==5\.\d+\.\d+"$/));
  });
});
