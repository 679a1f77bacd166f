/** Where a stack keeps its Terraform state: a file beside cdktf.json, or an S3 object locked by Terraform's lock file. */
import type { Construct } from 'constructs';
import { LocalBackend, S3Backend, type TerraformBackend } from 'cdktf';
import type { SampleOptions } from './config';

/** The S3 object of a stack's state: one per stack and stage, under the key prefix. */
export function stateKey(options: Pick<SampleOptions, 'stateKeyPrefix'>, stackName: string): string {
  return `${options.stateKeyPrefix}/${stackName}.tfstate`;
}

/**
 * Adds the state backend that `options` choose to `stack`, whose name (with its stage) names the
 * state, so that each stack and stage has its own.
 */
export function addStateBackend(stack: Construct, stackName: string, options: SampleOptions): TerraformBackend {
  if (options.backend === 'local') {
    // cdktf's default local backend writes this machine's absolute path into the JSON; Terraform
    // runs in cdktf.out/stacks/<stack>, so this keeps the state beside cdktf.json instead.
    return new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
  }
  const backend = new S3Backend(stack, {
    bucket: options.stateBucket,
    key: stateKey(options, stackName),
    region: options.stateRegion || options.region,
    encrypt: true,
    ...(options.stateKmsKeyId && { kmsKeyId: options.stateKmsKeyId }),
  });
  // Terraform's S3-native lock (a `<key>.tflock` object, Terraform >= 1.10) rather than DynamoDB,
  // whose locking Terraform deprecates; cdktf 0.21's S3Backend has no property for it yet.
  backend.addOverride('use_lockfile', true);
  return backend;
}
