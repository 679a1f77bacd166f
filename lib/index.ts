/**
 * The project's building blocks, for a cdktf app of your own (README: "Use it in your own cdktf
 * app", whose example a test synthesizes from this module):
 * - the constructs both stacks are built from: {@link SecretKey} (a function's own KMS key and
 *   its key policy), {@link UrlFunction} (function, log group, least-privilege role, URL) and
 *   {@link NodejsBundle} (the esbuild bundle and its reproducible zip);
 * - the base of the sample stacks and the options that configure them (the stacks themselves are
 *   in `stacks/`, which imports this folder, never the other way round), each option declared
 *   once in `lib/options/schema.ts`;
 * - {@link SynthesisInputError}, the root of every error in what a user asked to synthesize;
 * - the contract the handlers in `functions/` read: environment variable names, the encryption
 *   context key, the placeholder of a token not yet provisioned;
 * - the timing budget those handlers run in: the function timeout, and the secret fetch's and
 *   the upstream's share of it (`functions/shared/timing-budget.ts`).
 * Each export is documented where it is declared.
 */
export { SecretKey, KEY_ADMINISTRATION_ACTIONS, type SecretKeyProps } from './secret-key';
export { UrlFunction, type UrlFunctionProps } from './url-function';
export { NodejsBundle, BUNDLE_FILE, BUNDLE_HANDLER, BUNDLE_OPTIONS, type NodejsBundleProps } from './nodejs-bundle';
export { LAMBDA_RUNTIME, type NodejsRuntime } from './lambda-runtime';
export { SynthesisInputError } from './errors';
export { assertEnvironmentFits, EnvironmentTooLargeError, LAMBDA_ENVIRONMENT_LIMIT_BYTES } from './lambda-environment';
export {
  DEFAULT_OPTIONS,
  InvalidOptionError,
  parseOptions,
  readOptions,
  UnknownOptionError,
  type FunctionUrlAuthType,
  type Packaging,
  type SampleOptions,
} from './config';
export { API_TOKEN_PARAMETER_NAME, keyAliasName, METHODS, type MethodDefinition, type StackName } from './methods';
export { SampleStack } from './sample-stack';
export { addStateBackend, stateKey } from './state-backend';
export { ENCRYPTION_CONTEXT_KEY, ENV, SECRET_PLACEHOLDER } from '../functions/shared/contract';
export {
  FUNCTION_TIMEOUT_SECONDS,
  MAX_UPSTREAM_TIMEOUT_MS,
  SECRET_FETCH_TIMEOUT_MS,
} from '../functions/shared/timing-budget';
