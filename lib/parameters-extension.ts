/**
 * The AWS Parameters and Secrets Lambda Extension as Method 2's `extension` reader uses it: which
 * AWS-managed layer to add, and how to configure it. Free of cdktf, so options can be checked
 * without loading it.
 */
import { PARAMETERS_EXTENSION, SECRET_FETCH_TIMEOUT_MS } from '../functions/shared/contract';

/** A Lambda instruction set architecture. */
export type Architecture = 'x86_64' | 'arm64';

/** The name of AWS's extension layer for each architecture. */
export const EXTENSION_LAYER_NAMES: { readonly [A in Architecture]: string } = {
  x86_64: 'AWS-Parameters-and-Secrets-Lambda-Extension',
  arm64: 'AWS-Parameters-and-Secrets-Lambda-Extension-Arm64',
};

/**
 * Where AWS publishes the extension, for the regions this project knows a version of: the layer
 * lives in an AWS account of each region. From the Systems Manager user guide's table of
 * extension ARNs, last updated by AWS on 2026-07-28; the newest ARN of any region is also the
 * public parameter `/aws/service/aws-parameters-and-secrets-lambda-extension/{x86,arm64}/latest`.
 */
export const MANAGED_EXTENSION_LAYERS: Readonly<
  Record<string, { readonly account: string; readonly versions: { readonly [A in Architecture]: number } }>
> = {
  'ap-northeast-1': { account: '133490724326', versions: { x86_64: 100, arm64: 100 } },
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
  const published = MANAGED_EXTENSION_LAYERS[region];
  // Every region in the table is in the aws partition.
  return (
    published &&
    `arn:aws:lambda:${region}:${published.account}:layer:${EXTENSION_LAYER_NAMES[architecture]}:${published.versions[architecture]}`
  );
}

/**
 * Milliseconds the extension may wait for Parameter Store: less than the function's own limit
 * for the whole fetch, so that a slow SSM comes back as the extension's error, which names it,
 * rather than as the function's timeout.
 */
export const EXTENSION_SSM_TIMEOUT_MS = SECRET_FETCH_TIMEOUT_MS - 500;

/**
 * The extension's configuration: its default port made explicit, a timeout on its calls to
 * Parameter Store, and its cache off. The function caches the token itself (secretCacheTtlSeconds)
 * and refetches it when the upstream rejects it; a second cache in the extension would answer that
 * refetch with the rejected token for up to its TTL, so a rotation would not reach a warm function.
 */
export function extensionEnvironment(): Record<string, string> {
  return {
    [PARAMETERS_EXTENSION.httpPortVariable]: String(PARAMETERS_EXTENSION.defaultHttpPort),
    [PARAMETERS_EXTENSION.cacheEnabledVariable]: 'FALSE',
    [PARAMETERS_EXTENSION.ttlVariable]: '0',
    [PARAMETERS_EXTENSION.timeoutVariable]: String(EXTENSION_SSM_TIMEOUT_MS),
  };
}
