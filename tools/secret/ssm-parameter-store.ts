/** Method 2's store: the SSM SecureString that the function reads, written under the stack's key. */
import type { KMSClient } from '@aws-sdk/client-kms';
import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetParameterCommand,
  LabelParameterVersionCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  type Parameter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { ENV } from '../../functions/shared/contract';
import { keyAliasName, SECRET_DELIVERY_TAG } from '../../lib/secret-names';
import { isAwsError } from '../common/aws';
import { FunctionNotConfiguredError } from './errors';
import { awsError, checkKeyAlias, checkMode, checkToken, readFunction, stackKey } from './store';
import type { ProvisionMode, SecretStatus, SecretStore, SecretStoreClients, StorePermissions } from './store';

/** The label the CLI puts on each version it writes. */
const PROVISIONED_LABEL = 'provisioned';

/** Method 2: an SSM SecureString, named by the function's environment, encrypted with the stack's key. */
export class SsmParameterSecretStore implements SecretStore {
  /**
   * What each command needs. Nothing here decrypts the parameter, so a writer needs no
   * kms:Decrypt; writing a SecureString makes SSM call kms:Encrypt with the caller's permissions.
   * `DescribeKey` checks where the alias points.
   */
  static readonly permissions: StorePermissions = {
    status: ['lambda:GetFunctionConfiguration', 'ssm:GetParameter', 'ssm:ListTagsForResource'],
    provision: [
      'lambda:GetFunctionConfiguration',
      'ssm:GetParameter',
      'ssm:ListTagsForResource',
      'kms:DescribeKey',
      'ssm:PutParameter',
      'kms:Encrypt',
      'ssm:LabelParameterVersion',
    ],
  };

  /** What provisioning does, for the usage text. */
  static describe(stack: string): string {
    return (
      `writes the SSM SecureString named by the function's ${ENV.apiTokenParameterName}, encrypted with ` +
      `the key in its ${ENV.kmsKeyArn} (refused if ${keyAliasName(stack)} points elsewhere)`
    );
  }

  readonly #lambda: LambdaClient;
  readonly #ssm: SSMClient;
  readonly #kms: KMSClient;

  constructor(
    readonly stack: string,
    { lambda, ssm, kms }: SecretStoreClients,
  ) {
    this.#lambda = lambda;
    this.#ssm = ssm;
    this.#kms = kms;
  }

  async provision(token: string, mode: ProvisionMode): Promise<string> {
    checkToken(token);
    const configuration = await readFunction(this.#lambda, this.stack);
    const name = this.#parameterName(configuration);
    checkMode(mode, (await this.#state(name)).provisioned, this.stack, `SSM parameter ${name}`);
    const key = stackKey(configuration, this.stack);
    await checkKeyAlias(this.#kms, this.stack, key);
    let version: number | undefined;
    try {
      ({ Version: version } = await this.#ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: token,
          Type: 'SecureString',
          Overwrite: true,
          // The key's id, not its ARN: the stack gives the parameter its key by id, and SSM reports
          // back whatever form it was last given, so an ARN here would show in every later plan as
          // a change of `key_id`.
          KeyId: key.id,
        }),
      ));
    } catch (error) {
      throw awsError(error, 'ssm:PutParameter', name, [token]);
    }
    try {
      // The label moves to this version: how `status` tells the token from the placeholder
      // without decrypting either.
      await this.#ssm.send(
        new LabelParameterVersionCommand({ Name: name, ParameterVersion: version, Labels: [PROVISIONED_LABEL] }),
      );
    } catch (error) {
      throw awsError(error, 'ssm:LabelParameterVersion', name);
    }
    return `SSM parameter ${name} is now version ${version}`;
  }

  async status(): Promise<SecretStatus> {
    const name = this.#parameterName(await readFunction(this.#lambda, this.stack));
    const { latest, provisioned } = await this.#state(name);
    if (!latest) return { provisioned: false, location: `SSM parameter ${name}, which does not exist` };
    return {
      provisioned,
      location: `SSM parameter ${name}`,
      lastModified: latest.LastModifiedDate,
      version: latest.Version,
    };
  }

  /**
   * Whether the parameter holds a token, told without decrypting it: Terraform wrote the token
   * itself under write-only delivery (the stack tags the parameter with its delivery), or the
   * latest version is one this CLI wrote and labelled; otherwise it is Terraform's placeholder.
   */
  async #state(name: string): Promise<{ latest?: Parameter; provisioned: boolean }> {
    const latest = await this.#read(name);
    if (!latest) return { provisioned: false };
    if ((await this.#delivery(name)) === 'write-only') return { latest, provisioned: true };
    const labelled = await this.#read(`${name}:${PROVISIONED_LABEL}`);
    return { latest, provisioned: labelled !== undefined && labelled.Version === latest.Version };
  }

  /** The delivery the stack tagged the parameter with, if any. */
  async #delivery(name: string): Promise<string | undefined> {
    try {
      const { TagList } = await this.#ssm.send(
        new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }),
      );
      return TagList?.find((tag) => tag.Key === SECRET_DELIVERY_TAG)?.Value;
    } catch (error) {
      throw awsError(error, 'ssm:ListTagsForResource', name);
    }
  }

  #parameterName(configuration: FunctionConfiguration): string {
    const name = configuration.Environment?.Variables?.[ENV.apiTokenParameterName];
    if (!name) throw new FunctionNotConfiguredError(this.stack, ENV.apiTokenParameterName);
    return name;
  }

  /** The parameter (or the version a `name:label` selector names), never decrypted; undefined when missing. */
  async #read(name: string): Promise<Parameter | undefined> {
    try {
      return (await this.#ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }))).Parameter;
    } catch (error) {
      if (isAwsError(error, 'ParameterNotFound') || isAwsError(error, 'ParameterVersionLabelNotFound'))
        return undefined;
      throw awsError(error, 'ssm:GetParameter', name);
    }
  }
}
