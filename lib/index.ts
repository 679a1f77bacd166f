/**
 * The building blocks, for a cdktf app of your own (docs/constructs.md, whose example a test
 * synthesizes from the packed package). Nothing here imports the sample (stacks/, tools/):
 * - one construct per method, each attaching a secret to a function ({@link FunctionSecret}):
 *   {@link KmsEnvironmentSecret} (Method 1: KMS ciphertext in the environment) and
 *   {@link SsmParameterSecret} (Method 2: an SSM SecureString) and {@link SecretsManagerSecret}
 *   (Method 3: a Secrets Manager secret whose value Terraform never holds), with their key policy
 *   statements, role statements (the function binding included) and variables;
 * - the constructs they are used with: {@link SecretKey} (a function's own KMS key and its key
 *   policy), {@link UrlFunction} (function, log group, least-privilege role, URL) and
 *   {@link NodejsBundle} (the esbuild bundle and its reproducible zip);
 * - {@link lookUpDeploymentTarget}, where the stack deploys, which the policies name;
 * - {@link SynthesisInputError}, the root of every error in what a user asked to synthesize;
 * - the contract the shipped handlers read (environment variable names, the encryption context
 *   key, the placeholder of a token not yet provisioned), and the timing budget they run in.
 * The handler library itself is the package's `./handlers` export (functions/shared/).
 * Each export is documented where it is declared.
 */
export { accountRootArn, functionArn, lookUpDeploymentTarget, type DeploymentTarget } from './deployment-target';
export { SynthesisInputError } from './errors';
export {
  functionBinding,
  principalsOr,
  storeReadStatements,
  type FunctionBindingProps,
  type FunctionSecret,
  type StoreReadProps,
} from './function-secret';
export { handlerEntry, HANDLER_SOURCES, type HandlerName } from './handlers';
export { KmsEnvironmentSecret, type KmsEnvironmentSecretProps } from './kms-environment-secret';
export { assertEnvironmentFits, EnvironmentTooLargeError, LAMBDA_ENVIRONMENT_LIMIT_BYTES } from './lambda-environment';
export { LAMBDA_RUNTIME, type NodejsRuntime } from './lambda-runtime';
export {
  BUNDLE_FILE,
  BUNDLE_HANDLER,
  BUNDLE_OPTIONS,
  NodejsBundle,
  type NodejsBundleProps,
  type Packaging,
} from './nodejs-bundle';
export { AWS_MANAGED_LAYER, managedExtensionLayerArn, type Architecture } from './parameters-extension';
export { KEY_ADMINISTRATION_ACTIONS, SecretKey, type SecretKeyProps } from './secret-key';
export { keyAliasName, OUT_OF_BAND, SECRET_DELIVERY_TAG, type SsmParameterDelivery } from './secret-names';
export {
  DEFAULT_RECOVERY_WINDOW_DAYS,
  KEY_VALIDATION_VERSION_ID,
  RecoveryWindowError,
  SecretsManagerSecret,
  secretArnPattern,
  type SecretsManagerSecretProps,
} from './secrets-manager-secret';
export { SsmParameterSecret, type SsmParameterSecretProps, type WriteOnlyToken } from './ssm-parameter-secret';
export { REQUIRED_TERRAFORM_VERSION } from './terraform-version';
export {
  DEFAULT_LOG_RETENTION_DAYS,
  MissingEntryError,
  SecretOfAnotherFunctionError,
  UrlFunction,
  type FunctionUrlAuthType,
  type UrlFunctionProps,
} from './url-function';
export { ENCRYPTION_CONTEXT_KEY, ENV, SECRET_PLACEHOLDER } from '../functions/shared/contract';
export {
  FUNCTION_TIMEOUT_SECONDS,
  MAX_UPSTREAM_TIMEOUT_MS,
  SECRET_FETCH_TIMEOUT_MS,
} from '../functions/shared/timing-budget';
