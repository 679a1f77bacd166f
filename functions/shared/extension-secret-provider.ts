/**
 * Method 2 through the AWS Parameters and Secrets Lambda Extension: the extension, a layer running
 * beside the function, reads the SecureString with the function's role and caches it; the
 * function asks it over HTTP on localhost instead of calling SSM itself.
 */
import { PARAMETERS_EXTENSION } from './contract';
import { SecretRetrievalError } from './errors';
import { SecretProvider, type SecretProviderOptions } from './secret-provider';

/** What {@link ExtensionSecretProvider} needs besides the cache settings. */
export interface ExtensionSecretProviderProps {
  /** Name or ARN of the SecureString parameter. */
  readonly parameterName: string;
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

/** The part of the extension's answer (SSM's GetParameter response) that is read. */
interface ExtensionAnswer {
  readonly Parameter?: { readonly Value?: unknown };
}

/**
 * Reads a SecureString through the extension. The extension answers only while an invocation runs,
 * never during init, which suits the provider: it fetches on the first request, not at load.
 */
export class ExtensionSecretProvider extends SecretProvider {
  readonly #url: string;
  readonly #sessionToken: () => string | undefined;
  readonly #fetch: typeof fetch;

  /**
   * @param props - Where the extension listens and what to ask it for.
   * @param options - Cache and timeout settings.
   */
  constructor(props: ExtensionSecretProviderProps, options?: SecretProviderOptions) {
    super(`SSM parameter ${props.parameterName} (through the Parameters and Secrets extension)`, options);
    const query = new URLSearchParams({ name: props.parameterName, withDecryption: 'true' });
    this.#url = `http://localhost:${props.port}${PARAMETERS_EXTENSION.parameterPath}?${query.toString()}`;
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
      // The body of an error names SSM's exception, but is not logged: the same reader serves
      // the body of a success, which holds the token.
      await response.body?.cancel();
      throw new SecretRetrievalError(`${this.source} answered HTTP ${response.status}`);
    }
    const value = parameterValue(await response.text());
    if (typeof value !== 'string') {
      throw new SecretRetrievalError(`${this.source} answered without a parameter value in JSON`);
    }
    return value;
  }
}

/**
 * The parameter's value in the extension's answer, or undefined. The parse error of an answer
 * that is not JSON would quote its start, which may be the token, so it is not kept.
 */
function parameterValue(body: string): unknown {
  try {
    return (JSON.parse(body) as ExtensionAnswer).Parameter?.Value;
  } catch {
    return undefined;
  }
}
