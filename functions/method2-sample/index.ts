/**
 * Method 2: the API token is an SSM SecureString parameter, named in API_TOKEN_PARAMETER_NAME
 * and read on the first request.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { AWS_CLIENT_CONFIG } from '../shared/aws-client-config';
import { readRequiredString } from '../shared/config';
import { ENV } from '../shared/contract';
import { createHandlerFromEnvironment } from '../shared/from-environment';
import { SsmSecretProvider } from '../shared/ssm-secret-provider';

/** The Lambda entry point. */
export const handler = createHandlerFromEnvironment(
  process.env,
  (env, options) =>
    new SsmSecretProvider(
      // Region comes from AWS_REGION, which Lambda sets.
      new SSMClient(AWS_CLIENT_CONFIG),
      readRequiredString(env, ENV.apiTokenParameterName),
      options,
    ),
);
