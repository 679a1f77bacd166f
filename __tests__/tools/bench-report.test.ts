import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';
import { benchFigures, TARGETS, type MethodSamples, type Samples } from '../../tools/bench/figures';
import { benchPlan, DEFAULT_RUNS, takingTurns } from '../../tools/bench/plan';
import {
  allTargetsMet,
  benchDocument,
  describeContext,
  formatValue,
  judge,
  markdownTable,
  MissingComparisonError,
  MissingMarkersError,
  README_END_MARKER,
  README_START_MARKER,
  replaceBetweenMarkers,
  type Figure,
  type MeasurementContext,
} from '../../tools/bench/report';
import { BENCHMARK_PAGE } from '../../tools/bench/results';
import { ARTICLE_STYLE_LABEL } from '../../tools/bench/subjects';
import { fewest, median, NoSamplesError, percentile, ratioOfMediansInterval, worst } from '../../tools/bench/stats';
import { InvalidEnvironmentVariableError, UsageError } from '../../tools/common/errors';

const figure = (overrides: Partial<Figure>): Figure => ({
  id: 'x',
  measure: 'x',
  basis: 'median of 3',
  unit: 'ms',
  value: 1,
  ...overrides,
});

const context: MeasurementContext = {
  measuredAt: '2026-11-29T08:00:00.000Z',
  commit: '0123456789abcdef0123456789abcdef01234567',
  cpus: 2,
  cpuModel: 'AMD EPYC',
  node: '20.20.2',
  runs: 3,
};

describe('percentile', () => {
  it('is the nearest-rank sample: p50 of 1..10 is 5, p90 is 9', () => {
    const values = [10, 3, 7, 1, 9, 2, 8, 4, 6, 5];
    expect([percentile(values, 50), percentile(values, 90)]).toEqual([5, 9]);
  });

  it('of one sample is that sample at any rank', () => {
    expect([percentile([4], 1), percentile([4], 100)]).toEqual([4, 4]);
  });

  it('refuses a rank outside (0, 100]', () => {
    expect(() => percentile([1], 0)).toThrow(RangeError);
  });

  it('refuses no samples rather than answering NaN', () => {
    expect(() => percentile([], 50)).toThrow(NoSamplesError);
  });
});

describe('median', () => {
  it('is the middle sample of an odd count', () => {
    expect(median([3, 1, 2])).toBe(2);
  });

  it('is the mean of the two middle samples of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses no samples', () => {
    expect(() => median([])).toThrow(NoSamplesError);
  });
});

describe('worst and fewest', () => {
  it('are the largest and the smallest sample', () => {
    expect([worst([1, 3, 2]), fewest([1, 3, 2])]).toEqual([3, 1]);
  });

  it('refuse no samples rather than answering -Infinity or Infinity', () => {
    expect(() => worst([])).toThrow(NoSamplesError);
    expect(() => fewest([])).toThrow(NoSamplesError);
  });
});

describe('ratioOfMediansInterval', () => {
  it('holds the ratio of the medians, and is the same for the same samples', () => {
    const a = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99];
    const b = a.map((value) => value * 1.1);
    const interval = ratioOfMediansInterval(a, b);
    expect(interval.low).toBeLessThanOrEqual(median(a) / median(b));
    expect(interval.high).toBeGreaterThanOrEqual(median(a) / median(b));
    expect(ratioOfMediansInterval(a, b)).toEqual(interval);
  });

  it('narrows as the samples agree', () => {
    const noisy = ratioOfMediansInterval([80, 120, 90, 110, 100], [85, 115, 95, 105, 100]);
    const steady = ratioOfMediansInterval([100, 100, 100, 100, 100], [100, 100, 100, 100, 100]);
    expect(steady).toEqual({ low: 1, high: 1 });
    expect(noisy.high - noisy.low).toBeGreaterThan(0.1);
  });

  it('paired, cancels what a moment did to both samples taken in it', () => {
    // Each turn's load moves both handlers alike; the second is 2% slower throughout.
    const load = [100, 130, 95, 160, 110, 90, 140, 105, 120, 98, 150, 101];
    const fast = load.map((value) => value);
    const slow = load.map((value) => value * 1.02);
    const paired = ratioOfMediansInterval(slow, fast, { paired: true });
    const unpaired = ratioOfMediansInterval(slow, fast);
    expect(paired.low).toBeGreaterThan(1);
    expect(unpaired.low).toBeLessThan(1);
  });

  it('refuses no samples, and paired samples of different numbers', () => {
    expect(() => ratioOfMediansInterval([], [1])).toThrow(NoSamplesError);
    expect(() => ratioOfMediansInterval([1, 2], [1], { paired: true })).toThrow(RangeError);
  });
});

describe('judge', () => {
  it('has no verdict for a figure without a target', () => {
    expect(judge(figure({}))).toBeUndefined();
  });

  it('meets an at-most target at the limit and misses it above', () => {
    const target = { kind: 'at-most', limit: 1 } as const;
    expect(judge(figure({ value: 1, target }))?.met).toBe(true);
    expect(judge(figure({ value: 1.01, target }))?.met).toBe(false);
  });

  it('meets an exact target only at that value', () => {
    const target = { kind: 'exactly', value: 1 } as const;
    expect(judge(figure({ value: 1, target }))?.met).toBe(true);
    expect(judge(figure({ value: 2, target }))?.met).toBe(false);
  });

  it('judges a ratio target on the value divided by the first comparison', () => {
    const verdict = judge(
      figure({
        value: 60,
        comparisons: [
          { label: 'Powertools', value: 100 },
          { label: 'the article', value: 50 },
        ],
        target: { kind: 'ratio-at-most', limit: 0.8 },
      }),
    );
    expect(verdict).toEqual({ met: true, ratio: 0.6 });
  });

  it('misses a ratio target above the limit', () => {
    const verdict = judge(
      figure({
        value: 90,
        comparisons: [{ label: 'Powertools', value: 100 }],
        target: { kind: 'ratio-at-most', limit: 0.8 },
      }),
    );
    expect(verdict).toEqual({ met: false, ratio: 0.9 });
  });

  it('counts a ratio to a comparison that is not positive as missed', () => {
    const verdict = judge(
      figure({
        value: 0.1,
        comparisons: [{ label: 'the article', value: -0.2 }],
        target: { kind: 'ratio-at-most', limit: 0.5 },
      }),
    );
    expect(verdict).toEqual({ met: false });
  });

  it('judges a ratio target on its interval: met unless the whole interval lies above the limit', () => {
    const onInterval = (low: number, high: number) =>
      judge(
        figure({
          value: 101,
          comparisons: [{ label: 'Powertools', value: 100 }],
          target: { kind: 'ratio-at-most', limit: 1, judgedOn: 'interval' },
          ratioInterval: { low, high },
        }),
      );
    expect(onInterval(0.99, 1.03)).toEqual({ met: true, ratio: 1.01 });
    expect(onInterval(1.001, 1.03)).toEqual({ met: false, ratio: 1.01 });
  });

  it('refuses a target judged on an interval that the figure lacks', () => {
    expect(() =>
      judge(
        figure({
          comparisons: [{ label: 'Powertools', value: 1 }],
          target: { kind: 'ratio-at-most', limit: 1, judgedOn: 'interval' },
        }),
      ),
    ).toThrow(MissingComparisonError);
  });

  it('refuses a ratio target with nothing to compare with', () => {
    expect(() => judge(figure({ target: { kind: 'ratio-at-most', limit: 0.5 } }))).toThrow(MissingComparisonError);
  });
});

describe('allTargetsMet', () => {
  it('holds when every figure with a target meets it, whatever the figures without one', () => {
    expect(allTargetsMet([figure({ value: 1e9 }), figure({ value: 1, target: { kind: 'at-most', limit: 1 } })])).toBe(
      true,
    );
  });

  it('fails when one figure misses its target', () => {
    expect(
      allTargetsMet([
        figure({ value: 1, target: { kind: 'at-most', limit: 1 } }),
        figure({ value: 2, target: { kind: 'at-most', limit: 1 } }),
      ]),
    ).toBe(false);
  });
});

describe('formatValue', () => {
  it('rounds by unit and names the unit, singular for exactly one', () => {
    expect([
      formatValue(0.9234, 's'),
      formatValue(1.005, 'ms'),
      formatValue(62.34, 'KiB'),
      formatValue(1, 'calls'),
      formatValue(1000, 'calls'),
      formatValue(1, 'responses'),
    ]).toEqual(['0.92 s', '1.00 ms', '62.3 KiB', '1 call', '1000 calls', '1 response']);
  });
});

describe('markdownTable', () => {
  it('writes one row per figure: measure, basis, value, comparisons, target and verdict', () => {
    const table = markdownTable([
      figure({
        measure: 'cold start',
        basis: 'median of 30',
        value: 150,
        comparisons: [
          { label: 'Powertools', value: 200 },
          { label: 'the article', value: 140 },
        ],
        target: { kind: 'ratio-at-most', limit: 0.8 },
      }),
      figure({ measure: 'synth', value: 3.5, unit: 's', target: { kind: 'at-most', limit: 1 } }),
      figure({ measure: 'floor', basis: '3000 calls', value: 0.4 }),
      figure({
        measure: 'cold start',
        value: 101,
        comparisons: [{ label: 'Powertools', value: 100 }],
        target: { kind: 'ratio-at-most', limit: 1, judgedOn: 'interval' },
        ratioInterval: { low: 0.984, high: 1.026 },
      }),
    ]);
    expect(table.split('\n')).toEqual([
      '| measure | from | value | compared with | target | met |',
      '| --- | --- | --- | --- | --- | --- |',
      '| cold start | median of 30 | 150.00 ms | Powertools: 200.00 ms; the article: 140.00 ms | ≤ 0.8× Powertools | ✓ (0.75×) |',
      '| synth | median of 3 | 3.50 s |  | ≤ 1 s | ✗ missed |',
      '| floor | 3000 calls | 0.40 ms |  |  |  |',
      '| cold start | median of 3 | 101.00 ms | Powertools: 100.00 ms | ≤ 1× Powertools, within noise | ✓ (1.01×, 95% CI 0.98–1.03×) |',
    ]);
  });
});

describe('replaceBetweenMarkers', () => {
  const readme = `# Title\n\n## Benchmarks\n\n${README_START_MARKER}\nold table\n${README_END_MARKER}\n\n## Next\n`;

  it('replaces what stands between the markers and keeps both markers and the rest', () => {
    expect(replaceBetweenMarkers(readme, '\nnew table\n')).toBe(
      `# Title\n\n## Benchmarks\n\n${README_START_MARKER}\nnew table\n${README_END_MARKER}\n\n## Next\n`,
    );
  });

  it('gives the same text when run twice with the same content', () => {
    const once = replaceBetweenMarkers(readme, 'new table');
    expect(replaceBetweenMarkers(once, 'new table')).toBe(once);
  });

  it('refuses a text without the end marker', () => {
    expect(() => replaceBetweenMarkers(`${README_START_MARKER}\nx\n`, 'y')).toThrow(MissingMarkersError);
  });

  it('refuses markers in the wrong order', () => {
    expect(() => replaceBetweenMarkers(`${README_END_MARKER}\nx\n${README_START_MARKER}\n`, 'y')).toThrow(
      MissingMarkersError,
    );
  });

  it('refuses a marker that stands twice, which would leave a stale table behind', () => {
    expect(() => replaceBetweenMarkers(`${readme}${README_START_MARKER}\n`, 'y')).toThrow(MissingMarkersError);
  });

  it(`finds the markers once each in ${BENCHMARK_PAGE}, where a full run writes its table, and nowhere in the README`, () => {
    const page = readFileSync(join(PROJECT_ROOT, BENCHMARK_PAGE), 'utf8');
    expect(replaceBetweenMarkers(page, 'new table')).toContain(
      `${README_START_MARKER}\nnew table\n${README_END_MARKER}`,
    );
    const projectReadme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(projectReadme).not.toContain(README_START_MARKER);
    expect(projectReadme).not.toContain(README_END_MARKER);
  });
});

describe('describeContext', () => {
  it('names the runs, the machine, Node, the short commit and the date', () => {
    expect(describeContext(context)).toBe(
      '`npm run bench` with BENCH_RUNS=3 on 2 cores (AMD EPYC), Node 20.20.2, commit 0123456, 2026-11-29:',
    );
  });
});

describe('benchDocument', () => {
  it('rounds values, comparisons and ratios to 3 decimals, after judging', () => {
    const document = benchDocument(
      [
        figure({
          value: 0.80004,
          comparisons: [{ label: 'Powertools', value: 1.00001 }],
          target: { kind: 'ratio-at-most', limit: 0.8 },
        }),
      ],
      context,
    );
    expect(document.figures[0]).toMatchObject({
      value: 0.8,
      comparisons: [{ label: 'Powertools', value: 1 }],
      ratio: 0.8,
      met: false,
    });
  });

  it('holds each figure with its verdict, and whether all targets are met', () => {
    const document = benchDocument([figure({ value: 2, target: { kind: 'at-most', limit: 1 } })], context);
    expect(document).toMatchObject({ commit: context.commit, runs: 3, allTargetsMet: false });
    expect(document.figures).toEqual([expect.objectContaining({ value: 2, met: false })]);
  });
});

describe('benchPlan', () => {
  it('makes the default number of rounds with the local run, and writes the results', () => {
    expect(benchPlan([], {})).toMatchObject({ runs: DEFAULT_RUNS, localRun: true, suite: true, writeResults: true });
  });

  it('takes the number of rounds from BENCH_RUNS', () => {
    expect(benchPlan([], { BENCH_RUNS: '5' }).runs).toBe(5);
  });

  it.each(['0', '-1', '2.5', '1e3', ''])('refuses BENCH_RUNS=%j', (value) => {
    expect(() => benchPlan([], { BENCH_RUNS: value })).toThrow(InvalidEnvironmentVariableError);
  });

  it('makes a quick run one round without the local run or the suite, writing nothing', () => {
    expect(benchPlan(['--quick'], { BENCH_RUNS: '5' })).toMatchObject({
      runs: 1,
      localRun: false,
      suite: false,
      writeResults: false,
    });
  });

  it('refuses an unknown argument as a usage error', () => {
    expect(() => benchPlan(['--fast'], {})).toThrow(UsageError);
  });
});

describe('takingTurns', () => {
  it('starts at the turn, modulo the number of items, and wraps around', () => {
    expect([takingTurns(['a', 'b', 'c'], 0), takingTurns(['a', 'b', 'c'], 4)]).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c', 'a'],
    ]);
  });

  it('of nothing is nothing', () => {
    expect(takingTurns([], 3)).toEqual([]);
  });
});

describe('benchFigures', () => {
  const method: MethodSamples = {
    stack: 'method1-sample',
    sizes: {
      project: { zipBytes: 64 * 1024, gzipBytes: 63 * 1024 },
      powertools: { zipBytes: 66 * 1024, gzipBytes: 65 * 1024 },
    },
    coldStartMs: { project: [100, 120, 110], powertools: [150, 160, 140], article: [90, 95, 100] },
    warm: {
      project: { storeCalls: [0, 0, 0], durations: [1.1, 1.2, 1.3, 1.4, 1.5] },
      article: { storeCalls: [1000, 1000, 1000], durations: [2, 3, 4, 5, 6] },
    },
    concurrentStoreCalls: { project: [1, 1, 2], powertools: [100, 100, 100], article: [100, 100, 100] },
    stalled: { answered200: [100, 99, 100], seconds: [1.1, 1.3, 1.2] },
  };
  const samples: Samples = {
    localRunSeconds: [30, 28, 29],
    suiteSeconds: [181],
    deploySeconds: [20, 21, 22],
    appSynthSeconds: [0.9, 1.1, 0.95],
    cdktfSynthSeconds: [3.2, 2.9, 3.1],
    floorDurations: [1, 1, 1, 1, 1],
    floorColdStartMs: [50, 60, 55],
    methods: [method],
  };
  const figures = benchFigures(samples, 'node --import tsx main.ts');
  const byId = (id: string) => figures.find((entry) => entry.id === id);

  it('judges the local run and synthesis on their medians', () => {
    expect([byId('localRun')?.value, byId('synth.app')?.value, byId('synth.cdktf')?.value]).toEqual([29, 0.95, 3.1]);
    expect(judge(byId('synth.cdktf')!)?.met).toBe(false);
  });

  it('leaves out the local run when it was skipped', () => {
    const quick = benchFigures({ ...samples, localRunSeconds: [], deploySeconds: [] }, 'app');
    expect(quick.map((entry) => entry.id)).not.toContain('localRun');
  });

  it('judges the suite against 180 s', () => {
    expect(byId('suite')).toMatchObject({ value: 181, unit: 's', target: { kind: 'at-most', limit: 180 } });
    expect(judge(byId('suite')!)?.met).toBe(false);
  });

  it('leaves out the suite when it was skipped', () => {
    expect(benchFigures({ ...samples, suiteSeconds: [] }, 'app').map((entry) => entry.id)).not.toContain('suite');
  });

  it('names the app command it timed', () => {
    expect(byId('synth.app')?.measure).toContain('`node --import tsx main.ts`');
  });

  it("weighs the deployment package in KiB against Powertools', which it may not exceed", () => {
    expect(byId('package.zip.method1-sample')).toMatchObject({
      value: 64,
      comparisons: [{ label: 'Powertools', value: 66 }],
      target: { kind: 'ratio-at-most', limit: TARGETS.packageRatio },
    });
    expect(judge(byId('package.zip.method1-sample')!)).toEqual({ met: true, ratio: 64 / 66 });
  });

  it('compares the median cold start with Powertools first, judged on the interval of the ratio', () => {
    const coldStart = byId('coldStart.method1-sample')!;
    expect(coldStart.target).toEqual({ kind: 'ratio-at-most', limit: TARGETS.coldStartRatio, judgedOn: 'interval' });
    expect(judge(coldStart)).toEqual({ met: true, ratio: 110 / 150 });
    expect(coldStart.ratioInterval!.low).toBeLessThanOrEqual(110 / 150);
  });

  it("reports each handler's cold start over the floor's, as medians less the floor's median", () => {
    expect(byId('coldStartOverhead.method1-sample')).toMatchObject({
      value: 110 - 55,
      comparisons: [
        { label: 'Powertools', value: 150 - 55 },
        { label: 'the article', value: 95 - 55 },
      ],
    });
    expect(byId('coldStartOverhead.method1-sample')?.target).toBeUndefined();
    expect(byId('floor.coldStart')?.value).toBe(55);
  });

  it("measures a method's extension entry, its zip and its cold start against Powertools'", () => {
    const withExtension = benchFigures(
      {
        ...samples,
        methods: [
          {
            ...method,
            stack: 'method2-sample',
            sizes: { ...method.sizes, extension: { zipBytes: 4 * 1024, gzipBytes: 3 * 1024 } },
            coldStartMs: { ...method.coldStartMs, extension: [70, 72, 71] },
          },
        ],
      },
      'app',
    );
    const find = (id: string) => withExtension.find((entry) => entry.id === id)!;
    expect(judge(find('package.zip.method2-sample.extension'))).toEqual({ met: true, ratio: 4 / 66 });
    expect(find('coldStart.method2-sample.extension')).toMatchObject({
      value: 71,
      comparisons: [{ label: 'Powertools', value: 150 }],
    });
    expect(find('coldStartOverhead.method2-sample.extension').value).toBe(71 - 55);
    expect(figures.some((entry) => entry.id.endsWith('.extension'))).toBe(false);
  });

  it('names the article column as the method says: an article-style baseline where the article shows none', () => {
    const label = ARTICLE_STYLE_LABEL;
    const styled = benchFigures(
      { ...samples, methods: [{ ...method, stack: 'method3-sample', articleLabel: label }] },
      'app',
    );
    const find = (id: string) => styled.find((entry) => entry.id === id)!;
    expect(find('warmOverhead.p50.method3-sample').comparisons?.[0].label).toBe(label);
    expect(find('warmStoreCalls.method3-sample').comparisons).toEqual([{ label, value: 1000 }]);
    expect(find('concurrentStoreCalls.method3-sample').comparisons?.map((entry) => entry.label)).toEqual([
      'Powertools',
      label,
    ]);
    expect(find('coldStart.method3-sample').comparisons?.map((entry) => entry.label)).toEqual(['Powertools', label]);
    expect(markdownTable([find('warmOverhead.p90.method3-sample')])).toContain(`≤ 0.5× ${label}`);
    expect(styled.flatMap((entry) => entry.comparisons ?? []).some((entry) => entry.label === 'the article')).toBe(
      false,
    );
  });

  it('counts the worst run of warm store calls against the article', () => {
    expect(byId('warmStoreCalls.method1-sample')).toMatchObject({
      value: 0,
      comparisons: [{ label: 'the article', value: 1000 }],
    });
  });

  it("measures warm overhead as the percentile's excess over the floor's, the article's likewise", () => {
    const p50 = byId('warmOverhead.p50.method1-sample')!;
    expect(p50.value).toBeCloseTo(0.3);
    expect(p50.comparisons?.[0].value).toBeCloseTo(3);
  });

  it('judges concurrency and the stalled store on their worst runs', () => {
    expect([
      byId('concurrentStoreCalls.method1-sample')?.value,
      byId('stalled.answered200.method1-sample')?.value,
      byId('stalled.seconds.method1-sample')?.value,
    ]).toEqual([2, 99, 1.3]);
  });

  it('reports the floor for reference, without a target', () => {
    const floor = byId('floor.p50')!;
    expect([floor.value, judge(floor)]).toEqual([1, undefined]);
  });
});
