/**
 * The plain roster CSV: one row per person per realm, the realm's codes beside the person's, roles and statuses in the
 * provider's own words (what staff see in the LMS), and what is still waiting to sync.
 */
import type { ExportFile, ExportInput } from '../../shared/api';
import { roleLabel, statusLabel } from '../../shared/domain/roles';
import type { NamedRosterRow } from '../db/roster-query';
import type { Cache } from '../db/cache';
import type { ExportFormat } from './export-format';
import { runExport } from './roster-export';

export const PLAIN_CSV: ExportFormat = {
  fileSuffix: 'roster',
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
  record(row, realm, includePending) {
    const values = includePending ? { role: row.role, status: row.status } : row.server;
    if (!values) return null;
    return [
      realm.title,
      realm.courseCode,
      realm.sectionCode,
      realm.sectionSchoolCode,
      row.userId,
      row.schoolUid,
      row.firstName,
      row.lastName,
      row.displayName,
      roleLabel(realm.provider, values.role),
      statusLabel(realm.provider, values.status),
      includePending ? pendingWords(row) : '',
    ];
  },
};

/** The RosterApi's exportRoster: the plain CSV of realms, or of selected rows. */
export function exportRoster(cache: Cache, input: ExportInput): ExportFile {
  return runExport(cache, input, PLAIN_CSV);
}

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
