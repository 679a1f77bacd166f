import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { keyAliasName } from './methods';

/** Properties of a {@link SecretKey}. */
export interface SecretKeyProps {
  /** The function whose secret the key protects; names the alias `alias/<functionName>`. */
  readonly functionName: string;
}

/** A customer-managed KMS key, with rotation on, and its alias, dedicated to one function's secret. */
export class SecretKey extends Construct {
  /** The key. */
  readonly key: KmsKey;
  /** The alias `alias/<functionName>`. */
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: SecretKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      description: `KMS key for ${props.functionName} function`,
      deletionWindowInDays: 7,
      enableKeyRotation: true,
    });
    this.alias = new KmsAlias(this, 'alias', {
      name: keyAliasName(props.functionName),
      targetKeyId: this.key.keyId,
    });
  }
}
