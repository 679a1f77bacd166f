/**
 * What the benchmark reports and how: each figure with the figures it is compared with, its
 * target and whether it is met, as a Markdown table for docs/benchmarks.md (between markers the
 * benchmark rewrites) and as a JSON document.
 */
import { ToolError } from '../common/errors';
import type { Interval } from './stats';

/** The unit a figure is measured in. */
export type Unit = 's' | 'ms' | 'KiB' | 'calls' | 'responses';

/**
 * What a figure must be: at most a limit, exactly a value, or at most a multiple of the first
 * figure it is compared with (e.g. a cold start ≤ 1× Powertools'). A ratio target `judgedOn`
 * its interval is met unless the whole confidence interval of the ratio lies above the limit:
 * for two times that differ by less than the noise, the ratio alone would pass or fail by chance.
 */
export type Target =
  | { readonly kind: 'at-most'; readonly limit: number }
  | { readonly kind: 'exactly'; readonly value: number }
  | { readonly kind: 'ratio-at-most'; readonly limit: number; readonly judgedOn?: 'interval' };

/** The same measure taken of another handler, side by side in the same run. */
export interface Comparison {
  /** Whose figure it is, e.g. "Powertools" or "the article". */
  readonly label: string;
  readonly value: number;
}

/** One measured figure. */
export interface Figure {
  /** Stable key in the JSON document, e.g. `coldStart.method1-sample`. */
  readonly id: string;
  /** What was measured, for the benchmark page. */
  readonly measure: string;
  /** How `value` comes from the samples, e.g. "median of 30". */
  readonly basis: string;
  readonly unit: Unit;
  readonly value: number;
  /** The same measure of other handlers; a ratio target divides by the first. */
  readonly comparisons?: readonly Comparison[];
  /** Absent for a figure that is there for reference only. */
  readonly target?: Target;
  /** The 95% confidence interval of the ratio to the first comparison, for a target judged on it. */
  readonly ratioInterval?: Interval;
}

/** Whether a figure meets its target, and the ratio a ratio target was judged on. */
export interface Verdict {
  readonly met: boolean;
  /** `value` ÷ the first comparison, for a ratio target; absent when that comparison is not positive. */
  readonly ratio?: number;
}

/** A ratio target without a figure to divide by: the benchmark itself is wrong. */
export class MissingComparisonError extends ToolError {
  override name = 'MissingComparisonError';
}

/** The benchmark page lacks the markers between which the benchmark writes its table. */
export class MissingMarkersError extends ToolError {
  override name = 'MissingMarkersError';
}

/**
 * Judges a figure against its target; undefined for a figure without one. A ratio to a
 * comparison that is zero or negative cannot be judged, and counts as missed.
 * @throws MissingComparisonError for a ratio target on a figure compared with nothing
 */
export function judge(figure: Figure): Verdict | undefined {
  const { target, value } = figure;
  if (!target) return undefined;
  switch (target.kind) {
    case 'at-most':
      return { met: value <= target.limit };
    case 'exactly':
      return { met: value === target.value };
    case 'ratio-at-most': {
      const base = figure.comparisons?.[0];
      if (!base) throw new MissingComparisonError(`${figure.id} has a ratio target but nothing to compare with`);
      if (base.value <= 0) return { met: false };
      const ratio = value / base.value;
      if (target.judgedOn !== 'interval') return { met: ratio <= target.limit, ratio };
      if (!figure.ratioInterval) {
        throw new MissingComparisonError(`${figure.id} is judged on its ratio's interval but has none`);
      }
      return { met: figure.ratioInterval.low <= target.limit, ratio };
    }
  }
}

/** Whether every figure that has a target meets it. */
export function allTargetsMet(figures: readonly Figure[]): boolean {
  return figures.every((figure) => judge(figure)?.met ?? true);
}

const DECIMALS: Record<Unit, number> = { s: 2, ms: 2, KiB: 1, calls: 0, responses: 0 };

/** `text` followed by `unit`, a count's unit in the singular for exactly one: `1 call`, `1 s`. */
function withUnit(text: string, unit: Unit): string {
  const counted = unit === 'calls' || unit === 'responses';
  return `${text} ${counted && text === '1' ? unit.slice(0, -1) : unit}`;
}

/** A value with its unit, rounded for reading, e.g. `0.92 s`, `1 call` or `1000 calls`. */
export function formatValue(value: number, unit: Unit): string {
  return withUnit(value.toFixed(DECIMALS[unit]), unit);
}

/** A target's limit as written, without rounding or padding: `≤ 1 s`, `≤ 100 KiB`. */
function formatLimit(limit: number, unit: Unit): string {
  return withUnit(String(limit), unit);
}

function formatTarget(figure: Figure): string {
  const { target, unit } = figure;
  if (!target) return '';
  switch (target.kind) {
    case 'at-most':
      return `≤ ${formatLimit(target.limit, unit)}`;
    case 'exactly':
      return `= ${formatLimit(target.value, unit)}`;
    case 'ratio-at-most': {
      const limit = `≤ ${target.limit}× ${figure.comparisons?.[0]?.label ?? '?'}`;
      return target.judgedOn === 'interval' ? `${limit}, within noise` : limit;
    }
  }
}

function formatVerdict(figure: Figure, verdict: Verdict | undefined): string {
  if (!verdict) return '';
  const mark = verdict.met ? '✓' : '✗ missed';
  if (verdict.ratio === undefined) return mark;
  const interval = figure.ratioInterval;
  const noise = interval ? `, 95% CI ${interval.low.toFixed(2)}–${interval.high.toFixed(2)}×` : '';
  return `${mark} (${verdict.ratio.toFixed(2)}×${noise})`;
}

/** The figures as a Markdown table: measure, basis, value, the compared figures, target, verdict. */
export function markdownTable(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const compared = (figure.comparisons ?? [])
      .map(({ label, value }) => `${label}: ${formatValue(value, figure.unit)}`)
      .join('; ');
    const cells = [
      figure.measure,
      figure.basis,
      formatValue(figure.value, figure.unit),
      compared,
      formatTarget(figure),
      formatVerdict(figure, judge(figure)),
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '| measure | from | value | compared with | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** The comment of the benchmark page (docs/benchmarks.md) after which the benchmark writes its table. */
export const README_START_MARKER = '<!-- bench:start -->';
/** The comment of the benchmark page before which the benchmark's table ends. */
export const README_END_MARKER = '<!-- bench:end -->';

/**
 * `text` with what stands between {@link README_START_MARKER} and {@link README_END_MARKER}
 * replaced by `content`; the markers stay, so the next run finds them again.
 * @throws MissingMarkersError when either marker is missing, repeated, or they stand in the wrong order
 */
export function replaceBetweenMarkers(text: string, content: string): string {
  const start = text.indexOf(README_START_MARKER);
  const end = text.indexOf(README_END_MARKER);
  const unique = (marker: string, at: number) => text.indexOf(marker, at + marker.length) < 0;
  if (start < 0 || end < start || !unique(README_START_MARKER, start) || !unique(README_END_MARKER, end)) {
    throw new MissingMarkersError(
      `The benchmark page must hold ${README_START_MARKER} and then ${README_END_MARKER}, once each, where the benchmark writes its table`,
    );
  }
  return `${text.slice(0, start + README_START_MARKER.length)}\n${content.trim()}\n${text.slice(end)}`;
}

/** Where and on what the figures were measured. */
export interface MeasurementContext {
  /** ISO date and time of the end of the run. */
  readonly measuredAt: string;
  /** The commit checked out (the work tree may hold others' uncommitted edits). */
  readonly commit: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  /** BENCH_RUNS. */
  readonly runs: number;
}

/** One line saying what the table was measured on, for above it. */
export function describeContext(context: MeasurementContext): string {
  return (
    `\`npm run bench\` with BENCH_RUNS=${context.runs} on ${context.cpus} cores (${context.cpuModel}), ` +
    `Node ${context.node}, commit ${context.commit.slice(0, 7)}, ${context.measuredAt.slice(0, 10)}:`
  );
}

/** A figure as the JSON document holds it: with its verdict. */
export interface JudgedFigure extends Figure {
  readonly met?: boolean;
  readonly ratio?: number;
}

/** The JSON document the benchmark writes. */
export interface BenchDocument extends MeasurementContext {
  readonly allTargetsMet: boolean;
  readonly figures: readonly JudgedFigure[];
}

/** Rounded to 3 decimals: a microsecond, a byte, a thousandth of a ratio; finer is noise. */
const rounded = (value: number) => Math.round(value * 1000) / 1000;

/**
 * The figures with their verdicts and where they were measured, for the JSON file. Numbers are
 * {@link rounded}; the verdicts are judged before rounding, as in the table.
 */
export function benchDocument(figures: readonly Figure[], context: MeasurementContext): BenchDocument {
  return {
    ...context,
    allTargetsMet: allTargetsMet(figures),
    figures: figures.map((figure) => {
      const { met, ratio } = judge(figure) ?? {};
      return {
        ...figure,
        value: rounded(figure.value),
        ...(figure.comparisons && {
          comparisons: figure.comparisons.map(({ label, value }) => ({ label, value: rounded(value) })),
        }),
        ...(figure.ratioInterval && {
          ratioInterval: { low: rounded(figure.ratioInterval.low), high: rounded(figure.ratioInterval.high) },
        }),
        ...(met !== undefined && { met }),
        ...(ratio !== undefined && { ratio: rounded(ratio) }),
      };
    }),
  };
}
