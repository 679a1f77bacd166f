import { Construct } from 'constructs';
import {
  DEFAULT_SECRET_CACHE_TTL_SECONDS,
  isTargetUrl,
  TARGET_URL_RULE,
  targetUrlForMessage,
} from '../functions/shared/contract';
import {
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  FUNCTION_TIMEOUT_SECONDS,
  MAX_UPSTREAM_TIMEOUT_MS,
} from '../functions/shared/timing-budget';
import { parseWholeNumber } from '../functions/shared/whole-number';
import { DEFAULT_STAGE, STAGE_PATTERN } from './methods';
import {
  type Architecture,
  AWS_MANAGED_LAYER,
  layerArnProblem,
  MANAGED_EXTENSION_LAYERS,
  managedExtensionLayerArn,
} from './parameters-extension';

/** How the function's deployment package is produced from the esbuild bundle. */
export type Packaging = 'archive' | 'asset';
/** Who may call the function URL. */
export type FunctionUrlAuthType = 'AWS_IAM' | 'NONE';
/** How Method 1's ciphertext reaches the function environment. */
export type Method1SecretDelivery = 'out-of-band' | 'terraform';
/** How Method 2's parameter value is written. */
export type Method2SecretDelivery = 'write-only' | 'out-of-band';
/** Where the stacks keep their Terraform state. */
export type StateBackend = 'local' | 's3';
/** How Method 2's function reads its parameter. */
export type Method2Reader = 'sdk' | 'extension';

/** Options shared by both stacks. Every field has a default; see {@link DEFAULT_OPTIONS}. */
export interface SampleOptions {
  /**
   * The environment the stacks belong to, so that several (`dev`, `prod`) live side by side in
   * one account and region: it suffixes the stack, function, role, policy, alias and log group
   * names (`method1-sample-dev`), puts the parameter under `/sample-app/<stage>/`, and so gives
   * each its own state. Empty: the article's names, exactly. See STAGE_PATTERN.
   * @default ''
   */
  readonly stage: string;
  /**
   * Where Terraform keeps each stack's state. `local`: `terraform.<stack>.tfstate` beside
   * cdktf.json, for one person. `s3`: an object in {@link SampleOptions.stateBucket}, locked with
   * Terraform's S3-native lock file (`use_lockfile`; Terraform >= 1.10) and encrypted, for a team.
   * @default 'local'
   */
  readonly backend: StateBackend;
  /**
   * With `backend=s3`: the bucket that holds the state (it must exist, preferably versioned).
   * Required then, refused otherwise.
   * @default ''
   */
  readonly stateBucket: string;
  /**
   * With `backend=s3`: the key prefix; each stack's state is `<prefix>/<stack>[-<stage>].tfstate`.
   * @default 'lambda-secrets-cdktf'
   */
  readonly stateKeyPrefix: string;
  /**
   * With `backend=s3`: the bucket's region. Empty: the stacks' region.
   * @default ''
   */
  readonly stateRegion: string;
  /**
   * With `backend=s3`: a KMS key (ARN or alias) that encrypts the state objects, so that reading
   * the state takes decrypt on that key as well as `s3:GetObject`. Empty: the bucket's own
   * server-side encryption (SSE-S3 unless the bucket says otherwise).
   * @default ''
   */
  readonly stateKmsKeyId: string;
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
   * Seconds a fetched secret is reused; 0 keeps it for the execution environment's life. A token
   * the upstream rejects (401, 403) is refetched at once either way.
   * @default 300 (see DEFAULT_SECRET_CACHE_TTL_SECONDS for why)
   */
  readonly secretCacheTtlSeconds: number;
  /**
   * Executions of the function reserved for it and allowed at once, 1 to
   * {@link MAX_RESERVED_CONCURRENCY}: a cap on how hard a caller can drive the function, and so
   * the upstream calls made with the token. `unreserved` leaves the function to the account's
   * shared pool. Lambda refuses a reservation that leaves the account fewer unreserved executions
   * than its minimum (100 in AWS's guide, "Configuring reserved concurrency"), and a new account's
   * quota can be as low as 10, so a number fails there: the default deploys in any account,
   * behind AWS_IAM. A public URL (`functionUrlAuthType=NONE`) needs a number.
   * @default 'unreserved'
   */
  readonly reservedConcurrency: number | typeof UNRESERVED;
  /**
   * Method 1. `out-of-band`: the stack sets a placeholder and never touches the value again;
   * `npm run secret -- set method1-sample` writes the ciphertext. `terraform`: the article's
   * `aws_kms_ciphertext`, which stores the plaintext in state (refused with `backend=s3`, where
   * the state is shared).
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
  /**
   * Method 2. `sdk`: the function calls SSM GetParameter itself. `extension`: it asks the AWS
   * Parameters and Secrets Lambda Extension, a layer (see {@link SampleOptions.extensionLayerArn}),
   * over HTTP on localhost, so its bundle carries no AWS SDK. Method 1 always uses the SDK: the
   * extension cannot decrypt a KMS ciphertext.
   * @default 'sdk'
   */
  readonly method2Reader: Method2Reader;
  /**
   * Method 2 with `method2Reader=extension`: the extension's layer version ARN, in the stacks' region
   * and for their architecture. `aws-managed`: AWS's layer, whose ARN this project knows for
   * ap-northeast-1 only (lib/parameters-extension.ts); any other region needs its ARN here.
   * @default 'aws-managed'
   */
  readonly extensionLayerArn: string;
  /**
   * The functions' instruction set. `arm64` (Graviton) costs less per millisecond; the bundle is
   * JavaScript either way, and the extension layer follows it.
   * @default 'x86_64'
   */
  readonly architecture: Architecture;
  /**
   * IAM principals (role or user ARNs of the stack's account) that the key policy lets write the
   * token: encrypt it (Method 1), or have SSM encrypt it into the parameter (Method 2); never
   * decrypt. Empty: the account, that is whoever its IAM policies allow, such as the identity
   * that deploys. ARNs of another account are refused (by Terraform, against the caller's).
   * @default []
   */
  readonly secretWriterArns: readonly string[];
  /**
   * Method 2: IAM principals that may run Terraform on the stack. The AWS provider reads the
   * parameter back with decryption on every refresh, so the key policy must let them decrypt
   * through SSM, for that parameter only. Empty: the identity that runs Terraform (the role
   * behind its session, or the user), which can change the function and so read the token
   * anyway; a teammate deploying with another role then gets AccessDenied on refresh until the
   * team's deploy roles are listed here. ARNs of another account are refused.
   * @default [] (the deploying identity)
   */
  readonly terraformRunnerArns: readonly string[];
}

/** Retention values that CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * The function timeout, and the longest upstream timeout that fits in it with the secret fetch
 * and the answer: declared in the timing budget (functions/shared/timing-budget.ts), re-exported
 * for the modules that read them with the options.
 */
export { FUNCTION_TIMEOUT_SECONDS, MAX_UPSTREAM_TIMEOUT_MS };

/** The {@link SampleOptions.reservedConcurrency} that reserves nothing. */
export const UNRESERVED = 'unreserved';

/** The largest {@link SampleOptions.reservedConcurrency}: AWS's default account quota. */
export const MAX_RESERVED_CONCURRENCY = 1000;

/** Defaults: the article's choices, except where the article is unsafe or broken today. */
export const DEFAULT_OPTIONS: SampleOptions = {
  stage: DEFAULT_STAGE,
  backend: 'local',
  stateBucket: '',
  stateKeyPrefix: 'lambda-secrets-cdktf',
  stateRegion: '',
  stateKmsKeyId: '',
  region: 'ap-northeast-1',
  targetUrl: 'https://example.com',
  functionUrlAuthType: 'AWS_IAM',
  logRetentionDays: 30,
  packaging: 'archive',
  upstreamTimeoutMs: DEFAULT_UPSTREAM_TIMEOUT_MS,
  secretCacheTtlSeconds: DEFAULT_SECRET_CACHE_TTL_SECONDS,
  reservedConcurrency: UNRESERVED,
  method1SecretDelivery: 'out-of-band',
  method2SecretDelivery: 'write-only',
  method2Reader: 'sdk',
  extensionLayerArn: AWS_MANAGED_LAYER,
  architecture: 'x86_64',
  secretWriterArns: [],
  terraformRunnerArns: [],
};

/**
 * Base of the errors in what a user asked to synthesize: `main.ts` prints their message alone,
 * as one line, since a stack trace would only bury it.
 */
export class SynthesisInputError extends Error {
  override name = 'SynthesisInputError';
}

/** Thrown when an option is not one the stacks accept; the message names it, where it was set and what is accepted. */
export class InvalidOptionError extends SynthesisInputError {
  override name = 'InvalidOptionError';

  /**
   * @param option the option's context key
   * @param expected what the option accepts
   * @param received the rejected value
   * @param source where the value was set, e.g. `LAMBDA_SECRETS_PACKAGING` or `cdktf.json context`
   */
  constructor(
    readonly option: keyof SampleOptions,
    expected: string,
    received: unknown,
    source?: string,
  ) {
    super(
      `Invalid option "${option}"${source ? ` (set in ${source})` : ''}: expected ${expected}, got ${JSON.stringify(received)}`,
    );
  }
}

/**
 * Thrown for a setting that names no option but looks like one (a misspelt `LAMBDA_SECRETS_*`
 * variable or context key), which would otherwise be ignored while the default applies.
 */
export class UnknownOptionError extends SynthesisInputError {
  override name = 'UnknownOptionError';

  /**
   * @param setting the unknown variable or context key, as written
   * @param closest the known variable or key it most resembles
   * @param source where it was set
   */
  constructor(
    readonly setting: string,
    readonly closest: string,
    source: string,
  ) {
    super(`Unknown option ${setting} in ${source}: did you mean ${closest}? Nothing was synthesized.`);
  }
}

/** Prefix of the environment variables that override context per run, e.g. `LAMBDA_SECRETS_TARGET_URL`. */
export const OPTION_ENV_PREFIX = 'LAMBDA_SECRETS_';

/** The environment variable that overrides `option` for one run. */
export function optionEnvName(option: keyof SampleOptions): string {
  return OPTION_ENV_PREFIX + option.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** Parses one option's raw value; `source` says where it was set, for the error message. */
type Parser<T> = (option: keyof SampleOptions, raw: unknown, source?: string) => T;

/** A number from JSON context as it is, or one from an environment variable by the project's one integer rule. */
function numberOf(raw: unknown): unknown {
  return typeof raw === 'string' ? parseWholeNumber(raw) : raw;
}

function oneOf<T extends string | number>(values: readonly T[]): Parser<T> {
  return (option, raw, source) => {
    const value = typeof values[0] === 'number' ? numberOf(raw) : raw;
    if (!values.includes(value as T)) {
      throw new InvalidOptionError(option, `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, raw, source);
    }
    return value as T;
  };
}

function integer(min: number, max: number, alternative = ''): Parser<number> {
  return (option, raw, source) => {
    const value = numberOf(raw);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidOptionError(
        option,
        `an integer from ${min} to ${max}${alternative ? ` ${alternative}` : ''}`,
        raw,
        source,
      );
    }
    return value;
  };
}

function matching(pattern: RegExp, expected: string): Parser<string> {
  return (option, raw, source) => {
    if (typeof raw !== 'string' || !pattern.test(raw)) throw new InvalidOptionError(option, expected, raw, source);
    return raw;
  };
}

const region: Parser<string> = (option, raw, source) => {
  if (typeof raw !== 'string' || !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/.test(raw)) {
    throw new InvalidOptionError(option, 'an AWS region name such as "ap-northeast-1"', raw, source);
  }
  return raw;
};

const targetUrl: Parser<string> = (option, raw, source) => {
  if (typeof raw !== 'string' || !isTargetUrl(raw)) {
    throw new InvalidOptionError(
      option,
      TARGET_URL_RULE,
      typeof raw === 'string' ? targetUrlForMessage(raw) : raw,
      source,
    );
  }
  return raw;
};

/**
 * What Terraform's S3 backend accepts as `kms_key_id` (Terraform 1.11): a key id (a UUID, or
 * `mrk-` and 32 hex digits for a multi-Region key), its ARN, an alias or an alias ARN.
 */
const STATE_KMS_KEY = new RegExp(
  '^$|^(arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\\d{12}:key/)?([0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$' +
    '|^(arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\\d{12}:)?alias/[\\w/-]+$',
);

/** A role or user of an account, or its root, as a key policy can name it. */
const PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/;

/** A list of IAM principal ARNs: a JSON array in the context, comma-separated in a variable. */
const principalArns: Parser<readonly string[]> = (option, raw, source) => {
  const values =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((value) => value.trim())
          .filter(Boolean)
      : raw;
  if (!Array.isArray(values) || !values.every((value) => typeof value === 'string' && PRINCIPAL_ARN.test(value))) {
    throw new InvalidOptionError(
      option,
      'IAM role or user ARNs (arn:aws:iam::<account>:role/<name>), a JSON array or comma-separated',
      raw,
      source,
    );
  }
  return values as string[];
};

const PARSERS: { readonly [K in keyof SampleOptions]: Parser<SampleOptions[K]> } = {
  stage: (option, raw, source) => {
    if (typeof raw !== 'string' || !(raw === DEFAULT_STAGE || STAGE_PATTERN.test(raw))) {
      throw new InvalidOptionError(
        option,
        'a lowercase letter then up to 11 lowercase letters or digits (e.g. "dev"), or "" for the article\'s names',
        raw,
        source,
      );
    }
    return raw;
  },
  backend: oneOf(['local', 's3'] as const),
  stateBucket: matching(/^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
  stateKeyPrefix: matching(/^[\w!.*'()-]+(\/[\w!.*'()-]+)*$/, 'an S3 key prefix without a leading or trailing "/"'),
  stateRegion: (option, raw, source) => (raw === '' ? '' : region(option, raw, source)),
  stateKmsKeyId: matching(
    STATE_KMS_KEY,
    'a KMS key id, key ARN, alias ARN or alias name (alias/...), as the S3 backend accepts them',
  ),
  region,
  targetUrl,
  functionUrlAuthType: oneOf(['AWS_IAM', 'NONE'] as const),
  logRetentionDays: oneOf(LOG_RETENTION_DAYS),
  packaging: oneOf(['archive', 'asset'] as const),
  upstreamTimeoutMs: integer(1, MAX_UPSTREAM_TIMEOUT_MS),
  secretCacheTtlSeconds: integer(0, 86_400),
  reservedConcurrency: (option, raw, source) =>
    raw === UNRESERVED ? UNRESERVED : integer(1, MAX_RESERVED_CONCURRENCY, `or "${UNRESERVED}"`)(option, raw, source),
  method1SecretDelivery: oneOf(['out-of-band', 'terraform'] as const),
  method2SecretDelivery: oneOf(['write-only', 'out-of-band'] as const),
  method2Reader: oneOf(['sdk', 'extension'] as const),
  extensionLayerArn: (option, raw, source) => {
    if (typeof raw !== 'string' || raw.trim() === '') {
      throw new InvalidOptionError(option, `"${AWS_MANAGED_LAYER}" or a layer version ARN`, raw, source);
    }
    return raw.trim();
  },
  architecture: oneOf(['x86_64', 'arm64'] as const),
  secretWriterArns: principalArns,
  terraformRunnerArns: principalArns,
};

/**
 * Validates raw option values (from context or the environment) and fills in defaults.
 * @param sources where each value was set, for error messages
 * @throws InvalidOptionError naming the first bad option
 */
export function parseOptions(
  raw: Partial<Record<keyof SampleOptions, unknown>>,
  sources: Partial<Record<keyof SampleOptions, string>> = {},
): SampleOptions {
  const options: Record<string, unknown> = {};
  for (const key of OPTION_NAMES) {
    const value = raw[key];
    options[key] = value === undefined ? DEFAULT_OPTIONS[key] : PARSERS[key](key, value, sources[key]);
  }
  const parsed = options as unknown as SampleOptions;
  if (parsed.functionUrlAuthType === 'NONE' && parsed.reservedConcurrency === UNRESERVED) {
    throw new InvalidOptionError(
      'reservedConcurrency',
      'a number of executions while functionUrlAuthType is NONE: a public URL needs a limit',
      UNRESERVED,
      sources.reservedConcurrency,
    );
  }
  checkExtensionLayer(parsed, sources);
  checkStateOptions(parsed, sources);
  checkPrincipalAccounts(parsed, sources);
  return parsed;
}

/** The account of an IAM principal ARN (`arn:aws:iam::<account>:…`). */
function accountOf(arn: string): string {
  return arn.split(':')[4];
}

/**
 * The one account that {@link SampleOptions.secretWriterArns} and
 * {@link SampleOptions.terraformRunnerArns} name principals of, or undefined when they name none.
 * Only for options that {@link parseOptions} accepted.
 */
export function principalAccount(options: SampleOptions): string | undefined {
  const [first] = [...options.secretWriterArns, ...options.terraformRunnerArns];
  return first === undefined ? undefined : accountOf(first);
}

/** A key policy trusts its own account's principals only: two accounts cannot both be the caller's. */
function checkPrincipalAccounts(options: SampleOptions, sources: Partial<Record<keyof SampleOptions, string>>): void {
  const account = principalAccount(options);
  for (const option of ['secretWriterArns', 'terraformRunnerArns'] as const) {
    const foreign = options[option].find((arn) => accountOf(arn) !== account);
    if (foreign) {
      throw new InvalidOptionError(
        option,
        `principals of one account, the one the stacks deploy to (${account}, from the first ARN)`,
        foreign,
        sources[option],
      );
    }
  }
}

/** S3 state needs its bucket; S3 settings under the local backend would be ignored. */
function checkStateOptions(options: SampleOptions, sources: Partial<Record<keyof SampleOptions, string>>): void {
  if (options.backend === 's3') {
    if (!options.stateBucket) {
      throw new InvalidOptionError(
        'stateBucket',
        'the bucket that holds the state, with backend=s3',
        '',
        sources.stateBucket,
      );
    }
    if (options.method1SecretDelivery === 'terraform') {
      throw new InvalidOptionError(
        'method1SecretDelivery',
        '"out-of-band" with backend=s3: "terraform" puts the plaintext token in the state, which a team shares',
        options.method1SecretDelivery,
        sources.method1SecretDelivery,
      );
    }
    return;
  }
  const ignored = (['stateBucket', 'stateKeyPrefix', 'stateRegion', 'stateKmsKeyId'] as const).find(
    (option) => options[option] !== DEFAULT_OPTIONS[option],
  );
  if (ignored) {
    throw new InvalidOptionError(
      ignored,
      'no S3 state setting while backend is "local" (set backend=s3 to use it)',
      options[ignored],
      sources[ignored],
    );
  }
}

/**
 * The extension layer that Method 2's function gets under `options`, or undefined with the SDK
 * reader. Only for options that {@link parseOptions} accepted.
 */
export function extensionLayerArn(options: SampleOptions): string | undefined {
  if (options.method2Reader !== 'extension') return undefined;
  return options.extensionLayerArn === AWS_MANAGED_LAYER
    ? managedExtensionLayerArn(options.region, options.architecture)
    : options.extensionLayerArn;
}

/** A layer ARN without the extension reader would be ignored; one that cannot serve the function fails at deploy. */
function checkExtensionLayer(options: SampleOptions, sources: Partial<Record<keyof SampleOptions, string>>): void {
  const { extensionLayerArn: arn, region, architecture } = options;
  const source = sources.extensionLayerArn;
  if (options.method2Reader !== 'extension') {
    if (arn !== AWS_MANAGED_LAYER) {
      throw new InvalidOptionError(
        'extensionLayerArn',
        `no layer while method2Reader is "${options.method2Reader}" (set method2Reader=extension to use it)`,
        arn,
        source,
      );
    }
    return;
  }
  if (arn === AWS_MANAGED_LAYER) {
    if (!managedExtensionLayerArn(region, architecture)) {
      throw new InvalidOptionError(
        'extensionLayerArn',
        `the extension's layer ARN for region ${region} (${architecture}): this project knows AWS's layer ` +
          `for ${Object.keys(MANAGED_EXTENSION_LAYERS).join(', ')} only; look it up with \`aws ssm get-parameter ` +
          `--name /aws/service/aws-parameters-and-secrets-lambda-extension/${architecture === 'arm64' ? 'arm64' : 'x86'}/latest\``,
        arn,
        source,
      );
    }
    return;
  }
  const problem = layerArnProblem(arn, region, architecture);
  if (problem) throw new InvalidOptionError('extensionLayerArn', problem, arn, source);
}

/** Every option's name (its context key). */
export const OPTION_NAMES = Object.keys(DEFAULT_OPTIONS) as readonly (keyof SampleOptions)[];

/** Where a context value comes from, as a user knows it. */
const CONTEXT_SOURCE = 'cdktf.json context';

/**
 * Reads the options for an app: an environment variable ({@link optionEnvName}) wins over the
 * cdktf context (`cdktf.json` → `context`), which wins over the default.
 * @throws UnknownOptionError for a `LAMBDA_SECRETS_*` variable that names no option, or a
 *   context key that looks like a misspelt option (cdktf's own context keys do not)
 * @throws InvalidOptionError naming the first bad option and where it was set
 */
export function readOptions(scope: Construct, env: NodeJS.ProcessEnv = process.env): SampleOptions {
  refuseUnknownSettings(scope, env);
  const raw: Partial<Record<keyof SampleOptions, unknown>> = {};
  const sources: Partial<Record<keyof SampleOptions, string>> = {};
  for (const key of OPTION_NAMES) {
    const fromEnv = env[optionEnvName(key)];
    raw[key] = fromEnv ?? scope.node.tryGetContext(key);
    if (raw[key] !== undefined) sources[key] = fromEnv === undefined ? CONTEXT_SOURCE : optionEnvName(key);
  }
  return parseOptions(raw, sources);
}

function refuseUnknownSettings(scope: Construct, env: NodeJS.ProcessEnv): void {
  const envNames = OPTION_NAMES.map(optionEnvName);
  const unknownVariable = Object.keys(env).find(
    (name) => name.startsWith(OPTION_ENV_PREFIX) && !envNames.includes(name),
  );
  if (unknownVariable) {
    throw new UnknownOptionError(unknownVariable, closest(unknownVariable, envNames), 'the environment');
  }
  const contextKeys = Object.keys(scope.node.getAllContext() as Record<string, unknown>);
  const misspelt = contextKeys.find(
    (key) => !(OPTION_NAMES as readonly string[]).includes(key) && distance(key, closest(key, OPTION_NAMES)) <= 2,
  );
  if (misspelt) {
    throw new UnknownOptionError(`"${misspelt}"`, `"${closest(misspelt, OPTION_NAMES)}"`, CONTEXT_SOURCE);
  }
}

/** The candidate nearest to `name`, ignoring case, `_` and `-`. */
function closest(name: string, candidates: readonly string[]): string {
  return [...candidates].sort((a, b) => distance(name, a) - distance(name, b))[0];
}

/** Levenshtein distance between two names, ignoring case, `_` and `-`: `targetURL` is 0 from `targetUrl`. */
function distance(a: string, b: string): number {
  const [x, y] = [a, b].map((name) => name.toLowerCase().replace(/[_-]/g, ''));
  let previous = Array.from({ length: y.length + 1 }, (_, index) => index);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}
