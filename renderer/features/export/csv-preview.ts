/** The export preview's CSV (the main process's own output, RFC 4180) as a header and rows for a table. */
import { parse } from 'csv-parse/browser/esm/sync';

export interface CsvTable {
  header: string[];
  rows: string[][];
}

export function csvTable(content: string): CsvTable {
  const records = parse(content, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const [header = [], ...rows] = records;
  return { header, rows };
}
