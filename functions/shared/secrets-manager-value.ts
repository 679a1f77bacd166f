/**
 * Method 3: how a Secrets Manager GetSecretValue answer becomes the token, and how the store says
 * that a secret has no value yet. Shared by the SDK reader and the extension reader, so free of
 * the AWS SDK: the extension's bundle carries none.
 */
import { SecretFormatError, SecretNotProvisionedError, SecretRetrievalError } from './errors';

/** What GetSecretValue answers, as far as the token goes: the SDK's output and the extension's JSON alike. */
export interface SecretValueAnswer {
  readonly SecretString?: unknown;
  readonly SecretBinary?: unknown;
}

/**
 * How Secrets Manager (and moto) words a GetSecretValue of a secret that exists but has no version
 * under the staging label, AWSCURRENT when none is asked for: "Secrets Manager can't find the
 * specified secret value for staging label: AWSCURRENT", as a ResourceNotFoundException. A secret
 * that does not exist at all is a ResourceNotFoundException too, worded "can't find the specified
 * secret.", which is a misconfiguration, not a secret waiting for its value.
 */
const NO_VERSION_UNDER_LABEL = /can't find the specified secret value for staging label/;

/** The reason a {@link SecretNotProvisionedError} gives for a secret without a value. */
export const NO_CURRENT_VERSION = 'it has no AWSCURRENT version: no value has been stored in it';

/**
 * Whether `text` (an SDK error's message, or the body of the extension's refusal) says that the
 * secret has no value under its staging label yet.
 */
export function saysNoCurrentVersion(text: string): boolean {
  return NO_VERSION_UNDER_LABEL.test(text);
}

/**
 * The {@link SecretNotProvisionedError} for `error` if it is the SDK's ResourceNotFoundException
 * for a secret without an AWSCURRENT version, else undefined.
 *
 * @param source - Where the secret lives, for the message.
 */
export function notProvisionedByError(error: unknown, source: string): SecretNotProvisionedError | undefined {
  return error instanceof Error && error.name === 'ResourceNotFoundException' && saysNoCurrentVersion(error.message)
    ? new SecretNotProvisionedError(source, NO_CURRENT_VERSION, { cause: error })
    : undefined;
}

/**
 * The token in a GetSecretValue answer: the whole SecretString, or with `jsonField` the string
 * value of that field of the JSON object the SecretString holds. No message quotes the value,
 * nor does any error keep the JSON parser's, which quotes its input.
 *
 * @param answer - GetSecretValue's answer.
 * @param jsonField - The field that holds the token, or undefined for the whole SecretString.
 * @param source - Where the secret lives, for messages.
 * @throws {SecretFormatError} If the secret holds only binary data, or `jsonField` is given and
 *   the SecretString is not a JSON object with that field as a string.
 * @throws {SecretRetrievalError} If the answer holds neither a SecretString nor binary data.
 */
export function tokenOfSecretValue(answer: SecretValueAnswer, jsonField: string | undefined, source: string): string {
  const { SecretString: secretString, SecretBinary: secretBinary } = answer;
  if (typeof secretString !== 'string') {
    if (secretBinary !== undefined && secretBinary !== null) {
      throw new SecretFormatError(
        `The secret held in ${source} is binary (SecretBinary): the token must be stored as text (SecretString)`,
      );
    }
    throw new SecretRetrievalError(`The secret held in ${source} was answered without a SecretString`);
  }
  return jsonField === undefined ? secretString : fieldOf(secretString, jsonField, source);
}

function fieldOf(secretString: string, field: string, source: string): string {
  const expected = `it must be a JSON object whose field ${JSON.stringify(field)} holds the token as a string`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // The SyntaxError quotes the text it could not parse, which is the secret: not kept.
    throw new SecretFormatError(`The secret held in ${source} is not JSON: ${expected}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretFormatError(`The secret held in ${source} is JSON ${kindOf(parsed)}, not an object: ${expected}`);
  }
  // Own fields only: "constructor" or "__proto__" must not find what every object inherits.
  if (!Object.hasOwn(parsed, field)) {
    throw new SecretFormatError(`The secret held in ${source} has no field ${JSON.stringify(field)}: ${expected}`);
  }
  const value = (parsed as Record<string, unknown>)[field];
  if (typeof value !== 'string') {
    throw new SecretFormatError(
      `The secret held in ${source} holds ${kindOf(value)} in its field ${JSON.stringify(field)}: ${expected}`,
    );
  }
  return value;
}

/** What kind of JSON value `value` is, for messages: never the value itself. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
