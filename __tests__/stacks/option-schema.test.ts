/**
 * The option schema: the type, the defaults and the names derive from the one declaration of
 * each option, every default is a value its own parser accepts, and each option says which
 * stacks it changes.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  DEFAULT_OPTIONS,
  InvalidOptionError,
  OPTION_NAMES,
  OPTIONS,
  parseOptions,
  type OptionSpec,
  type SampleOptions,
} from '../../stacks/config';
import type { Architecture } from '../../lib/parameters-extension';

describe('SampleOptions', () => {
  it('keeps the exact value types of each option (checked by the type check)', () => {
    expect(OPTION_NAMES).toHaveLength(24);
    expectTypeOf<SampleOptions>().toEqualTypeOf<{
      readonly stage: string;
      readonly backend: 'local' | 's3';
      readonly stateBucket: string;
      readonly stateKeyPrefix: string;
      readonly stateRegion: string;
      readonly stateKmsKeyId: string;
      readonly region: string;
      readonly targetUrl: string;
      readonly functionUrlAuthType: 'AWS_IAM' | 'NONE';
      readonly logRetentionDays: number;
      readonly packaging: 'archive' | 'asset';
      readonly upstreamTimeoutMs: number;
      readonly secretCacheTtlSeconds: number;
      readonly reservedConcurrency: number | 'unreserved';
      readonly method1SecretDelivery: 'out-of-band' | 'terraform';
      readonly method2SecretDelivery: 'write-only' | 'out-of-band';
      readonly method2Reader: 'sdk' | 'extension';
      readonly method3Reader: 'sdk' | 'extension';
      readonly method3JsonField: string;
      readonly method3RecoveryDays: 0 | 7 | 8 | 9 | 10 | 14 | 21 | 30;
      readonly extensionLayerArn: string;
      readonly architecture: Architecture;
      readonly secretWriterArns: readonly string[];
      readonly terraformRunnerArns: readonly string[];
    }>();
  });
});

describe('OPTIONS', () => {
  const specs = Object.entries(OPTIONS) as [string, OptionSpec<unknown>][];

  it('gives the names, in declaration order, and the defaults', () => {
    expect(OPTION_NAMES).toEqual(Object.keys(OPTIONS));
    expect(Object.keys(DEFAULT_OPTIONS)).toEqual(OPTION_NAMES);
    expect(Object.fromEntries(specs.map(([name, spec]) => [name, spec.default]))).toEqual(DEFAULT_OPTIONS);
  });

  it.each(specs)('accepts the default of %s as a value set explicitly', (name, spec) => {
    expect(spec.parse(spec.default, (expected) => expect.fail(`${name}: expected ${expected}`))).toEqual(spec.default);
    expect(parseOptions({ [name]: spec.default })).toEqual(DEFAULT_OPTIONS);
  });

  it.each(specs)('documents %s in one line, and its values', (_name, spec) => {
    expect(spec.doc).toMatch(/^\S[^\n]*[^.\s]$/);
    expect(spec.values).not.toBe('');
  });

  it('names the stack of each method-specific option', () => {
    const scoped = Object.fromEntries(
      specs.flatMap(([name, { stacks }]) => (stacks === 'all' ? [] : [[name, stacks]])),
    );
    expect(scoped).toEqual({
      method1SecretDelivery: ['method1-sample'],
      method2SecretDelivery: ['method2-sample'],
      method2Reader: ['method2-sample'],
      method3Reader: ['method3-sample'],
      method3JsonField: ['method3-sample'],
      method3RecoveryDays: ['method3-sample'],
      extensionLayerArn: ['method2-sample', 'method3-sample'],
      terraformRunnerArns: ['method2-sample', 'method3-sample'],
    });
  });

  it("refuses through the option's name and source, not the parser's", () => {
    expect(() => parseOptions({ packaging: 'zip' }, { packaging: 'LAMBDA_SECRETS_PACKAGING' })).toThrow(
      new InvalidOptionError('packaging', 'one of "archive", "asset"', 'zip', 'LAMBDA_SECRETS_PACKAGING'),
    );
  });
});
