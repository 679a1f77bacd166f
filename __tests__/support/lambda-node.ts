/**
 * Vitest's global setup: installs the Node.js of the functions' Lambda runtime into `.local/node/`
 * (a download of about 52 MB, once per clone) before any test file starts, so that no test's
 * time limit pays for it and parallel test files do not each install it.
 */
import { lambdaNodeBinary } from '../../tools/local/lambda-runner/process';

export async function setup(): Promise<void> {
  await lambdaNodeBinary();
}
