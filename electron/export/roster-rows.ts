import type { RealmSummary } from '../../shared/api';
import type { Role, Status } from '../../shared/domain/roles';
import type { NamedRosterRow } from '../db/roster-query';
import type { ExportContext } from './export-format';

/** One roster row as an export shows it: the values it has after sync (or on the LMS), and its realm. */
export interface ExportedRow {
  row: NamedRosterRow;
  realm: RealmSummary;
  role: Role;
  status: Status;
  /** Pending edits shown, and the newest edit of the person removes them: the row is on its way out. */
  removal: boolean;
  /** How an error names the row: "James Howlett, sections/3719526". */
  about: string;
}

/** The key of a row in ExportContext.only: its realm and the id edits name it by. */
export const selectionKey = (realmId: string, ref: string): string => `${realmId}\n${ref}`;

/**
 * The rows of the export's realms, realm by realm (title order) and by name within one, straight from the cache's
 * cursor: one row in memory at a time. Without pending edits, a row the LMS does not have (a queued enroll) is left
 * out and every other row has the LMS's values.
 *
 * One query per realm rather than one sorted query over all of them: SQLite then sorts a realm's rows at a time, so
 * its sorter's memory follows the largest realm, not the district; at 100,000 rows in 2,000 realms this was also
 * ~0.1 s faster than the one sort of everything (bench machine).
 */
export function* exportedRows(context: ExportContext): Generator<ExportedRow> {
  const { cache, includePending, only } = context;
  for (const realm of realmsInOrder(context)) {
    for (const row of cache.roster.each({ realmIds: [realm.id], sort: { column: 'name', direction: 'asc' } })) {
      if (only) {
        const ref = row.enrollmentId ?? row.pending?.opId;
        if (ref === undefined || !only.has(selectionKey(row.realmId, ref))) continue;
      }
      const values = includePending ? row : row.server;
      if (!values) continue;
      yield {
        row,
        realm,
        role: values.role,
        status: values.status,
        removal: includePending && row.pending?.kind === 'remove',
        about: `${row.displayName}, ${realm.key}`,
      };
    }
  }
}

/**
 * The export's realms in the order its files list them: by title, then id, compared as SQLite compares text (UTF-8
 * bytes), so the order is the roster view's "realm" sort.
 */
export function realmsInOrder(context: ExportContext): RealmSummary[] {
  const keyed = [...context.realms.values()].map((realm) => ({ realm, title: Buffer.from(realm.title), id: Buffer.from(realm.id) }));
  keyed.sort((a, b) => Buffer.compare(a.title, b.title) || Buffer.compare(a.id, b.id));
  return keyed.map(({ realm }) => realm);
}
