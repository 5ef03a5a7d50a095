/**
 * How commands print. With --json stdout carries exactly one JSON document (and nothing else, so it can be piped into
 * a parser); without it, tables and sentences for people. Errors never go to stdout.
 */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Aligned columns, two spaces apart, a header row on top; the last column is not padded (no trailing blanks). */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  printLine(formatTable(headers, rows));
}

/** "1 edit", "3 edits". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * Op ids are time-ordered UUIDs (op-id.ts), so ids made in the same minute share their first characters; tables show
 * the last 8 (random) characters instead, which `roster resolve` accepts as well as the whole id or its start.
 */
export const shortId = (id: string): string => id.slice(-8);
