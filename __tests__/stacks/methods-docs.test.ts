import { describe, expect, it } from 'vitest';
import { METHODS } from '../../stacks/methods';
import { helpStacksSection, withHelpStacksSection } from '../../stacks/methods-docs';

describe('helpStacksSection', () => {
  it('lists every stack of the registry with its summary, in deployment order, the summaries in one column', () => {
    const [heading, ...lines] = helpStacksSection().split('\n');
    expect(heading).toBe('Stacks');
    expect(lines).toEqual(
      METHODS.map(({ stackName, summary }) => expect.stringMatching(`^  ${stackName} +${summary}$`)),
    );
    const summaryColumns = lines.map((line, index) => line.length - METHODS[index].summary.length);
    expect(new Set(summaryColumns)).toEqual(new Set([19]));
  });
});

describe('withHelpStacksSection', () => {
  const help = ['Usage', '', 'Stacks', '  old-stack   gone', '', 'Commands', '  npm start'].join('\n');

  it('replaces the list up to the next blank line, and leaves the rest of help as it was', () => {
    expect(withHelpStacksSection(help)).toBe(
      ['Usage', '', helpStacksSection(), '', 'Commands', '  npm start'].join('\n'),
    );
  });

  it('is the same help when the list is current', () => {
    const current = withHelpStacksSection(help);
    expect(withHelpStacksSection(current)).toBe(current);
  });

  it('refuses a help without the Stacks heading, naming it', () => {
    expect(() => withHelpStacksSection('Usage\n')).toThrow('help has no "Stacks" section');
  });
});
