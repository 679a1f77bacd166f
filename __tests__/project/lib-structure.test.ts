/**
 * The shape of lib/: no import loop among its modules (type imports included, since a loop of
 * types still ties two modules into one), and one root for everything synthesis refuses.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SynthesisInputError } from '../../lib/errors';
import { PROJECT_ROOT } from '../../lib/project-root';

const LIB = readdirSync(join(PROJECT_ROOT, 'lib'), { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.ts'))
  .map((path) => join('lib', path));

/** The lib/ modules that `file` imports or re-exports from, types included, relative to the root. */
function libImports(file: string): string[] {
  const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*? from '(\.[^']+)';/gms)]
    .map(([, specifier]) => resolve(PROJECT_ROOT, dirname(file), specifier))
    .map((base) => [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path)) ?? base)
    .map((path) => relative(PROJECT_ROOT, path))
    .filter((path) => path.startsWith('lib/'));
}

/** The first import loop found among `files`, as the path around it, or undefined. */
function findLoop(files: readonly string[]): string[] | undefined {
  const done = new Set<string>();
  const visit = (file: string, path: string[]): string[] | undefined => {
    const at = path.indexOf(file);
    if (at >= 0) return [...path.slice(at), file];
    if (done.has(file)) return undefined;
    for (const next of libImports(file)) {
      const loop = visit(next, [...path, file]);
      if (loop) return loop;
    }
    done.add(file);
    return undefined;
  };
  for (const file of files) {
    const loop = visit(file, []);
    if (loop) return loop;
  }
  return undefined;
}

describe('lib/', () => {
  it('has no import loop', () => {
    expect(LIB).toContain('lib/methods.ts');
    expect(findLoop(LIB)).toBeUndefined();
  });

  it('finds a loop when there is one (the check can fail)', () => {
    // lib/config.ts re-exports lib/options/schema.ts; a schema importing config back would close a loop.
    expect(libImports('lib/config.ts')).toContain('lib/options/schema.ts');
    expect(libImports('lib/methods.ts')).toEqual([]);
  });

  it('refuses every input under SynthesisInputError: each error class it exports extends it', async () => {
    const errorClasses: string[] = [];
    const strays: string[] = [];
    for (const file of LIB) {
      const exports = (await import(join(PROJECT_ROOT, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
        errorClasses.push(name);
        if (value !== SynthesisInputError && !(value.prototype instanceof SynthesisInputError))
          strays.push(`${file}: ${name}`);
      }
    }
    expect(errorClasses).toEqual(
      expect.arrayContaining(['EnvironmentTooLargeError', 'InvalidOptionError', 'UnknownOptionError']),
    );
    expect(strays).toEqual([]);
  });
});
