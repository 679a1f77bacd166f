/**
 * Methods 2 and 3 through the AWS Parameters and Secrets Lambda Extension: the extension, a layer
 * running beside the function, reads the SecureString parameter or the Secrets Manager secret
 * with the function's role; the function asks it over HTTP on localhost instead of calling SSM or
 * Secrets Manager itself.
 */
import { PARAMETERS_EXTENSION } from './contract';
import { SecretNotProvisionedError, SecretRetrievalError } from './errors';
import { SecretProvider, type SecretProviderOptions } from './secret-provider';
import { NO_CURRENT_VERSION, saysNoCurrentVersion, tokenOfSecretValue } from './secrets-manager-value';

/** Where the extension listens, and how the function proves that it runs beside it. */
export interface ExtensionConnectionProps {
  /** The extension's port on localhost. */
  readonly port: number;
  /**
   * The function's session token, which the extension requires in
   * {@link PARAMETERS_EXTENSION.tokenHeader}; read per request, as Lambda may renew it.
   */
  readonly sessionToken: () => string | undefined;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
}

/** Method 2: a SecureString parameter, read with decryption. */
export interface ExtensionParameterProps extends ExtensionConnectionProps {
  /** Name or ARN of the SecureString parameter. */
  readonly parameterName: string;
  readonly secretId?: never;
}

/** Method 3: a Secrets Manager secret's AWSCURRENT version. */
export interface ExtensionSecretProps extends ExtensionConnectionProps {
  /** ARN or name of the secret. */
  readonly secretId: string;
  /**
   * The field of the secret's JSON object whose string value is the token; undefined: the whole
   * SecretString is the token.
   */
  readonly jsonField?: string;
  readonly parameterName?: never;
}

/** What {@link ExtensionSecretProvider} needs besides the cache settings: a parameter or a secret. */
export type ExtensionSecretProviderProps = ExtensionParameterProps | ExtensionSecretProps;

/** What differs between the extension's two stores: the request, and how to read its answers. */
interface ExtensionRoute {
  /** Where the secret lives, for messages. */
  readonly source: string;
  readonly path: string;
  readonly query: Record<string, string>;
  /** The token in a successful answer, parsed (undefined if it was not JSON); throws if none. */
  readonly tokenOf: (answer: unknown, source: string) => string;
  /** Whether the body of a refusal says that the secret has no value yet. */
  readonly saysNotProvisioned?: (body: string) => boolean;
}

const VIA_EXTENSION = '(through the Parameters and Secrets extension)';

function routeOf(props: ExtensionSecretProviderProps): ExtensionRoute {
  if (props.secretId !== undefined) {
    const { secretId, jsonField } = props;
    return {
      source: `Secrets Manager secret ${secretId} ${VIA_EXTENSION}`,
      path: PARAMETERS_EXTENSION.secretPath,
      query: { secretId },
      tokenOf: (answer, source) => {
        if (typeof answer !== 'object' || answer === null) {
          throw new SecretRetrievalError(`${source} answered without a secret value in JSON`);
        }
        return tokenOfSecretValue(answer, jsonField, source);
      },
      saysNotProvisioned: saysNoCurrentVersion,
    };
  }
  return {
    source: `SSM parameter ${props.parameterName} ${VIA_EXTENSION}`,
    path: PARAMETERS_EXTENSION.parameterPath,
    query: { name: props.parameterName, withDecryption: 'true' },
    tokenOf: (answer, source) => {
      const value = (answer as { Parameter?: { Value?: unknown } } | undefined)?.Parameter?.Value;
      if (typeof value !== 'string') {
        throw new SecretRetrievalError(`${source} answered without a parameter value in JSON`);
      }
      return value;
    },
  };
}

/**
 * Reads a SecureString parameter or a Secrets Manager secret through the extension. The extension
 * answers only while an invocation runs, never during init, which suits the provider: it fetches
 * on the first request, not at load. A refetch asks the extension again, so the extension's own
 * cache must be off (PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED=FALSE) for a rotation to reach a
 * warm environment before that cache expires.
 */
export class ExtensionSecretProvider extends SecretProvider {
  readonly #route: ExtensionRoute;
  readonly #url: string;
  readonly #sessionToken: () => string | undefined;
  readonly #fetch: typeof fetch;

  /**
   * @param props - Where the extension listens and what to ask it for: `parameterName` (Method
   *   2) or `secretId` with an optional `jsonField` (Method 3).
   * @param options - Cache and timeout settings.
   */
  constructor(props: ExtensionSecretProviderProps, options?: SecretProviderOptions) {
    const route = routeOf(props);
    super(route.source, options);
    this.#route = route;
    this.#url = `http://localhost:${props.port}${route.path}?${new URLSearchParams(route.query).toString()}`;
    this.#sessionToken = props.sessionToken;
    this.#fetch = props.fetch ?? fetch;
  }

  protected async fetch(signal: AbortSignal): Promise<string> {
    const sessionToken = this.#sessionToken();
    if (!sessionToken) {
      throw new SecretRetrievalError(`AWS_SESSION_TOKEN is not set, so ${this.source} cannot be asked`);
    }
    const response = await this.#fetch(this.#url, {
      headers: { [PARAMETERS_EXTENSION.tokenHeader]: sessionToken },
      signal,
    });
    if (!response.ok) {
      await this.#refused(response);
    }
    return this.#route.tokenOf(parsed(await response.text()), this.source);
  }

  /**
   * Throws for a refusal. The body names the store's exception but is never logged nor put in a
   * message: the same reader serves the body of a success, which holds the token. It is only
   * matched, where the store words "no value yet" in it.
   */
  async #refused(response: Response): Promise<never> {
    const { saysNotProvisioned } = this.#route;
    if (saysNotProvisioned === undefined) {
      await response.body?.cancel();
    } else if (saysNotProvisioned(await response.text())) {
      throw new SecretNotProvisionedError(this.source, NO_CURRENT_VERSION);
    }
    throw new SecretRetrievalError(`${this.source} answered HTTP ${response.status}`);
  }
}

/**
 * The extension's answer parsed, or undefined. The parse error of an answer that is not JSON would
 * quote its start, which may be the token, so it is not kept.
 */
function parsed(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
