/** A Lambda Node.js runtime identifier, e.g. `nodejs22.x`. */
export type NodejsRuntime = `nodejs${number}.x`;

/** Lambda runtime of both functions; the article's nodejs16.x is refused for new functions. */
export const LAMBDA_RUNTIME: NodejsRuntime = 'nodejs22.x';

/**
 * The esbuild target for a Lambda Node.js runtime (`nodejs22.x` → `node22`), so that the bundle
 * is compiled for exactly the Node.js version that runs it.
 */
export function esbuildTarget(runtime: NodejsRuntime): string {
  return runtime.replace(/^nodejs(\d+)\.x$/, 'node$1');
}
