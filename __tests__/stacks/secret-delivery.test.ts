import { describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { single, synthStack } from '../support/synth';

describe('method1-sample with method1SecretDelivery=terraform', () => {
  it('declares the token as a sensitive string variable, saying it is stored in state', () => {
    const { json } = synthStack('method1-sample', { method1SecretDelivery: 'terraform' });
    expect(json.variable?.api_token).toEqual({
      type: 'string',
      sensitive: true,
      description: 'API token that Terraform encrypts (method1SecretDelivery=terraform); stored in state.',
    });
  });

  it('warns, naming the command that keeps the token out of state', () => {
    expect(synthStack('method1-sample', { method1SecretDelivery: 'terraform' }).warnings).toEqual([
      'Terraform encrypts the token of method1-sample: aws_kms_ciphertext stores the plaintext token in the ' +
        'Terraform state and re-encrypts it on every plan. Deliver it out of band (npm run secret -- set ' +
        'method1-sample) for real credentials.',
    ]);
  });
});

describe('method2-sample with method2SecretDelivery=write-only', () => {
  it('declares the token as an ephemeral, sensitive, non-null string variable', () => {
    const { json } = synthStack('method2-sample', { method2SecretDelivery: 'write-only' });
    expect(json.variable?.api_token).toEqual({
      type: 'string',
      sensitive: true,
      nullable: false,
      ephemeral: true,
      description: 'API token written to the SecureString (set TF_VAR_api_token); kept out of state and plan.',
    });
  });

  it('declares the version that rewrites the token, starting at 1', () => {
    const { json } = synthStack('method2-sample', { method2SecretDelivery: 'write-only' });
    expect(json.variable?.api_token_version).toEqual({
      type: 'number',
      default: 1,
      description: 'Increase to write a new api_token to the parameter.',
    });
  });
});

describe('method2-sample with method2SecretDelivery=out-of-band', () => {
  it('writes the placeholder once, write-only, at version 1', () => {
    const { json } = synthStack('method2-sample', { method2SecretDelivery: 'out-of-band' });
    expect(single(json, 'aws_ssm_parameter')).toMatchObject({
      type: 'SecureString',
      value_wo: SECRET_PLACEHOLDER,
      value_wo_version: 1,
    });
  });

  it('declares no token variable', () => {
    const { json } = synthStack('method2-sample', { method2SecretDelivery: 'out-of-band' });
    expect(json.variable).toBeUndefined();
  });
});

describe('method2-sample run by the account root user', () => {
  it("has Terraform refuse to create the key when the deploying identity is the account's root user", () => {
    const { json } = synthStack('method2-sample');
    expect(single(json, 'aws_kms_key').lifecycle.precondition).toEqual([
      {
        condition: expect.stringMatching(
          /^\$\{!endswith\(data\.aws_iam_session_context\.[\w-]+\.issuer_arn, ":root"\)\}$/,
        ),
        error_message:
          "These credentials are the account's root user, which a key policy reads as the whole account: " +
          'deploy with an IAM role or user, or name the roles that run Terraform in terraformRunnerArns.',
      },
    ]);
  });
});
