import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient, ListPoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { emulatorClientConfig } from '../../tools/local/emulator';

/** What an account holds of the kinds the stacks create. */
export interface Inventory {
  readonly functions: string[];
  readonly roles: string[];
  readonly policies: string[];
  readonly parameters: string[];
  /** Secrets Manager secrets, those scheduled for deletion included. */
  readonly secrets: string[];
  readonly logGroups: string[];
  readonly enabledKeys: string[];
}

/** An account that holds nothing of those kinds: what a destroy must leave. */
export const EMPTY_INVENTORY: Inventory = {
  functions: [],
  roles: [],
  policies: [],
  parameters: [],
  secrets: [],
  logGroups: [],
  enabledKeys: [],
};

/** Lists the account's functions, roles, customer-managed policies, parameters, secrets, log groups and enabled keys. */
export async function inventory(endpoint: string, region: string): Promise<Inventory> {
  const config = emulatorClientConfig(endpoint, region);
  const kms = new KMSClient(config);
  const keys = (await kms.send(new ListKeysCommand({}))).Keys ?? [];
  const states = await Promise.all(
    keys.map(async (key) => (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata),
  );
  return {
    functions: ((await new LambdaClient(config).send(new ListFunctionsCommand({}))).Functions ?? []).map(
      (f) => f.FunctionName ?? '',
    ),
    roles: ((await new IAMClient(config).send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName ?? ''),
    policies: ((await new IAMClient(config).send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map(
      (p) => p.PolicyName ?? '',
    ),
    parameters: ((await new SSMClient(config).send(new DescribeParametersCommand({}))).Parameters ?? []).map(
      (p) => p.Name ?? '',
    ),
    secrets: (
      (await new SecretsManagerClient(config).send(new ListSecretsCommand({ IncludePlannedDeletion: true })))
        .SecretList ?? []
    ).map((secret) => secret.Name ?? ''),
    logGroups: ((await new CloudWatchLogsClient(config).send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map(
      (g) => g.logGroupName ?? '',
    ),
    enabledKeys: states.filter((key) => key?.KeyState === 'Enabled').map((key) => key?.KeyId ?? ''),
  };
}
