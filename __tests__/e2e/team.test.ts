/**
 * End to end, at team scale: two stages (`dev`, `prod`) of both stacks deployed side by side to
 * one emulator with real Terraform, their state in the emulator's S3 under Terraform's S3-native
 * lock. Each stage gets its own token, its own upstream and its own state object; the proofs run
 * on what they left in the emulator.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../stacks/config';
import { STACK_NAMES, stagedStackName } from '../../stacks/methods';
import { stateKey } from '../../stacks/state-backend';
import {
  emulatorClientConfig,
  requireMoto,
  startEmulator,
  stopEmulator,
  type Emulator,
} from '../../tools/local/emulator';
import { LocalDeployment } from '../../tools/local/deployment';
import { inheritedEnvironment } from '../../tools/local/isolation';
import { invokeObserved, type ObservedInvocation } from '../../tools/local/summary';
import { requireTerraform } from '../../tools/local/terraform';
import { startUpstream, tokenDigest, type Upstream } from '../../tools/local/upstream';
import { containsAny } from '../support/scan';
import { allSettledOrThrow } from '../support/settled';
import { SetUpTimings } from '../support/timings';

const TIMEOUT = 300_000;
const BUCKET = 'team-tfstate';
const STAGES = ['dev', 'prod'] as const;
type Stage = (typeof STAGES)[number];

/** One stage: its token, the upstream that accepts only that token, its deployment, what its functions answered. */
interface StageRun {
  readonly token: string;
  readonly upstream: Upstream;
  readonly deployment: LocalDeployment;
  readonly invocations: Map<string, ObservedInvocation>;
}

let workDirectory: string;
let emulator: Emulator | undefined;
let s3: S3Client;
/** The key prod's state objects are encrypted with (stateKmsKeyId); dev keeps the bucket's encryption. */
let prodStateKey: string;
const stages = new Map<Stage, StageRun>();
/** Every upstream started, closed at the end even if its stage never deployed. */
const upstreams: Upstream[] = [];
/** Everything Terraform, cdktf, the CLI and the functions printed or answered. */
const transcript: string[] = [];
const timings = new SetUpTimings('team.test.ts');

function stage(name: Stage): StageRun {
  return stages.get(name)!;
}

async function stateObjects(): Promise<Map<string, string>> {
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  const objects = new Map<string, string>();
  for (const { Key } of Contents) {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    objects.set(Key!, (await Body?.transformToString()) ?? '');
  }
  return objects;
}

beforeAll(async () => {
  // Missing tools fail the suite with what to install; these tests never skip.
  requireMoto();
  requireTerraform(inheritedEnvironment(process.env));
  workDirectory = mkdtempSync(join(tmpdir(), 'lambda-secrets-team-'));
  emulator = await startEmulator({ logFile: join(workDirectory, 'emulator.log') });
  s3 = new S3Client({ ...emulatorClientConfig(emulator.endpoint, DEFAULT_OPTIONS.region), forcePathStyle: true });
  await s3.send(
    new CreateBucketCommand({
      Bucket: BUCKET,
      CreateBucketConfiguration: { LocationConstraint: DEFAULT_OPTIONS.region as BucketLocationConstraint },
    }),
  );
  const kms = new KMSClient(emulatorClientConfig(emulator.endpoint, DEFAULT_OPTIONS.region));
  prodStateKey = (await kms.send(new CreateKeyCommand({ Description: 'prod state' }))).KeyMetadata!.Arn!;
  // The stages deploy side by side, as two teammates would: each deployment's stacks in parallel too.
  await allSettledOrThrow(
    STAGES.map(async (name) => {
      const token = `e2e-${name}-token-${randomBytes(24).toString('base64url')}`;
      const upstream = await startUpstream(tokenDigest(token));
      upstreams.push(upstream);
      const deployment = new LocalDeployment({
        directory: join(workDirectory, name),
        endpoint: emulator!.endpoint,
        targetUrl: upstream.url,
        options: {
          stage: name,
          backend: 's3',
          stateBucket: BUCKET,
          ...(name === 'prod' && { stateKmsKeyId: prodStateKey }),
        },
      });
      transcript.push((await timings.time(`${name} deploy`, () => deployment.deploy(token))).output);
      transcript.push(await timings.time(`${name} secret set`, () => deployment.provisionOutOfBand(token)));
      stages.set(name, { token, upstream, deployment, invocations: new Map() });
    }),
  );
  for (const name of STAGES) {
    const { deployment, upstream, invocations } = stage(name);
    for (const stack of STACK_NAMES) {
      const invocation = await invokeObserved(deployment, upstream, stack);
      transcript.push(invocation.body, invocation.output);
      invocations.set(stack, invocation);
    }
  }
}, TIMEOUT);

afterAll(async () => {
  timings.print();
  for (const upstream of upstreams) await upstream.close();
  if (emulator) await stopEmulator(emulator.pid);
  if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
});

describe('two stages side by side in one account and region', () => {
  it.each(STAGES.flatMap((name) => STACK_NAMES.map((stack) => [stagedStackName(stack, name), name, stack] as const)))(
    '%s answers 200, having sent its own stage’s token',
    (_function, name, stack) => {
      expect(stage(name).invocations.get(stack)).toMatchObject({ statusCode: 200, upstreamSawToken: true });
    },
  );

  it("runs each stage's own functions", () => {
    expect(STAGES.map((name) => stage(name).invocations.get('method2-sample')?.deployed.name)).toEqual([
      'method2-sample-dev',
      'method2-sample-prod',
    ]);
  });

  it("dev's ciphertext fails to decrypt as prod's function: 500, nothing leaks", async () => {
    const { deployment, upstream, token } = stage('dev');
    const invocation = await invokeObserved(deployment, upstream, 'method1-sample', 'method1-sample-prod');
    expect([invocation.statusCode, invocation.upstreamCalls]).toEqual([500, 0]);
    expect(invocation.output).toContain('InvalidCiphertextException');
    expect(containsAny(invocation.body + invocation.output, [token, stage('prod').token])).toBe(false);
  });
});

describe('state in S3 (backend=s3)', () => {
  it('holds one state object per stack and stage, under the key prefix', async () => {
    const expected = STAGES.flatMap((name) =>
      STACK_NAMES.map((stack) => stateKey(DEFAULT_OPTIONS, stagedStackName(stack, name))),
    );
    expect([...(await stateObjects()).keys()].sort()).toEqual(expected.sort());
  });

  it("encrypts prod's state objects with its stateKmsKeyId, and dev's with the bucket's own encryption", async () => {
    const encryption = async (name: Stage) =>
      s3.send(
        new HeadObjectCommand({
          Bucket: BUCKET,
          Key: stateKey(DEFAULT_OPTIONS, stagedStackName('method2-sample', name)),
        }),
      );
    expect(await encryption('prod')).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: prodStateKey });
    expect((await encryption('dev')).ServerSideEncryption).not.toBe('aws:kms');
  });

  it('wrote no local state file', () => {
    const local = STAGES.flatMap((name) => STACK_NAMES.map((stack) => stage(name).deployment.stateFile(stack)));
    expect(local.filter((file) => existsSync(file))).toEqual([]);
  });

  it('holds no token in any state object', async () => {
    const objects = await stateObjects();
    expect(objects.size).toBe(STAGES.length * STACK_NAMES.length);
    const tokens = STAGES.map((name) => stage(name).token);
    expect([...objects].filter(([, state]) => containsAny(state, tokens)).map(([key]) => key)).toEqual([]);
  });

  it('printed no token while deploying, provisioning or invoking', () => {
    const tokens = STAGES.map((name) => stage(name).token);
    expect(transcript.filter((text) => containsAny(text, tokens))).toEqual([]);
  });

  it('stops a second deploy while the lock is held, saying so', async () => {
    const { deployment, token } = stage('dev');
    const lockKey = `${stateKey(DEFAULT_OPTIONS, 'method1-sample-dev')}.tflock`;
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: lockKey,
        Body: JSON.stringify({ ID: 'held-by-a-teammate', Operation: 'OperationTypeApply', Who: 'teammate@host' }),
      }),
    );
    try {
      await expect(deployment.deploy(token, ['method1-sample'])).rejects.toThrow(/Error acquiring the state lock/);
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: lockKey }));
    }
  });

  it('plans no change once the lock is released', async () => {
    const { deployment, token } = stage('dev');
    const plan = await deployment.plan('method1-sample', token);
    expect(plan.code).toBe(0);
  });
});
