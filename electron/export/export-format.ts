import type { ExportFormatName, RealmSummary } from '../../shared/api';
import type { Cache } from '../db/cache';

/** What every table of an export reads from: the realms asked for, already looked up, and how to show them. */
export interface ExportContext {
  cache: Cache;
  /** The realms asked for, each once, in the order given. */
  realmIds: readonly string[];
  realms: ReadonlyMap<string, RealmSummary>;
  /** true: the roster as it will be after sync; false: as the LMS last had it. */
  includePending: boolean;
  /** A selection: "<realmId>\n<enrollment id, or op id of a pending enroll>" of each row to export; null for all. */
  only: ReadonlySet<string> | null;
  /** When the export was made, ISO 8601 UTC: OneRoster's dateLastModified. */
  exportedAt: string;
}

/** One data row of a table: its values (all text) and what names it in an error, e.g. "Ana Ruiz, sections/3719526". */
export interface TableRow {
  record: string[];
  about: string;
}

/** One CSV file of an export. */
export interface ExportTable {
  /** The file's name inside a zip or folder (the CLI and the API name a single-table export themselves). */
  name: string;
  columns: readonly string[];
  /** How an error names a column, e.g. givenName → "first name"; a column not listed is named by its header. */
  labels?: Readonly<Record<string, string>>;
  /** The data rows, streamed from the cache; throws RowRefusal for a row the format cannot carry. */
  rows(context: ExportContext): Iterable<TableRow>;
}

/**
 * One export format: its tables (the first is the main one, which previews show and row counts count) and how it
 * treats values a spreadsheet would run as formulas.
 */
export interface ExportFormat {
  name: ExportFormatName;
  /** Suffix of the suggested file name (e.g. "roster" → "algebra-i-p3-roster.csv"). */
  fileSuffix: string;
  tables: readonly [ExportTable, ...ExportTable[]];
  /**
   * null: the format may be opened in a spreadsheet as it is (Excel mode neutralises formulas there). Otherwise the
   * format is read by another system, which must get the LMS's values unaltered: a formula-like value is refused, and
   * this names the format in the refusal ("OneRoster files").
   */
  refusesFormulas: string | null;
  /**
   * Every roster row of the selection (as includePending shows it) becomes exactly one row of the main table, and no
   * row is ever refused: a preview can then take the row count from the cache instead of reading every row.
   */
  oneRowPerRosterRow: boolean;
}

/** A row the format cannot carry; the runner adds which file, row and line. */
export class RowRefusal extends Error {
  constructor(
    readonly about: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'RowRefusal';
  }
}
