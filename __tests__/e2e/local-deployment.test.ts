/**
 * End to end: both stacks deployed with real Terraform (`cdktf deploy`) to a real AWS emulator
 * (moto server), the token provisioned as a user would, the deployed artifacts invoked, and
 * then the proofs. One deployment serves every proof; the article's mode is the control that
 * shows each detector can fail. That second deployment, and the refused one, run on an emulator
 * of their own from the start, beside the first: the stacks of one deployment deploy in parallel
 * (cdktf deploy), and the per-stack reads (show, plan) run side by side too, so the file's time
 * does not grow with the number of methods.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetFunctionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import {
  DescribeSecretCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../stacks/config';
import { Emulator, emulatorClientConfig, requireMoto, startEmulator, stopEmulator } from '../../tools/local/emulator';
import { STACK_NAMES, type StackName } from '../../stacks/methods';
import { LocalDeployment } from '../../tools/local/deployment';
import { inheritedEnvironment } from '../../tools/local/isolation';
import { invokeObserved, observed, type ObservedInvocation } from '../../tools/local/summary';
import { findProviderMirror, requireTerraform, stackDirectory } from '../../tools/local/terraform';
import { startUpstream, tokenDigest, Upstream } from '../../tools/local/upstream';
import { containsAny, filesContaining } from '../support/scan';
import { allSettledOrThrow } from '../support/settled';
import { SetUpTimings } from '../support/timings';

const TIMEOUT = 300_000;
const token = `e2e-token-${randomBytes(24).toString('base64url')}`;
const rotatedToken = `e2e-rotated-${randomBytes(24).toString('base64url')}`;
const secrets = [token, rotatedToken];

let workDirectory: string;
let emulator: Emulator | undefined;
/** The emulator of the other deliveries and of the refused writer, which deploy beside the first. */
let otherEmulator: Emulator | undefined;
let upstream: Upstream;
let deployment: LocalDeployment;
/** The other deliveries' deploy, started in the first beforeAll and awaited by their own. */
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
  const invocation = await invokeObserved(target, upstream, stack, functionName);
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

/** An account other than the emulator's, whose principals no key policy here may trust. */
const FOREIGN_WRITER = 'arn:aws:iam::111122223333:role/token-writer';

/** Options of the second deployment: the other secret deliveries, on arm64 with the extension reader. */
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

let other: LocalDeployment;
let refused: LocalDeployment;
const timings = new SetUpTimings('local-deployment.test.ts');

beforeAll(async () => {
  // Missing tools fail the suite with what to install; these tests never skip.
  requireMoto();
  requireTerraform(inheritedEnvironment(process.env));
  workDirectory = mkdtempSync(join(tmpdir(), 'lambda-secrets-e2e-'));
  // Both emulators are kept as soon as each answers, so afterAll stops whichever started.
  await timings.time('emulators', () =>
    allSettledOrThrow([
      startEmulator({ logFile: join(workDirectory, 'emulator.log') }).then((started) => (emulator = started)),
      startEmulator({ logFile: join(workDirectory, 'other-emulator.log') }).then(
        (started) => (otherEmulator = started),
      ),
    ]),
  );
  upstream = await startUpstream(tokenDigest(token));
  deployment = new LocalDeployment({
    directory: join(workDirectory, 'app'),
    endpoint: emulator!.endpoint,
    targetUrl: upstream.url,
  });
  // The same names as the first deployment's resources, in an emulator of their own: they deploy
  // beside the first deployment instead of after its destroy. Their proofs await them.
  other = new LocalDeployment({
    directory: join(workDirectory, 'other-deliveries'),
    endpoint: otherEmulator!.endpoint,
    targetUrl: upstream.url,
    options: OTHER_DELIVERIES,
  });
  refused = new LocalDeployment({
    directory: join(workDirectory, 'foreign-writer'),
    endpoint: otherEmulator!.endpoint,
    targetUrl: upstream.url,
    options: { stage: 'foreign', secretWriterArns: FOREIGN_WRITER },
  });
  otherDeployed = timings.time('other deploy (beside)', () => other.deploy(token));
  // Reported where it is awaited, by the other deliveries' beforeAll.
  otherDeployed.catch(() => {});
  refusal = timings
    .time('refused deploy (beside)', () => refused.deploy(token, ['method1-sample']))
    .then(
      () => new Error('deployed'),
      (error: unknown) => error as Error,
    );
  transcript.push((await timings.time('deploy', () => deployment.deploy(token))).output);
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
  await upstream?.close();
  if (emulator) await stopEmulator(emulator.pid);
  if (otherEmulator) await stopEmulator(otherEmulator.pid);
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
        stackDirectory(deployment.outdir, stack),
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
  it.each(STACK_NAMES)('not in the state file of %s', (stack) => {
    expect(containsAny(readFileSync(deployment.stateFile(stack), 'utf8'), secrets)).toBe(false);
  });

  it("not in the metadata of method3-sample's secret, which the secret CLI's status reads", async () => {
    const client = new SecretsManagerClient(emulatorClientConfig(deployment.settings.endpoint, DEFAULT_OPTIONS.region));
    const SecretId = 'sample-app/lambda/sample-api-token';
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
    upstream.acceptOnly(tokenDigest(token));
  }
}

describe('secret rotate', () => {
  it('method1-sample: the new ciphertext reaches the environments Lambda starts after the configuration change', async () => {
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

// The same names as the first deployment's resources, in the second emulator.
describe('the other secret deliveries, in a second deployment of both stacks', () => {
  beforeAll(async () => {
    await timings.time('rest of other deploy', () => otherDeployed);
    // Not destroyed: the emulator, which holds every resource, is stopped after the last test.
  }, TIMEOUT);

  describe('a public function URL (functionUrlAuthType=NONE)', () => {
    it.each(STACK_NAMES)(
      "%s's resource policy holds both statements AWS requires, the second from CloudFormation",
      async (stack) => {
        const { Policy } = await other.lambda.send(new GetPolicyCommand({ FunctionName: stack }));
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
      expect(containsAny(readFileSync(other.stateFile('method1-sample'), 'utf8'), [token])).toBe(true);
    });

    it('the same second plan shows a change (the perpetual diff)', async () => {
      const plan = await other.plan('method1-sample', token);
      expect(plan.code).toBe(2);
      expect(plan.output).toContain('ENCRYPTED_API_TOKEN');
    });
  });

  describe('arm64 and method2Reader=extension', () => {
    it.each(STACK_NAMES)('%s runs on arm64', async (stack) => {
      const { Configuration } = await other.lambda.send(new GetFunctionCommand({ FunctionName: stack }));
      expect(Configuration?.Architectures).toEqual(['arm64']);
    });

    it("method2-sample has the extension's arm64 layer (the emulator's placeholder under its name)", async () => {
      const { Configuration } = await other.lambda.send(new GetFunctionCommand({ FunctionName: 'method2-sample' }));
      expect(Configuration?.Layers?.map((layer) => layer.Arn)).toEqual([
        expect.stringMatching(/:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\d+$/),
      ]);
    });
  });

  describe('method3-sample reading a field of a JSON secret through the extension', () => {
    let invocation: ObservedInvocation;

    beforeAll(async () => {
      // The CLI writes the JSON object the function's field names: {"token": "<token>"}.
      transcript.push(await other.secret('set', 'method3-sample', token));
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
      transcript.push(await other.secret('set', 'method2-sample', token));
      invocation = await invokeIn(other, 'method2-sample');
      // The provider reads the parameter back with decryption on every refresh: this is where
      // a token set out of band would enter the state if the stack kept it in `value`.
      refreshOutput = (await timings.time('other refresh', () => other.refresh('method2-sample', token))).output;
    }, TIMEOUT);

    it('answers 200 with the token stored by `secret set`', () => {
      expect(invocation).toMatchObject({ statusCode: 200, upstreamSawToken: true });
    });

    it('read the parameter through the extension (method2Reader=extension)', () => {
      expect(invocation.extensionRequests).toBe(1);
    });

    it('keeps the token out of the state after Terraform refreshed the parameter', () => {
      expect(refreshOutput).toContain('aws_ssm_parameter');
      expect(containsAny(readFileSync(other.stateFile('method2-sample'), 'utf8'), [token])).toBe(false);
    });

    it('keeps the token out of the refresh output and `terraform show -json`', async () => {
      const shown = await other.showJson('method2-sample');
      expect(shown).toContain('aws_ssm_parameter');
      expect(containsAny(refreshOutput + shown, [token])).toBe(false);
    });

    it('plans no change afterwards: the placeholder is never written over the token', async () => {
      const plan = await other.plan('method2-sample', token);
      expect(containsAny(plan.output, [token])).toBe(false);
      expect(plan.code).toBe(0);
    });
  });

  describe('a warm method2-sample environment reading through the extension, across a rotation', () => {
    let rotation: Awaited<ReturnType<typeof rotateUnderWarmEnvironment>>;

    beforeAll(async () => {
      rotation = await timings.time('other rotation', () => rotateUnderWarmEnvironment(other, 'method2-sample'));
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
