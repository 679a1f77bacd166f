/**
 * What each child of the local run inherits from the user's shell: exactly what it needs, so
 * that nothing in the shell can change what the local run proves, or send a call elsewhere.
 */
import { OPTION_ENV_PREFIX } from '../../stacks/config';

/**
 * Variables a local run must not inherit from the user's shell: AWS credentials, profiles and
 * endpoints (they could send a call to a real account), the stacks' options (e.g.
 * `method1SecretDelivery=terraform` would put the token in the local state) and Terraform's own
 * (`TF_CLI_ARGS*`, `TF_VAR_*`, `TF_LOG*` change what runs or what it prints). Staying: the AWS
 * SDK's behaviour switches (`AWS_SDK_JS_*`), and where Terraform finds its CLI config and
 * provider cache, which hold neither credentials for AWS nor options of the stacks.
 */
const NOT_INHERITED = [
  /^AWS_(?!SDK_JS_)/,
  new RegExp(`^${OPTION_ENV_PREFIX}`),
  /^TF_(?!CLI_CONFIG_FILE$|PLUGIN_CACHE_DIR$)/,
];

/** `env` without the variables in {@link NOT_INHERITED}. */
export function inheritedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !NOT_INHERITED.some((pattern) => pattern.test(name))),
  );
}

/**
 * Variables the emulator's process keeps: what finds and runs Python and moto (PATH, pyenv,
 * a virtualenv), the locale, the temp dir. Nothing else: moto reads AWS_* (an AWS_PROFILE it
 * cannot find makes it answer every call with a 500) and MOTO_* settings.
 */
const EMULATOR_KEEPS =
  /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_\w+|TZ|TMPDIR|PYENV_\w+|PYTHON\w*|VIRTUAL_ENV|CONDA_\w+)$/;

/** The environment of the emulator's process: `env` reduced to {@link EMULATOR_KEEPS}. */
export function emulatorProcessEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => EMULATOR_KEEPS.test(name)));
}
