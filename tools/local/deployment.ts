/** Both stacks deployed with real Terraform to the emulator, and what a local run does with them. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LambdaClient, ListLayerVersionsCommand, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import AdmZip from 'adm-zip';
import { DEFAULT_OPTIONS, optionEnvName, parseOptions, type SampleOptions } from '../../stacks/config';
import { isDeliveredOutOfBand, METHODS, STACK_NAMES, stagedStackName, type StackName } from '../../stacks/methods';
import { projectBinary, run, type CommandResult } from '../common/run-command';
import { EXTENSION_LAYER_NAMES } from '../../lib/parameters-extension';
import { invokeDeployed, startDeployed, type DeployedEnvironment } from './artifact';
import { emulatorClientConfig, emulatorEnvironment } from './emulator';
import { inheritedEnvironment } from './isolation';
import {
  cdktfDeploy,
  cdktfDestroy,
  terraformPlan,
  terraformRefresh,
  terraformShowJson,
  writeTerraformCliConfig,
} from './terraform';

/** Milliseconds the secret CLI may take for one command. */
const SECRET_CLI_TIMEOUT_MS = 5 * 60_000;

/** Where a local deployment keeps its files and what it points at. */
export interface LocalDeploymentSettings {
  /** Folder for cdktf.out, the Terraform state files and the Terraform CLI config. */
  readonly directory: string;
  /** AWS_ENDPOINT_URL of the emulator. */
  readonly endpoint: string;
  /** Where the functions send the token. */
  readonly targetUrl: string;
  /**
   * Options besides region, target URL and packaging, e.g. `{ method1SecretDelivery: 'terraform' }`.
   * @default none
   */
  readonly options?: Partial<Record<keyof SampleOptions, string>>;
}

/**
 * Both stacks deployed with real Terraform to an AWS emulator, and everything a local run does
 * with them: provision, invoke, plan, destroy. The stacks carry nothing emulator-specific: the
 * standard AWS_ENDPOINT_URL and dummy credentials point every tool at the emulator.
 */
export class LocalDeployment {
  /** The synthesized app; Terraform works in `<outdir>/stacks/<stack>`. */
  readonly outdir: string;
  /** AWS_ENDPOINT_URL, credentials and region for the emulator. */
  readonly awsEnvironment: Readonly<Record<string, string>>;
  readonly lambda: LambdaClient;
  /** The options the stacks are synthesized with. */
  readonly options: SampleOptions;
  readonly #environment: NodeJS.ProcessEnv;
  #terraformEnvironment: Promise<NodeJS.ProcessEnv> | undefined;

  constructor(readonly settings: LocalDeploymentSettings) {
    mkdirSync(settings.directory, { recursive: true });
    // The stacks' local backend keeps state two folders above each stack folder: here, beside cdktf.out.
    this.outdir = join(settings.directory, 'cdktf.out');
    const region = DEFAULT_OPTIONS.region;
    this.awsEnvironment = emulatorEnvironment(settings.endpoint, region);
    const options: Record<string, string> = {
      region,
      targetUrl: settings.targetUrl,
      // Terraform can install only the AWS provider here, so no archive_file.
      packaging: 'asset',
      // A local deployment is torn down and made again under the same names: a secret kept for
      // recovery would block the next one's create.
      method3RecoveryDays: '0',
      ...settings.options,
    };
    this.options = parseOptions(options);
    const cliConfig = writeTerraformCliConfig(join(settings.directory, 'terraform.rc'));
    this.#environment = {
      ...inheritedEnvironment(process.env),
      ...this.awsEnvironment,
      ...Object.fromEntries(
        Object.entries(options).map(([key, value]) => [optionEnvName(key as keyof SampleOptions), value]),
      ),
      // cdktf points Terraform at a plugin cache in ~/.terraform.d, which Terraform does not make
      // safe for concurrent inits: two stacks initialising at once into an empty cache fail with
      // "mkdir …: file exists". With the machine's mirror there is nothing to cache (Terraform
      // links the mirror's unpacked provider), so the cache is left out; without one, it saves
      // a download per stack and stays.
      ...(cliConfig ? { TF_CLI_CONFIG_FILE: cliConfig, CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true' } : {}),
      // The emulator serves every bucket on its one host and port, so the S3 backend must address
      // buckets by path; real S3 takes the bucket as a host name, which the stacks keep.
      ...(this.options.backend === 's3' ? { TF_CLI_ARGS_init: '-backend-config=use_path_style=true' } : {}),
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
    };
    this.lambda = new LambdaClient(emulatorClientConfig(settings.endpoint, region));
  }

  /** The environment of every Terraform run; the token rides only in TF_VAR_api_token, never on disk. */
  async #withToken(apiToken: string): Promise<NodeJS.ProcessEnv> {
    return { ...(await this.#forTerraform()), TF_VAR_api_token: apiToken };
  }

  /**
   * The environment of Terraform runs. With Method 2's extension reader, the emulator must hold a
   * layer for the function to name (it refuses an unknown one, as Lambda does): a placeholder under
   * the extension's name, published once per emulator, whose ARN replaces AWS's.
   */
  #forTerraform(): Promise<NodeJS.ProcessEnv> {
    this.#terraformEnvironment ??=
      this.options.method2Reader === 'extension'
        ? this.#extensionPlaceholderLayer().then(
            (arn) => ({ ...this.#environment, [optionEnvName('extensionLayerArn')]: arn }),
            (error: unknown) => {
              // Not kept: the next command asks the emulator again.
              this.#terraformEnvironment = undefined;
              throw error;
            },
          )
        : Promise.resolve(this.#environment);
    return this.#terraformEnvironment;
  }

  async #extensionPlaceholderLayer(): Promise<string> {
    const LayerName = EXTENSION_LAYER_NAMES[this.options.architecture];
    const { LayerVersions } = await this.lambda.send(new ListLayerVersionsCommand({ LayerName }));
    const published = LayerVersions?.[0]?.LayerVersionArn;
    if (published) return published;
    const zip = new AdmZip();
    zip.addFile(
      'README',
      Buffer.from('Placeholder for the AWS Parameters and Secrets Lambda Extension in the local emulator.\n'),
    );
    const { LayerVersionArn } = await this.lambda.send(
      new PublishLayerVersionCommand({
        LayerName,
        Description: 'Local placeholder: tools/local/parameters-extension-stand-in.ts serves the extension',
        Content: { ZipFile: zip.toBuffer() },
        CompatibleArchitectures: [this.options.architecture],
      }),
    );
    if (!LayerVersionArn) throw new Error(`the emulator published ${LayerName} without an ARN`);
    return LayerVersionArn;
  }

  /**
   * `cdktf deploy` of the stacks. `apiToken` feeds the `api_token` variable (method2-sample's
   * write-only value, or method1-sample's in the article's terraform mode).
   */
  async deploy(apiToken: string, stacks: readonly StackName[] = STACK_NAMES): Promise<CommandResult> {
    return cdktfDeploy(stacks.map(this.name), this.outdir, await this.#withToken(apiToken));
  }

  /** `cdktf destroy` of the stacks. */
  async destroy(apiToken: string, stacks: readonly StackName[] = STACK_NAMES): Promise<CommandResult> {
    return cdktfDestroy(stacks.map(this.name), this.outdir, await this.#withToken(apiToken));
  }

  /** A second `terraform plan -detailed-exitcode` of a deployed stack: code 0 means no changes. */
  async plan(stack: StackName, apiToken: string): Promise<CommandResult> {
    return terraformPlan(this.outdir, this.name(stack), await this.#withToken(apiToken));
  }

  /** Refreshes a deployed stack's state from the emulator (`terraform apply -refresh-only`). */
  async refresh(stack: StackName, apiToken: string): Promise<CommandResult> {
    return terraformRefresh(this.outdir, this.name(stack), await this.#withToken(apiToken));
  }

  /** `terraform show -json` of a deployed stack. */
  showJson(stack: StackName): Promise<string> {
    return terraformShowJson(this.outdir, this.name(stack), this.#environment);
  }

  /** The state file of a stack. */
  stateFile(stack: StackName): string {
    return join(this.settings.directory, `terraform.${this.name(stack)}.tfstate`);
  }

  /**
   * Runs the secret CLI as a user would (`npm run secret -- <command> <stack>`), the token on stdin.
   * @returns what the CLI printed
   */
  async secret(command: 'set' | 'rotate', stack: StackName, apiToken: string): Promise<string> {
    // The region the stacks were deployed to, whatever cdktf.json's context says.
    const args = ['tools/scripts/secret.ts', command, this.name(stack), '--region', this.options.region];
    const result = await run(projectBinary('tsx'), args, {
      // Its AWS calls give up after about 20 s each; Lambda's update wait after 120 s.
      timeoutMs: SECRET_CLI_TIMEOUT_MS,
      onTimeout: `check that the emulator at ${this.settings.endpoint} answers`,
      env: { ...inheritedEnvironment(process.env), ...this.awsEnvironment },
      input: apiToken,
    });
    return result.output;
  }

  /**
   * Stores the token of every stack whose options leave it to the secret CLI (out-of-band
   * delivery), as a user would after `cdktf deploy`; the others got it from Terraform. The
   * stacks' stores are independent, so the CLI runs for all of them at once: the time this takes
   * does not grow with the number of methods.
   * @returns what the CLI printed, in the order of the stacks
   * @throws the first stack's failure, once every run has ended
   */
  async provisionOutOfBand(apiToken: string): Promise<string> {
    const runs = await Promise.allSettled(this.outOfBandStacks().map((stack) => this.secret('set', stack, apiToken)));
    const failed = runs.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    return runs.map((result) => (result as PromiseFulfilledResult<string>).value).join('');
  }

  /** The stacks whose token the secret CLI writes under this deployment's options. */
  outOfBandStacks(): StackName[] {
    return METHODS.filter((method) => isDeliveredOutOfBand(method, this.options)).map((method) => method.stackName);
  }

  /** Invokes a deployed function locally, cold, with a function URL event (see {@link invokeDeployed}). */
  invoke(stack: StackName, functionName?: string): ReturnType<typeof invokeDeployed> {
    return invokeDeployed(this.#target(stack, functionName));
  }

  /** Starts a deployed function's execution environment locally and keeps it warm until closed. */
  startWarm(stack: StackName): Promise<DeployedEnvironment> {
    return startDeployed(this.#target(stack));
  }

  #target(stack: StackName, functionName?: string) {
    const { lambda, outdir, awsEnvironment } = this;
    return { lambda, stack: this.name(stack), outdir, awsEnvironment, functionName };
  }

  /** A method's stack (and function) name in this deployment's stage. */
  readonly name = (stack: StackName): string => stagedStackName(stack, this.options.stage);
}
