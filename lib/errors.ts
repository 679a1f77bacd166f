/**
 * The root of everything synthesis refuses: a bad option, a misspelt setting, an environment too
 * large for Lambda. `main.ts` prints such an error's message alone, as one line, since a stack
 * trace would only bury it; any other error is a bug and keeps its trace. Kept free of imports,
 * so that any module (and the secret CLI, which loads no cdktf) can extend it.
 */
export class SynthesisInputError extends Error {
  override name = 'SynthesisInputError';
}
