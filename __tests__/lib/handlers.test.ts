import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDLER_SOURCES, handlerEntry, type HandlerName } from '../../lib/handlers';
import { PROJECT_ROOT } from '../../lib/project-root';

const NAMES = Object.keys(HANDLER_SOURCES) as HandlerName[];

describe('the shipped handlers', () => {
  it.each(NAMES)('has the source of %s in the package', (name) => {
    expect(existsSync(join(PROJECT_ROOT, HANDLER_SOURCES[name]))).toBe(true);
  });

  it.each(NAMES)('names %s by an absolute path, so that an app elsewhere bundles it', (name) => {
    const entry = handlerEntry(name);
    expect([isAbsolute(entry), existsSync(entry), entry.endsWith(HANDLER_SOURCES[name])]).toEqual([true, true, true]);
  });
});
