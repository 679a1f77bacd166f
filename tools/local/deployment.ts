/** Both stacks deployed with real Terraform to the emulator, and what a local run does with them. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DEFAULT_OPTIONS, optionEnvName, parseOptions, type SampleOptions } from '../../lib/config';
import { isDeliveredOutOfBand, METHODS, STACK_NAMES, type StackName } from '../../lib/methods';
import { projectBinary, run, type CommandResult } from '../common/run-command';
import { invokeDeployed } from './artifact';
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
      ...(cliConfig ? { TF_CLI_CONFIG_FILE: cliConfig } : {}),
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
    };
    this.lambda = new LambdaClient(emulatorClientConfig(settings.endpoint, region));
  }

  /** The environment of every Terraform run; the token rides only in TF_VAR_api_token, never on disk. */
  #withToken(apiToken: string): NodeJS.ProcessEnv {
    return { ...this.#environment, TF_VAR_api_token: apiToken };
  }

  /**
   * `cdktf deploy` of the stacks. `apiToken` feeds the `api_token` variable (method2-sample's
   * write-only value, or method1-sample's in the article's terraform mode).
   */
  deploy(apiToken: string, stacks: readonly StackName[] = STACK_NAMES): Promise<CommandResult> {
    return cdktfDeploy(stacks, this.outdir, this.#withToken(apiToken));
  }

  /** `cdktf destroy` of the stacks. */
  destroy(apiToken: string, stacks: readonly StackName[] = STACK_NAMES): Promise<CommandResult> {
    return cdktfDestroy(stacks, this.outdir, this.#withToken(apiToken));
  }

  /** A second `terraform plan -detailed-exitcode` of a deployed stack: code 0 means no changes. */
  plan(stack: StackName, apiToken: string): Promise<CommandResult> {
    return terraformPlan(this.outdir, stack, this.#withToken(apiToken));
  }

  /** Refreshes a deployed stack's state from the emulator (`terraform apply -refresh-only`). */
  refresh(stack: StackName, apiToken: string): Promise<CommandResult> {
    return terraformRefresh(this.outdir, stack, this.#withToken(apiToken));
  }

  /** `terraform show -json` of a deployed stack. */
  showJson(stack: StackName): Promise<string> {
    return terraformShowJson(this.outdir, stack, this.#environment);
  }

  /** The state file of a stack. */
  stateFile(stack: StackName): string {
    return join(this.settings.directory, `terraform.${stack}.tfstate`);
  }

  /**
   * Runs the secret CLI as a user would (`npm run secret -- <command> <stack>`), the token on stdin.
   * @returns what the CLI printed
   */
  async secret(command: 'set' | 'rotate', stack: StackName, apiToken: string): Promise<string> {
    const result = await run(projectBinary('tsx'), ['tools/scripts/secret.ts', command, stack], {
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
   * delivery), as a user would after `cdktf deploy`; the others got it from Terraform.
   * @returns what the CLI printed
   */
  async provisionOutOfBand(apiToken: string): Promise<string> {
    const outputs: string[] = [];
    for (const stack of this.outOfBandStacks()) outputs.push(await this.secret('set', stack, apiToken));
    return outputs.join('');
  }

  /** The stacks whose token the secret CLI writes under this deployment's options. */
  outOfBandStacks(): StackName[] {
    return METHODS.filter((method) => isDeliveredOutOfBand(method, this.options)).map((method) => method.stackName);
  }

  /** Invokes a deployed function locally with a function URL event (see {@link invokeDeployed}). */
  invoke(stack: StackName, functionName?: string): ReturnType<typeof invokeDeployed> {
    return invokeDeployed({
      lambda: this.lambda,
      stack,
      outdir: this.outdir,
      awsEnvironment: this.awsEnvironment,
      functionName,
    });
  }
}
