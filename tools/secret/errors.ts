/**
 * Errors of the secret CLI and its library. None of them carries the token or its ciphertext
 * in its message, so every one can be printed as it is.
 */
import { BEARER_TOKEN_RULE } from '../../functions/shared/contract';
import { ToolError, UsageError } from '../common/errors';

/** The secret CLI's command line is malformed; the message ends with the usage synopsis. */
export class SecretUsageError extends UsageError {
  override name = 'SecretUsageError';

  /** @param problem what is wrong, without echoing an argument (it could be a token) */
  constructor(problem: string) {
    super(`${problem}; usage: npm run secret -- <set|rotate|status> <stack> [--region <region>] (see --help)`);
  }
}

/** The stack is not one whose secret the CLI manages. */
export class UnknownStackError extends UsageError {
  override name = 'UnknownStackError';

  /** @param known the stacks it manages */
  constructor(readonly known: readonly string[]) {
    // The rejected name is not echoed: a token typed in its place would land in the terminal log.
    super(`unknown stack: expected one of ${known.join(', ')}, or one of them with -<stage> (e.g. ${known[0]}-dev)`);
  }
}

/** The stack's function does not exist in the account and region the credentials point at. */
export class StackNotDeployedError extends ToolError {
  override name = 'StackNotDeployedError';

  /**
   * @param stack the stack, whose function has the same name
   * @param region where the function was looked for
   */
  constructor(
    readonly stack: string,
    readonly region: string,
    options?: { cause?: unknown },
  ) {
    super(`stack ${stack} is not deployed (no function ${stack} in ${region}); run npx cdktf deploy ${stack}`, options);
  }
}

/** The function exists but lacks what the stack gives it, so it was not deployed from this project. */
export class FunctionNotConfiguredError extends ToolError {
  override name = 'FunctionNotConfiguredError';

  /**
   * @param stack the stack and function
   * @param variable the missing environment variable
   */
  constructor(stack: string, variable: string) {
    super(`function ${stack} has no environment variable ${variable}; run npx cdktf deploy ${stack}`);
  }
}

/**
 * The function does not name the key its token must be encrypted with (`KMS_KEY_ARN`), or names
 * something other than a key ARN: the CLI will not fall back to the alias, which anyone allowed to
 * manage aliases can point at a key of their own.
 */
export class KeyArnNotConfiguredError extends ToolError {
  override name = 'KeyArnNotConfiguredError';

  /**
   * @param functionName the stack and its function
   * @param variable the environment variable that should hold the key ARN
   * @param malformed true when the variable is there but holds no key ARN
   */
  constructor(
    readonly functionName: string,
    variable: string,
    malformed = false,
  ) {
    super(
      (malformed
        ? `function ${functionName}'s ${variable} is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)`
        : `function ${functionName} has no environment variable ${variable}, which names the key its token is ` +
          'encrypted with (a stack deployed before this version of the project)') +
        `; nothing was written: redeploy the stack (npx cdktf deploy ${functionName}), then run this command again`,
    );
  }
}

/**
 * The stack's alias points at another key than the one its function names: someone with
 * kms:UpdateAlias repointed it, perhaps at a key of their own, so nothing is encrypted.
 */
export class KeyAliasMismatchError extends ToolError {
  override name = 'KeyAliasMismatchError';

  /**
   * @param alias the stack's alias, e.g. `alias/method1-sample`
   * @param aliasKeyArn the key the alias points at
   * @param functionKeyArn the key the function names in its environment
   * @param variable the environment variable naming it
   */
  constructor(
    readonly alias: string,
    readonly aliasKeyArn: string,
    readonly functionKeyArn: string,
    variable: string,
  ) {
    super(
      `${alias} points at key ${aliasKeyArn}, not at ${functionKeyArn}, the key the function names in ` +
        `${variable}: someone repointed the alias (see UpdateAlias in CloudTrail); nothing was written. ` +
        'Find out who and why, point the alias back (npx cdktf deploy restores it), then run this command again',
    );
  }
}

/**
 * Method 3's secret is encrypted under another key than the one its stack created it with: the
 * value would be readable under that key's policy, so nothing is written.
 */
export class SecretKeyMismatchError extends ToolError {
  override name = 'SecretKeyMismatchError';

  /**
   * @param secretId the secret
   * @param secretKey the key the secret is under
   * @param stackKeyArn the key the function names in its environment
   */
  constructor(
    readonly secretId: string,
    readonly secretKey: string,
    readonly stackKeyArn: string,
  ) {
    super(
      `secret ${secretId} is encrypted under ${secretKey}, not under ${stackKeyArn}, the key its stack ` +
        'created it with: someone changed it (see UpdateSecret in CloudTrail); nothing was written. ' +
        'Find out who and why, then npx cdktf deploy restores the key',
    );
  }
}

/**
 * Method 3's secret is marked for deletion (DeleteSecret with a recovery window): the function can
 * no longer read it and Secrets Manager refuses new values, so nothing is written.
 */
export class SecretScheduledForDeletionError extends ToolError {
  override name = 'SecretScheduledForDeletionError';

  /** @param secretId the secret */
  constructor(readonly secretId: string) {
    super(
      `secret ${secretId} is marked for deletion (see DeleteSecret in CloudTrail); nothing was written. ` +
        `Restore it (aws secretsmanager restore-secret --secret-id ${secretId}), then run this command again`,
    );
  }
}

/** The token read is empty. */
export class EmptyTokenError extends ToolError {
  override name = 'EmptyTokenError';

  constructor() {
    super('the token is empty: pipe it on stdin or type it at the prompt');
  }
}

/** The token holds characters that cannot travel in an Authorization header. */
export class MalformedTokenError extends ToolError {
  override name = 'MalformedTokenError';

  constructor() {
    super(
      `the token cannot be sent as a Bearer token: it must be ${BEARER_TOKEN_RULE} ` +
        '(a stray line break or a pasted space is the usual cause)',
    );
  }
}

/** The token is larger than both stores accept. */
export class TokenTooLargeError extends ToolError {
  override name = 'TokenTooLargeError';

  /**
   * @param size the token's size in bytes (UTF-8)
   * @param limit the largest size accepted
   */
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(
      `the token is ${size} bytes; at most ${limit} bytes fit ` +
        `(the SSM standard tier and Lambda's environment quota are both 4 KB)`,
    );
  }
}

/** `set` found a secret already in place; overwriting it must be asked for with `rotate`. */
export class SecretAlreadyProvisionedError extends ToolError {
  override name = 'SecretAlreadyProvisionedError';

  /**
   * @param stack the stack
   * @param location where its secret lives
   */
  constructor(stack: string, location: string) {
    super(`the secret of ${stack} is already provisioned (${location}); use rotate to replace it`);
  }
}

/** `rotate` found only the placeholder: there is nothing to replace yet. */
export class SecretNotYetProvisionedError extends ToolError {
  override name = 'SecretNotYetProvisionedError';

  /**
   * @param stack the stack
   * @param location where its secret lives
   */
  constructor(stack: string, location: string) {
    super(`the secret of ${stack} is not provisioned yet (${location}); use set to store it`);
  }
}

/** AWS refused a call for lack of permission. */
export class AccessDeniedError extends ToolError {
  override name = 'AccessDeniedError';

  /**
   * @param action the IAM action, e.g. `kms:Encrypt`
   * @param resource what it was called on
   */
  constructor(
    readonly action: string,
    readonly resource: string,
    options?: { cause?: unknown },
  ) {
    super(`access denied to ${action} on ${resource}: check your credentials' IAM permissions`, options);
  }
}

/** Any other failed AWS call; the message names the action, the resource and AWS's error. */
export class AwsRequestError extends ToolError {
  override name = 'AwsRequestError';
}

/** An AWS call got no answer: the endpoint is down, frozen or out of reach; the message says what to do. */
export class AwsUnreachableError extends ToolError {
  override name = 'AwsUnreachableError';
}

/** The function changed between reading and updating its configuration, so the update was refused. */
export class ConcurrentChangeError extends ToolError {
  override name = 'ConcurrentChangeError';

  /** @param functionName the function */
  constructor(functionName: string, options?: { cause?: unknown }) {
    super(
      `function ${functionName} changed while its secret was being written (its revision no longer ` +
        'matches); nothing was written: run the command again',
      options,
    );
  }
}

/** Lambda accepted the new configuration but did not finish applying it. */
export class FunctionUpdateError extends ToolError {
  override name = 'FunctionUpdateError';
}

/** The user pressed Ctrl-C at the hidden prompt. */
export class PromptAbortedError extends ToolError {
  override name = 'PromptAbortedError';

  constructor() {
    super('aborted at the prompt; nothing was written');
  }
}
