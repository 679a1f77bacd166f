/** The errors of options that synthesis refuses, both under {@link SynthesisInputError}. */
import { SynthesisInputError } from '../../lib/errors';
import type { OptionName } from './schema';

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
    readonly option: OptionName,
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
