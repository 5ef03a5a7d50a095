/** The export preview's CSV (the main process's own output, RFC 4180) as a header and rows for a table. */
import { parse } from 'csv-parse/browser/esm/sync';

export interface CsvTable {
  header: string[];
  rows: string[][];
}

export function csvTable(content: string): CsvTable {
  // bom: an Excel-mode preview starts with the UTF-8 BOM, which must not become part of the first header.
  const records = parse(content, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  const [header = [], ...rows] = records;
  return { header, rows };
}
