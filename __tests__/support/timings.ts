/**
 * How long each step of an end-to-end file's set-up took, printed once it is done: where the
 * suite's time goes is read off the run, not guessed (docs/testing.md, Suite time).
 */
export class SetUpTimings {
  readonly #steps: string[] = [];

  constructor(readonly file: string) {}

  /** Runs `work`, keeping how long it took under `step`. */
  async time<T>(step: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.#steps.push(`${step} ${((performance.now() - start) / 1000).toFixed(1)} s`);
    }
  }

  /** Prints the steps so far on one line. */
  print(): void {
    console.info(`${this.file} set-up: ${this.#steps.join(', ')}`);
  }
}
