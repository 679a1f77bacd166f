import { Construct } from 'constructs';
import {
  DEFAULT_SECRET_CACHE_TTL_SECONDS,
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  isTargetUrl,
  SECRET_FETCH_TIMEOUT_MS,
  TARGET_URL_RULE,
  targetUrlForMessage,
} from '../functions/shared/contract';
import { parseWholeNumber } from '../functions/shared/whole-number';

/** How the function's deployment package is produced from the esbuild bundle. */
export type Packaging = 'archive' | 'asset';
/** Who may call the function URL. */
export type FunctionUrlAuthType = 'AWS_IAM' | 'NONE';
/** How Method 1's ciphertext reaches the function environment. */
export type Method1SecretDelivery = 'out-of-band' | 'terraform';
/** How Method 2's parameter value is written. */
export type Method2SecretDelivery = 'write-only' | 'out-of-band';

/** Options shared by both stacks. Every field has a default; see {@link DEFAULT_OPTIONS}. */
export interface SampleOptions {
  /**
   * AWS region of every resource.
   * @default 'ap-northeast-1'
   */
  readonly region: string;
  /**
   * Absolute http(s) URL that the functions call with the token.
   * @default 'https://example.com' (the article's host is misspelt)
   */
  readonly targetUrl: string;
  /**
   * Function URL authorization. `NONE` makes the URL public, as in the article.
   * @default 'AWS_IAM'
   */
  readonly functionUrlAuthType: FunctionUrlAuthType;
  /**
   * Days CloudWatch Logs keeps the function's logs; one of {@link LOG_RETENTION_DAYS}.
   * @default 30
   */
  readonly logRetentionDays: number;
  /**
   * `archive`: zipped by Terraform's `archive_file`, as in the article (needs hashicorp/archive).
   * `asset`: zipped at synth by a cdktf `TerraformAsset` (needs no extra provider).
   * @default 'archive'
   */
  readonly packaging: Packaging;
  /**
   * Milliseconds the functions wait for the upstream, at most {@link MAX_UPSTREAM_TIMEOUT_MS}.
   * @default 5000
   */
  readonly upstreamTimeoutMs: number;
  /**
   * Seconds a fetched secret is reused; 0 keeps it for the execution environment's life.
   * @default 0
   */
  readonly secretCacheTtlSeconds: number;
  /**
   * Method 1. `out-of-band`: the stack sets a placeholder and never touches the value again;
   * `npm run secret -- set method1-sample` writes the ciphertext. `terraform`: the article's
   * `aws_kms_ciphertext`, which stores the plaintext in state.
   * @default 'out-of-band'
   */
  readonly method1SecretDelivery: Method1SecretDelivery;
  /**
   * Method 2. `write-only`: `value_wo` from the ephemeral variable `api_token`
   * (`TF_VAR_api_token`), kept out of state and plan. `out-of-band`: a placeholder value that
   * Terraform never reverts.
   * @default 'write-only'
   */
  readonly method2SecretDelivery: Method2SecretDelivery;
}

/** Retention values that CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The function timeout; the upstream timeout must leave room under it. */
export const FUNCTION_TIMEOUT_SECONDS = 10;

/**
 * The longest upstream timeout: the secret fetch's timeout and the upstream's, plus a second
 * for the rest, must fit in the function timeout, so that every failure is still answered by
 * the handler (500 or 504) rather than cut off by Lambda.
 */
export const MAX_UPSTREAM_TIMEOUT_MS = FUNCTION_TIMEOUT_SECONDS * 1000 - SECRET_FETCH_TIMEOUT_MS - 1000;

/** Defaults: the article's choices, except where the article is unsafe or broken today. */
export const DEFAULT_OPTIONS: SampleOptions = {
  region: 'ap-northeast-1',
  targetUrl: 'https://example.com',
  functionUrlAuthType: 'AWS_IAM',
  logRetentionDays: 30,
  packaging: 'archive',
  upstreamTimeoutMs: DEFAULT_UPSTREAM_TIMEOUT_MS,
  secretCacheTtlSeconds: DEFAULT_SECRET_CACHE_TTL_SECONDS,
  method1SecretDelivery: 'out-of-band',
  method2SecretDelivery: 'write-only',
};

/** Thrown when an option is not one the stacks accept; the message names it and what is. */
export class InvalidOptionError extends Error {
  override name = 'InvalidOptionError';

  /**
   * @param option the option's context key
   * @param expected what the option accepts
   * @param received the rejected value
   */
  constructor(
    readonly option: keyof SampleOptions,
    expected: string,
    received: unknown,
  ) {
    super(`Invalid option "${option}": expected ${expected}, got ${JSON.stringify(received)}`);
  }
}

/** Prefix of the environment variables that override context per run, e.g. `LAMBDA_SECRETS_TARGET_URL`. */
export const OPTION_ENV_PREFIX = 'LAMBDA_SECRETS_';

/** The environment variable that overrides `option` for one run. */
export function optionEnvName(option: keyof SampleOptions): string {
  return OPTION_ENV_PREFIX + option.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

type Parser<T> = (option: keyof SampleOptions, raw: unknown) => T;

/** A number from JSON context as it is, or one from an environment variable by the project's one integer rule. */
function numberOf(raw: unknown): unknown {
  return typeof raw === 'string' ? parseWholeNumber(raw) : raw;
}

function oneOf<T extends string | number>(values: readonly T[]): Parser<T> {
  return (option, raw) => {
    const value = typeof values[0] === 'number' ? numberOf(raw) : raw;
    if (!values.includes(value as T)) {
      throw new InvalidOptionError(option, `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, raw);
    }
    return value as T;
  };
}

function integer(min: number, max: number): Parser<number> {
  return (option, raw) => {
    const value = numberOf(raw);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidOptionError(option, `an integer from ${min} to ${max}`, raw);
    }
    return value;
  };
}

const region: Parser<string> = (option, raw) => {
  if (typeof raw !== 'string' || !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/.test(raw)) {
    throw new InvalidOptionError(option, 'an AWS region name such as "ap-northeast-1"', raw);
  }
  return raw;
};

const targetUrl: Parser<string> = (option, raw) => {
  if (typeof raw !== 'string' || !isTargetUrl(raw)) {
    throw new InvalidOptionError(option, TARGET_URL_RULE, typeof raw === 'string' ? targetUrlForMessage(raw) : raw);
  }
  return raw;
};

const PARSERS: { readonly [K in keyof SampleOptions]: Parser<SampleOptions[K]> } = {
  region,
  targetUrl,
  functionUrlAuthType: oneOf(['AWS_IAM', 'NONE'] as const),
  logRetentionDays: oneOf(LOG_RETENTION_DAYS),
  packaging: oneOf(['archive', 'asset'] as const),
  upstreamTimeoutMs: integer(1, MAX_UPSTREAM_TIMEOUT_MS),
  secretCacheTtlSeconds: integer(0, 86_400),
  method1SecretDelivery: oneOf(['out-of-band', 'terraform'] as const),
  method2SecretDelivery: oneOf(['write-only', 'out-of-band'] as const),
};

/**
 * Validates raw option values (from context or the environment) and fills in defaults.
 * @throws InvalidOptionError naming the first bad option
 */
export function parseOptions(raw: Partial<Record<keyof SampleOptions, unknown>>): SampleOptions {
  const options: Record<string, unknown> = {};
  for (const key of Object.keys(PARSERS) as (keyof SampleOptions)[]) {
    const value = raw[key];
    options[key] = value === undefined ? DEFAULT_OPTIONS[key] : PARSERS[key](key, value);
  }
  return options as unknown as SampleOptions;
}

/**
 * Reads the options for an app: an environment variable ({@link optionEnvName}) wins over the
 * cdktf context (`cdktf.json` → `context`), which wins over the default.
 */
export function readOptions(scope: Construct, env: NodeJS.ProcessEnv = process.env): SampleOptions {
  const raw: Partial<Record<keyof SampleOptions, unknown>> = {};
  for (const key of Object.keys(DEFAULT_OPTIONS) as (keyof SampleOptions)[]) {
    raw[key] = env[optionEnvName(key)] ?? scope.node.tryGetContext(key);
  }
  return parseOptions(raw);
}
