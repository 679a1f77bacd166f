/**
 * The AWS SDK client settings the entries pass to their KMS, SSM or Secrets Manager client: per-attempt
 * timeouts that make the SDK give up on a stalled connection and retry it, within the budget
 * that SecretProvider allows a fetch (SECRET_FETCH_TIMEOUT_MS in timing-budget.ts).
 */
import type { KMSClientConfig } from '@aws-sdk/client-kms';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { SSMClientConfig } from '@aws-sdk/client-ssm';
import { ATTEMPT_TIMEOUT_MS, MAX_ATTEMPTS } from './timing-budget';

// MAX_ATTEMPTS and ATTEMPT_TIMEOUT_MS belong to the timing budget, which shows how they fit in
// SECRET_FETCH_TIMEOUT_MS; re-exported here, beside the settings that use them.
export { ATTEMPT_TIMEOUT_MS, MAX_ATTEMPTS };

/**
 * Constructor settings for `KMSClient`, `SSMClient` and `SecretsManagerClient`: `maxAttempts` and the options of the
 * SDK's default Node.js HTTP handler. Region and credentials are not in it: the SDK reads them
 * from the environment that Lambda sets.
 */
export const AWS_CLIENT_CONFIG = {
  maxAttempts: MAX_ATTEMPTS,
  requestHandler: {
    connectionTimeout: ATTEMPT_TIMEOUT_MS,
    requestTimeout: ATTEMPT_TIMEOUT_MS,
    // Without it @smithy/node-http-handler only logs a warning when requestTimeout passes and
    // keeps waiting. Its TimeoutError is one the retry strategy retries.
    throwOnRequestTimeout: true,
  },
} satisfies KMSClientConfig & SSMClientConfig & SecretsManagerClientConfig;
