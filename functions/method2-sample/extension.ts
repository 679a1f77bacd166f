/**
 * Method 2 with `method2Reader=extension`: the SecureString named in API_TOKEN_PARAMETER_NAME is
 * read through the AWS Parameters and Secrets Lambda Extension, so the bundle carries no AWS SDK.
 */
import { readExtensionConnection, readRequiredString } from '../shared/config';
import { ENV } from '../shared/contract';
import { ExtensionSecretProvider } from '../shared/extension-secret-provider';
import { createHandlerFromEnvironment } from '../shared/from-environment';

/** The Lambda entry point. */
export const handler = createHandlerFromEnvironment(
  process.env,
  (env, options) =>
    new ExtensionSecretProvider(
      {
        parameterName: readRequiredString(env, ENV.apiTokenParameterName),
        ...readExtensionConnection(env),
      },
      options,
    ),
);
