/**
 * The AWS Parameters and Secrets Lambda Extension as Method 2's `extension` reader uses it: which
 * AWS-managed layer to add, and how to configure it. Free of cdktf, so options can be checked
 * without loading it.
 */
import { PARAMETERS_EXTENSION } from '../functions/shared/contract';
import { EXTENSION_SSM_TIMEOUT_MS } from '../functions/shared/timing-budget';

/** A Lambda instruction set architecture. */
export type Architecture = 'x86_64' | 'arm64';

/** The name of AWS's extension layer for each architecture. */
export const EXTENSION_LAYER_NAMES: { readonly [A in Architecture]: string } = {
  x86_64: 'AWS-Parameters-and-Secrets-Lambda-Extension',
  arm64: 'AWS-Parameters-and-Secrets-Lambda-Extension-Arm64',
};

/**
 * AWS's extension layer version ARN per region and architecture, for the regions this project
 * knows. AWS publishes the x86_64 and the Arm64 layer under two names and numbers their versions
 * separately (in many regions they differ: af-south-1 has x86_64 100 and Arm64 97), so each ARN
 * is its own entry, copied from its own table, never derived from the other.
 *
 * Source of both: the AWS Systems Manager User Guide, "Using Parameter Store parameters in AWS
 * Lambda functions", section "AWS Parameters and Secrets Lambda Extension ARNs"
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html#ps-integration-lambda-extensions-add),
 * both tables "Last updated: July 28, 2026", read on 2026-12-04 from a stored copy of the page.
 * The newest ARN is also the public parameter
 * `/aws/service/aws-parameters-and-secrets-lambda-extension/{x86,arm64}/latest` of each region;
 * README.md ("Deploy to real AWS") shows how to look it up and how to check an ARN.
 */
export const MANAGED_EXTENSION_LAYERS: Readonly<Record<string, { readonly [A in Architecture]: string }>> = {
  'ap-northeast-1': {
    // Table "Extension ARNs for the x86_64 and x86 architectures", row "Asia Pacific (Tokyo)".
    x86_64: 'arn:aws:lambda:ap-northeast-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension:100',
    // Table "Extension ARNs for ARM64 and Mac with Apple silicon architectures", row "Asia Pacific (Tokyo)".
    arm64: 'arn:aws:lambda:ap-northeast-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:100',
  },
};

/** The value of `extensionLayerArn` that means AWS's layer for the region and architecture. */
export const AWS_MANAGED_LAYER = 'aws-managed';

/** A Lambda layer version ARN: partition, region, account, name and version. */
const LAYER_VERSION_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:layer:([A-Za-z0-9_-]+):\d+$/;

/** Why a layer ARN cannot serve a function, or undefined when it can. */
export function layerArnProblem(arn: string, region: string, architecture: Architecture): string | undefined {
  const match = LAYER_VERSION_ARN.exec(arn);
  if (!match) return 'a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)';
  const [, layerRegion, name] = match;
  if (layerRegion !== region)
    return `a layer in the stacks' region ${region} (Lambda cannot use one from ${layerRegion})`;
  const otherArchitecture = (Object.keys(EXTENSION_LAYER_NAMES) as Architecture[]).find(
    (candidate) => candidate !== architecture && EXTENSION_LAYER_NAMES[candidate] === name,
  );
  if (otherArchitecture) {
    return `the ${EXTENSION_LAYER_NAMES[architecture]} layer for architecture ${architecture}, not the ${otherArchitecture} one`;
  }
  return undefined;
}

/** AWS's extension layer for `region` and `architecture`, if this project knows its ARN. */
export function managedExtensionLayerArn(region: string, architecture: Architecture): string | undefined {
  return Object.hasOwn(MANAGED_EXTENSION_LAYERS, region) ? MANAGED_EXTENSION_LAYERS[region][architecture] : undefined;
}

/**
 * Milliseconds the extension may wait for Parameter Store, less than the function's own limit
 * for the whole fetch: declared in the timing budget (functions/shared/timing-budget.ts).
 */
export { EXTENSION_SSM_TIMEOUT_MS };

/** The store a function reads through the extension: Parameter Store, or Secrets Manager. */
export type ExtensionStore = 'ssm-parameter' | 'secrets-manager';

/** The extension's variables for each store: its cache's TTL and its timeout on calls to the store. */
const STORE_VARIABLES: { readonly [S in ExtensionStore]: { readonly ttl: string; readonly timeout: string } } = {
  'ssm-parameter': { ttl: PARAMETERS_EXTENSION.ttlVariable, timeout: PARAMETERS_EXTENSION.timeoutVariable },
  'secrets-manager': {
    ttl: PARAMETERS_EXTENSION.secretsManagerTtlVariable,
    timeout: PARAMETERS_EXTENSION.secretsManagerTimeoutVariable,
  },
};

/**
 * The extension's configuration for reading `store`: its default port made explicit, a timeout
 * on its calls to the store (the same budget for both), and its cache off. The function caches
 * the token itself (secretCacheTtlSeconds) and refetches it when the upstream rejects it; a second
 * cache in the extension would answer that refetch with the rejected token for up to its TTL, so
 * a rotation would not reach a warm function.
 */
export function extensionEnvironment(store: ExtensionStore): Record<string, string> {
  return {
    [PARAMETERS_EXTENSION.httpPortVariable]: String(PARAMETERS_EXTENSION.defaultHttpPort),
    [PARAMETERS_EXTENSION.cacheEnabledVariable]: 'FALSE',
    [STORE_VARIABLES[store].ttl]: '0',
    [STORE_VARIABLES[store].timeout]: String(EXTENSION_SSM_TIMEOUT_MS),
  };
}
