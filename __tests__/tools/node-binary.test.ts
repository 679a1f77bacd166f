/**
 * The Node.js binaries of pinned releases (tools/local/node-binary.ts): the Lambda runtime's
 * major is pinned, the project's binary is reused without npm, and one that cannot be installed
 * is an error that says what to do, with nothing left half-installed.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAMBDA_RUNTIME } from '../../lib/lambda-runtime';
import { PROJECT_ROOT } from '../../lib/project-root';
import { freePort } from '../../tools/local/emulator';
import {
  NODE_CACHE_FOLDER,
  NODE_RELEASES,
  nodeBinary,
  NodeBinaryError,
  nodeMajorOf,
  nodeRelease,
} from '../../tools/local/node-binary';

const scratch = mkdtempSync(join(tmpdir(), 'node-binary-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('nodeMajorOf', () => {
  it('reads the major version of a Lambda runtime', () => {
    expect(nodeMajorOf('nodejs22.x')).toBe(22);
  });

  it(`finds a pinned release for the functions' runtime, ${LAMBDA_RUNTIME}`, () => {
    const major = nodeMajorOf(LAMBDA_RUNTIME);
    expect(nodeRelease(major)).toMatch(new RegExp(`^${major}\\.\\d+\\.\\d+$`));
  });
});

describe('nodeRelease', () => {
  it('refuses a major without a pinned release, saying where to pin one', async () => {
    expect(NODE_RELEASES[19]).toBeUndefined();
    expect(() => nodeRelease(19)).toThrow(NodeBinaryError);
    expect(() => nodeRelease(19)).toThrow(/add one .* to NODE_RELEASES in tools\/local\/node-binary\.ts$/);
    await expect(nodeBinary(19)).rejects.toThrow(/no Node\.js 19 release is pinned/);
  });
});

describe('nodeBinary', () => {
  it("reuses the project's binary without running npm", async () => {
    const major = nodeMajorOf(LAMBDA_RUNTIME);
    // No PATH: an npm run would fail. The global setup installed this one.
    await expect(nodeBinary(major, { env: {} })).resolves.toBe(
      join(PROJECT_ROOT, NODE_CACHE_FOLDER, nodeRelease(major), 'node_modules', 'node', 'bin', 'node'),
    );
  });

  it('fails with what to do when npm cannot reach its registry, leaving nothing behind', async () => {
    const major = nodeMajorOf(LAMBDA_RUNTIME);
    const registry = `http://127.0.0.1:${await freePort()}/`;
    const failed = nodeBinary(major, {
      root: scratch,
      env: {
        ...process.env,
        npm_config_registry: registry,
        npm_config_cache: join(scratch, 'npm-cache'),
        npm_config_fetch_retries: '0',
      },
    });
    await expect(failed).rejects.toThrow(NodeBinaryError);
    await expect(failed).rejects.toThrow(
      new RegExp(
        `^could not install Node\\.js ${nodeRelease(major).replace(/\./g, '\\.')} \\(the npm registry's node package\\)[^]*` +
          `Check that npm reaches its registry \\(\`npm view node@[\\d.]+ version\`\\), then run the command again; ` +
          `nothing runs on the tools' own Node\\.js`,
      ),
    );
    const folder = join(scratch, NODE_CACHE_FOLDER);
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
  });
});
