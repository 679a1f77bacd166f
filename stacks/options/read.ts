/**
 * Reading the options: raw values from the environment and the cdktf context, each parsed by its
 * declaration in {@link OPTIONS}, defaults filled in, then the cross-field checks; and the typo
 * check, which refuses a setting that names no option but resembles one.
 */
import type { Construct } from 'constructs';
import { checkCombinations, type OptionSources } from './checks';
import { InvalidOptionError, UnknownOptionError } from './errors';
import type { OptionSpec } from './parsers';
import { OPTION_ENV_PREFIX, OPTION_NAMES, OPTIONS, optionEnvName, type OptionName, type SampleOptions } from './schema';

/**
 * Validates raw option values (from context or the environment) and fills in defaults.
 * @param sources where each value was set, for error messages
 * @throws InvalidOptionError naming the first bad option
 */
export function parseOptions(raw: Partial<Record<OptionName, unknown>>, sources: OptionSources = {}): SampleOptions {
  const options: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    const value = raw[name];
    const spec: OptionSpec<unknown> = OPTIONS[name];
    options[name] =
      value === undefined
        ? spec.default
        : spec.parse(value, (expected, ...shown) => {
            throw new InvalidOptionError(name, expected, shown.length > 0 ? shown[0] : value, sources[name]);
          });
  }
  const parsed = options as SampleOptions;
  checkCombinations(parsed, sources);
  return parsed;
}

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
  const raw: Partial<Record<OptionName, unknown>> = {};
  const sources: OptionSources = {};
  for (const name of OPTION_NAMES) {
    const fromEnv = env[optionEnvName(name)];
    raw[name] = fromEnv ?? scope.node.tryGetContext(name);
    if (raw[name] !== undefined) sources[name] = fromEnv === undefined ? CONTEXT_SOURCE : optionEnvName(name);
  }
  return parseOptions(raw, sources);
}

/** The largest distance at which a context key counts as a misspelt option rather than someone else's key. */
const MISSPELLING_DISTANCE = 2;

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
    (key) =>
      !(OPTION_NAMES as readonly string[]).includes(key) &&
      distance(key, closest(key, OPTION_NAMES)) <= MISSPELLING_DISTANCE,
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
