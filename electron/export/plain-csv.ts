/**
 * The plain roster CSV: one row per person per realm, the realm's codes beside the person's, roles and statuses in the
 * provider's own words (what staff see in the LMS), and what is still waiting to sync. RFC 4180 (IETF, "Common Format
 * and MIME Type for Comma-Separated Values (CSV) Files", https://www.rfc-editor.org/rfc/rfc4180) with CRLF line ends.
 * Meant to be opened by people, so it is the one format with an Excel mode (see ExportInputSchema.excel).
 */
import { PROVIDERS, type Provider } from '../../shared/domain/provider';
import { ROLES, STATUSES, roleLabel, statusLabel, type Role, type Status } from '../../shared/domain/roles';
import type { NamedRosterRow } from '../db/roster-query';
import type { ExportFormat } from './export-format';
import { exportedRows } from './roster-rows';

export const PLAIN_CSV: ExportFormat = {
  name: 'plain',
  fileSuffix: 'roster',
  refusesFormulas: null,
  oneRowPerRosterRow: true,
  tables: [
    {
      name: 'roster.csv',
      columns: [
        'Realm',
        'Course code',
        'Section code',
        'Section school code',
        'User ID',
        'School ID',
        'First name',
        'Last name',
        'Name',
        'Role',
        'Status',
        'Pending',
      ],
      *rows(context) {
        for (const { row, realm, role, status, about } of exportedRows(context)) {
          yield {
            about,
            record: [
              realm.title,
              realm.courseCode,
              realm.sectionCode,
              realm.sectionSchoolCode,
              row.userId,
              row.schoolUid,
              row.firstName,
              row.lastName,
              row.displayName,
              ROLE_WORDS[realm.provider][role],
              STATUS_WORDS[realm.provider][status],
              context.includePending ? pendingWords(row) : '',
            ],
          };
        }
      },
    },
  ],
};

// Each provider's words for each role and status, worked out once: the label functions build their tables on every
// call, which at 100,000 rows is a measurable share of the export.
const ROLE_WORDS = Object.fromEntries(PROVIDERS.map((p) => [p, Object.fromEntries(ROLES.map((r) => [r, roleLabel(p, r)]))])) as Record<Provider, Record<Role, string>>;
const STATUS_WORDS = Object.fromEntries(PROVIDERS.map((p) => [p, Object.fromEntries(STATUSES.map((s) => [s, statusLabel(p, s)]))])) as Record<
  Provider,
  Record<Status, string>
>;

/** "", "to enroll", "changed", "to remove", "rejected: <the LMS's reason>" or "conflict". */
export function pendingWords(row: NamedRosterRow): string {
  const pending = row.pending;
  if (!pending) return '';
  if (pending.state === 'rejected') return `rejected: ${pending.error ?? 'no reason given'}`;
  if (pending.state === 'conflict') return 'conflict';
  switch (pending.kind) {
    case 'enroll':
      // An enroll over an enrollment the user already sees only changes its values (its id is not known yet).
      return row.server ? 'changed' : 'to enroll';
    case 'remove':
      return 'to remove';
    default:
      return 'changed';
  }
}
