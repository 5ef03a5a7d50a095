/**
 * A roster CSV as a table of text cells as written, each record with the line it starts on, so every problem an
 * import reports can name the line staff see in their editor (a quoted cell may span several lines).
 *
 * csv-parse reads it: RFC 4180 quoting, a UTF-8 BOM stripped, records ending at CRLF, LF or CR (whichever comes
 * first in the file). Short and long records are kept (relax_column_count) so that they become row problems rather
 * than a failure of the whole file; a file csv-parse cannot read at all (an unclosed quote, a stray quote inside an
 * unquoted cell) is one error naming the line where the record it could not read starts.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { RosterApiError } from '../../shared/api';

export interface CsvRecord {
  /** The line the record starts on, 1 being the file's first line. */
  line: number;
  cells: string[];
}

export interface CsvTable {
  header: CsvRecord;
  /** The records after the header, blank ones (no cell with anything but spaces) left out. */
  records: CsvRecord[];
}

interface ParsedRecord {
  record: string[];
  raw: string;
}

/** Spreadsheets in many European locales save "CSV" with semicolons; a header without commas says which it is. */
function delimiterOf(text: string): string {
  const firstLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  if (firstLine.includes(',')) return ',';
  if (firstLine.includes(';')) return ';';
  if (firstLine.includes('\t')) return '\t';
  return ',';
}

const isBlank = (cells: readonly string[]): boolean => cells.every((cell) => cell.trim() === '');

const LINE_BREAK = /\r\n|\n|\r/g;
const breaksIn = (text: string): number => text.match(LINE_BREAK)?.length ?? 0;

/** What a record csv-parse cannot read has wrong, in staff's words (csv-parse's own messages count lines its way). */
function reasonOf(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell that starts on this row is never closed';
    case 'INVALID_OPENING_QUOTE':
      return 'a cell has a quote but does not start with one (a cell holding quotes must be quoted whole, each quote doubled: "")';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'a quoted cell has more text after its closing quote';
    default:
      return error.message.replace(/ at line \d+/g, '');
  }
}

/** The first line at or after `line` with anything on it: where the record that failed starts. */
function recordLineFrom(content: string, line: number): number {
  const lines = content.split(LINE_BREAK);
  let at = line;
  while (at <= lines.length && (lines[at - 1] ?? '').trim() === '') at += 1;
  return Math.min(at, lines.length);
}

/**
 * Parses `content` (the file's text) into its header and records. `fileName` names the file in errors. Throws
 * RosterApiError('invalid_file') when the text is not CSV or holds no header.
 */
export function readCsvTable(content: string, fileName: string): CsvTable {
  if (content.startsWith('PK\u0003\u0004')) {
    throw new RosterApiError('invalid_file', `${fileName} is a zip or an Excel workbook, not a CSV file; save it as "CSV UTF-8" and import that.`);
  }
  // Each record's raw text holds the empty lines skipped before it, its cells and its line break, so counting line
  // breaks record by record numbers the lines as an editor does, quoted cells over several lines included. (csv-parse
  // leaves the LF of a CRLF record delimiter out of the raw text: the CR alone still counts one break.)
  const records: CsvRecord[] = [];
  let line = 1;
  try {
    parse(content, {
      bom: true,
      columns: false,
      delimiter: delimiterOf(content.replace(/^\ufeff/, '')),
      relax_column_count: true,
      skip_empty_lines: true,
      raw: true,
      on_record: (parsed: unknown) => {
        const { record, raw } = parsed as ParsedRecord;
        const start = line + breaksIn(/^(?:\r\n|\n|\r)*/.exec(raw)?.[0] ?? '');
        line += breaksIn(raw);
        if (!isBlank(record)) records.push({ line: start, cells: record });
        // Kept here, not in csv-parse's result as well.
        return null;
      },
    });
  } catch (error) {
    if (error instanceof CsvError) {
      throw new RosterApiError(
        'invalid_file',
        `${fileName} cannot be read as CSV: line ${recordLineFrom(content, line)}: ${reasonOf(error)}; correct it there, or save the file again as CSV from the spreadsheet.`,
      );
    }
    throw error;
  }
  const header = records.shift();
  if (!header) throw new RosterApiError('invalid_file', `${fileName} is empty: it has no header row and no rows to import.`);
  return { header, records };
}
