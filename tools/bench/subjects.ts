/**
 * The handlers the benchmark measures, for each method: this project's deployment package
 * with its synthesized environment, the Powertools-based equivalent and the article's handler
 * (for Method 3, which the article does not show, an article-style one), and for Methods 2 and 3
 * their extension entries too; and the floor that only POSTs. Each runs against the
 * fake store and the local upstream (the extension entry against the stand-in for the Parameters
 * and Secrets extension, which reads the fake store), told where they are through the same
 * variables as in the local run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV, PARAMETERS_EXTENSION } from '../../functions/shared/contract';
import { HANDLER_SOURCES } from '../../lib/handlers';
import { DEFAULT_OPTIONS } from '../../stacks/config';
import { STACK_NAMES, type StackName } from '../../stacks/methods';
import { emulatorEnvironment } from '../local/emulator';
import { stackDirectory } from '../local/terraform';
import { buildBundle, buildEntryBundle, deploymentBundle, type Bundle } from './bundles';
import { FLOOR_TOKEN_VARIABLE } from './floor-handler';

/** A handler to run: its bundle, and its environment given the store's endpoint. */
export interface Subject {
  /**
   * Whose handler it is, for the table: "this project", "Powertools", "the article" (or
   * {@link ARTICLE_STYLE_LABEL} for a baseline the article does not show), "a bare fetch".
   */
  readonly label: string;
  readonly bundle: Bundle;
  environment(storeEndpoint: string): Record<string, string>;
}

/** The three handlers of one method. */
export interface MethodSubjects {
  readonly stack: StackName;
  readonly project: Subject;
  readonly powertools: Subject;
  /** The article's handler, or for a method it does not show, its pattern applied to that store (see its label). */
  readonly article: Subject;
  /** This project's entry that reads through the Parameters and Secrets extension, for a method that has one. */
  readonly extension?: Subject;
}

/** Where the stand-in for the Parameters and Secrets extension listens, and the token it requires. */
export interface ExtensionEndpoint {
  readonly port: number;
  readonly sessionToken: string;
}

/** This project's entries that read through the extension (no SDK), per method that has one. */
const EXTENSION_ENTRIES: Partial<Record<StackName, string>> = {
  'method2-sample': HANDLER_SOURCES.ssmParameterExtension,
  'method3-sample': HANDLER_SOURCES.secretsManagerExtension,
};

/** What every handler needs to reach the stand-ins: the secret they hold and where the upstream is. */
export interface Stage {
  /** The token the fake store answers with and the upstream accepts. */
  readonly secret: string;
  /** The only ciphertext the fake store decrypts; Method 1's ENCRYPTED_API_TOKEN. */
  readonly ciphertextBase64: string;
  /** The local upstream's URL, every handler's TARGET_URL. */
  readonly upstreamUrl: string;
}

/** The key every handler names; the fake store does not check it. */
const FAKE_STORE_KEY_ARN = 'arn:aws:kms:ap-northeast-1:000000000000:key/bench';

/** The article's handlers, as the table names them. */
export const ARTICLE_LABEL = 'the article';
/**
 * A baseline the article does not show: its pattern (the secret fetched on every call, no cache)
 * applied to another store, written in tools/bench/article-handlers.ts.
 */
export const ARTICLE_STYLE_LABEL = 'article-style (not in the article)';

/** How a method's comparison handlers are built. */
interface Comparisons {
  /** The factory of tools/bench/powertools-handlers.ts. */
  readonly powertools: string;
  /** The factory of tools/bench/article-handlers.ts. */
  readonly article: string;
  /** The variable the article's handler reads its region from. */
  readonly articleRegionVariable: string;
  /** {@link ARTICLE_LABEL}, or {@link ARTICLE_STYLE_LABEL} where the article shows no such handler. */
  readonly articleLabel: string;
}

/** The factories the comparison handlers are built from, the article's region variable and its label, per method. */
const COMPARISONS: Record<StackName, Comparisons> = {
  'method1-sample': {
    powertools: 'createPowertoolsMethod1Handler',
    article: 'createArticleMethod1Handler',
    articleRegionVariable: 'AWS_KMS_REGION',
    articleLabel: ARTICLE_LABEL,
  },
  'method2-sample': {
    powertools: 'createPowertoolsMethod2Handler',
    article: 'createArticleMethod2Handler',
    articleRegionVariable: 'AWS_SSM_REGION',
    articleLabel: ARTICLE_LABEL,
  },
  // The article shows Parameter Store only: its Method 2 with Secrets Manager in place of SSM.
  'method3-sample': {
    powertools: 'createPowertoolsMethod3Handler',
    article: 'createArticleStyleMethod3Handler',
    articleRegionVariable: 'AWS_SECRETS_MANAGER_REGION',
    articleLabel: ARTICLE_STYLE_LABEL,
  },
};

/** The part of a synthesized stack's Terraform JSON that the benchmark reads: its function. */
interface SynthesizedStack {
  readonly resource: {
    readonly aws_lambda_function: Record<
      string,
      { readonly filename: string; readonly environment?: { readonly variables?: Record<string, string> } }
    >;
  };
}

function synthesizedFunction(outdir: string, stack: StackName) {
  const directory = stackDirectory(outdir, stack);
  const json = JSON.parse(readFileSync(join(directory, 'cdk.tf.json'), 'utf8')) as SynthesizedStack;
  const [fn] = Object.values(json.resource.aws_lambda_function);
  return { zipFile: join(directory, fn.filename), variables: fn.environment?.variables ?? {} };
}

/**
 * What Lambda and the local run would give the function: its name, the region, the store's
 * endpoint and dummy credentials. Not AWS_MAX_ATTEMPTS, which the local run sets for its
 * tools: Lambda does not, and the handlers' own client settings must decide the retries.
 */
function awsEnvironment(storeEndpoint: string, functionName: string): Record<string, string> {
  const environment: Record<string, string> = {
    ...emulatorEnvironment(storeEndpoint, DEFAULT_OPTIONS.region),
    AWS_LAMBDA_FUNCTION_NAME: functionName,
  };
  delete environment.AWS_MAX_ATTEMPTS;
  return environment;
}

/**
 * The handlers of every method: this project's from the deployment packages that a synthesis
 * with `packaging=asset` wrote to `outdir`, with the environment it synthesized (the target
 * URL, the key ARN and Method 1's ciphertext replaced by the stage's), the others built into `workDirectory`
 * and given the same environment. The extension entry is built as the stack builds it and given
 * the same environment plus the extension's port and the session token it checks, as Lambda
 * and the stack would give it.
 */
export function methodSubjects(
  outdir: string,
  workDirectory: string,
  stage: Stage,
  extension: ExtensionEndpoint,
): MethodSubjects[] {
  return STACK_NAMES.map((stack) => {
    const { zipFile, variables } = synthesizedFunction(outdir, stack);
    const functionEnvironment = {
      ...variables,
      [ENV.targetUrl]: stage.upstreamUrl,
      ...(ENV.encryptedApiToken in variables ? { [ENV.encryptedApiToken]: stage.ciphertextBase64 } : {}),
      // The synthesized value is a Terraform reference; the fake store answers for any key.
      [ENV.kmsKeyArn]: FAKE_STORE_KEY_ARN,
    };
    const environment = (storeEndpoint: string) => ({
      ...awsEnvironment(storeEndpoint, stack),
      ...functionEnvironment,
    });
    const { powertools, article, articleRegionVariable, articleLabel } = COMPARISONS[stack];
    const extensionEntry = EXTENSION_ENTRIES[stack];
    return {
      stack,
      ...(extensionEntry && {
        extension: {
          label: 'its extension entry',
          bundle: buildEntryBundle(extensionEntry, join(workDirectory, stack, 'extension')),
          environment: (storeEndpoint: string) => ({
            ...environment(storeEndpoint),
            [PARAMETERS_EXTENSION.httpPortVariable]: String(extension.port),
            AWS_SESSION_TOKEN: extension.sessionToken,
          }),
        },
      }),
      project: {
        label: 'this project',
        bundle: deploymentBundle(zipFile, join(workDirectory, stack, 'project')),
        environment,
      },
      powertools: {
        label: 'Powertools',
        bundle: buildBundle('tools/bench/powertools-handlers', powertools, join(workDirectory, stack, 'powertools')),
        environment,
      },
      article: {
        label: articleLabel,
        bundle: buildBundle('tools/bench/article-handlers', article, join(workDirectory, stack, 'article')),
        environment: (storeEndpoint) => ({
          ...environment(storeEndpoint),
          [articleRegionVariable]: DEFAULT_OPTIONS.region,
        }),
      },
    };
  });
}

/** The floor: a handler that holds the token already and only POSTs it; no SDK, no store. */
export function floorSubject(workDirectory: string, stage: Stage): Subject {
  return {
    label: 'a bare fetch',
    bundle: buildBundle('tools/bench/floor-handler', 'createBareFetchHandler', join(workDirectory, 'floor')),
    environment: (storeEndpoint) => ({
      ...awsEnvironment(storeEndpoint, 'bench-floor'),
      [ENV.targetUrl]: stage.upstreamUrl,
      [FLOOR_TOKEN_VARIABLE]: stage.secret,
    }),
  };
}
