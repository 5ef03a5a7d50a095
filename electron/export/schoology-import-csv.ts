/**
 * Schoology's course-enrollment import layout (Schoology / PowerSchool help, "Import Course Enrollments with a CSV/XLS
 * File (Enterprise)", https://support.schoology.com/hc/en-us/articles/200927478): header
 * `Course Code,Section Code,Section School Code,User Unique ID,Enrollment Type`.
 *
 * - Course Code, Section Code, Section School Code: the realm's codes, as the LMS has them.
 * - User Unique ID: the person's school ID (school_uid), which the import matches people by; a person without one is
 *   refused.
 * - Enrollment Type: 1 for an admin (teacher, TA, designer), 2 for a member (student, observer).
 * - Group realms are refused: Schoology imports group enrollments one group at a time, in another layout.
 * - The layout has no status column: it lists who should be enrolled. So with pending edits shown, a person whose
 *   removal is queued is left out (the row would enroll them again), and every other row is written whatever its
 *   status.
 */
import { isAdminRole } from '../../shared/domain/roles';
import { RowRefusal, type ExportFormat } from './export-format';
import { exportedRows } from './roster-rows';

export const SCHOOLOGY_IMPORT_CSV: ExportFormat = {
  name: 'schoology',
  fileSuffix: 'schoology',
  refusesFormulas: 'Schoology import files',
  oneRowPerRosterRow: false,
  tables: [
    {
      // A single file whose name is the user's: errors call it by what it is.
      name: 'Schoology import file',
      columns: ['Course Code', 'Section Code', 'Section School Code', 'User Unique ID', 'Enrollment Type'],
      labels: {
        'Course Code': 'course code',
        'Section Code': 'section code',
        'Section School Code': 'section school code',
        'User Unique ID': 'school ID',
      },
      *rows(context) {
        for (const { row, realm, role, removal, about } of exportedRows(context)) {
          if (realm.kind === 'group') {
            throw new RowRefusal(about, `${realm.title} is a group; Schoology imports group enrollments one group at a time; export groups as plain CSV`);
          }
          if (removal) continue;
          if (row.schoolUid === '') {
            throw new RowRefusal(about, `${row.displayName} has no school ID, which Schoology's import matches people by (User Unique ID); set it in the LMS and pull, or export as plain CSV`);
          }
          yield { about, record: [realm.courseCode, realm.sectionCode, realm.sectionSchoolCode, row.schoolUid, isAdminRole(role) ? '1' : '2'] };
        }
      },
    },
  ],
};
