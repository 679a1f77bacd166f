/**
 * The sample stacks' options, re-exported from where each job lives, so that importers keep one
 * path (`stacks/config`):
 * - stacks/options/schema.ts: each option declared once; the type, defaults and names derive from it;
 * - stacks/options/parsers.ts: the kinds of value and their parsers;
 * - stacks/options/checks.ts: the checks across options, and the values derived from several;
 * - stacks/options/read.ts: reading the environment and the cdktf context, and the typo check;
 * - stacks/options/errors.ts: what synthesis throws for them, under {@link SynthesisInputError};
 * - stacks/options/docs.ts: help's option table and docs/configuration.md.
 */
export { SynthesisInputError } from '../lib/errors';
export { InvalidOptionError, UnknownOptionError } from './options/errors';
export {
  DEFAULT_OPTIONS,
  LOG_RETENTION_DAYS,
  MAX_RESERVED_CONCURRENCY,
  MAX_SECRET_CACHE_TTL_SECONDS,
  OPTION_ENV_PREFIX,
  OPTION_NAMES,
  OPTIONS,
  optionEnvName,
  UNRESERVED,
  type FunctionUrlAuthType,
  type Method1SecretDelivery,
  type Method2Reader,
  type Method2SecretDelivery,
  type OptionName,
  type Packaging,
  type SampleOptions,
  type StateBackend,
} from './options/schema';
export type { OptionSpec, StackScope } from './options/parsers';
export { extensionLayerArn, principalAccount, type OptionSources } from './options/checks';
export { parseOptions, readOptions } from './options/read';

/**
 * The function timeout, and the longest upstream timeout that fits in it with the secret fetch
 * and the answer: declared in the timing budget (functions/shared/timing-budget.ts), re-exported
 * for the modules that read them with the options.
 */
export { FUNCTION_TIMEOUT_SECONDS, MAX_UPSTREAM_TIMEOUT_MS } from '../functions/shared/timing-budget';
