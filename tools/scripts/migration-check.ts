/**
 * `npm run migration:check`: proves the migration to CDK Terrain (MIGRATING.md) on a copy of the
 * project in a scratch folder, and exits 0 only if cdktn's output equals cdktf's but for the CDK's
 * version stamp and the providers' version pins. `--keep` leaves the scratch folder for a look.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../common/cli';
import { UsageError } from '../common/errors';
import { checkMigration, describeDifference } from '../exit/cdktn';
import { inheritedEnvironment } from '../local/isolation';

runMain(async () => {
  const args = process.argv.slice(2);
  if (args.some((arg) => arg !== '--keep')) throw new UsageError('usage: npm run migration:check [-- --keep]');
  const scratch = mkdtempSync(join(tmpdir(), 'lambda-secrets-cdktn-'));
  const startedAt = performance.now();
  try {
    const { nodeVersion, differences } = await checkMigration(scratch, inheritedEnvironment(process.env));
    const unexpected = differences.filter((difference) => !difference.expected);
    const lines = [
      `cdktn synthesized on Node.js ${nodeVersion}; ${differences.length} difference(s) from cdktf's output, ${unexpected.length} unexpected`,
      ...differences.map(
        (difference) => `  ${difference.expected ? 'expected  ' : 'UNEXPECTED'} ${describeDifference(difference)}`,
      ),
      `Migration check ${unexpected.length === 0 ? 'passed' : 'FAILED'} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return unexpected.length === 0 ? 0 : 1;
  } finally {
    if (args.includes('--keep')) process.stdout.write(`Scratch folder kept: ${scratch}\n`);
    else rmSync(scratch, { recursive: true, force: true });
  }
});
