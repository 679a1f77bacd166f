/** `npm run invoke:local -- <stack>`: invokes a function of the running local deployment again. */
import { parseStackName, STACK_NAMES } from '../../stacks/methods';
import { runMain } from '../common/cli';
import { UsageError } from '../common/errors';
import { LocalDeployment } from '../local/deployment';
import { readLocalRun, RUN_DIRECTORY } from '../local/run-record';
import { invokeWithUpstream, printSummary } from '../local/summary';
import { startUpstream } from '../local/upstream';

runMain(async () => {
  const args = process.argv.slice(2);
  const stacks = args.map(parseStackName).filter((stack) => stack !== undefined);
  if (stacks.length === 0 || stacks.length < args.length) {
    const unknown = args.find((arg) => !parseStackName(arg));
    throw new UsageError(
      `usage: npm run invoke:local -- <${STACK_NAMES.join('|')}>[-<stage>]...${unknown ? ` (unknown stack "${unknown}")` : ''}`,
    );
  }
  const run = readLocalRun();
  // The functions were deployed with this upstream's URL; it accepts only the token npm start made.
  const upstream = await startUpstream(run.tokenDigest, run.upstreamPort);
  try {
    const results = [];
    for (const { stackName, stage } of stacks) {
      const deployment = new LocalDeployment({
        directory: RUN_DIRECTORY,
        endpoint: run.endpoint,
        targetUrl: upstream.url,
        options: { stage },
      });
      results.push(await invokeWithUpstream(deployment, upstream, stackName));
    }
    printSummary(results);
    return results.every((result) => result.ok) ? 0 : 1;
  } finally {
    await upstream.close();
  }
});
