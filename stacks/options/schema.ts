/**
 * The sample stacks' options, each declared once: its name (the context key, from which its
 * environment variable follows), its kind and accepted values, its default, a one-line doc, the
 * stacks it applies to and the configuration page's further text. The `SampleOptions` type, the
 * defaults, the parser (read.ts), the typo check, help's option table and docs/configuration.md
 * (docs.ts, written by `npm run docs:options`) all derive from {@link OPTIONS}.
 * The order here is the order of help, the page and the parser's checks.
 */
import { DEFAULT_SECRET_CACHE_TTL_SECONDS } from '../../functions/shared/contract';
import {
  ANSWER_RESERVE_MS,
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  FUNCTION_TIMEOUT_SECONDS,
  MAX_UPSTREAM_TIMEOUT_MS,
  SECRET_FETCH_TIMEOUT_MS,
} from '../../functions/shared/timing-budget';
import type { Packaging } from '../../lib/nodejs-bundle';
import { AWS_MANAGED_LAYER, MANAGED_EXTENSION_LAYERS, type Architecture } from '../../lib/parameters-extension';
import type { FunctionUrlAuthType } from '../../lib/url-function';
import { DEFAULT_STAGE, STAGE_PATTERN } from '../methods';
import {
  custom,
  integer,
  integerOr,
  matching,
  oneOf,
  principalArns,
  regionName,
  STATE_KMS_KEY,
  targetUrl,
  type OptionSpec,
  type OptionValue,
} from './parsers';

/** Retention values that CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The {@link SampleOptions.reservedConcurrency} that reserves nothing. */
export const UNRESERVED = 'unreserved';

/** The largest {@link SampleOptions.reservedConcurrency}: AWS's default account quota. */
export const MAX_RESERVED_CONCURRENCY = 1000;

/** The longest {@link SampleOptions.secretCacheTtlSeconds}: a day. */
export const MAX_SECRET_CACHE_TTL_SECONDS = 86_400;

/** Every option of the sample stacks. Defaults: the article's choices, except where the article is unsafe or broken today. */
export const OPTIONS = {
  stage: custom({
    default: DEFAULT_STAGE,
    doc: 'environment suffix: names become method1-sample-dev ("": the article\'s)',
    values: '`""`, or a lowercase letter then up to 11 lowercase letters or digits',
    details:
      'So that `dev` and `prod` live side by side in one account and region, every name follows it (stack and function `method1-sample-dev`, role and policy `method1-sample-dev-lambda-execution`, alias `alias/method1-sample-dev`, log group `/aws/lambda/method1-sample-dev`, parameter `/sample-app/dev/lambda/sample-api-token`), and so do the state file or key, the outputs, and the stack names that `cdktf deploy`, `npm run secret` and `invoke:local` take. `""` keeps the article\'s names exactly. No hyphen, so that a stack\'s name splits back into its method and stage.',
    parse: (raw, refuse) => {
      if (typeof raw !== 'string' || !(raw === DEFAULT_STAGE || STAGE_PATTERN.test(raw))) {
        return refuse(
          'a lowercase letter then up to 11 lowercase letters or digits (e.g. "dev"), or "" for the article\'s names',
        );
      }
      return raw;
    },
  }),
  backend: oneOf(['local', 's3'] as const, {
    default: 'local',
    doc: 'where the state lives; s3 locks it with an S3 lock file',
    details:
      "`local`: `terraform.<stack>.tfstate` beside `cdktf.json`, for one person. `s3`: the object `<stateKeyPrefix>/<stack>.tfstate` (the stack's name with its stage, so each stack and stage has its own) in `stateBucket`, encrypted, and locked with Terraform's S3-native lock file (`use_lockfile = true`, a `<key>.tflock` object; Terraform ≥ 1.10; DynamoDB locking is deprecated). A second apply while the lock is held stops with `Error acquiring the state lock`. The identity running Terraform needs `s3:GetObject`, `s3:PutObject` and `s3:DeleteObject` on the keys and their `.tflock`, and `s3:ListBucket`; make the bucket versioned. The state holds no token under the default deliveries, but it is the map of your deployment: restrict the bucket.",
  }),
  stateBucket: custom({
    default: '',
    doc: "backend=s3: the state's bucket",
    values: 'an S3 bucket name',
    details: 'Required with `backend=s3`; refused with `backend=local`, which would ignore it.',
    parse: matching(/^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
  }),
  stateKeyPrefix: custom({
    default: 'lambda-secrets-cdktf',
    doc: 'backend=s3: key prefix of the state objects',
    values: 'an S3 key prefix, no leading or trailing `/`',
    parse: matching(/^[\w!.*'()-]+(\/[\w!.*'()-]+)*$/, 'an S3 key prefix without a leading or trailing "/"'),
  }),
  stateRegion: custom({
    default: '',
    doc: 'backend=s3: bucket region ("": the stacks\' region)',
    values: '`""` or an AWS region',
    parse: (raw, refuse) => (raw === '' ? '' : regionName(raw, refuse)),
  }),
  stateKmsKeyId: custom({
    default: '',
    doc: 'backend=s3: KMS key for the state ("": the bucket\'s encryption)',
    values: '`""`, a KMS key id or ARN, an alias ARN or `alias/<name>`',
    details: 'Reading the state then also takes decrypt on that key.',
    parse: matching(
      STATE_KMS_KEY,
      'a KMS key id, key ARN, alias ARN or alias name (alias/...), as the S3 backend accepts them',
    ),
  }),
  region: custom({
    default: 'ap-northeast-1',
    doc: 'AWS region of every resource',
    values: 'an AWS region',
    details: 'A region this project does not know (`stacks/aws-regions.ts`) only warns, since AWS adds regions.',
    parse: regionName,
  }),
  targetUrl: custom({
    default: 'https://example.com',
    doc: 'https URL the token is sent to',
    values: "absolute `https` URL, no credentials; `http` only to a loopback host (the local run's upstream)",
    details:
      "The article's host is misspelt; plain `http` would send `Authorization: Bearer <token>` in clear, so synthesis and the function's start refuse it.",
    parse: targetUrl,
  }),
  functionUrlAuthType: oneOf(['AWS_IAM', 'NONE'] as const satisfies readonly FunctionUrlAuthType[], {
    default: 'AWS_IAM',
    doc: 'function URL auth; NONE makes it public, as in the article',
    details:
      "`NONE` adds the public `lambda:InvokeFunctionUrl` permission (for auth type NONE) and, since AWS requires it for new URLs since October 2025, a `lambda:InvokeFunction` conditioned on `lambda:InvokedViaFunctionUrl`. AWS provider 5.100.0's `aws_lambda_permission` cannot express that condition, so it comes from a one-resource CloudFormation stack (`<function>-public-url-invoke-function`, an `AWS::Lambda::Permission`; the deploying identity needs `cloudformation:*Stack*` for it); a test fails when a provider upgrade can express it. An unconditioned public `lambda:InvokeFunction` is never emitted, and synthesis warns that anyone can call the function. A public URL needs a `reservedConcurrency`.",
  }),
  logRetentionDays: oneOf<number>(LOG_RETENTION_DAYS, {
    default: 30,
    doc: 'CloudWatch Logs retention in days',
  }),
  packaging: oneOf(['archive', 'asset'] as const satisfies readonly Packaging[], {
    default: 'archive',
    doc: 'how the bundle is zipped: archive_file or a TerraformAsset',
    details:
      "`archive`: Terraform's `archive_file` zips it, as in the article (needs hashicorp/archive); `asset`: a cdktf `TerraformAsset` zips it at synth (no archive provider needed).",
  }),
  upstreamTimeoutMs: integer(
    { min: 1, max: MAX_UPSTREAM_TIMEOUT_MS },
    {
      default: DEFAULT_UPSTREAM_TIMEOUT_MS,
      doc: 'upstream call timeout in ms',
      details: `With the secret fetch's ${SECRET_FETCH_TIMEOUT_MS / 1000} s limit and ${ANSWER_RESERVE_MS / 1000} s to spare, the longest fits the function timeout of ${FUNCTION_TIMEOUT_SECONDS} s, so the handler answers every failure itself (\`functions/shared/timing-budget.ts\`).`,
    },
  ),
  secretCacheTtlSeconds: integer(
    { min: 0, max: MAX_SECRET_CACHE_TTL_SECONDS },
    {
      default: DEFAULT_SECRET_CACHE_TTL_SECONDS,
      doc: "seconds to cache the token (0: the environment's life); a rejected token is refetched",
      details:
        "Whatever the TTL, a token the upstream rejects (401, 403) is refetched at once and the request sent again if the store holds a new one (at most one refetch per invocation and per 5 s). 300: a rotation reaches every warm function within 5 minutes even while the upstream still accepts the old token, so *rotate, wait 5 minutes, revoke* needs no retry at all; that costs one store call per environment per 5 minutes, and equals the extension's longest TTL.",
    },
  ),
  reservedConcurrency: integerOr(
    UNRESERVED,
    { min: 1, max: MAX_RESERVED_CONCURRENCY },
    {
      default: UNRESERVED,
      doc: 'executions at once; NONE needs a number',
      details:
        "A cap on how hard a caller can drive the function (checkov CKV_AWS_115), and so on the upstream calls made with the token. `unreserved` uses the account's shared pool: Lambda refuses a reservation that leaves the account fewer unreserved executions than its minimum (100 in AWS's guide, \"Configuring reserved concurrency\"), and a new account's quota can be as low as 10, so any number fails a first deploy there; `npm run smoke` reports the account's figures. A public URL (`functionUrlAuthType=NONE`) needs a number.",
    },
  ),
  method1SecretDelivery: oneOf(['out-of-band', 'terraform'] as const, {
    default: 'out-of-band',
    stacks: ['method1-sample'],
    doc: 'who writes the ciphertext; terraform keeps the plaintext in state',
    details:
      "`out-of-band`: the stack sets a placeholder and never touches the value again; `npm run secret -- set method1-sample` writes the ciphertext. `terraform` is the article's `aws_kms_ciphertext`: plaintext in state, re-encrypted on every plan; refused with `backend=s3`, where a team shares the state.",
  }),
  method2SecretDelivery: oneOf(['write-only', 'out-of-band'] as const, {
    default: 'write-only',
    stacks: ['method2-sample'],
    doc: 'who writes the parameter; write-only: Terraform, from TF_VAR_api_token, never in state',
    details:
      '`write-only`: `value_wo` from the ephemeral variable `api_token` (`TF_VAR_api_token`), kept out of state and plan. `out-of-band`: a placeholder, written once to the write-only `value_wo` at a fixed version, so Terraform neither reverts the token set later with `PutParameter` nor reads it back into state (a plain `value` with `ignore_changes` would: the provider refreshes it with decryption). Switching a deployed stack from `out-of-band` to `write-only`: raise `api_token_version` (`TF_VAR_api_token_version=2`), or the token is not written.',
  }),
  method2Reader: oneOf(['sdk', 'extension'] as const, {
    default: 'sdk',
    stacks: ['method2-sample'],
    doc: 'how the function reads the parameter; extension: the Parameters and Secrets Lambda Extension layer',
    details:
      "`sdk`: it calls SSM `GetParameter` itself. `extension`: it asks the [AWS Parameters and Secrets Lambda Extension](https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html), a layer beside it, at `http://localhost:2773/systemsmanager/parameters/get?name=…&withDecryption=true` with `X-Aws-Parameters-Secrets-Token: $AWS_SESSION_TOKEN`; its bundle carries no AWS SDK (see [Benchmarks](../README.md#benchmarks)). The stack sets the extension's port, a 2.5 s timeout on its calls to SSM, and turns its cache off (`PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED=FALSE`, `SSM_PARAMETER_STORE_TTL=0`): the function caches the token itself, and a cache in the extension would answer the refetch after a rejected token with that same token for up to 5 minutes. The role, the key policy and their conditions are the same (the extension calls SSM with the function's role). Method 1 always uses the SDK: the extension cannot decrypt a KMS ciphertext.",
  }),
  method3Reader: oneOf(['sdk', 'extension'] as const, {
    default: 'sdk',
    stacks: ['method3-sample'],
    doc: 'how the function reads the secret; extension: the Parameters and Secrets Lambda Extension layer',
    details:
      "`sdk`: it calls Secrets Manager `GetSecretValue` itself. `extension`: it asks the extension at `http://localhost:2773/secretsmanager/get?secretId=…`, with the same cache off and a 2.5 s timeout on its calls to Secrets Manager (`SECRETS_MANAGER_TIMEOUT_MILLIS`), as for Method 2. The role, the key policy and the secret's resource policy are the same (the extension calls Secrets Manager with the function's role).",
  }),
  method3JsonField: custom({
    default: '',
    stacks: ['method3-sample'],
    doc: 'the JSON field of the secret that holds the token; "": the whole SecretString',
    values: '`""`, or a field name (letters, digits, `_`, `-`, `.`; up to 128)',
    details:
      'For a secret kept as a JSON object of key/value pairs, as the Secrets Manager console writes them: the token is that field’s string value. `npm run secret -- set|rotate` then writes a JSON object holding the token in that field (it cannot read the secret, so it keeps no other field: write those yourself, with the token, if the secret needs them). A secret that is not a JSON object, or lacks the field, answers 500 with an error that names the secret and the field and quotes no value.',
    parse: matching(/^$|^[\w.-]{1,128}$/, 'a field name of letters, digits, "_", "-" or "." (up to 128), or ""'),
  }),
  method3RecoveryDays: oneOf([0, 7, 8, 9, 10, 14, 21, 30] as const, {
    default: 7,
    stacks: ['method3-sample'],
    doc: 'days a destroyed secret can be restored; 0 deletes it at once',
    details:
      'Secrets Manager keeps a deleted secret for this many days (7 to 30), during which no secret of that name can be created: a destroy and a deploy of the same stage then fail. `0` deletes it at once (`ForceDeleteWithoutRecovery`), as the local run does; the token is then gone for good.',
  }),
  extensionLayerArn: custom({
    default: AWS_MANAGED_LAYER,
    stacks: ['method2-sample', 'method3-sample'],
    doc: `the extension's layer version ARN, with an extension reader; ${AWS_MANAGED_LAYER}: AWS's, known for ${Object.keys(MANAGED_EXTENSION_LAYERS).join(', ')}`,
    values: `\`${AWS_MANAGED_LAYER}\`, or a layer version ARN`,
    details: `\`${AWS_MANAGED_LAYER}\` is AWS's layer for the region and architecture, which this project knows for ${Object.keys(
      MANAGED_EXTENSION_LAYERS,
    )
      .map((region) => `\`${region}\``)
      .join(
        ', ',
      )} only (\`lib/parameters-extension.ts\`); for another region, synthesis stops and asks for the ARN (\`aws ssm get-parameter --name /aws/service/aws-parameters-and-secrets-lambda-extension/x86/latest\`, or \`…/arm64/latest\`). An ARN of another region or of the other architecture's layer is refused, and so is any ARN while both \`method2Reader\` and \`method3Reader\` are \`sdk\`.`,
    parse: (raw, refuse) => {
      if (typeof raw !== 'string' || raw.trim() === '') return refuse(`"${AWS_MANAGED_LAYER}" or a layer version ARN`);
      return raw.trim();
    },
  }),
  architecture: oneOf(['x86_64', 'arm64'] as const satisfies readonly Architecture[], {
    default: 'x86_64',
    doc: "the functions' instruction set; arm64 (Graviton) costs less",
    details: 'The bundle is JavaScript, so it is the same; the extension layer follows.',
  }),
  secretWriterArns: principalArns({
    default: [],
    doc: "IAM ARNs that may encrypt the token, never decrypt it; []: the account's IAM policies",
    details:
      "Who the key policy lets write the token: encrypt with the function's encryption context (Method 1), or have SSM encrypt into the parameter (Method 2). Empty: the account, that is whoever its IAM policies allow (the identity that deploys, the local run). With `method1SecretDelivery=terraform` Terraform encrypts, so list the deploy role too. ARNs must be of the stacks' account (checked by Terraform), and this option's and `terraformRunnerArns`' of one account.",
  }),
  terraformRunnerArns: principalArns({
    default: [],
    stacks: ['method2-sample', 'method3-sample'],
    doc: "IAM ARNs that run Terraform: Method 2's refresh decrypts via SSM, Method 3's create passes the key check; []: the identity deploying",
    details:
      "The AWS provider reads `aws_ssm_parameter` back with decryption on every refresh (write-only or not), so the key policy lets them decrypt, and encrypt, through SSM for that parameter only. Empty: the identity that runs Terraform (the role behind its session, or the user; the provider looks the role up with `iam:GetRole`), who can change the function and so read the token anyway. A teammate who deploys with another role gets `AccessDenied` on the parameter's refresh, before anything changes: someone already allowed has to list every deploy role of the team here. With the account's root user's credentials Terraform refuses to deploy (the key policy would read root as the whole account): use a role or user, or list the runners here. ARNs must be of the stacks' account (checked by Terraform).",
  }),
} as const satisfies { readonly [name: string]: OptionSpec<never> | OptionSpec<unknown> };

/** An option's name: its context key. */
export type OptionName = keyof typeof OPTIONS;

/** The options of the sample stacks, as {@link OPTIONS} declares them. Every field has a default; see {@link DEFAULT_OPTIONS}. */
export type SampleOptions = { readonly [K in OptionName]: OptionValue<(typeof OPTIONS)[K]> };

export type { FunctionUrlAuthType, Packaging };
/** How Method 1's ciphertext reaches the function environment. */
export type Method1SecretDelivery = SampleOptions['method1SecretDelivery'];
/** How Method 2's parameter value is written. */
export type Method2SecretDelivery = SampleOptions['method2SecretDelivery'];
/** Where the stacks keep their Terraform state. */
export type StateBackend = SampleOptions['backend'];
/** How Method 2's function reads its parameter. */
export type Method2Reader = SampleOptions['method2Reader'];

/** Every option's name (its context key), in declaration order. */
export const OPTION_NAMES = Object.keys(OPTIONS) as readonly OptionName[];

/** Every option's default, from {@link OPTIONS}. */
export const DEFAULT_OPTIONS: SampleOptions = Object.fromEntries(
  OPTION_NAMES.map((name) => [name, OPTIONS[name].default]),
) as unknown as SampleOptions;

/** Prefix of the environment variables that override context per run, e.g. `LAMBDA_SECRETS_TARGET_URL`. */
export const OPTION_ENV_PREFIX = 'LAMBDA_SECRETS_';

/** The environment variable that overrides `option` for one run. */
export function optionEnvName(option: OptionName): string {
  return OPTION_ENV_PREFIX + option.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}
