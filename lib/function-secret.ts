import type {
  DataAwsIamPolicyDocumentStatement,
  DataAwsIamPolicyDocumentStatementCondition,
  DataAwsIamPolicyDocumentStatementPrincipals,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';

/**
 * What a method construct gives the function that reads its secret. {@link UrlFunction} takes
 * one: it adds the environment and the role statements, uses the handler unless given another,
 * and calls {@link grantTo} once the role exists.
 */
export interface FunctionSecret {
  /** The one function that may read the secret: its policies name it. */
  readonly functionName: string;
  /** The handler source that reads this secret (absolute, or relative to the bundle's root). */
  readonly handlerEntry: string;
  /** Variables the handler reads to find the secret; never the token itself. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Variables that a writer outside Terraform sets: Terraform writes them on create, then neither
   * reverts nor reports changes to them.
   */
  readonly externallyManagedEnvironment: readonly string[];
  /** Layer version ARNs the handler needs, such as an extension's. */
  readonly layers: readonly string[];
  /** Statements for the role's own policy: the read, and the function binding ({@link functionBinding}). */
  readonly roleStatements: readonly DataAwsIamPolicyDocumentStatement[];
  /** Lets `role` read the secret in the key policy; called once, after the role is created. */
  grantTo(role: IamRole): void;
}

/** What binds a secret to one function, for {@link functionBinding}. */
export interface FunctionBindingProps {
  /** The function's ARN. */
  readonly functionArn: string;
  /** The one key the secret is encrypted under. */
  readonly keyArn: string;
  /** The call that reads the secret (`kms:Decrypt`, `ssm:GetParameter`). */
  readonly action: string;
  /** The resource that call reads. */
  readonly resource: string;
  /** The encryption context that marks a ciphertext of this secret. */
  readonly secretContext: DataAwsIamPolicyDocumentStatementCondition;
}

/**
 * Role statements that bind a secret to its function, for the role's own (identity) policy:
 * - `action` on `resource` is denied unless the call comes from the function. Lambda adds
 *   `lambda:SourceFunctionArn` to calls made with the function's credentials, but only identity
 *   policies see it (AWS Lambda developer guide, "Using source function ARN to control function
 *   access behavior"): in a key policy it is absent, and a statement that requires it never
 *   matches. A Deny, because in the same account a key policy that names the role grants by
 *   itself, so another function given the role (iam:PassRole) would decrypt without it.
 * - `kms:Decrypt` of a ciphertext bound to the secret (`secretContext`) is denied under any other
 *   key, so a ciphertext made under a key that someone pointed the alias at cannot be decrypted
 *   with the role, whatever that key's policy says. Scoped by the context rather than denied for
 *   every other key: the role's other decrypts (Lambda's own of the environment under
 *   `aws/lambda`, or a service's on the function's behalf for data of its own) carry other
 *   contexts and stay untouched.
 */
export function functionBinding(props: FunctionBindingProps): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: 'OnlyFromThisFunction',
      effect: 'Deny',
      actions: [props.action],
      resources: [props.resource],
      condition: [{ test: 'ArnNotEquals', variable: 'lambda:SourceFunctionArn', values: [props.functionArn] }],
    },
    {
      sid: 'NoOtherKey',
      effect: 'Deny',
      actions: ['kms:Decrypt'],
      notResources: [props.keyArn],
      condition: [props.secretContext],
    },
  ];
}

/** How a function reads a secret that a store decrypts for it, for {@link storeReadStatements}. */
export interface StoreReadProps extends FunctionBindingProps {
  /** The statement ids of the read and of the decryption through the store. */
  readonly sids: readonly [read: string, decrypt: string];
  /** When the store may decrypt with the key: through that store, for this secret. */
  readonly decryptConditions: readonly DataAwsIamPolicyDocumentStatementCondition[];
}

/**
 * Role statements for a secret kept in a store (SSM, Secrets Manager) that decrypts it on the
 * function's behalf: exactly `action` on `resource`, `kms:Decrypt` of the key under
 * `decryptConditions`, and the {@link functionBinding} on `action` rather than on `kms:Decrypt`,
 * which the store calls: without `action`, another function given the role cannot make the store
 * decrypt.
 */
export function storeReadStatements(props: StoreReadProps): DataAwsIamPolicyDocumentStatement[] {
  const [readSid, decryptSid] = props.sids;
  return [
    { sid: readSid, effect: 'Allow', actions: [props.action], resources: [props.resource] },
    {
      sid: decryptSid,
      effect: 'Allow',
      actions: ['kms:Decrypt'],
      resources: [props.keyArn],
      condition: [...props.decryptConditions],
    },
    ...functionBinding(props),
  ];
}

/** Principals for a key policy statement: `arns`, or `fallback` when none are given. */
export function principalsOr(
  arns: readonly string[] | undefined,
  fallback: string,
): DataAwsIamPolicyDocumentStatementPrincipals[] {
  return [{ type: 'AWS', identifiers: arns && arns.length > 0 ? [...arns] : [fallback] }];
}
