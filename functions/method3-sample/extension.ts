/**
 * Method 3 read through the AWS Parameters and Secrets Lambda Extension: the secret named in
 * API_TOKEN_SECRET_ID (its field API_TOKEN_SECRET_JSON_FIELD, if set) is read from the
 * extension's /secretsmanager/get, so the bundle carries no AWS SDK.
 */
import { readExtensionConnection, readOptionalString, readRequiredString } from '../shared/config';
import { ENV } from '../shared/contract';
import { ExtensionSecretProvider } from '../shared/extension-secret-provider';
import { createHandlerFromEnvironment } from '../shared/from-environment';

/** The Lambda entry point. */
export const handler = createHandlerFromEnvironment(
  process.env,
  (env, options) =>
    new ExtensionSecretProvider(
      {
        secretId: readRequiredString(env, ENV.apiTokenSecretId),
        jsonField: readOptionalString(env, ENV.apiTokenSecretJsonField),
        ...readExtensionConnection(env),
      },
      options,
    ),
);
