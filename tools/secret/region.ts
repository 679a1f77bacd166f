/**
 * The region the secret CLI works in: the stacks', not the caller's default. The stacks deploy to
 * their `region` option whatever AWS_REGION or the profile say, so a CLI that followed the
 * caller's configuration would look for the function, and check the alias, in another region.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_OPTIONS, optionEnvName, parseOptions } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/project-root';

/** A region and where it came from, for people to read. */
export interface ChosenRegion {
  readonly region: string;
  /** e.g. `--region`, `LAMBDA_SECRETS_REGION`, `cdktf.json context`, `the stacks' default` */
  readonly source: string;
}

/** Where the project's cdktf.json is. */
const CDKTF_JSON = join(PROJECT_ROOT, 'cdktf.json');

/**
 * The region the stacks deploy to, found as synthesis finds it: the `LAMBDA_SECRETS_REGION`
 * variable, else `context.region` in cdktf.json, else the stacks' default. Validated by the same
 * parser, so the CLI accepts exactly the regions synthesis does.
 * @param env the environment (only its `LAMBDA_SECRETS_REGION` counts)
 * @param cdktfJson the cdktf.json to read; a missing file has no context
 * @throws InvalidOptionError naming the source of a region that is not one
 */
export function stacksRegion(env: NodeJS.ProcessEnv = process.env, cdktfJson = CDKTF_JSON): ChosenRegion {
  const variable = optionEnvName('region');
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== '') return checked(fromEnv, variable);
  const fromContext = existsSync(cdktfJson) ? contextRegion(cdktfJson) : undefined;
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

function contextRegion(cdktfJson: string): unknown {
  const config = JSON.parse(readFileSync(cdktfJson, 'utf8')) as { context?: Record<string, unknown> };
  return config.context?.region;
}

function checked(raw: unknown, source: string): ChosenRegion {
  return { region: parseOptions({ region: raw }, { region: source }).region, source };
}
