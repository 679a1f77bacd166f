/** `npm run local:down`: stops the emulator that `npm start` left running and removes the run's files. */
import { runMain } from '../common/cli';
import { RUN_DIRECTORY, stopLocalRun } from '../local/run-record';

runMain(async () => {
  const messages = {
    stopped: `Local run stopped; ${RUN_DIRECTORY} removed.\n`,
    'files-only': `No emulator was running; the files of the last local run (${RUN_DIRECTORY}) were removed.\n`,
    none: 'No local run to stop.\n',
  };
  process.stdout.write(messages[await stopLocalRun()]);
  return 0;
});
