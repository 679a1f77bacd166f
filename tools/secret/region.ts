/**
 * The region the secret CLI works in: the stacks', not the caller's default. The stacks deploy to
 * their `region` option whatever AWS_REGION or the profile say, so a CLI that followed the
 * caller's configuration would look for the function, and check the alias, in another region.
 */
import { DEFAULT_OPTIONS, optionEnvName, parseOptions } from '../../stacks/config';
import { CDKTF_JSON, cdktfContext } from '../common/cdktf-json';

/** A region and where it came from, for people to read. */
export interface ChosenRegion {
  readonly region: string;
  /** e.g. `--region`, `LAMBDA_SECRETS_REGION`, `cdktf.json context`, `the stacks' default` */
  readonly source: string;
}

/**
 * The variable that names another cdktf.json than the project's for the CLI to read
 * `context.region` from. The tests point it at a temporary file, so that a user's own
 * `context.region` cannot change what they find. Not `LAMBDA_SECRETS_*`: synthesis refuses
 * variables of that prefix that name no option.
 */
export const CDKTF_JSON_VARIABLE = 'SECRET_CLI_CDKTF_JSON';

/**
 * The region the stacks deploy to, found as synthesis finds it: the `LAMBDA_SECRETS_REGION`
 * variable, else `context.region` in cdktf.json, else the stacks' default. Validated by the same
 * parser, so the CLI accepts exactly the regions synthesis does.
 * @param env the environment (its `LAMBDA_SECRETS_REGION`, and {@link CDKTF_JSON_VARIABLE})
 * @param cdktfJson the cdktf.json to read; a missing file has no context
 *   @default {@link CDKTF_JSON_VARIABLE}'s file if set, else the project's
 * @throws InvalidOptionError naming the source of a region that is not one
 */
export function stacksRegion(
  env: NodeJS.ProcessEnv = process.env,
  cdktfJson = env[CDKTF_JSON_VARIABLE] || CDKTF_JSON,
): ChosenRegion {
  const variable = optionEnvName('region');
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== '') return checked(fromEnv, variable);
  const fromContext = cdktfContext(cdktfJson).region;
  if (fromContext !== undefined) return checked(fromContext, 'cdktf.json context');
  return { region: DEFAULT_OPTIONS.region, source: "the stacks' default" };
}

/** Whether `value` is a region name the stacks accept. */
export function isRegionName(value: string): boolean {
  try {
    parseOptions({ region: value });
    return true;
  } catch {
    return false;
  }
}

function checked(raw: unknown, source: string): ChosenRegion {
  return { region: parseOptions({ region: raw }, { region: source }).region, source };
}
