/**
 * From the samples a benchmark run collected to the figures it reports, each with its targets:
 * the (#10) and the README's promises, in one place.
 */
import { SECRET_FETCH_TIMEOUT_MS } from '../../functions/shared/contract';
import type { StackName } from '../../lib/methods';
import type { Figure } from './report';
import { fewest, median, percentile, worst } from './stats';

/** What the figures are judged against. */
export const TARGETS = {
  /** `npm start`, both stacks deployed and invoked: what a person waits for. */
  localRunSeconds: 90,
  /** The app alone, as `cdktf.json` runs it. */
  appSynthSeconds: 1,
  /** `npx cdktf synth`, the app and the CLI around it. */
  cdktfSynthSeconds: 3,
  /** Each deployment package. */
  packageKiB: 100,
  /** Cold start to the first response, as a multiple of the Powertools-based equivalent's. */
  coldStartRatio: 0.8,
  /** Store calls per 1000 warm invocations: within the cache TTL, none. */
  warmStoreCalls: 0,
  /**
   * Warm overhead over a bare fetch, as a multiple of the article's. Locally the store answers
   * in well under a millisecond, which no real KMS or SSM does, so this understates the gap.
   */
  warmOverheadRatio: 0.5,
  /** Store calls of 100 concurrent cold calls: they share one fetch. */
  concurrentStoreCalls: 1,
  /** Seconds for 100 concurrent cold calls when the store stalls: the secret fetch's budget. */
  stalledSeconds: SECRET_FETCH_TIMEOUT_MS / 1000,
} as const;

/** Calls made at once in the concurrency and stall measurements. */
export const CONCURRENT_CALLS = 100;
/** Warm invocations per run: the figure is per 1000. */
export const WARM_CALLS = 1000;

/** A handler's warm calls over all runs: store calls of each run, and every call's milliseconds. */
export interface WarmSamples {
  readonly storeCalls: number[];
  readonly durations: number[];
}

/** What the runs measured of one method's handlers. */
export interface MethodSamples {
  readonly stack: StackName;
  /** Deployment package (zip) and gzipped bundle, bytes. */
  readonly sizes: Readonly<Record<'project' | 'powertools', { readonly zipBytes: number; readonly gzipBytes: number }>>;
  /** Milliseconds from process start to first response, every sample. */
  readonly coldStartMs: Readonly<Record<'project' | 'powertools' | 'article', number[]>>;
  readonly warm: Readonly<Record<'project' | 'article', WarmSamples>>;
  /** Store calls of {@link CONCURRENT_CALLS} concurrent cold calls, per run. */
  readonly concurrentStoreCalls: Readonly<Record<'project' | 'powertools' | 'article', number[]>>;
  /** Against a stalled store, per run: how many of the calls answered 200, and after how long. */
  readonly stalled: { readonly answered200: number[]; readonly seconds: number[] };
}

/** Everything a benchmark run collected. */
export interface Samples {
  /** Per run; empty in quick mode, which skips the local run. */
  readonly localRunSeconds: number[];
  readonly deploySeconds: number[];
  readonly appSynthSeconds: number[];
  readonly cdktfSynthSeconds: number[];
  /** Every warm call of the floor, in milliseconds. */
  readonly floorDurations: number[];
  readonly methods: readonly MethodSamples[];
}

const POWERTOOLS = 'Powertools';
const ARTICLE = 'the article';

const kib = (bytes: number) => bytes / 1024;
const medianOf = (values: readonly number[]) => `median of ${values.length}`;
const worstOf = (values: readonly number[]) => `worst of ${values.length} run${values.length === 1 ? '' : 's'}`;

/** The local run's figures, or none when it was skipped. */
function localRunFigures(samples: Samples): Figure[] {
  if (samples.localRunSeconds.length === 0) return [];
  return [
    {
      id: 'localRun',
      measure: '`npm start`: both stacks deployed and invoked',
      basis: medianOf(samples.localRunSeconds),
      unit: 's',
      value: median(samples.localRunSeconds),
      target: { kind: 'at-most', limit: TARGETS.localRunSeconds },
    },
    {
      id: 'localRun.deploy',
      measure: '… of which `cdktf deploy`',
      basis: medianOf(samples.deploySeconds),
      unit: 's',
      value: median(samples.deploySeconds),
    },
  ];
}

function synthFigures(samples: Samples, appCommand: string): Figure[] {
  return [
    {
      id: 'synth.app',
      measure: `synth, the app alone (\`${appCommand}\`)`,
      basis: medianOf(samples.appSynthSeconds),
      unit: 's',
      value: median(samples.appSynthSeconds),
      target: { kind: 'at-most', limit: TARGETS.appSynthSeconds },
    },
    {
      id: 'synth.cdktf',
      measure: 'synth, the whole `npx cdktf synth`',
      basis: medianOf(samples.cdktfSynthSeconds),
      unit: 's',
      value: median(samples.cdktfSynthSeconds),
      target: { kind: 'at-most', limit: TARGETS.cdktfSynthSeconds },
    },
  ];
}

/** Overhead over the floor at a percentile: the handler's percentile minus the floor's. */
function overheadAt(p: number, durations: readonly number[], floor: readonly number[]): number {
  return percentile(durations, p) - percentile(floor, p);
}

function methodFigures(method: MethodSamples, floor: readonly number[]): Figure[] {
  const { stack, sizes, coldStartMs, warm, concurrentStoreCalls, stalled } = method;
  const overhead = (p: 50 | 90): Figure => ({
    id: `warmOverhead.p${p}.${stack}`,
    measure: `${stack}: warm overhead per invocation over a bare fetch, p${p}`,
    basis: `${warm.project.durations.length} calls`,
    unit: 'ms',
    value: overheadAt(p, warm.project.durations, floor),
    comparisons: [{ label: ARTICLE, value: overheadAt(p, warm.article.durations, floor) }],
    target: { kind: 'ratio-at-most', limit: TARGETS.warmOverheadRatio },
  });
  return [
    {
      id: `package.zip.${stack}`,
      measure: `${stack}: deployment package (zip)`,
      basis: 'the synthesized asset',
      unit: 'KiB',
      value: kib(sizes.project.zipBytes),
      comparisons: [{ label: POWERTOOLS, value: kib(sizes.powertools.zipBytes) }],
      target: { kind: 'at-most', limit: TARGETS.packageKiB },
    },
    {
      id: `package.gzip.${stack}`,
      measure: `${stack}: bundle, gzipped`,
      basis: 'gzip -9',
      unit: 'KiB',
      value: kib(sizes.project.gzipBytes),
      comparisons: [{ label: POWERTOOLS, value: kib(sizes.powertools.gzipBytes) }],
    },
    {
      id: `coldStart.${stack}`,
      measure: `${stack}: cold start, process start to first response`,
      basis: medianOf(coldStartMs.project),
      unit: 'ms',
      value: median(coldStartMs.project),
      comparisons: [
        { label: POWERTOOLS, value: median(coldStartMs.powertools) },
        { label: ARTICLE, value: median(coldStartMs.article) },
      ],
      target: { kind: 'ratio-at-most', limit: TARGETS.coldStartRatio },
    },
    {
      id: `warmStoreCalls.${stack}`,
      measure: `${stack}: store calls per ${WARM_CALLS} warm invocations`,
      basis: worstOf(warm.project.storeCalls),
      unit: 'calls',
      value: worst(warm.project.storeCalls),
      comparisons: [{ label: ARTICLE, value: worst(warm.article.storeCalls) }],
      target: { kind: 'exactly', value: TARGETS.warmStoreCalls },
    },
    overhead(50),
    overhead(90),
    {
      id: `concurrentStoreCalls.${stack}`,
      measure: `${stack}: store calls of ${CONCURRENT_CALLS} concurrent cold calls`,
      basis: worstOf(concurrentStoreCalls.project),
      unit: 'calls',
      value: worst(concurrentStoreCalls.project),
      comparisons: [
        { label: POWERTOOLS, value: worst(concurrentStoreCalls.powertools) },
        { label: ARTICLE, value: worst(concurrentStoreCalls.article) },
      ],
      target: { kind: 'exactly', value: TARGETS.concurrentStoreCalls },
    },
    {
      id: `stalled.answered200.${stack}`,
      measure: `${stack}: store stalls the first request; of ${CONCURRENT_CALLS} concurrent cold calls, answered 200`,
      basis: worstOf(stalled.answered200),
      unit: 'responses',
      value: fewest(stalled.answered200),
      target: { kind: 'exactly', value: CONCURRENT_CALLS },
    },
    {
      id: `stalled.seconds.${stack}`,
      measure: `${stack}: store stalls the first request; until all ${CONCURRENT_CALLS} answered`,
      basis: worstOf(stalled.seconds),
      unit: 's',
      value: worst(stalled.seconds),
      target: { kind: 'at-most', limit: TARGETS.stalledSeconds },
    },
  ];
}

function floorFigures(floor: readonly number[]): Figure[] {
  return ([50, 90] as const).map((p) => ({
    id: `floor.p${p}`,
    measure: `a bare fetch to the upstream (the floor), warm p${p}`,
    basis: `${floor.length} calls`,
    unit: 'ms',
    value: percentile(floor, p),
  }));
}

/**
 * The figures of a run, in the README's order: the local run, synthesis, then per method its
 * size, cold start, warm calls, concurrency and stall, then the floor.
 * @param appCommand the app command of `cdktf.json`, as the table names it
 */
export function benchFigures(samples: Samples, appCommand: string): Figure[] {
  return [
    ...localRunFigures(samples),
    ...synthFigures(samples, appCommand),
    ...samples.methods.flatMap((method) => methodFigures(method, samples.floorDurations)),
    ...floorFigures(samples.floorDurations),
  ];
}
