/**
 * The smoke run's stand-in upstream as its own cdktf stack, beside the sample stacks: a tiny
 * function behind a public function URL (auth NONE, with both statements AWS requires since
 * October 2025, from UrlFunction) that accepts only the smoke token. Its environment holds the
 * token's SHA-256, never the token.
 */
import type { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { SampleOptions } from '../../stacks/config';
import { addStateBackend } from '../../stacks/state-backend';
import { UrlFunction } from '../../lib/url-function';
import { EXPECTED_TOKEN_SHA256 } from './upstream-handler';

/** The stand-in's handler entry, relative to the project root, as NodejsBundle takes it. */
export const UPSTREAM_ENTRY = 'tools/smoke/upstream-handler.ts';

/** The variable through which the stand-in's app gets the token's SHA-256 (never the token). */
export const UPSTREAM_DIGEST_VARIABLE = 'SMOKE_UPSTREAM_TOKEN_SHA256';

/** The stand-in's stack (and function) name in a smoke stage. */
export function upstreamStackName(stage: string): string {
  return `smoke-upstream-${stage}`;
}

/** Properties of a {@link SmokeUpstreamStack}. */
export interface SmokeUpstreamStackProps {
  /** The sample stacks' options: region, stage, state backend, packaging and architecture are followed. */
  readonly options: SampleOptions;
  /** SHA-256 (hex) of the one token the stand-in accepts. */
  readonly tokenDigest: string;
}

/** The stand-in upstream of a smoke run. */
export class SmokeUpstreamStack extends TerraformStack {
  readonly upstream: UrlFunction;

  constructor(scope: Construct, props: SmokeUpstreamStackProps) {
    const { options } = props;
    const name = upstreamStackName(options.stage);
    super(scope, name);
    addStateBackend(this, name, options);
    new AwsProvider(this, 'aws', { region: options.region });
    this.upstream = new UrlFunction(this, 'upstream', {
      functionName: name,
      entry: UPSTREAM_ENTRY,
      environment: { [EXPECTED_TOKEN_SHA256]: props.tokenDigest },
      // It lives for minutes; its logs hold one line per request and never a token.
      logRetentionDays: 1,
      // Public, as the samples' target must be reachable from Lambda without credentials. No
      // reserved concurrency: an account whose quota is 10 could not reserve any, and the
      // function makes no call of its own that a limit would cap.
      authType: 'NONE',
      packaging: options.packaging,
      architecture: options.architecture,
    });
    new TerraformOutput(this, 'function_name', { value: this.upstream.function.functionName });
    new TerraformOutput(this, 'function_url', { value: this.upstream.url.functionUrl });
  }
}
