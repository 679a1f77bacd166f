/** The secret store of each method, chosen by where the registry says the method keeps its token. */
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { methodOf, parseStackName, STACK_NAMES, type SecretStoreKind, type StackName } from '../../stacks/methods';
import { AWS_CLIENT_LIMITS } from '../common/aws';
import { UnknownStackError } from './errors';
import { FunctionEnvironmentSecretStore } from './function-environment-store';
import { SecretsManagerSecretStore } from './secrets-manager-store';
import { SsmParameterSecretStore } from './ssm-parameter-store';
import type { SecretStore, SecretStoreClients, StorePermissions } from './store';

/** What a store class offers besides its instances: what its commands need, and what it does. */
export interface SecretStoreClass {
  new (stack: string, clients: SecretStoreClients): SecretStore;
  readonly permissions: StorePermissions;
  describe(stack: string): string;
}

/** The store class of each kind of place a method keeps its token. */
export const STORE_CLASSES: { readonly [Kind in SecretStoreKind]: SecretStoreClass } = {
  'function-environment': FunctionEnvironmentSecretStore,
  'ssm-parameter': SsmParameterSecretStore,
  'secrets-manager': SecretsManagerSecretStore,
};

/** The store class that keeps the token of `stack`'s method, in any stage. */
export function storeClassOf(stack: StackName): SecretStoreClass {
  return STORE_CLASSES[methodOf(stack).secretStore];
}

/**
 * The store for `stack`'s secret. Without `clients` it talks to whatever the standard AWS
 * environment names (real AWS, or an emulator through `AWS_ENDPOINT_URL`), within the tools'
 * limits for every AWS call.
 * @param stack a stack's name in its stage: one of {@link STACK_NAMES}, or one with `-<stage>`
 * @param region the region of the clients it builds; by default the standard chain's (AWS_REGION,
 *   the profile), which the CLI does not use: it passes the stacks' region (see region.ts)
 * @throws UnknownStackError when `stack` names none of them
 */
export function createSecretStore(
  stack: string,
  clients: Partial<SecretStoreClients> = {},
  region?: string,
): SecretStore {
  const staged = parseStackName(stack);
  if (!staged) throw new UnknownStackError(STACK_NAMES);
  const config = region === undefined ? AWS_CLIENT_LIMITS : { ...AWS_CLIENT_LIMITS, region };
  return new (storeClassOf(staged.stackName))(stack, {
    lambda: clients.lambda ?? new LambdaClient(config),
    kms: clients.kms ?? new KMSClient(config),
    ssm: clients.ssm ?? new SSMClient(config),
    secretsManager: clients.secretsManager ?? new SecretsManagerClient(config),
  });
}
