/** A fake Secrets Manager client and the errors Secrets Manager raises, shaped as the SDK builds them. */
import { ResourceNotFoundException, type GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { vi } from 'vitest';
import type { SecretsManagerGetSecretValueClient } from '../../../functions/shared/secrets-manager-secret-provider';
import { TOKEN } from './fakes';

/** method3-sample's secret, by ARN as the stack would set it. */
export const SECRET_ID = 'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:method3-sample/api-token-AbCdEf';
/** The field of a JSON secret that holds the token in the tests. */
export const JSON_FIELD = 'apiToken';
/** A JSON secret holding {@link TOKEN} in {@link JSON_FIELD}, beside another credential that must not leak either. */
export const OTHER_VALUE = 'other-credential-9Lm4Zp';
export const JSON_SECRET = JSON.stringify({ [JSON_FIELD]: TOKEN, username: OTHER_VALUE });

/** GetSecretValue's answer for a secret whose AWSCURRENT version holds `secretString`. */
export function secretValue(secretString: string, versionId = 'version-1'): GetSecretValueCommandOutput {
  return {
    ARN: SECRET_ID,
    Name: 'method3-sample/api-token',
    VersionId: versionId,
    SecretString: secretString,
    VersionStages: ['AWSCURRENT'],
    $metadata: {},
  };
}

/** A Secrets Manager client whose GetSecretValue returns `secretString` unless `respond` says otherwise. */
export function fakeSecretsManager(
  secretString: string = TOKEN,
  respond: SecretsManagerGetSecretValueClient['send'] = () => Promise.resolve(secretValue(secretString)),
) {
  return { send: vi.fn<SecretsManagerGetSecretValueClient['send']>(respond) };
}

/**
 * What Secrets Manager, and moto 5.2.1 alike, raises for GetSecretValue of a secret that exists
 * without any version: HTTP 404 (moto) / 400 (AWS), ResourceNotFoundException, this message.
 */
export function noCurrentVersion(): ResourceNotFoundException {
  return new ResourceNotFoundException({
    $metadata: { httpStatusCode: 404 },
    message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
  });
}

/** What it raises for a secret that does not exist at all: the same exception, another message. */
export function secretNotFound(): ResourceNotFoundException {
  return new ResourceNotFoundException({
    $metadata: { httpStatusCode: 404 },
    message: "Secrets Manager can't find the specified secret.",
  });
}

/** What `promise` rejects with, or a failure if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('resolved instead of rejecting');
    },
    (error: unknown) => error as Error,
  );
}
