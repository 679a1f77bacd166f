/** Method 2's store: the SSM SecureString that the function reads, written under the stack's key. */
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { GetParameterCommand, PutParameterCommand, type Parameter, type SSMClient } from '@aws-sdk/client-ssm';
import { ENV } from '../../functions/shared/contract';
import { keyAliasName, type StackName } from '../../lib/methods';
import { isAwsError } from '../common/aws';
import { AwsRequestError, FunctionNotConfiguredError } from './errors';
import { awsError, checkMode, checkToken, isProvisioned, readFunction } from './store';
import type { ProvisionMode, SecretStatus, SecretStore, SecretStoreClients, StorePermissions } from './store';

/** Method 2: an SSM SecureString, named by the function's environment, encrypted with the stack's key. */
export class SsmParameterSecretStore implements SecretStore {
  /**
   * What each command needs. Reading the parameter with decryption makes SSM call kms:Decrypt,
   * and writing a SecureString kms:Encrypt, both with the caller's permissions.
   */
  static readonly permissions: StorePermissions = {
    status: ['lambda:GetFunctionConfiguration', 'ssm:GetParameter', 'kms:Decrypt'],
    provision: [
      'lambda:GetFunctionConfiguration',
      'ssm:GetParameter',
      'kms:Decrypt',
      'kms:DescribeKey',
      'ssm:PutParameter',
      'kms:Encrypt',
    ],
  };

  /** What provisioning does, for the usage text. */
  static describe(stack: string): string {
    return `writes the SSM SecureString named by the function's ${ENV.apiTokenParameterName}, encrypted with ${keyAliasName(stack)}`;
  }

  readonly #lambda: LambdaClient;
  readonly #ssm: SSMClient;
  readonly #kms: KMSClient;

  constructor(
    readonly stack: StackName,
    { lambda, ssm, kms }: SecretStoreClients,
  ) {
    this.#lambda = lambda;
    this.#ssm = ssm;
    this.#kms = kms;
  }

  async provision(token: string, mode: ProvisionMode): Promise<string> {
    checkToken(token);
    const name = await this.#parameterName();
    const parameter = await this.#read(name);
    checkMode(mode, isProvisioned(parameter?.Value), this.stack, `SSM parameter ${name}`);
    const keyId = await this.#keyId();
    let version: number | undefined;
    try {
      ({ Version: version } = await this.#ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: token,
          Type: 'SecureString',
          Overwrite: true,
          KeyId: keyId,
        }),
      ));
    } catch (error) {
      throw awsError(error, 'ssm:PutParameter', name, [token]);
    }
    return `SSM parameter ${name} is now version ${version}`;
  }

  async status(): Promise<SecretStatus> {
    const name = await this.#parameterName();
    const parameter = await this.#read(name);
    if (!parameter) return { provisioned: false, location: `SSM parameter ${name}, which does not exist` };
    return {
      provisioned: isProvisioned(parameter.Value),
      location: `SSM parameter ${name}`,
      lastModified: parameter.LastModifiedDate,
      version: parameter.Version,
    };
  }

  /**
   * The id of the stack's key. The stack gives the parameter its key by id, and SSM reports
   * back whatever form it was last given: the alias here would show in every later plan as a
   * change of `key_id`.
   */
  async #keyId(): Promise<string> {
    const alias = keyAliasName(this.stack);
    let keyId: string | undefined;
    try {
      keyId = (await this.#kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata?.KeyId;
    } catch (error) {
      throw awsError(error, 'kms:DescribeKey', alias);
    }
    if (!keyId) throw new AwsRequestError(`kms:DescribeKey on ${alias} returned no key id`);
    return keyId;
  }

  async #parameterName(): Promise<string> {
    const configuration = await readFunction(this.#lambda, this.stack);
    const name = configuration.Environment?.Variables?.[ENV.apiTokenParameterName];
    if (!name) throw new FunctionNotConfiguredError(this.stack, ENV.apiTokenParameterName);
    return name;
  }

  /** The parameter with its decrypted value, which is only compared with the placeholder; undefined when missing. */
  async #read(name: string): Promise<Parameter | undefined> {
    try {
      return (await this.#ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter;
    } catch (error) {
      if (isAwsError(error, 'ParameterNotFound')) return undefined;
      throw awsError(error, 'ssm:GetParameter', name);
    }
  }
}
