import { App } from 'cdktf';
import { readOptions, SynthesisInputError } from './stacks/config';
import { addSampleStacks } from './stacks';

try {
  const app = new App();
  addSampleStacks(app, readOptions(app));
  app.synth();
} catch (error) {
  // A bad input is the user's to fix: its message alone, without a stack trace to bury it.
  if (!(error instanceof SynthesisInputError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = 1;
}
