import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `directory` that contains one of `secrets`, as relative paths. */
export function filesContaining(directory: string, secrets: readonly string[], skip: readonly string[] = []): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (skip.includes(entry.name)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && containsAny(readFileSync(path).toString('latin1'), secrets)) {
        found.push(relative(directory, path));
      }
    }
  };
  walk(directory);
  return found;
}

/** Whether `text` contains one of `secrets`. */
export function containsAny(text: string, secrets: readonly string[]): boolean {
  return secrets.some((secret) => text.includes(secret));
}
