import type { RealmSummary } from '../../shared/api';
import type { NamedRosterRow } from '../db/roster-query';

/**
 * One export format: its header row and how a roster row becomes a record. Formats that need other file settings
 * (another LMS's import template, Excel's quirks) add them here; the runner (roster-export.ts) stays the same.
 */
export interface ExportFormat {
  /** Suffix of the suggested file name, before ".csv" (e.g. "roster"). */
  fileSuffix: string;
  columns: readonly string[];
  /**
   * The record of `row` (one value per column, as text). `includePending` false: the LMS's last known state, so a row
   * has its server values, and a row the LMS does not have (row.server null) answers null to be left out; no other row
   * may be left out (a preview counts the rows from the cache instead of reading them all).
   */
  record(row: NamedRosterRow, realm: RealmSummary, includePending: boolean): string[] | null;
}
