/**
 * Who and where a smoke run deploys, reported before it deploys anything: the caller's identity
 * (STS GetCallerIdentity), the region, and the account's Lambda concurrency (GetAccountSettings),
 * against what the sample stacks would reserve.
 */
import { GetAccountSettingsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { UNRESERVED, type SampleOptions } from '../../stacks/config';
import { STACK_NAMES } from '../../stacks/methods';
import { unreachableReason } from '../common/aws';
import { ToolError } from '../common/errors';

/** The account's Lambda concurrency in the region, or why it is unknown. */
export type Concurrency =
  | { readonly known: true; readonly total: number; readonly unreserved: number }
  | { readonly known: false; readonly reason: string };

/** Who deploys, and where. */
export interface AccountReport {
  readonly account: string;
  readonly arn: string;
  readonly region: string;
  readonly concurrency: Concurrency;
}

/**
 * On a standard account AWS keeps 100 executions unreserved for the functions without a
 * reservation (fewer on an account with a lower quota), and refuses a reservation that would eat
 * into them.
 */
export const AWS_UNRESERVED_MINIMUM = 100;

/** What GetAccountSettings is missing on the emulator: moto answers it with a 404. */
export const EMULATOR_HAS_NO_ACCOUNT_SETTINGS =
  'the emulator does not implement GetAccountSettings (moto answers 404); on AWS this line shows the account’s figures';

/**
 * Reads the caller's identity and the account's concurrency.
 * @param onEmulator whether the clients talk to the local emulator, which has no account settings
 * @throws ToolError when the identity cannot be read (no credentials, no network): nothing is deployed then
 */
export async function readAccount(
  clients: { readonly sts: STSClient; readonly lambda: LambdaClient },
  region: string,
  onEmulator: boolean,
): Promise<AccountReport> {
  let identity;
  try {
    identity = await clients.sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    const reason =
      unreachableReason(error) ?? (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    throw new ToolError(
      `could not tell who you are (STS GetCallerIdentity): ${reason}. Set AWS credentials (AWS_PROFILE, SSO, ` +
        'environment variables) for the account to smoke-test; nothing was deployed',
      { cause: error },
    );
  }
  let concurrency: Concurrency;
  try {
    const { AccountLimit } = await clients.lambda.send(new GetAccountSettingsCommand({}));
    const total = AccountLimit?.ConcurrentExecutions;
    const unreserved = AccountLimit?.UnreservedConcurrentExecutions;
    concurrency =
      total === undefined || unreserved === undefined
        ? { known: false, reason: 'GetAccountSettings returned no AccountLimit' }
        : { known: true, total, unreserved };
  } catch (error) {
    concurrency = {
      known: false,
      reason: onEmulator
        ? EMULATOR_HAS_NO_ACCOUNT_SETTINGS
        : `GetAccountSettings failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    };
  }
  return { account: identity.Account ?? 'unknown', arn: identity.Arn ?? 'unknown', region, concurrency };
}

/** Executions the sample stacks reserve under `options`, all stacks together (the stand-in reserves none). */
export function executionsReserved(options: Pick<SampleOptions, 'reservedConcurrency'>): number {
  return options.reservedConcurrency === UNRESERVED ? 0 : options.reservedConcurrency * STACK_NAMES.length;
}

/** The report as lines, with a warning when the account cannot hold what the stacks reserve. */
export function formatAccount(report: AccountReport, reserved: number): string[] {
  const { concurrency } = report;
  const lines = [
    `  identity     ${report.arn}`,
    `  account      ${report.account}`,
    `  region       ${report.region} (the stacks' region option)`,
    concurrency.known
      ? `  concurrency  ${concurrency.total} executions (ConcurrentExecutions), ${concurrency.unreserved} unreserved (UnreservedConcurrentExecutions)`
      : `  concurrency  unknown: ${concurrency.reason}`,
    `  reserved     the sample stacks would reserve ${reserved} executions (reservedConcurrency)`,
  ];
  if (!concurrency.known) return lines;
  const fix =
    'set reservedConcurrency=unreserved (LAMBDA_SECRETS_RESERVED_CONCURRENCY=unreserved) or ask AWS for a higher quota';
  if (concurrency.unreserved < reserved) {
    lines.push(
      `⚠ warning: ${concurrency.unreserved} unreserved executions are fewer than the ${reserved} the stacks would reserve: ` +
        `Lambda will refuse the reservation and the deploy fails; ${fix}`,
    );
  } else if (reserved > 0 && concurrency.unreserved - reserved < AWS_UNRESERVED_MINIMUM) {
    lines.push(
      `⚠ warning: reserving ${reserved} would leave ${concurrency.unreserved - reserved} unreserved executions; AWS keeps a ` +
        `minimum (${AWS_UNRESERVED_MINIMUM} on a standard account) and may refuse the reservation; ${fix}`,
    );
  }
  return lines;
}
