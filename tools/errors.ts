/** Errors of the project's command-line tools; each names what is wrong and how to fix it. */

/** Base of the tools' errors: the CLIs print its message alone, without a stack trace. */
export class ToolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A program the local run needs is not installed. */
export class MissingToolError extends ToolError {
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
export class CommandFailedError extends ToolError {}

/** An environment variable a tool reads holds a value it cannot use. */
export class InvalidEnvironmentVariableError extends ToolError {
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
