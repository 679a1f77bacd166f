/**
 * Method 3: the API token is the AWSCURRENT version of an AWS Secrets Manager secret, named in
 * API_TOKEN_SECRET_ID (the whole SecretString, or the field of its JSON object named in
 * API_TOKEN_SECRET_JSON_FIELD), read on the first request.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWS_CLIENT_CONFIG } from '../shared/aws-client-config';
import { readOptionalString, readRequiredString } from '../shared/config';
import { ENV } from '../shared/contract';
import { createHandlerFromEnvironment } from '../shared/from-environment';
import { SecretsManagerSecretProvider } from '../shared/secrets-manager-secret-provider';

/** The Lambda entry point. */
export const handler = createHandlerFromEnvironment(
  process.env,
  (env, options) =>
    new SecretsManagerSecretProvider(
      // Region comes from AWS_REGION, which Lambda sets.
      new SecretsManagerClient(AWS_CLIENT_CONFIG),
      {
        secretId: readRequiredString(env, ENV.apiTokenSecretId),
        jsonField: readOptionalString(env, ENV.apiTokenSecretJsonField),
      },
      options,
    ),
);
