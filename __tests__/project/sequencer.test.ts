import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';

describe('the files that start first (__tests__/start-order.json)', () => {
  const order = JSON.parse(readFileSync(join(PROJECT_ROOT, '__tests__/start-order.json'), 'utf8')) as string[];

  it('names every end-to-end file', () => {
    const files = readdirSync(join(PROJECT_ROOT, '__tests__/e2e'))
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => `__tests__/e2e/${name}`);
    expect(files.filter((file) => !order.includes(file))).toEqual([]);
  });

  it('names only test files that exist, each once', () => {
    expect(order.filter((file) => !file.endsWith('.test.ts') || !existsSync(join(PROJECT_ROOT, file)))).toEqual([]);
    expect(new Set(order).size).toBe(order.length);
  });
});
