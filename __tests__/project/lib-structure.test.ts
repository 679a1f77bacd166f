/**
 * The shape of lib/, the building blocks the package exports: it imports nothing of the sample
 * (stacks/, tools/) and no package the package does not depend on; no import loop in it or in
 * the sample's own modules (type imports included, since a loop of types still ties two modules
 * into one); and one root for everything synthesis refuses.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SynthesisInputError } from '../../lib/errors';
import { PROJECT_ROOT } from '../../lib/project-root';

/** The TypeScript modules under `folder`, relative to the root. */
function modulesUnder(folder: string): string[] {
  return readdirSync(join(PROJECT_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => join(folder, path));
}

/** What the package ships as code: the building blocks and the handlers they bundle. */
const PACKAGE_CODE = [...modulesUnder('lib'), ...modulesUnder('functions')];
const SAMPLE_CODE = modulesUnder('stacks');

/**
 * Every module specifier that `text` imports or re-exports from, types included: `from '…'`, a
 * bare `import '…'`, and `import('…')` or `require('…')` at run time.
 */
function specifiers(text: string): string[] {
  return [
    ...text.matchAll(/^(?:import|export)\b[^;]*? from '([^']+)';/gms),
    ...text.matchAll(/^import '([^']+)';/gm),
    ...text.matchAll(/\b(?:import|require)\(\s*'([^']+)'\s*\)/g),
  ].map(([, specifier]) => specifier);
}

/** The project modules that `file` imports, relative to the root. */
function localImports(file: string, text = readFileSync(join(PROJECT_ROOT, file), 'utf8')): string[] {
  return specifiers(text)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(PROJECT_ROOT, dirname(file), specifier))
    .map((base) => [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path)) ?? base)
    .map((path) => relative(PROJECT_ROOT, path));
}

/** The packages `text` imports, by name (`@scope/name` or `name`), Node's own left out. */
function packageImports(text: string): string[] {
  return specifiers(text)
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    )
    .filter((name) => !builtinModules.includes(name));
}

/** The imports of `files` that reach beyond `allowed` folders. */
function importsBeyond(files: readonly string[], allowed: readonly string[]): string[] {
  return files.flatMap((file) =>
    localImports(file)
      .filter((target) => !allowed.some((folder) => target.startsWith(`${folder}/`)))
      .map((target) => `${file} -> ${target}`),
  );
}

/** The first import loop found among `files`, as the path around it, or undefined. */
function findLoop(files: readonly string[], importsOf = (file: string) => localImports(file)): string[] | undefined {
  const done = new Set<string>();
  const visit = (file: string, path: string[]): string[] | undefined => {
    const at = path.indexOf(file);
    if (at >= 0) return [...path.slice(at), file];
    if (done.has(file)) return undefined;
    for (const next of importsOf(file)) {
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

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

describe('lib/', () => {
  it('imports nothing of the sample: only lib/ and the handler library', () => {
    expect(modulesUnder('lib')).toContain('lib/ssm-parameter-secret.ts');
    expect(importsBeyond(modulesUnder('lib'), ['lib', 'functions/shared'])).toEqual([]);
  });

  it('sees imports written every way: from, bare, import() and require()', () => {
    const text = "import { a } from './a';\nimport './b';\nconst c = await import('./c');\nconst d = require('./d');\n";
    expect(specifiers(text).sort()).toEqual(['./a', './b', './c', './d']);
  });

  it('finds an import of the sample when there is one (the check can fail)', () => {
    expect(importsBeyond(['stacks/method1-sample.ts'], ['lib', 'functions/shared'])).toContain(
      'stacks/method1-sample.ts -> stacks/config.ts',
    );
  });

  it('has handlers that import only the handler library and their own folder', () => {
    const handlers = modulesUnder('functions');
    expect(
      handlers.flatMap((file) =>
        localImports(file)
          .filter((target) => !target.startsWith('functions/shared/') && dirname(target) !== dirname(file))
          .map((target) => `${file} -> ${target}`),
      ),
    ).toEqual([]);
  });

  it('imports only packages that the package depends on (types: their @types package), so that an install of it brings them', () => {
    const missing = PACKAGE_CODE.flatMap((file) =>
      packageImports(readFileSync(join(PROJECT_ROOT, file), 'utf8'))
        .filter((name) => !(name in manifest.dependencies) && !(`@types/${name}` in manifest.dependencies))
        .map((name) => `${file}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('tells a dependency from a package it lacks (the check can fail)', () => {
    expect(packageImports("import { x } from 'vitest';\nimport { y } from '@aws-sdk/client-kms/dist';")).toEqual([
      'vitest',
      '@aws-sdk/client-kms',
    ]);
    expect('vitest' in manifest.dependencies).toBe(false);
  });

  it('has no import loop, and neither has the sample', () => {
    expect(findLoop(PACKAGE_CODE)).toBeUndefined();
    expect(findLoop(SAMPLE_CODE)).toBeUndefined();
  });

  it('finds a loop when there is one (the check can fail)', () => {
    const imports: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'] };
    expect(findLoop(['a'], (file) => imports[file] ?? [])).toEqual(['a', 'b', 'c', 'a']);
  });

  it('refuses every input under SynthesisInputError: each error class lib/ and the options export extends it', async () => {
    const errorClasses: string[] = [];
    const strays: string[] = [];
    for (const file of [...modulesUnder('lib'), ...modulesUnder('stacks/options')]) {
      const exports = (await import(join(PROJECT_ROOT, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
        errorClasses.push(name);
        if (value !== SynthesisInputError && !(value.prototype instanceof SynthesisInputError))
          strays.push(`${file}: ${name}`);
      }
    }
    expect(errorClasses).toEqual(
      expect.arrayContaining([
        'EnvironmentTooLargeError',
        'InvalidOptionError',
        'MissingEntryError',
        'UnknownOptionError',
      ]),
    );
    expect(strays).toEqual([]);
  });
});
