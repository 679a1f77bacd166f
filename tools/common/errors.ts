/**
 * Errors of the project's command-line tools; each names what is wrong and how to fix it.
 * Like every error class of the project, each one sets `name` to its own class name.
 */

/** Base of the tools' errors: the CLIs print its message alone, without a stack trace. */
export class ToolError extends Error {
  override name = 'ToolError';
}

/** The command line is malformed; the command exits with status 2 rather than 1. */
export class UsageError extends ToolError {
  override name = 'UsageError';
}

/** A program the local run needs is not installed. */
export class MissingToolError extends ToolError {
  override name = 'MissingToolError';

  /**
   * @param program the missing command
   * @param install how to install it
   */
  constructor(
    readonly program: string,
    install: string,
  ) {
    super(`${program} is not installed or not on PATH: ${install}`);
  }
}

/** A child process (Terraform, cdktf, the emulator) failed. */
export class CommandFailedError extends ToolError {
  override name = 'CommandFailedError';
}

/** An environment variable a tool reads holds a value it cannot use. */
export class InvalidEnvironmentVariableError extends ToolError {
  override name = 'InvalidEnvironmentVariableError';

  /**
   * @param variable the variable's name
   * @param expected what it must hold
   */
  constructor(
    readonly variable: string,
    expected: string,
  ) {
    super(`${variable} must be ${expected}`);
  }
}
