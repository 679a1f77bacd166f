/** `npm run invoke:local -- <stack>`: invokes a function of the running local deployment again. */
import { isStackName, STACK_NAMES } from '../../lib/methods';
import { runMain } from '../common/cli';
import { UsageError } from '../common/errors';
import { LocalDeployment } from '../local/deployment';
import { readLocalRun, RUN_DIRECTORY } from '../local/run-record';
import { invokeWithUpstream, printSummary } from '../local/summary';
import { startUpstream } from '../local/upstream';

runMain(async () => {
  const args = process.argv.slice(2);
  const stacks = args.filter(isStackName);
  if (stacks.length === 0 || stacks.length < args.length) {
    const unknown = args.find((arg) => !isStackName(arg));
    throw new UsageError(
      `usage: npm run invoke:local -- <${STACK_NAMES.join('|')}>...${unknown ? ` (unknown stack "${unknown}")` : ''}`,
    );
  }
  const run = readLocalRun();
  // The functions were deployed with this upstream's URL; it accepts only the token npm start made.
  const upstream = await startUpstream(run.tokenDigest, run.upstreamPort);
  try {
    const deployment = new LocalDeployment({
      directory: RUN_DIRECTORY,
      endpoint: run.endpoint,
      targetUrl: upstream.url,
    });
    const results = [];
    for (const stack of stacks) results.push(await invokeWithUpstream(deployment, upstream, stack));
    printSummary(results);
    return results.every((result) => result.ok) ? 0 : 1;
  } finally {
    await upstream.close();
  }
});
