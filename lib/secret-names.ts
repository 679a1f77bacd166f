/**
 * The names that the constructs and the tools which write a token (this project's secret CLI)
 * agree on. Free of cdktf and the AWS SDK, so a tool that needs only a name loads nothing else.
 */

/** The alias of the KMS key that protects a function's token: the constructs create it, a writer finds the key by it. */
export function keyAliasName(functionName: string): string {
  return `alias/${functionName}`;
}

/**
 * The tag with which {@link SsmParameterSecret} marks its parameter with who writes the token
 * ({@link SsmParameterDelivery}): a writer reads it to know, without decrypting, whether
 * Terraform wrote the token itself.
 */
export const SECRET_DELIVERY_TAG = 'SecretDelivery';

/**
 * Who writes the token into an SSM parameter: Terraform, through the write-only `value_wo`, or
 * a writer outside Terraform, over a placeholder that Terraform writes once.
 */
export type SsmParameterDelivery = 'write-only' | 'out-of-band';

/** Delivery by a writer outside Terraform, for any method. */
export const OUT_OF_BAND = 'out-of-band';
