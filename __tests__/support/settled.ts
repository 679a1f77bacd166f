/**
 * Work done side by side in a test's set-up (the stages of a team, the stacks of a deployment):
 * like `Promise.all`, but it waits for every piece to end before it throws the first failure, so
 * that no deploy is still running when `afterAll` stops the emulator and removes its folder.
 */
export async function allSettledOrThrow<T>(work: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}
