/** The message of the error `run` throws; fails the test if it does not throw. */
export function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

/** Every key of every object in `input` is present at the same place in `output` (values may be normalised). */
export function missingKeys(input: unknown, output: unknown, at = ''): string[] {
  if (Array.isArray(input)) {
    if (!Array.isArray(output)) return [`${at} (array became ${typeof output})`];
    return input.flatMap((item, i) => missingKeys(item, output[i], `${at}[${i}]`));
  }
  if (input === null || typeof input !== 'object') return [];
  if (output === null || typeof output !== 'object') return [`${at} (object became ${String(output)})`];
  const out = output as Record<string, unknown>;
  return Object.entries(input).flatMap(([key, value]) => (key in out ? missingKeys(value, out[key], `${at}.${key}`) : [`${at}.${key}`]));
}
