/** The secret store of each method, chosen by where the registry says the method keeps its token. */
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { isStackName, methodOf, STACK_NAMES, type SecretStoreKind, type StackName } from '../../lib/methods';
import { AWS_CLIENT_LIMITS } from '../common/aws';
import { UnknownStackError } from './errors';
import { FunctionEnvironmentSecretStore } from './function-environment-store';
import { SsmParameterSecretStore } from './ssm-parameter-store';
import type { SecretStore, SecretStoreClients, StorePermissions } from './store';

/** What a store class offers besides its instances: what its commands need, and what it does. */
export interface SecretStoreClass {
  new (stack: StackName, clients: SecretStoreClients): SecretStore;
  readonly permissions: StorePermissions;
  describe(stack: string): string;
}

/** The store class of each kind of place a method keeps its token. */
export const STORE_CLASSES: { readonly [Kind in SecretStoreKind]: SecretStoreClass } = {
  'function-environment': FunctionEnvironmentSecretStore,
  'ssm-parameter': SsmParameterSecretStore,
};

/** The store class that keeps `stack`'s token. */
export function storeClassOf(stack: StackName): SecretStoreClass {
  return STORE_CLASSES[methodOf(stack).secretStore];
}

/**
 * The store for `stack`'s secret. Without `clients` it talks to whatever the standard AWS
 * environment names (real AWS, or an emulator through `AWS_ENDPOINT_URL`), within the tools'
 * limits for every AWS call.
 * @throws UnknownStackError when `stack` is not one of {@link STACK_NAMES}
 */
export function createSecretStore(stack: string, clients: Partial<SecretStoreClients> = {}): SecretStore {
  if (!isStackName(stack)) throw new UnknownStackError(STACK_NAMES);
  return new (storeClassOf(stack))(stack, {
    lambda: clients.lambda ?? new LambdaClient(AWS_CLIENT_LIMITS),
    kms: clients.kms ?? new KMSClient(AWS_CLIENT_LIMITS),
    ssm: clients.ssm ?? new SSMClient(AWS_CLIENT_LIMITS),
  });
}
