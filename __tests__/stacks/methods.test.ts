import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../stacks/config';
import {
  apiTokenParameterName,
  isDeliveredOutOfBand,
  isStackName,
  METHODS,
  methodOf,
  parseStackName,
  STACK_NAMES,
  stagedStackName,
} from '../../stacks/methods';
import { STACK_CLASSES } from '../../stacks';
import { STORE_CLASSES } from '../../tools/secret/stores';

describe('the method registry', () => {
  it('names the stacks in deployment order', () => {
    expect(STACK_NAMES).toEqual(['method1-sample', 'method2-sample', 'method3-sample']);
  });

  it('gives every method a stack class and every kind of secret store a store class', () => {
    expect(Object.keys(STACK_CLASSES)).toEqual(STACK_NAMES);
    expect(METHODS.filter((method) => !(method.secretStore in STORE_CLASSES))).toEqual([]);
  });

  it('finds a method by its stack name', () => {
    expect(methodOf('method2-sample').secretStore).toBe('ssm-parameter');
  });

  it('tells a stack name from anything else', () => {
    expect([isStackName('method1-sample'), isStackName('method4-sample'), isStackName('')]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('leaves Method 1 to the secret CLI, Method 2 to Terraform and Method 3 always to the secret CLI by default', () => {
    expect(METHODS.map((method) => isDeliveredOutOfBand(method, DEFAULT_OPTIONS))).toEqual([true, false, true]);
  });

  it('follows each method’s own delivery option', () => {
    const options = {
      ...DEFAULT_OPTIONS,
      method1SecretDelivery: 'terraform',
      method2SecretDelivery: 'out-of-band',
    } as const;
    expect(METHODS.map((method) => isDeliveredOutOfBand(method, options))).toEqual([false, true, true]);
  });
});

describe('stage names', () => {
  it('keeps the article’s names in the default stage', () => {
    expect([stagedStackName('method1-sample', ''), apiTokenParameterName('')]).toEqual([
      'method1-sample',
      '/sample-app/lambda/sample-api-token',
    ]);
  });

  it('suffixes the stack name and puts the parameter under the stage', () => {
    expect([stagedStackName('method2-sample', 'dev'), apiTokenParameterName('dev')]).toEqual([
      'method2-sample-dev',
      '/sample-app/dev/lambda/sample-api-token',
    ]);
  });

  it.each([
    ['method1-sample', { stackName: 'method1-sample', stage: '', name: 'method1-sample' }],
    ['method2-sample-prod', { stackName: 'method2-sample', stage: 'prod', name: 'method2-sample-prod' }],
  ])('splits %s back into its method and stage', (name, expected) => {
    expect(parseStackName(name)).toEqual(expected);
  });

  it.each(['method4-sample', 'method1-sample-', 'method1-sample-Dev', 'method1-sample-dev-x', 'sample'])(
    'names no stack with %s',
    (name) => {
      expect(parseStackName(name)).toBeUndefined();
    },
  );
});
