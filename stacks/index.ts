import type { Construct } from 'constructs';
import type { SampleOptions } from './config';
import { METHODS, type StackName } from './methods';
import type { SampleStack } from './sample-stack';
import { Method1SampleStack } from './method1-sample';
import { Method2SampleStack } from './method2-sample';
import { Method3SampleStack } from './method3-sample';

/** A stack class of the project: built from the options alone, named after its method. */
export type SampleStackClass = new (scope: Construct, options: SampleOptions) => SampleStack;

/** The stack of every method in the registry; a method without one does not compile. */
export const STACK_CLASSES: { readonly [Name in StackName]: SampleStackClass } = {
  'method1-sample': Method1SampleStack,
  'method2-sample': Method2SampleStack,
  'method3-sample': Method3SampleStack,
};

/** Adds the stack of every method to `scope`, in the registry's order. */
export function addSampleStacks(scope: Construct, options: SampleOptions): SampleStack[] {
  return METHODS.map(({ stackName }) => new STACK_CLASSES[stackName](scope, options));
}
