/** Method 3's store: the Secrets Manager secret that the function reads; Terraform owns only its container. */
import type { KMSClient } from '@aws-sdk/client-kms';
import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  type DescribeSecretCommandOutput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ENV } from '../../functions/shared/contract';
import { keyAliasName } from '../../lib/secret-names';
import { isAwsError } from '../common/aws';
import { FunctionNotConfiguredError, SecretKeyMismatchError, SecretScheduledForDeletionError } from './errors';
import { awsError, checkKeyAlias, checkMode, checkToken, readFunction, stackKey, type StackKey } from './store';
import type { ProvisionMode, SecretStatus, SecretStore, SecretStoreClients, StorePermissions } from './store';

/** The staging label of the version the function reads. */
const CURRENT = 'AWSCURRENT';

/** Method 3: a Secrets Manager secret, named by the function's environment, encrypted with the stack's key. */
export class SecretsManagerSecretStore implements SecretStore {
  /**
   * What each command needs. Nothing here reads the value: `status` answers from the version
   * metadata (DescribeSecret), and writing a value makes Secrets Manager generate a data key
   * under the secret's key with the caller's permissions, never decrypt.
   */
  static readonly permissions: StorePermissions = {
    status: ['lambda:GetFunctionConfiguration', 'secretsmanager:DescribeSecret'],
    provision: [
      'lambda:GetFunctionConfiguration',
      'secretsmanager:DescribeSecret',
      'kms:DescribeKey',
      'secretsmanager:PutSecretValue',
      'kms:GenerateDataKey',
    ],
  };

  /** What provisioning does, for the usage text. */
  static describe(stack: string): string {
    return (
      `puts a new version of the Secrets Manager secret named by the function's ${ENV.apiTokenSecretId} ` +
      `(it becomes ${CURRENT}; with ${ENV.apiTokenSecretJsonField}, a JSON object holding the token in that field), ` +
      `refused unless the secret is under the key in its ${ENV.kmsKeyArn} and ${keyAliasName(stack)} points there`
    );
  }

  readonly #lambda: LambdaClient;
  readonly #secretsManager: SecretsManagerClient;
  readonly #kms: KMSClient;

  constructor(
    readonly stack: string,
    { lambda, secretsManager, kms }: SecretStoreClients,
  ) {
    this.#lambda = lambda;
    this.#secretsManager = secretsManager;
    this.#kms = kms;
  }

  async provision(token: string, mode: ProvisionMode): Promise<string> {
    checkToken(token);
    const configuration = await readFunction(this.#lambda, this.stack);
    const secretId = this.#secretId(configuration);
    const secret = await this.#describe(secretId);
    if (secret.DeletedDate) throw new SecretScheduledForDeletionError(secretId);
    checkMode(mode, currentVersion(secret) !== undefined, this.stack, `secret ${secretId}`);
    const key = stackKey(configuration, this.stack);
    checkSecretKey(secret, key, secretId);
    await checkKeyAlias(this.#kms, this.stack, key);
    const jsonField = configuration.Environment?.Variables?.[ENV.apiTokenSecretJsonField]?.trim();
    // With a JSON field the function reads that field: the value is an object holding it. The
    // writer cannot read the secret, so any other field of a previous value is not carried over.
    const secretString = jsonField ? JSON.stringify({ [jsonField]: token }) : token;
    let version: string | undefined;
    try {
      ({ VersionId: version } = await this.#secretsManager.send(
        new PutSecretValueCommand({ SecretId: secretId, SecretString: secretString }),
      ));
    } catch (error) {
      throw awsError(error, 'secretsmanager:PutSecretValue', secretId, [token, secretString]);
    }
    const stored = jsonField ? ` (the token in its field ${JSON.stringify(jsonField)})` : '';
    return `secret ${secretId} now has version ${version} as ${CURRENT}${stored}`;
  }

  async status(): Promise<SecretStatus> {
    const secretId = this.#secretId(await readFunction(this.#lambda, this.stack));
    const secret = await this.#describe(secretId);
    const version = currentVersion(secret);
    // A secret marked for deletion keeps its versions, but the function can no longer read them.
    const deleted = secret.DeletedDate !== undefined;
    return {
      provisioned: version !== undefined && !deleted,
      location: deleted ? `secret ${secretId}, which is marked for deletion` : `secret ${secretId}`,
      lastModified: secret.LastChangedDate,
      version,
    };
  }

  #secretId(configuration: FunctionConfiguration): string {
    const id = configuration.Environment?.Variables?.[ENV.apiTokenSecretId];
    if (!id) throw new FunctionNotConfiguredError(this.stack, ENV.apiTokenSecretId);
    return id;
  }

  /** The secret's metadata, its versions' stages included; never its value. */
  async #describe(secretId: string): Promise<DescribeSecretCommandOutput> {
    try {
      return await this.#secretsManager.send(new DescribeSecretCommand({ SecretId: secretId }));
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException'))
        throw awsError(error, 'secretsmanager:DescribeSecret', `${secretId} (is the stack deployed?)`);
      throw awsError(error, 'secretsmanager:DescribeSecret', secretId);
    }
  }
}

/** The id of the version that holds AWSCURRENT, or undefined while no value was ever put. */
function currentVersion(secret: DescribeSecretCommandOutput): string | undefined {
  return Object.entries(secret.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes(CURRENT))?.[0];
}

/**
 * Refuses a secret encrypted under another key than the stack's: the stack created it under its
 * own, so another key means someone changed it, and the value would be readable under theirs.
 * @throws SecretKeyMismatchError
 */
function checkSecretKey(secret: DescribeSecretCommandOutput, key: StackKey, secretId: string): void {
  const kmsKeyId = secret.KmsKeyId;
  if (kmsKeyId === key.arn || kmsKeyId === key.id) return;
  throw new SecretKeyMismatchError(secretId, kmsKeyId ?? 'the AWS managed key aws/secretsmanager', key.arn);
}
