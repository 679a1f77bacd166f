/**
 * The project's conventions, checked over the whole tree rather than remembered: every error
 * class names itself, imports point one way (scripts → secret | local → common; functions stand
 * alone), and the tools that need no synthesis load neither cdktf nor esbuild.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';

/** Every TypeScript source file under `folder`, relative to the project root. */
function sourcesUnder(folder: string): string[] {
  return readdirSync(join(PROJECT_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => join(folder, path));
}

/** The modules `file` imports at run time (type-only imports load nothing), as written. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
  return [...text.matchAll(/^import (?!type )[^;]*? from '([^']+)';/gms)].map((match) => match[1]);
}

/** A relative import resolved to a project file, relative to the root; a package name as it is. */
function resolveImport(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const base = resolve(PROJECT_ROOT, dirname(file), specifier);
  const candidate = [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path));
  return relative(PROJECT_ROOT, candidate ?? base);
}

/** Every module `file` loads at run time, directly or through project files. */
function loadedBy(file: string, seen = new Set<string>()): Set<string> {
  for (const target of runtimeImports(file).map((specifier) => resolveImport(file, specifier))) {
    if (seen.has(target)) continue;
    seen.add(target);
    if (target.endsWith('.ts')) loadedBy(target, seen);
  }
  return seen;
}

const TOOLS = sourcesUnder('tools');

describe('imports', () => {
  it.each([
    ['tools/common/', ['tools/local/', 'tools/secret/', 'tools/scripts/', 'tools/bench/', 'tools/exit/']],
    ['tools/secret/', ['tools/local/', 'tools/scripts/', 'tools/bench/', 'tools/exit/']],
    ['tools/local/', ['tools/secret/', 'tools/scripts/', 'tools/bench/', 'tools/exit/']],
    ['tools/bench/', ['tools/secret/', 'tools/scripts/', 'tools/exit/']],
    ['tools/exit/', ['tools/secret/', 'tools/scripts/', 'tools/bench/']],
    ['tools/scripts/', ['tools/scripts/']],
  ])('from %s never reach into %o', (from, forbidden) => {
    const files = TOOLS.filter((file) => file.startsWith(from));
    expect(files.length).toBeGreaterThan(0);
    const violations = files.flatMap((file) =>
      runtimeImports(file)
        .map((specifier) => resolveImport(file, specifier))
        .filter((target) => forbidden.some((folder) => target.startsWith(folder)))
        .map((target) => `${file} → ${target}`),
    );
    expect(violations).toEqual([]);
  });

  it('from functions/ stay inside functions/, since only that folder is bundled', () => {
    const outside = sourcesUnder('functions').flatMap((file) =>
      runtimeImports(file)
        .map((specifier) => resolveImport(file, specifier))
        .filter((target) => target.endsWith('.ts') && !target.startsWith('functions/')),
    );
    expect(outside).toEqual([]);
  });

  it.each(['tools/scripts/secret.ts', 'tools/scripts/local-down.ts', 'tools/scripts/invoke-local.ts'])(
    'of %s load neither cdktf nor esbuild: it synthesizes nothing',
    (entry) => {
      const heavy = [...loadedBy(entry)].filter((module) => /^(cdktf|@cdktf\/|esbuild)/.test(module));
      expect(heavy).toEqual([]);
    },
  );
});

/** Modules that may be imported without side effects: not the entries, which run when loaded. */
const IMPORTABLE = [
  ...sourcesUnder('functions/shared'),
  ...sourcesUnder('lib'),
  ...sourcesUnder('stacks'),
  ...TOOLS,
].filter((file) => !file.startsWith('tools/scripts/'));

describe('error classes', () => {
  it('set `name` to their own class name, which survives minification', async () => {
    const errorClasses: [string, new (...args: unknown[]) => Error][] = [];
    for (const file of IMPORTABLE) {
      const exports = (await import(join(PROJECT_ROOT, file))) as Record<string, unknown>;
      for (const value of Object.values(exports)) {
        if (typeof value === 'function' && value.prototype instanceof Error) {
          errorClasses.push([file, value as new (...args: unknown[]) => Error]);
        }
      }
    }
    // functions, lib, tools/common, tools/secret and tools/local each define some.
    expect(errorClasses.length).toBeGreaterThan(20);
    // Stand-in arguments that every constructor can format: a one-element array prints, joins and stringifies.
    const misnamed = errorClasses
      .map(([file, ErrorClass]) => [file, ErrorClass.name, new ErrorClass(['x'], ['x'], ['x']).name])
      .filter(([, className, name]) => className !== name);
    expect(misnamed).toEqual([]);
  });
});
