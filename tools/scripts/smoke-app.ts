/**
 * The cdktf app of the smoke run's stand-in upstream (`npm run smoke` runs
 * `cdktf deploy --app "node --import tsx tools/scripts/smoke-app.ts"`): one stack, in the smoke
 * stage, with the sample stacks' options (region, stage, state backend, packaging) and the
 * SHA-256 of the smoke token. main.ts stays the sample stacks' app alone.
 */
import { App } from 'cdktf';
import { readOptions, SynthesisInputError } from '../../stacks/config';
import { SmokeUpstreamStack, UPSTREAM_DIGEST_VARIABLE } from '../smoke/upstream-stack';

try {
  const app = new App();
  const options = readOptions(app);
  const tokenDigest = process.env[UPSTREAM_DIGEST_VARIABLE] ?? '';
  if (!options.stage || !/^[0-9a-f]{64}$/.test(tokenDigest)) {
    throw new SynthesisInputError(
      `the stand-in needs a stage (LAMBDA_SECRETS_STAGE) and ${UPSTREAM_DIGEST_VARIABLE}: run it with \`npm run smoke\``,
    );
  }
  new SmokeUpstreamStack(app, { options, tokenDigest });
  app.synth();
} catch (error) {
  if (!(error instanceof SynthesisInputError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = 1;
}
