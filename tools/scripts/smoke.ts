/**
 * `npm run smoke [-- --keep | --destroy <stage>]`: deploys the sample stacks once to the AWS
 * account of your credentials beside a stand-in upstream, calls both functions through their
 * URLs, prints a verdict per stack and destroys everything (see tools/smoke/run.ts).
 */
import { runMain } from '../common/cli';
import { UsageError } from '../common/errors';
import { destroySmoke, runSmoke, smokeExitStatus } from '../smoke/run';

const USAGE = `Usage: npm run smoke [-- --keep | --destroy <stage>]

Deploys both sample stacks to the AWS account of your credentials, in a stage of their own
(smoke + 5 random letters), beside a stand-in upstream that accepts only a fresh random token;
calls both functions through their function URLs (SigV4-signed), prints a verdict per stack,
then destroys all three stacks. Exit status 0 only if both passed and all was destroyed.

The stage is yours: it ignores secretWriterArns and terraformRunnerArns (you write its token, and
you run its Terraform). Your identity needs, besides deploy rights, iam:GetRole on its own role:
the AWS provider looks the role behind your session up to find who deploys.

  --keep              leave the stacks deployed
  --destroy <stage>   destroy what a run with --keep (or an interrupted one) left

With AWS_ENDPOINT_URL pointing at a local emulator it runs there instead (see docs/smoke.md).
`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const print = (text: string) => process.stdout.write(text);
  if (args.includes('--help') || args.includes('-h')) {
    print(USAGE);
    return 0;
  }
  if (args[0] === '--destroy') {
    if (args.length !== 2) throw new UsageError(`--destroy takes one stage\n${USAGE}`);
    return (await destroySmoke({ env: process.env, print, stage: args[1] })) ? 0 : 1;
  }
  const unknown = args.filter((arg) => arg !== '--keep');
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown[0]}\n${USAGE}`);
  const keep = args.includes('--keep');
  return smokeExitStatus(await runSmoke({ env: process.env, print, keep }), keep);
}

runMain(main);
