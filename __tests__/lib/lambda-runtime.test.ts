import { describe, expect, it } from 'vitest';
import { esbuildTarget, LAMBDA_RUNTIME } from '../../lib/lambda-runtime';
import { synthStack } from '../support/synth';

describe('esbuildTarget', () => {
  it.each([
    ['nodejs22.x', 'node22'],
    ['nodejs20.x', 'node20'],
    ['nodejs24.x', 'node24'],
  ] as const)('compiles for %s as %s', (runtime, target) => {
    expect(esbuildTarget(runtime)).toBe(target);
  });
});

describe('LAMBDA_RUNTIME', () => {
  it('is the runtime both stacks deploy', () => {
    const runtimes = (['method1-sample', 'method2-sample'] as const).map(
      (stack) => Object.values<{ runtime: string }>(synthStack(stack).json.resource.aws_lambda_function)[0].runtime,
    );
    expect(runtimes).toEqual([LAMBDA_RUNTIME, LAMBDA_RUNTIME]);
  });
});
