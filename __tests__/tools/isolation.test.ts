import { describe, expect, it } from 'vitest';
import { emulatorProcessEnvironment, inheritedEnvironment } from '../../tools/local/isolation';

describe('inheritedEnvironment', () => {
  it('keeps ordinary variables such as PATH and HOME', () => {
    expect(inheritedEnvironment({ PATH: '/usr/bin', HOME: '/home/user' })).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/user',
    });
  });

  it.each(['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_ENDPOINT_URL_KMS', 'AWS_CONFIG_FILE'])(
    'drops %s, which could reach a real AWS account',
    (name) => {
      expect(inheritedEnvironment({ [name]: 'x' })).toEqual({});
    },
  );

  it("drops the stacks' options, so a shell's LAMBDA_SECRETS_METHOD1_SECRET_DELIVERY=terraform cannot put the token in state", () => {
    expect(inheritedEnvironment({ LAMBDA_SECRETS_METHOD1_SECRET_DELIVERY: 'terraform' })).toEqual({});
  });

  it.each(['TF_LOG', 'TF_CLI_ARGS_apply', 'TF_VAR_api_token_version', 'TF_WORKSPACE'])(
    "drops Terraform's %s",
    (name) => {
      expect(inheritedEnvironment({ [name]: 'x' })).toEqual({});
    },
  );

  it.each(['TF_CLI_CONFIG_FILE', 'TF_PLUGIN_CACHE_DIR'])("keeps Terraform's %s, where it finds providers", (name) => {
    expect(inheritedEnvironment({ [name]: 'x' })).toEqual({ [name]: 'x' });
  });

  it("keeps the AWS SDK's behaviour switches", () => {
    expect(inheritedEnvironment({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' })).toEqual({
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
  });
});

describe('emulatorProcessEnvironment', () => {
  it('keeps what finds and runs Python and moto, and the locale', () => {
    const kept = {
      PATH: '/usr/bin',
      HOME: '/home/u',
      PYENV_ROOT: '/p',
      VIRTUAL_ENV: '/v',
      LANG: 'C.UTF-8',
      TMPDIR: '/t',
    };
    expect(emulatorProcessEnvironment(kept)).toEqual(kept);
  });

  it.each([
    'AWS_PROFILE',
    'AWS_REGION',
    'AWS_CONFIG_FILE',
    'MOTO_ALLOW_NONEXISTENT_REGION',
    'TF_CLI_ARGS',
    'LAMBDA_SECRETS_REGION',
  ])('drops %s, which could change how the emulator answers', (name) => {
    expect(emulatorProcessEnvironment({ [name]: 'x' })).toEqual({});
  });
});
