/**
 * The project's one integer parser, shared by the functions' environment, the stacks' options
 * and the tools' variables, so that one rule holds everywhere: decimal digits only. `Number()`
 * alone would read "1e3" as 1000, "0x10" as 16, "2.0" as 2 and "" as 0.
 *
 * @returns The value, or undefined when `text` is not a whole decimal number within
 *   `Number.MAX_SAFE_INTEGER`.
 */
export function parseWholeNumber(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
