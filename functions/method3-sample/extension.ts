/**
 * Method 3 read through the AWS Parameters and Secrets Lambda Extension: the secret named in
 * API_TOKEN_SECRET_ID (its field API_TOKEN_SECRET_JSON_FIELD, if set) is read from the
 * extension's /secretsmanager/get, so the bundle carries no AWS SDK.
 */
import { readInteger, readOptionalString, readRequiredString } from '../shared/config';
import { ENV, PARAMETERS_EXTENSION } from '../shared/contract';
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
        port: readInteger(env, PARAMETERS_EXTENSION.httpPortVariable, {
          defaultValue: PARAMETERS_EXTENSION.defaultHttpPort,
          minimum: 1,
          maximum: 65_535,
        }),
        sessionToken: () => env.AWS_SESSION_TOKEN,
      },
      options,
    ),
);
