/**
 * The project's stacks, in deployment order. Each stack gives its function its own name, so
 * the tools find a deployed function by the stack's name.
 */
export const STACK_NAMES = ['method1-sample', 'method2-sample'] as const;

/** The name of one of the project's stacks. */
export type StackName = (typeof STACK_NAMES)[number];

/** Whether `name` is one of {@link STACK_NAMES}. */
export function isStackName(name: string): name is StackName {
  return (STACK_NAMES as readonly string[]).includes(name);
}
