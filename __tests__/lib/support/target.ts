import type { DeploymentTarget } from '../../../lib/deployment-target';

/** A deployment target of plain values, for constructs synthesized without data sources. */
export const TEST_TARGET: DeploymentTarget = {
  region: 'ap-northeast-1',
  partition: 'aws',
  dnsSuffix: 'amazonaws.com',
  accountId: '111122223333',
  deployerArn: 'arn:aws:iam::111122223333:role/deployer',
};
