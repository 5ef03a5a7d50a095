/**
 * The one runner every format shares: each table's rows, streamed from the cache's cursors, in batches of about 1,000
 * records that csv-stringify turns into RFC 4180 CSV text (CRLF line ends). Sinks pull the batches table by table and
 * decide where the text goes and which thread makes it: the API's answer (roster-export.ts) stringifies them here; a
 * large file (export-to-path.ts) has a worker thread do it while this one reads the next rows. Nothing holds more than
 * a few batches of records.
 *
 * Values a spreadsheet would run as formulas (a cell starting with = + - @, a tab or a CR, or their full-width forms:
 * exactly what csv-stringify's escape_formulas alters, after OWASP's "CSV Injection",
 * https://owasp.org/www-community/attacks/CSV_Injection) are altered in Excel mode (plain only) and refused by the
 * interchange formats, whose readers must get the LMS's value as it is.
 */
import { stringify, type Options } from 'csv-stringify/sync';
import { RosterApiError } from '../../shared/api';
import { RowRefusal, type ExportContext, type ExportFormat, type ExportTable } from './export-format';

/** Records per csv-stringify call: big enough to amortise the call, small enough to keep memory flat. */
export const CHUNK_RECORDS = 1_000;

const FORMULA_STARTS = new Set(['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);
const START_WORDS: Readonly<Record<string, string>> = { '\t': 'a tab', '\r': 'a carriage return' };

/** Records and the csv-stringify options that write them: a piece of a table's text, not yet made. */
export interface CsvBatch {
  records: string[][];
  settings: Options;
}

export interface CsvTableText {
  table: ExportTable;
  /** The file's batches, in order (the first is the header row, with the BOM in Excel mode). */
  batches: Iterable<CsvBatch>;
}

/** A batch's text. */
export const csvText = (batch: CsvBatch): string => stringify(batch.records, batch.settings);

/** A table's text, chunk by chunk, made in this thread. */
export function* textChunks(batches: Iterable<CsvBatch>): Generator<string> {
  for (const batch of batches) yield csvText(batch);
}

export interface CsvRunOptions {
  /** Spreadsheet mode (plain only): a UTF-8 BOM, and formula-like cells prefixed with '. */
  excel: boolean;
  /**
   * A preview: the main table's text stops after this many rows. Its remaining rows are still read (so the count is
   * whole and a row the format refuses is found now, not at save time) unless countMain can tell the count.
   */
  previewRows?: number;
  /** The main table's row count without reading its rows (only for formats with one row per roster row). */
  countMain?: () => number;
}

/** An export in progress: its tables' text, and (once the main table has been read) its row count. */
export interface CsvRun {
  tables: Iterable<CsvTableText>;
  /** Data rows of the main table read so far; complete once its batches are exhausted. */
  rows(): number;
}

export function runCsv(format: ExportFormat, context: ExportContext, options: CsvRunOptions): CsvRun {
  // quote_record_delimiter: csv-stringify leaves a lone LF or CR unquoted once record_delimiter is set; spreadsheets
  // read one as a row break, so every value holding a line break of any kind is quoted.
  const settings: Options = { record_delimiter: 'windows', quote_record_delimiter: true, ...(options.excel ? { escape_formulas: true } : {}) };
  let mainRows = 0;
  const [main] = format.tables;
  function* tables(): Generator<CsvTableText> {
    for (const table of format.tables) {
      yield {
        table,
        batches: tableBatches(format, table, context, {
          settings,
          bom: options.excel && table === main,
          limit: table === main ? (options.previewRows ?? Infinity) : Infinity,
          countRest: table === main ? options.countMain : undefined,
          counted: (rows) => {
            if (table === main) mainRows = rows;
          },
        }),
      };
    }
  }
  return { tables: tables(), rows: () => mainRows };
}

interface TableRun {
  settings: Options;
  bom: boolean;
  /** Rows of text wanted; the rest are only read. */
  limit: number;
  /** Tells the whole count once the text is done, instead of reading the rest. */
  countRest: (() => number) | undefined;
  counted: (rows: number) => void;
}

function* tableBatches(format: ExportFormat, table: ExportTable, context: ExportContext, run: TableRun): Generator<CsvBatch> {
  const { settings, limit, counted } = run;
  yield { records: [[...table.columns]], settings: run.bom ? { ...settings, bom: true } : settings };
  const refuses = format.refusesFormulas;
  let batch: string[][] = [];
  let rows = 0;
  // The physical line the next row starts on: the header is line 1, and a quoted value may hold line breaks.
  let line = 2;
  const iterator = table.rows(context)[Symbol.iterator]();
  // Closing the rows' generator closes the cache cursor under it, whether the text ends early (a preview), the sink
  // fails, or the rows run out.
  try {
    for (;;) {
      let next: IteratorResult<{ record: string[]; about: string }>;
      try {
        next = iterator.next();
      } catch (error) {
        if (error instanceof RowRefusal) throw new RosterApiError('cannot_export', `${where(table, rows + 1, line, error.about)}: ${error.reason}`);
        throw error;
      }
      if (next.done) break;
      const { record, about } = next.value;
      rows += 1;
      if (refuses !== null) line = checkRecord(table, record, rows, line, about, refuses);
      if (rows > limit) continue;
      batch.push(record);
      if (rows === limit) {
        yield { records: batch, settings };
        batch = [];
        if (run.countRest) {
          iterator.return?.();
          counted(run.countRest());
          return;
        }
      } else if (batch.length === CHUNK_RECORDS) {
        counted(rows);
        yield { records: batch, settings };
        batch = [];
      }
    }
    counted(rows);
    if (batch.length > 0) yield { records: batch, settings };
  } finally {
    iterator.return?.();
  }
}

/** Refuses a formula-like value; answers the line the row after this one starts on. */
function checkRecord(table: ExportTable, record: readonly string[], row: number, line: number, about: string, format: string): number {
  let breaks = 0;
  for (let i = 0; i < record.length; i++) {
    const value = record[i]!;
    if (value === '') continue;
    const first = value[0]!;
    if (FORMULA_STARTS.has(first)) {
      const column = table.columns[i]!;
      const label = table.labels?.[column] ?? column;
      throw new RosterApiError(
        'unsafe_value',
        `${where(table, row, line, about)}: ${label} "${shorten(value)}" starts with ${START_WORDS[first] ?? `"${first}"`}, which spreadsheets run as a formula; ${format} cannot alter it — correct it in the LMS, or export as plain CSV for Excel`,
      );
    }
    if (value.includes('\n') || value.includes('\r')) breaks += value.match(/\r\n|\r|\n/g)!.length;
  }
  return line + 1 + breaks;
}

/** "enrollments.csv row 11, line 12 (Ana Ruiz, sections/3719526)" */
function where(table: ExportTable, row: number, line: number, about: string): string {
  return `${table.name} row ${row}, line ${line} (${shorten(about, 60)})`;
}

/** A value as an error quotes it: at most `max` characters, control characters shown. */
function shorten(value: string, max = 32): string {
  const visible = value.replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  return visible.length > max ? `${visible.slice(0, max - 1)}…` : visible;
}
