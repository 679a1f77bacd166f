import { resolve } from 'node:path';

/**
 * The project root, in a module of its own so that a tool needing only this path loads
 * neither cdktf nor esbuild. Entries are resolved against it, so synthesized paths never
 * depend on the machine.
 */
export const PROJECT_ROOT = resolve(__dirname, '..');
