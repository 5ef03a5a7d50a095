/**
 * OneRoster 1.1 CSV (IMS Global / 1EdTech, "OneRoster v1.1 CSV Tables", Final Release,
 * https://www.imsglobal.org/oneroster-v11-final-csv-tables): enrollments.csv, users.csv, classes.csv and manifest.csv,
 * with the headers of §3 of that document, zipped (or, from the CLI, in a folder).
 *
 * Written in delta mode (manifest: file.enrollments/users/classes = delta, every other file absent): delta rows carry
 * status (active | tobedeleted) and dateLastModified, which lets the files say what the LMS says rather than only who
 * is enrolled. dateLastModified is the export's own time (ISO 8601 UTC): the cache does not keep when the LMS last
 * changed a row.
 *
 * enrollments.csv, one row per roster row:
 * - sourcedId: the LMS's enrollment id; a row that is still only a queued enroll: "pending-" + the edit's id.
 * - status: active for the unified active, invited and creation_pending; tobedeleted for requested, inactive,
 *   completed, rejected and deleted, and (pending edits shown) for a queued removal.
 * - role (1.1: administrator | proctor | student | teacher): teacher and ta → teacher (a TA with primary "false"),
 *   designer → administrator, student → student. An observer has no 1.1 enrollment role (parents are users related
 *   to a student, not enrollments), so a row with one is refused.
 * - classSourcedId: the realm's LMS id; userSourcedId: the LMS user id.
 * - schoolSourcedId (and users' orgSourcedIds): the account's id. The cache keeps no school org (Schoology's school
 *   and building ids are not cached), so the account stands for the school; the orgs file is absent.
 * users.csv, one row per person of the exported rows (ordered by user id): role teacher if teacher or TA in any
 * exported realm, else administrator if designer in one, else student; enabledUser true; username the school ID, or
 * the user id when there is none; identifier the school ID; givenName / familyName from the LMS.
 * classes.csv, one row per exported realm: title; classCode the section code (else the course code); classType
 * scheduled; courseSourcedId the course code (a group, which has no course, names its own id); termSourcedIds the
 * realm's grading period ids joined by ",". The courses and academicSessions these ids name are absent from the delta:
 * the receiving system already has them from its full (bulk) load.
 */
import type { Role, Status } from '../../shared/domain/roles';
import { RosterPeopleQuery } from '../db/roster-people';
import { RowRefusal, type ExportContext, type ExportFormat, type ExportTable, type TableRow } from './export-format';
import { exportedRows, realmsInOrder } from './roster-rows';

const ENROLLMENT_ROLE: Record<Role, 'teacher' | 'administrator' | 'student' | null> = {
  teacher: 'teacher',
  ta: 'teacher',
  designer: 'administrator',
  student: 'student',
  observer: null,
};

const ACTIVE: ReadonlySet<Status> = new Set<Status>(['active', 'invited', 'creation_pending']);

const ENROLLMENTS: ExportTable = {
  name: 'enrollments.csv',
  columns: ['sourcedId', 'status', 'dateLastModified', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role', 'primary', 'beginDate', 'endDate'],
  labels: { sourcedId: 'enrollment ID', classSourcedId: 'section or group ID', schoolSourcedId: 'account ID', userSourcedId: 'user ID' },
  *rows(context) {
    for (const { row, realm, role, status, removal, about } of exportedRows(context)) {
      const oneRosterRole = ENROLLMENT_ROLE[role];
      if (oneRosterRole === null) {
        throw new RowRefusal(
          about,
          `${row.displayName} is an observer, which has no OneRoster 1.1 enrollment role (administrator, proctor, student, teacher); change the role in the LMS, leave the row out, or export as plain CSV`,
        );
      }
      const sourcedId = row.enrollmentId ?? `pending-${row.pending!.opId}`;
      yield {
        about,
        record: [
          sourcedId,
          !removal && ACTIVE.has(status) ? 'active' : 'tobedeleted',
          context.exportedAt,
          realm.remoteId,
          realm.accountId,
          row.userId,
          oneRosterRole,
          role === 'ta' ? 'false' : '',
          '',
          '',
        ],
      };
    }
  },
};

const USERS: ExportTable = {
  name: 'users.csv',
  columns: [
    'sourcedId', 'status', 'dateLastModified', 'enabledUser', 'orgSourcedIds', 'role', 'username', 'userIds', 'givenName',
    'familyName', 'middleName', 'identifier', 'email', 'sms', 'phone', 'agentSourcedIds', 'grades', 'password',
  ],
  labels: { sourcedId: 'user ID', orgSourcedIds: 'account ID', username: 'username (school ID)', givenName: 'first name', familyName: 'last name', identifier: 'school ID' },
  *rows(context) {
    const people = new RosterPeopleQuery(context.cache.db);
    const only = context.only ? [...context.only] : undefined;
    for (const [accountId, realmIds] of realmsByAccount(context)) {
      for (const person of people.each({ realmIds, includePending: context.includePending, ...(only ? { only } : {}) })) {
        const role = person.teaches ? 'teacher' : person.designs ? 'administrator' : 'student';
        yield {
          about: `${person.displayName}, user ${person.userId}`,
          record: [
            person.userId, 'active', context.exportedAt, 'true', accountId, role, person.schoolUid || person.userId, '',
            person.firstName, person.lastName, '', person.schoolUid, '', '', '', '', '', '',
          ],
        };
      }
    }
  },
};

const CLASSES: ExportTable = {
  name: 'classes.csv',
  columns: [
    'sourcedId', 'status', 'dateLastModified', 'title', 'grades', 'courseSourcedId', 'classCode', 'classType', 'location',
    'schoolSourcedId', 'termSourcedIds', 'subjects', 'subjectCodes', 'periods',
  ],
  labels: { sourcedId: 'section or group ID', courseSourcedId: 'course code', classCode: 'section code', schoolSourcedId: 'account ID', termSourcedIds: 'grading periods' },
  *rows(context) {
    // The realms were looked up once for the whole export (at most 5,000: ExportInputSchema's limit); listed in the
    // order enrollments.csv lists their rows.
    for (const realm of realmsInOrder(context)) {
      yield {
        about: `${realm.title}, ${realm.key}`,
        record: [
          realm.remoteId, 'active', context.exportedAt, realm.title, '', realm.courseCode || realm.remoteId,
          realm.sectionCode || realm.courseCode, 'scheduled', '', realm.accountId, realm.gradingPeriods.join(','), '', '', '',
        ],
      };
    }
  },
};

/** The files of OneRoster 1.1 (§2.1 of the CSV binding), in the manifest's order. */
const ONEROSTER_FILES = [
  'academicSessions', 'categories', 'classes', 'classResources', 'courses', 'courseResources', 'demographics',
  'enrollments', 'lineItems', 'orgs', 'resources', 'results', 'users',
] as const;
const WRITTEN: ReadonlySet<string> = new Set(['classes', 'enrollments', 'users']);

const MANIFEST: ExportTable = {
  name: 'manifest.csv',
  columns: ['propertyName', 'value'],
  *rows(): Generator<TableRow> {
    const properties: Array<[string, string]> = [
      ['manifest.version', '1.0'],
      ['oneroster.version', '1.1'],
      ...ONEROSTER_FILES.map((file): [string, string] => [`file.${file}`, WRITTEN.has(file) ? 'delta' : 'absent']),
      ['source.systemName', 'Roster Desk'],
      ['source.systemCode', 'roster-desk'],
    ];
    for (const [name, value] of properties) yield { about: name, record: [name, value] };
  },
};

export const ONEROSTER_CSV: ExportFormat = {
  name: 'oneroster',
  fileSuffix: 'oneroster',
  refusesFormulas: 'OneRoster files',
  oneRowPerRosterRow: false,
  tables: [ENROLLMENTS, USERS, CLASSES, MANIFEST],
};

/** The realms of each account: a user id names a person within one account only. */
function realmsByAccount(context: ExportContext): Map<string, string[]> {
  const byAccount = new Map<string, string[]>();
  for (const realm of context.realms.values()) {
    const ids = byAccount.get(realm.accountId) ?? [];
    ids.push(realm.id);
    byAccount.set(realm.accountId, ids);
  }
  return byAccount;
}
