/** Method 2: the token is an SSM SecureString parameter, named in an environment variable. */
import { GetParameterCommand, type GetParameterCommandOutput } from '@aws-sdk/client-ssm';
import { SecretRetrievalError } from './errors';
import { SecretProvider, type SecretProviderOptions } from './secret-provider';

/** The part of `SSMClient` this provider uses, so tests can pass a fake with `send`. */
export interface SsmGetParameterClient {
  send(command: GetParameterCommand, options?: { abortSignal?: AbortSignal }): Promise<GetParameterCommandOutput>;
}

/** Reads a SecureString parameter, decrypted by SSM with the parameter's KMS key. */
export class SsmSecretProvider extends SecretProvider {
  readonly #client: SsmGetParameterClient;
  readonly #parameterName: string;

  /**
   * @param client - An `SSMClient`, or a fake with the same `send`.
   * @param parameterName - Name or ARN of the SecureString parameter.
   * @param options - Cache and timeout settings.
   */
  constructor(client: SsmGetParameterClient, parameterName: string, options?: SecretProviderOptions) {
    super(`SSM parameter ${parameterName}`, options);
    this.#client = client;
    this.#parameterName = parameterName;
  }

  protected async fetch(signal: AbortSignal): Promise<string> {
    const { Parameter } = await this.#client.send(
      new GetParameterCommand({ Name: this.#parameterName, WithDecryption: true }),
      { abortSignal: signal },
    );
    if (Parameter?.Value === undefined) {
      throw new SecretRetrievalError(`${this.source} has no value`);
    }
    return Parameter.Value;
  }
}
