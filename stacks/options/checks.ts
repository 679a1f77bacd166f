/**
 * The checks that span several options, run by `parseOptions` once each option parsed on its
 * own, and the values derived from several options (the principals' account, the extension
 * layer). Each refusal is an {@link InvalidOptionError} naming the option to change.
 */
import {
  AWS_MANAGED_LAYER,
  layerArnProblem,
  MANAGED_EXTENSION_LAYERS,
  managedExtensionLayerArn,
} from '../../lib/parameters-extension';
import { InvalidOptionError } from './errors';
import { DEFAULT_OPTIONS, UNRESERVED, type OptionName, type SampleOptions } from './schema';

/** Where each option was set, for error messages. */
export type OptionSources = Partial<Record<OptionName, string>>;

/** @throws InvalidOptionError for the first combination of options the stacks cannot deploy */
export function checkCombinations(options: SampleOptions, sources: OptionSources): void {
  checkPublicUrlLimit(options, sources);
  checkExtensionLayer(options, sources);
  checkStateOptions(options, sources);
  checkPrincipalAccounts(options, sources);
}

/** A public URL needs a cap on the executions a caller can start. */
function checkPublicUrlLimit(options: SampleOptions, sources: OptionSources): void {
  if (options.functionUrlAuthType === 'NONE' && options.reservedConcurrency === UNRESERVED) {
    throw new InvalidOptionError(
      'reservedConcurrency',
      'a number of executions while functionUrlAuthType is NONE: a public URL needs a limit',
      UNRESERVED,
      sources.reservedConcurrency,
    );
  }
}

/** The account of an IAM principal ARN (`arn:aws:iam::<account>:…`). */
function accountOf(arn: string): string {
  return arn.split(':')[4];
}

/**
 * The one account that {@link SampleOptions.secretWriterArns} and
 * {@link SampleOptions.terraformRunnerArns} name principals of, or undefined when they name none.
 * Only for options that `parseOptions` accepted.
 */
export function principalAccount(options: SampleOptions): string | undefined {
  const [first] = [...options.secretWriterArns, ...options.terraformRunnerArns];
  return first === undefined ? undefined : accountOf(first);
}

/** A key policy trusts its own account's principals only: two accounts cannot both be the caller's. */
function checkPrincipalAccounts(options: SampleOptions, sources: OptionSources): void {
  const account = principalAccount(options);
  for (const option of ['secretWriterArns', 'terraformRunnerArns'] as const) {
    const foreign = options[option].find((arn) => accountOf(arn) !== account);
    if (foreign) {
      throw new InvalidOptionError(
        option,
        `principals of one account, the one the stacks deploy to (${account}, from the first ARN)`,
        foreign,
        sources[option],
      );
    }
  }
}

/** S3 state needs its bucket and keeps no plaintext token; S3 settings under the local backend would be ignored. */
function checkStateOptions(options: SampleOptions, sources: OptionSources): void {
  if (options.backend === 's3') {
    if (!options.stateBucket) {
      throw new InvalidOptionError(
        'stateBucket',
        'the bucket that holds the state, with backend=s3',
        '',
        sources.stateBucket,
      );
    }
    if (options.method1SecretDelivery === 'terraform') {
      throw new InvalidOptionError(
        'method1SecretDelivery',
        '"out-of-band" with backend=s3: "terraform" puts the plaintext token in the state, which a team shares',
        options.method1SecretDelivery,
        sources.method1SecretDelivery,
      );
    }
    return;
  }
  const ignored = (['stateBucket', 'stateKeyPrefix', 'stateRegion', 'stateKmsKeyId'] as const).find(
    (option) => options[option] !== DEFAULT_OPTIONS[option],
  );
  if (ignored) {
    throw new InvalidOptionError(
      ignored,
      'no S3 state setting while backend is "local" (set backend=s3 to use it)',
      options[ignored],
      sources[ignored],
    );
  }
}

/** The options that choose a method's reader: its SDK, or the Parameters and Secrets extension. */
export type ReaderOption = 'method2Reader' | 'method3Reader';

/** Whether any method reads through the extension under `options`. */
function anyExtensionReader(options: SampleOptions): boolean {
  return options.method2Reader === 'extension' || options.method3Reader === 'extension';
}

/**
 * The extension layer that the function of the method whose reader is `reader` gets under
 * `options`, or undefined with the SDK reader. Only for options that `parseOptions` accepted.
 */
export function extensionLayerArn(options: SampleOptions, reader: ReaderOption): string | undefined {
  if (options[reader] !== 'extension') return undefined;
  return options.extensionLayerArn === AWS_MANAGED_LAYER
    ? managedExtensionLayerArn(options.region, options.architecture)
    : options.extensionLayerArn;
}

/** A layer ARN without the extension reader would be ignored; one that cannot serve the function fails at deploy. */
function checkExtensionLayer(options: SampleOptions, sources: OptionSources): void {
  const { extensionLayerArn: arn, region, architecture } = options;
  const source = sources.extensionLayerArn;
  if (!anyExtensionReader(options)) {
    if (arn !== AWS_MANAGED_LAYER) {
      throw new InvalidOptionError(
        'extensionLayerArn',
        'no layer while method2Reader and method3Reader are "sdk" (set either to extension to use it)',
        arn,
        source,
      );
    }
    return;
  }
  if (arn === AWS_MANAGED_LAYER) {
    if (!managedExtensionLayerArn(region, architecture)) {
      throw new InvalidOptionError(
        'extensionLayerArn',
        `the extension's layer ARN for region ${region} (${architecture}): this project knows AWS's layer ` +
          `for ${Object.keys(MANAGED_EXTENSION_LAYERS).join(', ')} only; look it up with \`aws ssm get-parameter ` +
          `--name /aws/service/aws-parameters-and-secrets-lambda-extension/${architecture === 'arm64' ? 'arm64' : 'x86'}/latest\``,
        arn,
        source,
      );
    }
    return;
  }
  const problem = layerArnProblem(arn, region, architecture);
  if (problem) throw new InvalidOptionError('extensionLayerArn', problem, arn, source);
}
