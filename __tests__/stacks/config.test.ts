import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OPTIONS,
  extensionLayerArn,
  InvalidOptionError,
  optionEnvName,
  parseOptions,
  principalAccount,
  readOptions,
  UnknownOptionError,
} from '../../stacks/config';
import { PROJECT_ROOT } from '../../lib/project-root';

describe('parseOptions', () => {
  it('fills every missing option with its default', () => {
    expect(parseOptions({})).toEqual(DEFAULT_OPTIONS);
  });

  it('defaults to AWS_IAM function URLs, out-of-band method 1 and write-only method 2', () => {
    expect(DEFAULT_OPTIONS).toMatchObject({
      functionUrlAuthType: 'AWS_IAM',
      method1SecretDelivery: 'out-of-band',
      method2SecretDelivery: 'write-only',
      targetUrl: 'https://example.com',
    });
  });

  it('accepts numbers given as strings (environment overrides)', () => {
    expect(parseOptions({ logRetentionDays: '90', upstreamTimeoutMs: '1500' })).toMatchObject({
      logRetentionDays: 90,
      upstreamTimeoutMs: 1500,
    });
  });

  it.each([
    ['upstreamTimeoutMs', '1e3'],
    ['upstreamTimeoutMs', '0x10'],
    ['upstreamTimeoutMs', '2.0'],
    ['upstreamTimeoutMs', ' '],
    ['secretCacheTtlSeconds', '+5'],
    ['logRetentionDays', '0x1E'],
    ['logRetentionDays', '30.0'],
  ])(
    'rejects %s=%o from the environment: only decimal digits are a number, as everywhere in the project',
    (option, value) => {
      expect(() => parseOptions({ [option]: value })).toThrow(InvalidOptionError);
    },
  );

  it.each([
    ['region', 'Tokyo', /"region": expected an AWS region name/],
    ['targetUrl', 'example.com', /"targetUrl": expected an absolute https URL/],
    ['targetUrl', 'ftp://example.com', /"targetUrl": expected an absolute https URL/],
    [
      'targetUrl',
      'http://api.example.com/hook',
      /"targetUrl": expected an absolute https URL .*http only to a loopback host/,
    ],
    ['targetUrl', 'https://user:pass@example.com', /"targetUrl": expected an absolute https URL without credentials/],
    ['functionUrlAuthType', 'PUBLIC', /"functionUrlAuthType": expected one of "AWS_IAM", "NONE", got "PUBLIC"/],
    ['logRetentionDays', 10, /"logRetentionDays": expected one of 1, 3, 5, 7, 14, 30/],
    ['packaging', 'docker', /"packaging": expected one of "archive", "asset", got "docker"/],
    ['upstreamTimeoutMs', 0, /"upstreamTimeoutMs": expected an integer from 1 to 6000, got 0/],
    ['upstreamTimeoutMs', 6001, /"upstreamTimeoutMs": expected an integer from 1 to 6000/],
    ['upstreamTimeoutMs', 'soon', /"upstreamTimeoutMs": expected an integer/],
    ['secretCacheTtlSeconds', -1, /"secretCacheTtlSeconds": expected an integer from 0 to 86400/],
    ['secretCacheTtlSeconds', 1.5, /"secretCacheTtlSeconds": expected an integer/],
    ['method1SecretDelivery', 'plaintext', /"method1SecretDelivery": expected one of "out-of-band", "terraform"/],
    ['method2SecretDelivery', 'terraform', /"method2SecretDelivery": expected one of "write-only", "out-of-band"/],
  ])('rejects %s=%o with an error naming the option and the accepted values', (option, value, message) => {
    expect(() => parseOptions({ [option]: value })).toThrow(InvalidOptionError);
    expect(() => parseOptions({ [option]: value })).toThrow(message);
  });

  it.each([0, 1001, '-1', 'none'])('rejects reservedConcurrency=%o, naming what it accepts', (value) => {
    expect(() => parseOptions({ reservedConcurrency: value })).toThrow(
      'expected an integer from 1 to 1000 or "unreserved"',
    );
  });

  it('reads principal ARNs from a JSON array (context) or a comma-separated variable', () => {
    const arns = ['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:user/b'];
    expect(parseOptions({ secretWriterArns: arns }).secretWriterArns).toEqual(arns);
    expect(parseOptions({ terraformRunnerArns: arns.join(', ') }).terraformRunnerArns).toEqual(arns);
  });

  it.each([['*'], ['arn:aws:iam::123456789012:role/*'], 'arn:aws:sts::123456789012:assumed-role/a/b', [1]])(
    'refuses %o as principals, which a key policy should not or cannot name',
    (value) => {
      expect(() => parseOptions({ secretWriterArns: value })).toThrow('expected IAM role or user ARNs');
    },
  );

  it('accepts an unreserved function behind an AWS_IAM URL', () => {
    expect(parseOptions({ reservedConcurrency: 'unreserved' }).reservedConcurrency).toBe('unreserved');
  });

  it('refuses an unreserved function behind a public URL, which needs a limit', () => {
    expect(() => parseOptions({ reservedConcurrency: 'unreserved', functionUrlAuthType: 'NONE' })).toThrow(
      'Invalid option "reservedConcurrency": expected a number of executions while functionUrlAuthType is NONE',
    );
  });

  it('does not repeat a target URL that may hold a password', () => {
    expect(() => parseOptions({ targetUrl: 'https://user:s3cret@example.com' })).toThrow(
      'Invalid option "targetUrl": expected an absolute https URL without credentials (http only to a loopback host), got "(withheld: it may hold a password)"',
    );
  });
});

describe('state options', () => {
  it('needs a bucket with backend=s3', () => {
    expect(() => parseOptions({ backend: 's3' })).toThrow(
      'Invalid option "stateBucket": expected the bucket that holds the state, with backend=s3, got ""',
    );
  });

  it('accepts backend=s3 with a bucket', () => {
    expect(parseOptions({ backend: 's3', stateBucket: 'team-tfstate' })).toMatchObject({
      backend: 's3',
      stateBucket: 'team-tfstate',
      stateKeyPrefix: 'lambda-secrets-cdktf',
    });
  });

  it.each([
    ['stateBucket', 'team-tfstate'],
    ['stateKeyPrefix', 'apps/lambda'],
    ['stateRegion', 'us-east-1'],
    ['stateKmsKeyId', 'alias/tfstate'],
  ])('refuses %s while the local backend would ignore it', (option, value) => {
    expect(() => parseOptions({ [option]: value })).toThrow(
      `Invalid option "${option}": expected no S3 state setting while backend is "local"`,
    );
  });

  it.each([
    ['stateBucket', 'Team_State'],
    ['stateKeyPrefix', '/leading'],
    ['stateKeyPrefix', 'trailing/'],
    ['stateRegion', 'tokyo'],
    ['stateKmsKeyId', 'tfstate'],
    ['stateKmsKeyId', 'arn:aws:s3:::team-tfstate'],
    // Terraform's S3 backend refuses a key ARN whose id is neither a UUID nor a multi-Region key's.
    ['stateKmsKeyId', 'arn:aws:kms:ap-northeast-1:111122223333:key/abc-def'],
  ])('refuses %s=%s', (option, value) => {
    expect(() => parseOptions({ backend: 's3', stateBucket: 'team-tfstate', [option]: value })).toThrow(
      `Invalid option "${option}"`,
    );
  });
});

describe('state with secrets in it', () => {
  it("refuses method1SecretDelivery=terraform with backend=s3: the plaintext token would sit in a team's state", () => {
    expect(() =>
      parseOptions({ backend: 's3', stateBucket: 'team-tfstate', method1SecretDelivery: 'terraform' }),
    ).toThrow('Invalid option "method1SecretDelivery": expected "out-of-band" with backend=s3');
  });

  it.each([
    'arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-4978-8a9b-acbdcedf0011',
    '0f1e2d3c-4b5a-4978-8a9b-acbdcedf0011',
    'mrk-0123456789abcdef0123456789abcdef',
    'arn:aws:kms:ap-northeast-1:111122223333:alias/tfstate',
    'alias/tfstate',
  ])('accepts stateKmsKeyId=%s with backend=s3', (stateKmsKeyId) => {
    expect(parseOptions({ backend: 's3', stateBucket: 'team-tfstate', stateKmsKeyId }).stateKmsKeyId).toBe(
      stateKmsKeyId,
    );
  });
});

describe('principals of one account', () => {
  const WRITER = 'arn:aws:iam::111122223333:role/token-writer';
  const RUNNER = 'arn:aws:iam::111122223333:role/deploy';

  it('accepts writers and runners of one account, and names it', () => {
    const options = parseOptions({ secretWriterArns: [WRITER], terraformRunnerArns: [RUNNER] });
    expect(principalAccount(options)).toBe('111122223333');
  });

  it('names no account when no principal is given', () => {
    expect(principalAccount(parseOptions({}))).toBeUndefined();
  });

  it('refuses a runner of another account than the writers, naming it', () => {
    const foreign = 'arn:aws:iam::444455556666:role/deploy';
    expect(() => parseOptions({ secretWriterArns: [WRITER], terraformRunnerArns: [foreign] })).toThrow(
      `Invalid option "terraformRunnerArns": expected principals of one account, the one the stacks deploy to (111122223333, from the first ARN), got "${foreign}"`,
    );
  });

  it('refuses two accounts within one list', () => {
    expect(() => parseOptions({ secretWriterArns: [WRITER, 'arn:aws:iam::444455556666:user/writer'] })).toThrow(
      'Invalid option "secretWriterArns"',
    );
  });
});

describe('stage', () => {
  it.each(['dev', 'prod', 'qa2'])('accepts %s', (stage) => {
    expect(parseOptions({ stage }).stage).toBe(stage);
  });

  it.each(['Dev', 'dev-1', '2dev', 'a'.repeat(13), 'dev_1'])(
    'refuses %s, which would not split back from a stack name',
    (stage) => {
      expect(() => parseOptions({ stage })).toThrow(/Invalid option "stage": expected a lowercase letter/);
    },
  );
});

describe('extensionLayerArn', () => {
  const TOKYO_X86 = 'arn:aws:lambda:ap-northeast-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension:100';
  const TOKYO_ARM =
    'arn:aws:lambda:ap-northeast-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:100';

  it('gives no layer with the SDK reader', () => {
    expect(extensionLayerArn(parseOptions({}), 'method2Reader')).toBeUndefined();
  });

  it("gives AWS's layer for the default region with the extension reader", () => {
    expect(extensionLayerArn(parseOptions({ method2Reader: 'extension' }), 'method2Reader')).toBe(TOKYO_X86);
  });

  it('follows the architecture', () => {
    expect(
      extensionLayerArn(parseOptions({ method2Reader: 'extension', architecture: 'arm64' }), 'method2Reader'),
    ).toBe(TOKYO_ARM);
  });

  it('gives the layer the user named', () => {
    const arn = 'arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension:101';
    expect(
      extensionLayerArn(
        parseOptions({ method2Reader: 'extension', region: 'eu-west-1', extensionLayerArn: arn }),
        'method2Reader',
      ),
    ).toBe(arn);
  });

  it('refuses a region whose layer this project does not know, saying where to look it up', () => {
    expect(() => parseOptions({ method2Reader: 'extension', region: 'eu-west-1' })).toThrow(
      /"extensionLayerArn": expected the extension's layer ARN for region eu-west-1 \(x86_64\).*aws-parameters-and-secrets-lambda-extension\/x86\/latest/,
    );
  });

  it('refuses a layer of another region', () => {
    expect(() =>
      parseOptions({ method2Reader: 'extension', region: 'eu-west-1', extensionLayerArn: TOKYO_X86 }),
    ).toThrow(/expected a layer in the stacks' region eu-west-1 \(Lambda cannot use one from ap-northeast-1\)/);
  });

  it("refuses the other architecture's layer", () => {
    expect(() =>
      parseOptions({ method2Reader: 'extension', architecture: 'arm64', extensionLayerArn: TOKYO_X86 }),
    ).toThrow(/for architecture arm64, not the x86_64 one/);
  });

  it('refuses what is not a layer version ARN', () => {
    expect(() => parseOptions({ method2Reader: 'extension', extensionLayerArn: 'AWS-Parameters' })).toThrow(
      /expected a layer version ARN/,
    );
  });

  it('refuses a layer while the SDK reader would ignore it', () => {
    expect(() => parseOptions({ extensionLayerArn: TOKYO_X86 }, { extensionLayerArn: 'cdktf.json context' })).toThrow(
      'Invalid option "extensionLayerArn" (set in cdktf.json context): expected no layer while method2Reader and method3Reader are "sdk" (set either to extension to use it)',
    );
  });
});

describe('optionEnvName', () => {
  it('turns the context key into an upper snake-case variable with the project prefix', () => {
    expect(optionEnvName('targetUrl')).toBe('LAMBDA_SECRETS_TARGET_URL');
    expect(optionEnvName('method1SecretDelivery')).toBe('LAMBDA_SECRETS_METHOD1_SECRET_DELIVERY');
  });
});

describe('readOptions', () => {
  it('reads options from the cdktf context', () => {
    const app = Testing.app({ context: { targetUrl: 'https://api.example.org', packaging: 'asset' } });
    expect(readOptions(app, {})).toMatchObject({ targetUrl: 'https://api.example.org', packaging: 'asset' });
  });

  it('lets an environment variable override the context for one run', () => {
    const app = Testing.app({ context: { targetUrl: 'https://api.example.org' } });
    const options = readOptions(app, { LAMBDA_SECRETS_TARGET_URL: 'http://127.0.0.1:9000' });
    expect(options.targetUrl).toBe('http://127.0.0.1:9000');
  });

  it('rejects a bad context value with an error naming it', () => {
    const app = Testing.app({ context: { functionUrlAuthType: 'none' } });
    expect(() => readOptions(app, {})).toThrow(/"functionUrlAuthType"/);
  });

  it('says a bad value came from the environment variable that set it', () => {
    expect(() => readOptions(Testing.app(), { LAMBDA_SECRETS_PACKAGING: 'zip' })).toThrow(
      'Invalid option "packaging" (set in LAMBDA_SECRETS_PACKAGING): expected one of "archive", "asset", got "zip"',
    );
  });

  it('says a bad value came from the context', () => {
    expect(() => readOptions(Testing.app({ context: { packaging: 'zip' } }), {})).toThrow(
      'Invalid option "packaging" (set in cdktf.json context)',
    );
  });

  it('still withholds a target URL that may hold a password when naming its source', () => {
    expect(() => readOptions(Testing.app(), { LAMBDA_SECRETS_TARGET_URL: 'https://u:s3cret@example.com' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
  });

  it.each([
    ['LAMBDA_SECRETS_TARGETURL', 'LAMBDA_SECRETS_TARGET_URL'],
    ['LAMBDA_SECRETS_PACKAGEING', 'LAMBDA_SECRETS_PACKAGING'],
    ['LAMBDA_SECRETS_REGIONS', 'LAMBDA_SECRETS_REGION'],
  ])('refuses the unknown variable %s, naming %s, instead of ignoring it', (variable, closest) => {
    expect(() => readOptions(Testing.app(), { [variable]: 'https://api.mine.example/' })).toThrow(
      new UnknownOptionError(variable, closest, 'the environment'),
    );
  });

  it.each([
    ['targetURL', 'targetUrl'],
    ['target_url', 'targetUrl'],
    ['upstreamTimeout', 'upstreamTimeoutMs'],
    ['logRetentionDay', 'logRetentionDays'],
  ])('refuses the context key "%s", naming "%s", instead of ignoring it', (key, closest) => {
    expect(() => readOptions(Testing.app({ context: { [key]: 'x' } }), {})).toThrow(
      `Unknown option "${key}" in cdktf.json context: did you mean "${closest}"?`,
    );
  });

  it("keeps cdktf's own context keys working", () => {
    const context = {
      cdktfRelativeModules: [],
      cdktfStaticModuleAssetHash: 'hash',
      excludeStackIdFromLogicalIds: 'true',
      allowSepCharsInLogicalIds: 'true',
    };
    expect(readOptions(Testing.app({ context }), {})).toEqual(DEFAULT_OPTIONS);
  });
});

describe("cdktf.json's context", () => {
  const context: Record<string, unknown> =
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdktf.json'), 'utf8')).context ?? {};

  it('holds only options of the stacks', () => {
    expect(Object.keys(context).filter((key) => !(key in DEFAULT_OPTIONS))).toEqual([]);
  });

  it('restates no default, so DEFAULT_OPTIONS stays the one source of the defaults', () => {
    const restated = Object.entries(context).filter(
      ([key, value]) => DEFAULT_OPTIONS[key as keyof typeof DEFAULT_OPTIONS] === value,
    );
    expect(restated).toEqual([]);
  });

  it('is what `cdktf synth` reads: with it, every option not set there has its default', () => {
    const options = readOptions(Testing.app({ context }), {});
    expect(options).toEqual({ ...DEFAULT_OPTIONS, ...context });
  });
});
