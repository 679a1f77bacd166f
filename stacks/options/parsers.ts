/**
 * The kinds of option value (one of a list, an integer in a range, a checked string, a list of
 * principal ARNs) and the parsers of the values that need their own rule. Each kind turns one
 * declaration (default, one-line doc, the stacks it applies to) into an {@link OptionSpec}: what
 * the parser, the help table and the configuration page read. A parser knows no option name: it
 * calls `refuse` with what it accepts, and its caller names the option and where it was set.
 */
import { isTargetUrl, TARGET_URL_RULE, targetUrlForMessage } from '../../functions/shared/contract';
import { parseWholeNumber } from '../../functions/shared/whole-number';
import type { StackName } from '../methods';

/**
 * Refuses a raw value: throws, saying what the option accepts.
 * @param shown what the message prints instead of the raw value (a URL that may hold a password is withheld)
 */
export type Refuse = (expected: string, ...shown: [unknown?]) => never;

/** Parses one raw value, from the context (JSON) or an environment variable (a string). */
export type Parse<T> = (raw: unknown, refuse: Refuse) => T;

/** The stacks an option changes: every one, or those named. */
export type StackScope = 'all' | readonly StackName[];

/** What an option's declaration says about it beyond its kind. */
export interface OptionDescription<T> {
  /** Its value when neither the context nor the environment sets it. */
  readonly default: T;
  /** What it sets, in one plain-text line (help wraps it; the page prints it). */
  readonly doc: string;
  /** The stacks it applies to. @default 'all' */
  readonly stacks?: StackScope;
  /** The configuration page's further text, in Markdown, after the doc line. */
  readonly details?: string;
}

/** One option, declared once: everything that parses, checks and documents it reads this. */
export interface OptionSpec<T> extends Required<Pick<OptionDescription<T>, 'default' | 'doc' | 'stacks'>> {
  readonly details?: string;
  /** The values it accepts, in Markdown, for the configuration page. */
  readonly values: string;
  /** The values it accepts, short and plain, for help (empty when the doc says it). */
  readonly hint: string;
  /** Its parser: the value for a raw setting, or a call of `refuse`. */
  readonly parse: Parse<T>;
}

/** The value type of an option spec. */
export type OptionValue<S> = S extends OptionSpec<infer T> ? T : never;

function spec<T>(
  description: OptionDescription<T>,
  rest: Pick<OptionSpec<T>, 'values' | 'hint' | 'parse'>,
): OptionSpec<T> {
  return { stacks: 'all', ...description, ...rest };
}

/** A number from JSON context as it is, or one from an environment variable by the project's one integer rule. */
function numberOf(raw: unknown): unknown {
  return typeof raw === 'string' ? parseWholeNumber(raw) : raw;
}

/** A list for help: whole when short, else its first values and its last. */
function shortList(values: readonly (string | number)[]): string {
  return values.length <= 4 ? values.join(' | ') : `${values.slice(0, 4).join(', ')}, …, ${values.at(-1)}`;
}

/** An option that takes one of `values` (numbers may come as strings from the environment). */
export function oneOf<T extends string | number>(
  values: readonly T[],
  description: OptionDescription<NoInfer<T>>,
): OptionSpec<T> {
  return spec(description, {
    values: values.map((value) => `\`${value}\``).join(', '),
    hint: shortList(values),
    parse: (raw, refuse) => {
      const value = typeof values[0] === 'number' ? numberOf(raw) : raw;
      if (!values.includes(value as T)) return refuse(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
      return value as T;
    },
  });
}

/** The bounds of an integer option, both included. */
export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

function integerParse(range: IntegerRange, alternative?: string): Parse<number> {
  const { min, max } = range;
  return (raw, refuse) => {
    const value = numberOf(raw);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      return refuse(
        `an integer from ${min} to ${max}${alternative === undefined ? '' : ` or ${JSON.stringify(alternative)}`}`,
      );
    }
    return value;
  };
}

/** An option that takes a whole number in `range`. */
export function integer(range: IntegerRange, description: OptionDescription<number>): OptionSpec<number> {
  return spec(description, {
    values: `${range.min} – ${range.max}`,
    hint: `${range.min} to ${range.max}`,
    parse: integerParse(range),
  });
}

/** An option that takes a whole number in `range`, or the word `alternative`. */
export function integerOr<A extends string>(
  alternative: A,
  range: IntegerRange,
  description: OptionDescription<number | NoInfer<A>>,
): OptionSpec<number | A> {
  const parseInteger = integerParse(range, alternative);
  return spec(description, {
    values: `${range.min} – ${range.max}, or \`${alternative}\``,
    hint: `${range.min} to ${range.max}, or ${alternative}`,
    parse: (raw, refuse) => (raw === alternative ? alternative : parseInteger(raw, refuse)),
  });
}

/** An option whose values a parser of its own checks; `values` and `hint` say what it accepts. */
export function custom<T>(
  description: OptionDescription<NoInfer<T>> & {
    readonly values: string;
    readonly hint?: string;
    readonly parse: Parse<T>;
  },
): OptionSpec<T> {
  const { values, hint = '', parse, ...rest } = description;
  return spec(rest, { values, hint, parse });
}

/** A string matching `pattern`; `expected` says what that is. */
export function matching(pattern: RegExp, expected: string): Parse<string> {
  return (raw, refuse) => {
    if (typeof raw !== 'string' || !pattern.test(raw)) return refuse(expected);
    return raw;
  };
}

/** An AWS region's name, such as `ap-northeast-1` (a region this project does not know only warns, at synthesis). */
export const regionName: Parse<string> = (raw, refuse) => {
  if (typeof raw !== 'string' || !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/.test(raw)) {
    return refuse('an AWS region name such as "ap-northeast-1"');
  }
  return raw;
};

/** The functions' upstream: an https URL (http to a loopback host only), never repeated if it may hold a password. */
export const targetUrl: Parse<string> = (raw, refuse) => {
  if (typeof raw !== 'string' || !isTargetUrl(raw)) {
    return refuse(TARGET_URL_RULE, typeof raw === 'string' ? targetUrlForMessage(raw) : raw);
  }
  return raw;
};

/**
 * What Terraform's S3 backend accepts as `kms_key_id` (Terraform 1.11): a key id (a UUID, or
 * `mrk-` and 32 hex digits for a multi-Region key), its ARN, an alias or an alias ARN; or empty.
 */
export const STATE_KMS_KEY = new RegExp(
  '^$|^(arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\\d{12}:key/)?([0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$' +
    '|^(arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\\d{12}:)?alias/[\\w/-]+$',
);

/** A role or user of an account, or its root, as a key policy can name it. */
export const PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/;

/** A list of IAM principal ARNs: a JSON array in the context, comma-separated in a variable. */
export function principalArns(description: OptionDescription<readonly string[]>): OptionSpec<readonly string[]> {
  return custom({
    ...description,
    values: 'IAM role or user ARNs: a JSON array in `cdktf.json`, comma-separated in the variable',
    parse: (raw, refuse): readonly string[] => {
      const values =
        typeof raw === 'string'
          ? raw
              .split(',')
              .map((value) => value.trim())
              .filter(Boolean)
          : raw;
      if (!Array.isArray(values) || !values.every((value) => typeof value === 'string' && PRINCIPAL_ARN.test(value))) {
        return refuse('IAM role or user ARNs (arn:aws:iam::<account>:role/<name>), a JSON array or comma-separated');
      }
      return values as readonly string[];
    },
  });
}
