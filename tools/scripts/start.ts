/**
 * `npm start`: deploys both stacks with real Terraform to a local AWS emulator, provisions
 * their token, invokes each deployed function locally and prints a summary.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STACK_NAMES } from '../../stacks/methods';
import { runMain, step } from '../common/cli';
import { LocalDeployment } from '../local/deployment';
import { assertPortAvailable, requestedEmulatorPort, requireMoto, startEmulator } from '../local/emulator';
import { inheritedEnvironment } from '../local/isolation';
import { findLocalRun, RUN_DIRECTORY, stopLocalRun, writeLocalRun } from '../local/run-record';
import { invokeWithUpstream, printSummary } from '../local/summary';
import { requireTerraform } from '../local/terraform';
import { startUpstream, tokenDigest } from '../local/upstream';

async function main(): Promise<number> {
  const startedAt = performance.now();
  const port = requestedEmulatorPort(process.env);
  // Whatever can fail is checked before a running local run is stopped, so a failed start keeps it.
  requireTerraform(inheritedEnvironment(process.env));
  requireMoto();
  if (port !== undefined) await assertPortAvailable(port, findLocalRun()?.emulatorPid);
  await step('Stop any previous local run', () => stopLocalRun());
  mkdirSync(RUN_DIRECTORY, { recursive: true });
  // A fresh random token per run: the upstream keeps only its digest, and nothing writes it to disk.
  const token = randomBytes(32).toString('base64url');
  const upstream = await step('Start the local upstream API', () => startUpstream(tokenDigest(token)));
  try {
    const emulator = await step('Start the AWS emulator (moto_server on 127.0.0.1)', () =>
      startEmulator({
        port,
        logFile: join(RUN_DIRECTORY, 'emulator.log'),
        // Recorded at once, so that whatever fails or interrupts next, `npm run local:down` can stop it.
        onSpawn: ({ endpoint, pid }) =>
          writeLocalRun({ endpoint, emulatorPid: pid, upstreamPort: upstream.port, tokenDigest: tokenDigest(token) }),
      }),
    );
    const deployment = new LocalDeployment({
      directory: RUN_DIRECTORY,
      endpoint: emulator.endpoint,
      targetUrl: upstream.url,
    });
    const deployed = await step(
      `Deploy ${STACK_NAMES.join(' and ')} (cdktf deploy; a write-only token via TF_VAR_api_token)`,
      () => deployment.deploy(token),
    );
    writeFileSync(join(RUN_DIRECTORY, 'deploy.log'), deployed.output);
    const outOfBand = deployment.outOfBandStacks().join(' and ');
    await step(`Provision the token of ${outOfBand} (npm run secret -- set <stack>)`, () =>
      deployment.provisionOutOfBand(token),
    );
    const results = [];
    for (const stack of STACK_NAMES) {
      results.push(
        await step(`Invoke ${stack} with a function URL event`, () => invokeWithUpstream(deployment, upstream, stack)),
      );
    }
    printSummary(results);
    process.stdout.write(
      `Total ${((performance.now() - startedAt) / 1000).toFixed(1)} s. The emulator keeps running at ${emulator.endpoint}: ` +
        '`npm run invoke:local -- <stack>` calls a function again, `npm run local:down` stops everything.\n',
    );
    return results.every((result) => result.ok) ? 0 : 1;
  } finally {
    await upstream.close();
  }
}

runMain(main);
