/** `npm run local:down`: stops the emulator that `npm start` left running and removes the run's files. */
import { runMain } from '../common/cli';
import { stopLocalRun } from '../local/run-record';

runMain(async () => {
  process.stdout.write((await stopLocalRun()) ? 'Local run stopped and removed.\n' : 'No local run to stop.\n');
  return 0;
});
