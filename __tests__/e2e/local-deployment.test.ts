/**
 * End to end: the three stacks deployed with real Terraform (`cdktf deploy`) to a real AWS
 * emulator (moto server), the token provisioned as a user would, the deployed artifacts invoked,
 * and then the proofs. Two stages of a team share the emulator and an S3 state bucket, as two
 * teammates would: `prod`, under the default options, serves most proofs; `dev`, under the other
 * secret deliveries, is the control (the article's mode, which each detector must catch) and
 * proves the other options. The stages deploy at once, each deployment's stacks in parallel
 * (cdktf deploy), and the per-stack reads run side by side, so the file's time does not grow
 * with the number of methods.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetFunctionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
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
import {
  DescribeSecretCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../stacks/config';
import { Emulator, emulatorClientConfig, requireMoto, startEmulator, stopEmulator } from '../../tools/local/emulator';
import { apiTokenSecretName, STACK_NAMES, type StackName } from '../../stacks/methods';
import { stateKey } from '../../stacks/state-backend';
import { LocalDeployment } from '../../tools/local/deployment';
import { inheritedEnvironment } from '../../tools/local/isolation';
import { invokeObserved, observed, type ObservedInvocation } from '../../tools/local/summary';
import { findProviderMirror, requireTerraform, stackDirectory } from '../../tools/local/terraform';
import { startUpstream, tokenDigest, Upstream } from '../../tools/local/upstream';
import { containsAny, filesContaining } from '../support/scan';
import { allSettledOrThrow } from '../support/settled';
import { SetUpTimings } from '../support/timings';

const TIMEOUT = 300_000;
const BUCKET = 'team-tfstate';
const token = `e2e-prod-token-${randomBytes(24).toString('base64url')}`;
const devToken = `e2e-dev-token-${randomBytes(24).toString('base64url')}`;
const rotatedToken = `e2e-rotated-${randomBytes(24).toString('base64url')}`;
const secrets = [token, devToken, rotatedToken];

let workDirectory: string;
let emulator: Emulator | undefined;
let s3: S3Client;
/** The key prod's state objects are encrypted with (stateKmsKeyId); dev keeps the bucket's encryption. */
let prodStateKey: string;
/** The `prod` stage, under the default options. */
let deployment: LocalDeployment;
/** The `dev` stage, under the other secret deliveries. */
let other: LocalDeployment;
/** A writer of another account, refused before anything is created. */
let refused: LocalDeployment;
/** Each stage's upstream, which accepts only that stage's token. */
const upstreams = new Map<LocalDeployment, Upstream>();
/** Each stage's token. */
const tokens = new Map<LocalDeployment, string>();
/** The dev stage's deploy, started in the first beforeAll and awaited by its own. */
let otherDeployed: Promise<unknown>;
/** What the refused writer's deploy ended with, started in the first beforeAll. */
let refusal: Promise<Error>;
/** Everything Terraform, cdktf, the CLI, the emulator and the functions printed or answered. */
const transcript: string[] = [];
const firstInvocations = new Map<StackName, ObservedInvocation>();
/** The first call of each out-of-band stack's function, before its token was provisioned. */
const unprovisioned = new Map<StackName, ObservedInvocation>();
/** The second plan of each stack, run side by side once deployed. */
const secondPlans = new Map<StackName, Awaited<ReturnType<LocalDeployment['plan']>>>();

/** Invokes a function of `target`, keeping what it printed and answered for the leak scans. */
async function invokeIn(target: LocalDeployment, stack: StackName, functionName?: string): Promise<ObservedInvocation> {
  const invocation = await invokeObserved(target, upstreams.get(target)!, stack, functionName);
  transcript.push(invocation.body, invocation.output, JSON.stringify(invocation.deployed));
  return invocation;
}

/** The JSON log lines a function printed. */
function logEntries(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function invoke(stack: StackName, functionName?: string): Promise<ObservedInvocation> {
  return invokeIn(deployment, stack, functionName);
}

/** The S3 key of the state of `stack` in `target`'s stage. */
function stateObjectKey(target: LocalDeployment, stack: StackName): string {
  return stateKey(DEFAULT_OPTIONS, target.name(stack));
}

/** Every state object in the bucket, by key. */
async function stateObjects(): Promise<Map<string, string>> {
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  const objects = new Map<string, string>();
  for (const { Key } of Contents) {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    objects.set(Key!, (await Body?.transformToString()) ?? '');
  }
  return objects;
}

/** An account other than the emulator's, whose principals no key policy here may trust. */
const FOREIGN_WRITER = 'arn:aws:iam::111122223333:role/token-writer';

/** Options of the dev stage: the other secret deliveries, on arm64 with the extension readers. */
const OTHER_DELIVERIES = {
  method1SecretDelivery: 'terraform',
  method2SecretDelivery: 'out-of-band',
  functionUrlAuthType: 'NONE',
  reservedConcurrency: '10',
  method2Reader: 'extension',
  method3Reader: 'extension',
  method3JsonField: 'token',
  architecture: 'arm64',
} as const;

const timings = new SetUpTimings('local-deployment.test.ts');

beforeAll(async () => {
  // Missing tools fail the suite with what to install; these tests never skip.
  requireMoto();
  requireTerraform(inheritedEnvironment(process.env));
  workDirectory = mkdtempSync(join(tmpdir(), 'lambda-secrets-e2e-'));
  emulator = await timings.time('emulator', () => startEmulator({ logFile: join(workDirectory, 'emulator.log') }));
  s3 = new S3Client({ ...emulatorClientConfig(emulator.endpoint, DEFAULT_OPTIONS.region), forcePathStyle: true });
  await s3.send(
    new CreateBucketCommand({
      Bucket: BUCKET,
      CreateBucketConfiguration: { LocationConstraint: DEFAULT_OPTIONS.region as BucketLocationConstraint },
    }),
  );
  const kms = new KMSClient(emulatorClientConfig(emulator.endpoint, DEFAULT_OPTIONS.region));
  prodStateKey = (await kms.send(new CreateKeyCommand({ Description: 'prod state' }))).KeyMetadata!.Arn!;
  kms.destroy();
  const stage = async (name: string, stageToken: string, options: Record<string, string>) => {
    const upstream = await startUpstream(tokenDigest(stageToken));
    const target = new LocalDeployment({
      directory: join(workDirectory, name),
      endpoint: emulator!.endpoint,
      targetUrl: upstream.url,
      options: { stage: name, ...options },
    });
    upstreams.set(target, upstream);
    tokens.set(target, stageToken);
    return target;
  };
  const s3State = { backend: 's3', stateBucket: BUCKET };
  deployment = await stage('prod', token, { ...s3State, stateKmsKeyId: prodStateKey });
  // The article's mode keeps the token in the state, which the options refuse for a state in S3.
  other = await stage('dev', devToken, OTHER_DELIVERIES);
  refused = await stage('foreign', token, { secretWriterArns: FOREIGN_WRITER });
  // The stages deploy side by side, as two teammates would; dev's proofs await its deploy.
  otherDeployed = timings
    .time('dev deploy (beside)', () => other.deploy(devToken))
    .then((deployed) => transcript.push(deployed.output));
  otherDeployed.catch(() => {});
  refusal = timings
    .time('refused deploy (beside)', () => refused.deploy(token, ['method1-sample']))
    .then(
      () => new Error('deployed'),
      (error: unknown) => error as Error,
    );
  transcript.push((await timings.time('prod deploy', () => deployment.deploy(token))).output);
  for (const stack of deployment.outOfBandStacks()) unprovisioned.set(stack, await invoke(stack));
  // As a user would after the deploy, and as `npm start` does: every out-of-band stack's token at once.
  transcript.push(await timings.time('secret set', () => deployment.provisionOutOfBand(token)));
  for (const stack of STACK_NAMES) firstInvocations.set(stack, await invoke(stack));
  // Each stack's second plan, all stacks side by side (Terraform's lock is per stack).
  await timings.time('plan', () =>
    allSettledOrThrow(
      STACK_NAMES.map(async (stack) => {
        secondPlans.set(stack, await deployment.plan(stack, token));
      }),
    ),
  );
  for (const stack of STACK_NAMES) transcript.push(secondPlans.get(stack)!.output);
}, TIMEOUT);

afterAll(async () => {
  // The deploys started beside the first end before their folders go.
  await Promise.allSettled([otherDeployed, refusal]);
  timings.print();
  for (const upstream of upstreams.values()) await upstream.close();
  s3?.destroy();
  if (emulator) await stopEmulator(emulator.pid);
  if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
});

describe('both stacks deployed to the emulator', () => {
  it.each(['method1-sample', 'method3-sample'] as const)(
    '%s answers 503 while its token is not provisioned, without calling the upstream',
    (stack) => {
      expect(unprovisioned.get(stack)).toMatchObject({
        statusCode: 503,
        body: 'Secret not provisioned',
        upstreamCalls: 0,
      });
    },
  );

  it('provisioned the token of method1-sample and method3-sample with the secret CLI, and no other', () => {
    expect([...unprovisioned.keys()]).toEqual(['method1-sample', 'method3-sample']);
  });

  it.each(STACK_NAMES)('%s answers 200 Succeeded through its function URL event', (stack) => {
    expect(firstInvocations.get(stack)).toMatchObject({ statusCode: 200, body: 'Succeeded', functionError: false });
  });

  it.each(STACK_NAMES)('%s sent the upstream exactly the token', (stack) => {
    expect(firstInvocations.get(stack)?.upstreamSawToken).toBe(true);
  });

  it.each(STACK_NAMES)(
    "%s has its AWS provider linked from the machine's mirror, not from a plugin cache that concurrent inits race on",
    (stack) => {
      const installed = join(
        stackDirectory(deployment.outdir, deployment.name(stack)),
        '.terraform/providers/registry.terraform.io/hashicorp/aws',
      );
      const [version] = readdirSync(installed);
      const [platform] = readdirSync(join(installed, version));
      // Without a mirror (a runner that reaches the registry), cdktf's plugin cache serves instead.
      const source =
        findProviderMirror() ?? process.env.TF_PLUGIN_CACHE_DIR ?? join(homedir(), '.terraform.d/plugin-cache');
      expect(realpathSync(join(installed, version, platform))).toBe(
        realpathSync(join(source, 'registry.terraform.io/hashicorp/aws', version, platform)),
      );
    },
  );

  it.each(STACK_NAMES)('%s runs the deployed code with the deployed configuration', (stack) => {
    expect(firstInvocations.get(stack)?.deployed).toMatchObject({ handler: 'index.handler', runtime: 'nodejs22.x' });
  });
});

describe('the token appears nowhere', () => {
  it.each(STACK_NAMES)('not in the state of %s', async (stack) => {
    const state = (await stateObjects()).get(stateObjectKey(deployment, stack));
    expect(state).toContain('aws_lambda_function');
    expect(containsAny(state!, secrets)).toBe(false);
  });

  it("not in the metadata of method3-sample's secret, which the secret CLI's status reads", async () => {
    const client = new SecretsManagerClient(emulatorClientConfig(deployment.settings.endpoint, DEFAULT_OPTIONS.region));
    const SecretId = apiTokenSecretName('prod');
    const metadata = JSON.stringify([
      await client.send(new DescribeSecretCommand({ SecretId })),
      await client.send(new ListSecretVersionIdsCommand({ SecretId, IncludeDeprecated: true })),
    ]);
    expect(metadata).toContain('AWSCURRENT');
    expect(containsAny(metadata, secrets)).toBe(false);
  });

  it('not in cdktf.out', () => {
    // The provider binary is the machine's own copy, not output of this project.
    expect(filesContaining(deployment.outdir, secrets, ['providers'])).toEqual([]);
  });

  it("not in the emulator's GetFunction answers, the functions' output or the HTTP answers", () => {
    expect(transcript.length).toBeGreaterThan(5);
    expect(transcript.filter((text) => containsAny(text, secrets))).toEqual([]);
  });
});

describe('a second plan after apply', () => {
  it.each(STACK_NAMES)('reports no changes for %s', (stack) => {
    const plan = secondPlans.get(stack)!;
    expect(plan.output).toContain('No changes');
    expect(plan.code).toBe(0);
  });

  it('did not print the token (deploy and plan output)', () => {
    expect(transcript.filter((text) => containsAny(text, secrets))).toEqual([]);
  });
});

/**
 * Rotates `stack`'s token while one execution environment stays warm, as `secret rotate` and an
 * upstream that revokes the old token at once would meet in production: the environment serves
 * one call before the rotation, and one after it, with the token it cached.
 */
async function rotateUnderWarmEnvironment(target: LocalDeployment, stack: StackName) {
  const upstream = upstreams.get(target)!;
  const warm = await target.startWarm(stack);
  const invokeWarm = async () => {
    const invocation = await observed(upstream, () => warm.invoke());
    transcript.push(invocation.body, invocation.output);
    return invocation;
  };
  try {
    const before = await invokeWarm();
    transcript.push(await target.secret('rotate', stack, rotatedToken));
    upstream.acceptOnly(tokenDigest(rotatedToken));
    const after = await invokeWarm();
    return { before, after, extensionRequests: warm.extensionRequests() };
  } finally {
    await warm.close();
    upstream.acceptOnly(tokenDigest(tokens.get(target)!));
  }
}

describe('two stages side by side in one account and region', () => {
  let devInvocation: ObservedInvocation;
  let crossStage: ObservedInvocation;

  beforeAll(async () => {
    await timings.time('rest of dev deploy', () => otherDeployed);
    // dev's Method 1 holds the ciphertext Terraform made (the article's mode): no secret set needed.
    devInvocation = await invokeIn(other, 'method1-sample');
    crossStage = await invokeIn(other, 'method1-sample', deployment.name('method1-sample'));
  }, TIMEOUT);

  it("runs each stage's own functions", () => {
    expect([firstInvocations.get('method1-sample')?.deployed.name, devInvocation.deployed.name]).toEqual([
      'method1-sample-prod',
      'method1-sample-dev',
    ]);
  });

  it("each answers 200, having sent its own stage's token through its own upstream", () => {
    expect([firstInvocations.get('method1-sample'), devInvocation]).toEqual([
      expect.objectContaining({ statusCode: 200, upstreamSawToken: true }),
      expect.objectContaining({ statusCode: 200, upstreamSawToken: true }),
    ]);
  });

  it("dev's ciphertext fails to decrypt as prod's function: 500, nothing leaks", () => {
    expect([crossStage.statusCode, crossStage.upstreamCalls]).toEqual([500, 0]);
    expect(crossStage.output).toContain('InvalidCiphertextException');
    expect(containsAny(crossStage.body + crossStage.output, secrets)).toBe(false);
  });
});

describe("prod's state in S3 (backend=s3)", () => {
  it('holds one state object per stack, under the key prefix', async () => {
    const expected = STACK_NAMES.map((stack) => stateObjectKey(deployment, stack));
    expect([...(await stateObjects()).keys()].sort()).toEqual(expected.sort());
  });

  it('encrypts the state objects with the stateKmsKeyId', async () => {
    const heads = await Promise.all(
      STACK_NAMES.map((stack) =>
        s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: stateObjectKey(deployment, stack) })),
      ),
    );
    expect(heads).toEqual(
      STACK_NAMES.map(() => expect.objectContaining({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: prodStateKey })),
    );
  });

  it('wrote no local state file', () => {
    expect(STACK_NAMES.map((stack) => deployment.stateFile(stack)).filter((file) => existsSync(file))).toEqual([]);
  });

  it('stops a second deploy while the lock is held, saying so', async () => {
    const lockKey = `${stateObjectKey(deployment, 'method1-sample')}.tflock`;
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
    const plan = await deployment.plan('method1-sample', token);
    expect(plan.code).toBe(0);
  });
});

describe('secret rotate', () => {
  it('method1-sample: the new ciphertext reaches the environments Lambda starts after the configuration change', async () => {
    const upstream = upstreams.get(deployment)!;
    upstream.acceptOnly(tokenDigest(rotatedToken));
    try {
      transcript.push(await deployment.secret('rotate', 'method1-sample', rotatedToken));
      const invocation = await invoke('method1-sample');
      expect(invocation.statusCode).toBe(200);
      expect(invocation.upstreamSawToken).toBe(true);
    } finally {
      upstream.acceptOnly(tokenDigest(token));
    }
  });

  // Method 2's parameter and Method 3's secret are read at run time, so a rotation must reach a warm environment.
  describe.each(['method2-sample', 'method3-sample'] as const)(
    '%s: a warm environment that cached the old token, the upstream having revoked it',
    (stack) => {
      let rotation: Awaited<ReturnType<typeof rotateUnderWarmEnvironment>>;

      beforeAll(async () => {
        rotation = await timings.time(`${stack} rotation`, () => rotateUnderWarmEnvironment(deployment, stack));
      }, TIMEOUT);

      it('served the old token before the rotation', () => {
        expect(rotation.before).toMatchObject({ statusCode: 200, upstreamSawToken: true, upstreamCalls: 1 });
      });

      it('answers 200 after it, with the new token', () => {
        expect(rotation.after).toMatchObject({ statusCode: 200, upstreamSawToken: true });
      });

      it('was refused the old token once, refetched, and retried with the new one', () => {
        expect(rotation.after.upstreamCalls).toBe(2);
        expect(logEntries(rotation.after.output)).toContainEqual(
          expect.objectContaining({ status: 200, rejectedStatus: 401, retried: true }),
        );
      });
    },
  );

  it('printed neither token', () => {
    expect(transcript.filter((text) => containsAny(text, secrets))).toEqual([]);
  });
});

describe('a ciphertext is bound to its function', () => {
  it("method1-sample's ciphertext under another function name fails to decrypt: 500, nothing leaks", async () => {
    const invocation = await invoke('method1-sample', 'another-function');
    const ciphertext = invocation.deployed.environment.ENCRYPTED_API_TOKEN;
    expect(ciphertext).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(invocation.statusCode).toBe(500);
    expect(invocation.body).toBe('Internal Server Error');
    expect(invocation.upstreamCalls).toBe(0);
    // KMS itself refused: the encryption context no longer matches the one the ciphertext was made with.
    expect(logEntries(invocation.output)).toContainEqual(
      expect.objectContaining({
        status: 500,
        error: expect.objectContaining({ cause: expect.objectContaining({ name: 'InvalidCiphertextException' }) }),
      }),
    );
    expect(containsAny(invocation.body + invocation.output, [...secrets, ciphertext])).toBe(false);
  });
});

describe('the other secret deliveries, in the dev stage', () => {
  beforeAll(async () => {
    await timings.time('rest of dev deploy', () => otherDeployed);
    // Not destroyed: the emulator, which holds every resource, is stopped after the last test.
  }, TIMEOUT);

  describe('a public function URL (functionUrlAuthType=NONE)', () => {
    it.each(STACK_NAMES)(
      "%s's resource policy holds both statements AWS requires, the second from CloudFormation",
      async (stack) => {
        const { Policy } = await other.lambda.send(new GetPolicyCommand({ FunctionName: other.name(stack) }));
        const statements = (JSON.parse(Policy ?? '{}') as { Statement: Record<string, unknown>[] }).Statement;
        expect(statements).toContainEqual(
          expect.objectContaining({ Action: 'lambda:InvokeFunctionUrl', Principal: '*' }),
        );
        // The emulator stores CloudFormation's permission as given: the flag, not yet a condition.
        expect(statements).toContainEqual(
          expect.objectContaining({ Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true }),
        );
      },
    );
  });

  describe('control: method1-sample in the article’s terraform mode', () => {
    it('works: the function answers 200 with the token Terraform encrypted', async () => {
      const invocation = await other.invoke('method1-sample');
      expect(invocation.statusCode).toBe(200);
    });

    it('the same scan finds the plaintext token in the state', () => {
      expect(containsAny(readFileSync(other.stateFile('method1-sample'), 'utf8'), [devToken])).toBe(true);
    });

    it('the same second plan shows a change (the perpetual diff)', async () => {
      const plan = await other.plan('method1-sample', devToken);
      expect(plan.code).toBe(2);
      expect(plan.output).toContain('ENCRYPTED_API_TOKEN');
    });
  });

  describe('arm64 and method2Reader=extension', () => {
    it.each(STACK_NAMES)('%s runs on arm64', async (stack) => {
      const { Configuration } = await other.lambda.send(new GetFunctionCommand({ FunctionName: other.name(stack) }));
      expect(Configuration?.Architectures).toEqual(['arm64']);
    });

    it("method2-sample has the extension's arm64 layer (the emulator's placeholder under its name)", async () => {
      const { Configuration } = await other.lambda.send(
        new GetFunctionCommand({ FunctionName: other.name('method2-sample') }),
      );
      expect(Configuration?.Layers?.map((layer) => layer.Arn)).toEqual([
        expect.stringMatching(/:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\d+$/),
      ]);
    });
  });

  describe('method3-sample reading a field of a JSON secret through the extension', () => {
    let invocation: ObservedInvocation;

    beforeAll(async () => {
      // The CLI writes the JSON object the function's field names: {"token": "<token>"}.
      transcript.push(await other.secret('set', 'method3-sample', devToken));
      invocation = await invokeIn(other, 'method3-sample');
    }, TIMEOUT);

    it('answers 200, having sent the upstream the field’s value', () => {
      expect(invocation).toMatchObject({ statusCode: 200, upstreamSawToken: true });
    });

    it('read the secret through the extension (method3Reader=extension)', () => {
      expect(invocation.extensionRequests).toBe(1);
    });
  });

  describe('method2-sample with method2SecretDelivery=out-of-band', () => {
    let invocation: ObservedInvocation;
    let refreshOutput: string;

    beforeAll(async () => {
      transcript.push(await other.secret('set', 'method2-sample', devToken));
      invocation = await invokeIn(other, 'method2-sample');
      // The provider reads the parameter back with decryption on every refresh: this is where
      // a token set out of band would enter the state if the stack kept it in `value`.
      refreshOutput = (await timings.time('dev refresh', () => other.refresh('method2-sample', devToken))).output;
    }, TIMEOUT);

    it('answers 200 with the token stored by `secret set`', () => {
      expect(invocation).toMatchObject({ statusCode: 200, upstreamSawToken: true });
    });

    it('read the parameter through the extension (method2Reader=extension)', () => {
      expect(invocation.extensionRequests).toBe(1);
    });

    it('keeps the token out of the state after Terraform refreshed the parameter', () => {
      expect(refreshOutput).toContain('aws_ssm_parameter');
      const state = readFileSync(other.stateFile('method2-sample'), 'utf8');
      expect(state).toContain('aws_ssm_parameter');
      expect(containsAny(state, [devToken])).toBe(false);
    });

    it('keeps the token out of the refresh output and `terraform show -json`', async () => {
      const shown = await other.showJson('method2-sample');
      expect(shown).toContain('aws_ssm_parameter');
      expect(containsAny(refreshOutput + shown, [devToken])).toBe(false);
    });

    it('plans no change afterwards: the placeholder is never written over the token', async () => {
      const plan = await other.plan('method2-sample', devToken);
      expect(containsAny(plan.output, [devToken])).toBe(false);
      expect(plan.code).toBe(0);
    });
  });

  describe('a warm method2-sample environment reading through the extension, across a rotation', () => {
    let rotation: Awaited<ReturnType<typeof rotateUnderWarmEnvironment>>;

    beforeAll(async () => {
      rotation = await timings.time('dev rotation', () => rotateUnderWarmEnvironment(other, 'method2-sample'));
    }, TIMEOUT);

    it('answers 200 before and after the rotation', () => {
      expect([rotation.before.statusCode, rotation.after.statusCode]).toEqual([200, 200]);
    });

    it('sent the new token after the rotation', () => {
      expect(rotation.after.upstreamSawToken).toBe(true);
    });

    it('read the parameter through the extension, once before and once after the rotation', () => {
      expect(rotation.extensionRequests).toBe(2);
    });
  });
});

describe("a writer of another account than the caller's (secretWriterArns)", () => {
  it(
    'is refused by Terraform before anything is created, naming the account',
    async () => {
      const error = await refusal;
      expect(error.message).toContain('Resource precondition failed');
      // Terraform wraps the message to its width.
      expect(error.message.replace(/\s+/g, ' ')).toContain(
        'name principals of account 111122223333, but the credentials deploy to another account',
      );
      await expect(
        refused.lambda.send(new GetFunctionCommand({ FunctionName: 'method1-sample-foreign' })),
      ).rejects.toThrow(/not found/i);
    },
    TIMEOUT,
  );
});
