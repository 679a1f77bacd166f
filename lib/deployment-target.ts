import type { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';

/**
 * Where a stack deploys, as the constructs need it to name ARNs and services before the
 * resources exist: policies that a function depends on must name the function, which would
 * otherwise make a cycle. Values are usually Terraform references ({@link lookUpDeploymentTarget}).
 */
export interface DeploymentTarget {
  /** The region, as the AWS provider is configured with it: ARNs and service names use it. */
  readonly region: string;
  /** The partition: `aws`, `aws-cn`, `aws-us-gov`. */
  readonly partition: string;
  /** The partition's DNS suffix: `amazonaws.com`, or `amazonaws.com.cn` in China. */
  readonly dnsSuffix: string;
  /** The account, as the credentials that deploy tell. */
  readonly accountId: string;
  /**
   * The identity that runs Terraform: the role behind an assumed-role session (SSO, CI), or the
   * user. The AWS provider resolves a role's path with `iam:GetRole` on it.
   */
  readonly deployerArn: string;
}

/**
 * The {@link DeploymentTarget} of `scope`'s AWS provider in `region`, read by Terraform when it
 * plans: three data sources in `scope` (`partition`, `account`, `deployer`).
 */
export function lookUpDeploymentTarget(scope: Construct, region: string): DeploymentTarget {
  const partition = new DataAwsPartition(scope, 'partition');
  const caller = new DataAwsCallerIdentity(scope, 'account');
  return {
    region,
    partition: partition.partition,
    dnsSuffix: partition.dnsSuffix,
    accountId: caller.accountId,
    deployerArn: new DataAwsIamSessionContext(scope, 'deployer', { arn: caller.arn }).issuerArn,
  };
}

/** The account's root principal, which a key policy reads as every principal the account's IAM policies allow. */
export function accountRootArn(target: DeploymentTarget): string {
  return `arn:${target.partition}:iam::${target.accountId}:root`;
}

/** The ARN of the function `functionName` in `target`, known before the function exists. */
export function functionArn(target: DeploymentTarget, functionName: string): string {
  return `arn:${target.partition}:lambda:${target.region}:${target.accountId}:function:${functionName}`;
}
