import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';

describe('the order the end-to-end files start in (__tests__/e2e/start-order.json)', () => {
  it('names every end-to-end file once, and nothing else', () => {
    const order = JSON.parse(readFileSync(join(PROJECT_ROOT, '__tests__/e2e/start-order.json'), 'utf8')) as string[];
    const files = readdirSync(join(PROJECT_ROOT, '__tests__/e2e'))
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => `__tests__/e2e/${name}`);
    expect([...order].sort()).toEqual(files.sort());
  });
});
