/**
 * Method 1: the API token is KMS ciphertext in ENCRYPTED_API_TOKEN, bound to this function
 * by its encryption context and decrypted on the first request.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { AWS_CLIENT_CONFIG } from '../shared/aws-client-config';
import { readCiphertext, readKmsKeyArn, readRequiredString } from '../shared/config';
import { ENV } from '../shared/contract';
import { createHandlerFromEnvironment } from '../shared/from-environment';
import { KmsSecretProvider } from '../shared/kms-secret-provider';

/** The Lambda entry point. */
export const handler = createHandlerFromEnvironment(
  process.env,
  (env, options) =>
    new KmsSecretProvider(
      // Region comes from AWS_REGION, which Lambda sets.
      new KMSClient(AWS_CLIENT_CONFIG),
      readCiphertext(env, ENV.encryptedApiToken),
      {
        functionName: readRequiredString(env, 'AWS_LAMBDA_FUNCTION_NAME'),
        keyArn: readKmsKeyArn(env, ENV.kmsKeyArn),
      },
      options,
    ),
);
