/** The statistics the benchmark reports: medians and percentiles of its samples. */
import { ToolError } from '../common/errors';

/** A statistic was asked of no samples, which would otherwise print as NaN or Infinity. */
export class NoSamplesError extends ToolError {
  override name = 'NoSamplesError';
}

/**
 * The `p`-th percentile of `values` by the nearest-rank method: the smallest sample that at
 * least `p` per cent of the samples do not exceed. It is always one of the samples, never an
 * interpolation between two, so a p90 of call counts is a count some run really made.
 * @param p from 0 (exclusive) to 100
 * @throws NoSamplesError when `values` is empty
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new NoSamplesError(`no samples for a p${p}`);
  if (!(p > 0 && p <= 100)) throw new RangeError(`a percentile lies in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

/**
 * The median of `values`: the middle sample, or the mean of the two middle ones.
 * @throws NoSamplesError when `values` is empty
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new NoSamplesError('no samples for a median');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The largest of `values`: the worst run, for counts that a target bounds.
 * @throws NoSamplesError when `values` is empty
 */
export function worst(values: readonly number[]): number {
  if (values.length === 0) throw new NoSamplesError('no samples for a maximum');
  return Math.max(...values);
}

/**
 * The smallest of `values`: the worst run, for counts of successes that a target bounds.
 * @throws NoSamplesError when `values` is empty
 */
export function fewest(values: readonly number[]): number {
  if (values.length === 0) throw new NoSamplesError('no samples for a minimum');
  return Math.min(...values);
}

/** A confidence interval. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** A small seeded generator (mulberry32): the same samples always give the same interval. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The confidence interval of median(`numerator`) ÷ median(`denominator`) by the percentile
 * bootstrap: the samples resampled with replacement, `resamples` times, the ratio of their
 * medians each time, and the central `confidence` of those ratios. `paired`: the i-th samples of
 * both were taken together (in the same turn), so they are resampled together, and what the
 * machine's load did to both at that moment cancels out of the ratio. Seeded, so a verdict
 * judged on it is the same whenever the same samples are judged.
 * @throws NoSamplesError when either set is empty
 * @throws RangeError when paired sets differ in length
 */
export function ratioOfMediansInterval(
  numerator: readonly number[],
  denominator: readonly number[],
  { confidence = 0.95, resamples = 2000, seed = 1, paired = false } = {},
): Interval {
  if (numerator.length === 0 || denominator.length === 0) throw new NoSamplesError('no samples for an interval');
  if (paired && numerator.length !== denominator.length) {
    throw new RangeError(`paired samples differ in number: ${numerator.length} and ${denominator.length}`);
  }
  const random = seededRandom(seed);
  const indices = (length: number) => Array.from({ length }, () => Math.floor(random() * length));
  const ratio = () => {
    const picked = indices(numerator.length);
    const other = paired ? picked : indices(denominator.length);
    return median(picked.map((index) => numerator[index])) / median(other.map((index) => denominator[index]));
  };
  const ratios = Array.from({ length: resamples }, ratio).sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.max(0, Math.floor(q * ratios.length)))];
  return { low: at(tail), high: at(1 - tail) };
}
