/** `npm run invoke:local -- <stack>`: invokes a function of the running local deployment again. */
import { ToolError } from './errors';
import { LocalDeployment, STACKS, StackName } from './local-deployment';
import { invokeWithUpstream, printSummary } from './local-invocation';
import { readLocalRun, RUN_DIRECTORY, runMain } from './local-run';
import { startUpstream } from './upstream';

runMain(async () => {
  const stacks = process.argv.slice(2);
  const unknown = stacks.find((stack) => !(STACKS as readonly string[]).includes(stack));
  if (stacks.length === 0 || unknown) {
    throw new ToolError(`usage: npm run invoke:local -- <${STACKS.join('|')}>...${unknown ? ` (unknown stack "${unknown}")` : ''}`);
  }
  const run = readLocalRun();
  // The functions were deployed with this upstream's URL; it accepts only the token npm start made.
  const upstream = await startUpstream(run.tokenDigest, run.upstreamPort);
  try {
    const deployment = new LocalDeployment({ directory: RUN_DIRECTORY, endpoint: run.endpoint, targetUrl: upstream.url });
    const results = [];
    for (const stack of stacks as StackName[]) results.push(await invokeWithUpstream(deployment, upstream, stack));
    printSummary(results);
    return results.every((result) => result.ok) ? 0 : 1;
  } finally {
    await upstream.close();
  }
});
