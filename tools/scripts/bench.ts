/**
 * `npm run bench`: measures what the README and issues #10 and #16 promise, side by side in one
 * run (absolute times are noisy on small machines, so each figure is compared within the run,
 * the handlers taking turns): the local run, synthesis, and this project's handlers (the extension
 * entries of Methods 2 and 3 too) against the article's (Method 3's article-style: the article shows
 * no Secrets Manager handler), a Powertools-based equivalent and the floor (a bare fetch with the
 * token in hand), on a fake store and a local upstream; then, alone, `npm test` (issue #17). Prints
 * the table, rewrites it in docs/benchmarks.md with `benchmarks.json`, and exits 1 when a target
 * is missed. `-- --quick` makes one short round, without the local run or the suite, and writes
 * nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { LAMBDA_RUNTIME } from '../../lib/lambda-runtime';
import { DEFAULT_OPTIONS } from '../../stacks/config';
import { startFakeStore, type FakeStore } from '../bench/fake-store';
import { benchFigures, CONCURRENT_CALLS, WARM_CALLS, type MethodSamples, type Samples } from '../bench/figures';
import { coldStartMs, concurrentColdCalls, stalledColdCalls, warmCalls, type WarmCalls } from '../bench/measure';
import { benchPlan, takingTurns, type BenchPlan } from '../bench/plan';
import { allTargetsMet, type MeasurementContext } from '../bench/report';
import { BENCHMARK_PAGE, readmeTable, RESULTS_FILE, writeResults } from '../bench/results';
import {
  floorSubject,
  methodSubjects,
  type ExtensionEndpoint,
  type MethodSubjects,
  type Stage,
  type Subject,
} from '../bench/subjects';
import { appCommand, synthesizeDeploymentPackages, timeAppSynth, timeCdktfSynth } from '../bench/synth';
import { runMain, step } from '../common/cli';
import { ToolError } from '../common/errors';
import { projectBinary, run } from '../common/run-command';
import { emulatorClientConfig } from '../local/emulator';
import { nodeMajorOf, nodeRelease } from '../local/node-binary';
import { startExtensionStandIn } from '../local/parameters-extension-stand-in';
import { stopLocalRun } from '../local/run-record';
import { startUpstream, tokenDigest } from '../local/upstream';

/** Milliseconds `npm start` may take before the benchmark gives up on it. */
const LOCAL_RUN_TIMEOUT_MS = 15 * 60_000;
/** Milliseconds `npm test` may take before the benchmark gives up on it. */
const SUITE_TIMEOUT_MS = 30 * 60_000;

/** A measurement of one handler, and where its result goes. */
interface Job<T> {
  readonly subject: Subject;
  record(result: T): void;
}

/** The duration `npm start` printed for one of its steps. */
function stepSeconds(output: string, label: string): number {
  const match = new RegExp(`✓ ${label}[^\\n]*\\(([\\d.]+) s\\)`).exec(output);
  if (!match) throw new ToolError(`npm start printed no finished step "${label}"`);
  return Number(match[1]);
}

function emptySamples(method: MethodSubjects): MethodSamples {
  const sizes = ({ bundle }: Subject) => ({ zipBytes: bundle.zipBytes, gzipBytes: bundle.gzipBytes });
  return {
    stack: method.stack,
    articleLabel: method.article.label,
    sizes: {
      project: sizes(method.project),
      powertools: sizes(method.powertools),
      ...(method.extension && { extension: sizes(method.extension) }),
    },
    coldStartMs: { project: [], powertools: [], article: [], ...(method.extension && { extension: [] }) },
    warm: { project: { storeCalls: [], durations: [] }, article: { storeCalls: [], durations: [] } },
    concurrentStoreCalls: { project: [], powertools: [], article: [] },
    stalled: { answered200: [], seconds: [] },
  };
}

/** Every round of the plan: the handlers take turns within each measurement. */
async function measure(
  plan: BenchPlan,
  work: string,
  stage: Stage,
  store: FakeStore,
  extension: ExtensionEndpoint,
): Promise<Samples> {
  const packages = join(work, 'packages');
  await step('Synthesize the deployment packages (packaging=asset)', () => synthesizeDeploymentPackages(packages));
  const bundles = join(work, 'bundles');
  const methods = await step('Build the handlers they are compared with', () =>
    methodSubjects(packages, bundles, stage, extension),
  );
  const floor = floorSubject(bundles, stage);
  const samples = {
    localRunSeconds: [] as number[],
    suiteSeconds: [] as number[],
    deploySeconds: [] as number[],
    appSynthSeconds: [] as number[],
    cdktfSynthSeconds: [] as number[],
    floorDurations: [] as number[],
    floorColdStartMs: [] as number[],
    methods: methods.map(emptySamples),
  };
  const pairs = methods.map((method, index) => ({ method, recorded: samples.methods[index] }));
  const coldJobs: Job<number>[] = [
    ...pairs.flatMap(({ method, recorded }) => [
      ...(['project', 'powertools', 'article'] as const).map((who): Job<number> => ({
        subject: method[who],
        record: (ms) => recorded.coldStartMs[who].push(ms),
      })),
      ...(method.extension
        ? [{ subject: method.extension, record: (ms: number) => recorded.coldStartMs.extension?.push(ms) }]
        : []),
    ]),
    { subject: floor, record: (ms) => samples.floorColdStartMs.push(ms) },
  ];
  const concurrentJobs = pairs.flatMap(({ method, recorded }) =>
    (['project', 'powertools', 'article'] as const).map((who): Job<number> => ({
      subject: method[who],
      record: (calls) => recorded.concurrentStoreCalls[who].push(calls),
    })),
  );
  const warmJobs: Job<WarmCalls>[] = [
    ...pairs.flatMap(({ method, recorded }) =>
      (['project', 'article'] as const).map((who): Job<WarmCalls> => ({
        subject: method[who],
        record: ({ storeCalls, durations }) => {
          recorded.warm[who].storeCalls.push(storeCalls);
          recorded.warm[who].durations.push(...durations);
        },
      })),
    ),
    { subject: floor, record: ({ durations }) => samples.floorDurations.push(...durations) },
  ];

  for (let round = 0; round < plan.runs; round += 1) {
    process.stdout.write(`run ${round + 1} of ${plan.runs}\n`);
    if (plan.localRun) {
      const startedAt = performance.now();
      const { output } = await step('`npm start`', () =>
        run(projectBinary('tsx'), ['tools/scripts/start.ts'], { env: process.env, timeoutMs: LOCAL_RUN_TIMEOUT_MS }),
      );
      samples.localRunSeconds.push((performance.now() - startedAt) / 1000);
      samples.deploySeconds.push(stepSeconds(output, 'Deploy'));
    }
    samples.appSynthSeconds.push(await step('synth: the app alone', () => timeAppSynth(join(work, `app-${round}`))));
    samples.cdktfSynthSeconds.push(
      await step('synth: `npx cdktf synth`', () => timeCdktfSynth(join(work, `cdktf-${round}`))),
    );
    await step(`cold starts, ${plan.coldStartsPerRun} of each handler`, async () => {
      for (let turn = 0; turn < plan.coldStartsPerRun; turn += 1) {
        for (const job of takingTurns(coldJobs, round * plan.coldStartsPerRun + turn)) {
          job.record(await coldStartMs(job.subject, store));
        }
      }
    });
    await step(`${WARM_CALLS} warm invocations of each handler`, async () => {
      for (const job of takingTurns(warmJobs, round)) job.record(await warmCalls(job.subject, store, WARM_CALLS));
    });
    await step(`${CONCURRENT_CALLS} concurrent cold calls of each handler`, async () => {
      for (const job of takingTurns(concurrentJobs, round)) {
        job.record((await concurrentColdCalls(job.subject, store, CONCURRENT_CALLS)).storeCalls);
      }
    });
    await step(`${CONCURRENT_CALLS} concurrent cold calls against a stalled store`, async () => {
      for (const { method, recorded } of takingTurns(pairs, round)) {
        const { statuses, seconds } = await stalledColdCalls(method.project, stage, CONCURRENT_CALLS);
        recorded.stalled.answered200.push(statuses.filter((status) => status === 200).length);
        recorded.stalled.seconds.push(seconds);
      }
    });
  }
  if (plan.suite) {
    // Alone, after the rounds: the suite takes both cores, and nothing else may share them.
    const startedAt = performance.now();
    await step('`npm test`', () => run('npm', ['test'], { env: process.env, timeoutMs: SUITE_TIMEOUT_MS }));
    samples.suiteSeconds.push((performance.now() - startedAt) / 1000);
  }
  return samples;
}

async function measurementContext(runs: number): Promise<MeasurementContext> {
  const { output } = await run('git', ['rev-parse', 'HEAD'], { env: process.env, timeoutMs: 10_000 });
  return {
    measuredAt: new Date().toISOString(),
    commit: output.trim(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    // The handlers run on the Lambda runtime's Node.js (the local Lambda runner's), the rest on this one.
    node: `${nodeRelease(nodeMajorOf(LAMBDA_RUNTIME))} for the handlers, ${process.versions.node} for the tools`,
    runs,
  };
}

runMain(async () => {
  const plan = benchPlan(process.argv.slice(2), process.env);
  const work = mkdtempSync(join(tmpdir(), 'lambda-secrets-bench-'));
  const secret = randomBytes(24).toString('base64url');
  const upstream = await startUpstream(tokenDigest(secret));
  const stage: Stage = { secret, ciphertextBase64: randomBytes(96).toString('base64'), upstreamUrl: upstream.url };
  const store = await startFakeStore(stage);
  // The extension entries (Methods 2 and 3) ask the stand-in for the Parameters and Secrets
  // extension, which asks the fake store, as the real extension asks SSM and Secrets Manager.
  const clientConfig = emulatorClientConfig(store.endpoint, DEFAULT_OPTIONS.region);
  const ssm = new SSMClient(clientConfig);
  const secretsManager = new SecretsManagerClient(clientConfig);
  const extension = await startExtensionStandIn(ssm, secretsManager);
  let samples: Samples;
  try {
    samples = await measure(plan, work, stage, store, extension);
  } finally {
    if (plan.localRun) await stopLocalRun();
    await extension.close();
    ssm.destroy();
    secretsManager.destroy();
    await store.close();
    await upstream.close();
    rmSync(work, { recursive: true, force: true });
  }
  const figures = benchFigures(samples, appCommand());
  const context = await measurementContext(plan.runs);
  process.stdout.write(`\n${readmeTable(figures, context)}\n\n`);
  if (plan.writeResults) {
    await writeResults(figures, context);
    process.stdout.write(`written to ${BENCHMARK_PAGE} and ${RESULTS_FILE}\n`);
  }
  const met = allTargetsMet(figures);
  process.stdout.write(met ? 'every target met\n' : 'a target was missed (✗ above)\n');
  return met ? 0 : 1;
});
