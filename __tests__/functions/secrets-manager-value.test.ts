import { describe, expect, it } from 'vitest';
import { SecretFormatError, SecretNotProvisionedError, SecretRetrievalError } from '../../functions/shared/errors';
import {
  NO_CURRENT_VERSION,
  notProvisionedByError,
  saysNoCurrentVersion,
  tokenOfSecretValue,
} from '../../functions/shared/secrets-manager-value';
import { TOKEN } from './support/fakes';
import { JSON_FIELD, JSON_SECRET, noCurrentVersion, OTHER_VALUE, secretNotFound } from './support/secrets-manager';

const SOURCE = 'Secrets Manager secret method3-sample/api-token';

/** The error `tokenOfSecretValue` throws for `answer`, or a failure if it returns. */
function errorOf(answer: Parameters<typeof tokenOfSecretValue>[0], jsonField: string | undefined = JSON_FIELD): Error {
  try {
    tokenOfSecretValue(answer, jsonField, SOURCE);
  } catch (error) {
    return error as Error;
  }
  throw new Error('tokenOfSecretValue returned instead of throwing');
}

describe('tokenOfSecretValue without a JSON field', () => {
  it('is the whole SecretString', () => {
    expect(tokenOfSecretValue({ SecretString: TOKEN }, undefined, SOURCE)).toBe(TOKEN);
  });

  it('does not parse a SecretString that happens to be JSON', () => {
    expect(tokenOfSecretValue({ SecretString: JSON_SECRET }, undefined, SOURCE)).toBe(JSON_SECRET);
  });

  it('prefers the SecretString when binary data is there too', () => {
    expect(tokenOfSecretValue({ SecretString: TOKEN, SecretBinary: new Uint8Array([1]) }, undefined, SOURCE)).toBe(
      TOKEN,
    );
  });
});

describe('tokenOfSecretValue with a JSON field', () => {
  it("is the field's string value", () => {
    expect(tokenOfSecretValue({ SecretString: JSON_SECRET }, JSON_FIELD, SOURCE)).toBe(TOKEN);
  });

  it('refuses a SecretString that is not JSON, naming the store and the field, never the value', () => {
    expect(errorOf({ SecretString: TOKEN })).toEqual(
      new SecretFormatError(
        `The secret held in ${SOURCE} is not JSON: it must be a JSON object whose field "${JSON_FIELD}" holds the token as a string`,
      ),
    );
  });

  it('keeps no parse error as the cause, since it would quote the value', () => {
    expect(errorOf({ SecretString: TOKEN }).cause).toBeUndefined();
  });

  it.each([
    ['a string', JSON.stringify(TOKEN)],
    ['an array', JSON.stringify([TOKEN])],
    ['null', 'null'],
    ['a number', '12345'],
  ])('refuses JSON that is %s, not an object', (kind, secretString) => {
    expect(errorOf({ SecretString: secretString }).message).toBe(
      `The secret held in ${SOURCE} is JSON ${kind}, not an object: it must be a JSON object whose field "${JSON_FIELD}" holds the token as a string`,
    );
  });

  it('refuses an object without the field, naming the field', () => {
    expect(errorOf({ SecretString: JSON.stringify({ username: OTHER_VALUE }) })).toEqual(
      new SecretFormatError(
        `The secret held in ${SOURCE} has no field "${JSON_FIELD}": it must be a JSON object whose field "${JSON_FIELD}" holds the token as a string`,
      ),
    );
  });

  it.each(['constructor', '__proto__', 'toString'])('does not find the inherited property %s', (field) => {
    expect(errorOf({ SecretString: JSON_SECRET }, field)).toBeInstanceOf(SecretFormatError);
  });

  it.each([
    ['a number', 42, 'a number'],
    ['a boolean', true, 'a boolean'],
    ['null', null, 'null'],
    ['an object', { value: TOKEN }, 'an object'],
    ['an array', [TOKEN], 'an array'],
  ])('refuses a field that holds %s, saying what kind, not what value', (_name, value, kind) => {
    expect(errorOf({ SecretString: JSON.stringify({ [JSON_FIELD]: value }) }).message).toBe(
      `The secret held in ${SOURCE} holds ${kind} in its field "${JSON_FIELD}": it must be a JSON object whose field "${JSON_FIELD}" holds the token as a string`,
    );
  });

  it.each([
    ['not JSON', TOKEN],
    ['without the field', JSON.stringify({ username: OTHER_VALUE, password: TOKEN })],
    ['with a number in the field', JSON.stringify({ [JSON_FIELD]: 4242, username: OTHER_VALUE })],
    ['an array', JSON.stringify([TOKEN, OTHER_VALUE])],
  ])('quotes no part of a secret that is %s', (_name, secretString) => {
    const { message } = errorOf({ SecretString: secretString });
    expect([TOKEN, OTHER_VALUE, '4242', TOKEN.slice(0, 6)].filter((part) => message.includes(part))).toEqual([]);
  });

  it('is a SecretRetrievalError, which the handler answers with 500', () => {
    expect(errorOf({ SecretString: TOKEN })).toBeInstanceOf(SecretRetrievalError);
  });
});

describe('tokenOfSecretValue of an answer without a SecretString', () => {
  it.each([
    ['bytes, as the SDK gives them', new Uint8Array([116, 111, 107])],
    ['base64, as the extension gives them', 'dG9r'],
  ])('refuses a secret that holds only binary data: %s', (_name, binary) => {
    expect(errorOf({ SecretBinary: binary }, undefined)).toEqual(
      new SecretFormatError(
        `The secret held in ${SOURCE} is binary (SecretBinary): the token must be stored as text (SecretString)`,
      ),
    );
  });

  it('refuses an answer with neither', () => {
    expect(errorOf({}, undefined)).toEqual(
      new SecretRetrievalError(`The secret held in ${SOURCE} was answered without a SecretString`),
    );
  });

  it('calls an answer with neither a retrieval error, not a format error', () => {
    expect(errorOf({ SecretBinary: null }, undefined)).not.toBeInstanceOf(SecretFormatError);
  });
});

describe('saysNoCurrentVersion', () => {
  it('recognizes how Secrets Manager words a secret without an AWSCURRENT version', () => {
    expect(saysNoCurrentVersion(noCurrentVersion().message)).toBe(true);
  });

  it('recognizes it inside the JSON of an error answer', () => {
    expect(
      saysNoCurrentVersion(
        JSON.stringify({ __type: 'ResourceNotFoundException', message: noCurrentVersion().message }),
      ),
    ).toBe(true);
  });

  it('does not take a secret that does not exist for one without a value', () => {
    expect(saysNoCurrentVersion(secretNotFound().message)).toBe(false);
  });
});

describe('notProvisionedByError', () => {
  it('turns the ResourceNotFoundException of a secret without a version into SecretNotProvisionedError', () => {
    expect(notProvisionedByError(noCurrentVersion(), SOURCE)).toEqual(
      new SecretNotProvisionedError(SOURCE, NO_CURRENT_VERSION),
    );
  });

  it('keeps the SDK error as the cause', () => {
    const error = noCurrentVersion();
    expect(notProvisionedByError(error, SOURCE)?.cause).toBe(error);
  });

  it('says what is missing', () => {
    expect(notProvisionedByError(noCurrentVersion(), SOURCE)?.message).toBe(
      `The secret held in ${SOURCE} has not been provisioned yet: it has no AWSCURRENT version: no value has been stored in it`,
    );
  });

  it('leaves a secret that does not exist to the retrieval error', () => {
    expect(notProvisionedByError(secretNotFound(), SOURCE)).toBeUndefined();
  });

  it('leaves another exception with the same wording alone', () => {
    const other = Object.assign(new Error(noCurrentVersion().message), { name: 'InvalidRequestException' });
    expect(notProvisionedByError(other, SOURCE)).toBeUndefined();
  });

  it('leaves a value that is not an error alone', () => {
    expect(notProvisionedByError(noCurrentVersion().message, SOURCE)).toBeUndefined();
  });
});
