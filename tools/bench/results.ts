/** Where a full benchmark run leaves its figures: the table in docs/benchmarks.md and `benchmarks.json`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { PROJECT_ROOT } from '../../lib/project-root';
import {
  benchDocument,
  describeContext,
  markdownTable,
  replaceBetweenMarkers,
  type Figure,
  type MeasurementContext,
} from './report';

/** The JSON document of the last full run, relative to the project root. */
export const RESULTS_FILE = 'benchmarks.json';

/** The page whose markers hold the table of the last full run, relative to the project root. */
export const BENCHMARK_PAGE = 'docs/benchmarks.md';

/** The context line and the table, as the benchmark page shows them. */
export function readmeTable(figures: readonly Figure[], context: MeasurementContext): string {
  return `${describeContext(context)}\n\n${markdownTable(figures)}`;
}

/**
 * Rewrites the table between the benchmark page's markers and the JSON document. The JSON is
 * formatted as Prettier would (`npm run lint` checks it), the table is aligned by nobody (Prettier
 * leaves Markdown alone here).
 */
export async function writeResults(figures: readonly Figure[], context: MeasurementContext): Promise<void> {
  const page = join(PROJECT_ROOT, BENCHMARK_PAGE);
  writeFileSync(page, replaceBetweenMarkers(readFileSync(page, 'utf8'), readmeTable(figures, context)));
  const file = join(PROJECT_ROOT, RESULTS_FILE);
  const options = await resolveConfig(file);
  writeFileSync(file, await format(JSON.stringify(benchDocument(figures, context)), { ...options, filepath: file }));
}
