/**
 * Regenerates the upgrade test's fixture (`__tests__/e2e/fixtures/upgrade-from-<commit>/`):
 * `npx tsx __tests__/support/regenerate-upgrade-fixture.ts`. See {@link generateFixture}.
 */
import { relative } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { FIXTURE_COMMIT, FIXTURE_DIRECTORY, FIXTURE_OPTIONS, generateFixture } from './upgrade';

generateFixture().then(
  (stacks) => {
    const where = relative(PROJECT_ROOT, FIXTURE_DIRECTORY);
    const options = JSON.stringify(FIXTURE_OPTIONS);
    process.stdout.write(`${where}: ${stacks.join(', ')} as ${FIXTURE_COMMIT} synthesized them with ${options}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
