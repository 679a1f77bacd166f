import { Construct } from 'constructs';
import type { TerraformCondition } from 'cdktf';
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { accountRootArn, type DeploymentTarget } from './deployment-target';
import { keyAliasName } from './secret-names';

/**
 * What the account may do with the key: administer it, including changing its policy, so that
 * the key can never be locked out; but not use it. An administrator then reads the token only
 * through a change that CloudTrail records (to this policy, the function or its role). Left out
 * on purpose: Decrypt, Encrypt, ReEncrypt*, GenerateDataKey*, and CreateGrant, which could grant
 * any of them.
 */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
] as const;

/** Properties of a {@link SecretKey}. */
export interface SecretKeyProps {
  /** The function whose secret the key protects; names the alias `alias/<functionName>`. */
  readonly functionName: string;
  /** Where the key lives: its account administers it. */
  readonly target: DeploymentTarget;
}

/**
 * A customer-managed KMS key, with rotation on, and its alias, dedicated to one function's
 * secret. Its key policy lets the account administer it and nothing more; {@link allow} adds
 * who may use it. Without a policy of its own, a key lets any principal whose IAM policies
 * allow `kms:Decrypt` read the token.
 */
export class SecretKey extends Construct {
  /** The key. */
  readonly key: KmsKey;
  /** The alias `alias/<functionName>`. */
  readonly alias: KmsAlias;
  /** The function whose secret the key protects. */
  readonly functionName: string;
  /** Where the key and its function live. */
  readonly target: DeploymentTarget;
  /**
   * The account's root principal, `arn:<partition>:iam::<account>:root`, which administers the
   * key; a key policy reads it as whoever the account's IAM policies allow.
   */
  readonly accountRootArn: string;
  readonly #administration: DataAwsIamPolicyDocumentStatement;

  constructor(scope: Construct, id: string, props: SecretKeyProps) {
    super(scope, id);
    this.functionName = props.functionName;
    this.target = props.target;
    this.accountRootArn = accountRootArn(props.target);
    this.key = new KmsKey(this, 'key', {
      description: `KMS key for ${props.functionName} function`,
      deletionWindowInDays: 7,
      enableKeyRotation: true,
    });
    this.alias = new KmsAlias(this, 'alias', {
      name: keyAliasName(props.functionName),
      targetKeyId: this.key.keyId,
    });
    this.#administration = {
      sid: 'KeyAdministration',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [this.accountRootArn] }],
      actions: [...KEY_ADMINISTRATION_ACTIONS],
      resources: ['*'],
    };
  }

  /**
   * Sets the key policy: the account's administration, and `uses`. Called once the principals
   * exist (the function's role), which keeps the order role → key policy → key and so no cycle
   * with the role's own policy, which names the key.
   */
  allow(uses: readonly DataAwsIamPolicyDocumentStatement[]): void {
    const policy = new DataAwsIamPolicyDocument(this, 'policy', { statement: [this.#administration, ...uses] });
    this.key.policy = policy.json;
  }

  /** Adds a check that Terraform makes before it creates or changes the key. */
  require(precondition: TerraformCondition): void {
    this.key.lifecycle = {
      ...this.key.lifecycle,
      precondition: [...(this.key.lifecycle?.precondition ?? []), precondition],
    };
  }
}
