/**
 * The list of stacks in `help`, derived from the method registry ({@link METHODS}): a method
 * added to the registry is listed by `npm run docs:options`, and a test fails while `help`
 * differs from what this gives.
 */
import { METHODS } from './methods';

/** The heading of help's stack list, which the list replaces up to the next blank line. */
export const HELP_STACKS_HEADING = 'Stacks';

/** Column at which a stack's summary starts, after two spaces and the name. */
const HELP_STACK_NAME_WIDTH = 17;

/** Help's stack list: its heading, then each stack of the registry with its summary, in deployment order. */
export function helpStacksSection(): string {
  return [
    HELP_STACKS_HEADING,
    ...METHODS.map(({ stackName, summary }) => `  ${stackName.padEnd(HELP_STACK_NAME_WIDTH)}${summary}`),
  ].join('\n');
}

/**
 * `help` with its stack list as the registry gives it.
 * @throws Error when `help` has no line that is the heading alone
 */
export function withHelpStacksSection(help: string): string {
  const lines = help.split('\n');
  const start = lines.indexOf(HELP_STACKS_HEADING);
  if (start < 0) throw new Error(`help has no "${HELP_STACKS_HEADING}" section for the list of stacks`);
  const end = lines.findIndex((line, index) => index > start && line.trim() === '');
  return [...lines.slice(0, start), helpStacksSection(), ...lines.slice(end < 0 ? lines.length : end)].join('\n');
}
