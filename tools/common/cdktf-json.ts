/**
 * The context of the project's cdktf.json, read without cdktf: the cdktf CLI hands this same
 * object to the app, so a tool that reads it here finds the options as synthesis does. This
 * module loads nothing but node:fs, so the secret CLI may use it (it must load neither cdktf nor
 * esbuild); the smoke run uses it too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

/** The project's cdktf.json. */
export const CDKTF_JSON = join(PROJECT_ROOT, 'cdktf.json');

/**
 * The `context` of a cdktf.json.
 * @param cdktfJson the file; @default the project's
 * @returns its context; none when the file or its context does not exist
 */
export function cdktfContext(cdktfJson = CDKTF_JSON): Record<string, unknown> {
  if (!existsSync(cdktfJson)) return {};
  const { context } = JSON.parse(readFileSync(cdktfJson, 'utf8')) as { context?: Record<string, unknown> };
  return context ?? {};
}
