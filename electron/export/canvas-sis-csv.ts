/**
 * Canvas SIS Import enrollments.csv (Instructure, canvas-lms doc/api/sis_csv.md, "SIS Import Format Documentation",
 * https://canvas.instructure.com/doc/api/file.sis_csv.html): the sample header `course_id,user_id,role,section_id,status`.
 *
 * - course_id: the course's SIS id (Canvas sis_course_id, what a SIS import names a course by: lms-api-notes §2.6), or
 *   the course code when the realm has none — a Schoology section, or a Canvas course without a SIS id (or cached
 *   before Roster Desk kept the id: the next pull brings it). section_id: the section's school code (Canvas
 *   sis_section_id), or its section code when it has none. Canvas needs one of the two, so a realm with neither is
 *   refused; so is a group (SIS imports enroll people in courses and sections, not groups).
 * - user_id: the person's SIS id, which is the school ID (school_uid); a person without one is refused.
 * - role: the unified role, which is Canvas's own vocabulary (student, teacher, ta, observer, designer).
 * - status (active|deleted|completed|inactive): active stays active, invited and creation_pending become active (the
 *   import cannot invite), requested and inactive become inactive, completed stays completed, rejected and deleted
 *   become deleted, and with pending edits shown a queued removal is deleted.
 */
import type { Status } from '../../shared/domain/roles';
import { RowRefusal, type ExportFormat } from './export-format';
import { exportedRows } from './roster-rows';

const CANVAS_STATUS: Record<Status, 'active' | 'inactive' | 'completed' | 'deleted'> = {
  active: 'active',
  invited: 'active',
  creation_pending: 'active',
  requested: 'inactive',
  inactive: 'inactive',
  completed: 'completed',
  rejected: 'deleted',
  deleted: 'deleted',
};

const PLAIN_FALLBACK = 'export it as plain CSV instead';

export const CANVAS_SIS_CSV: ExportFormat = {
  name: 'canvas-sis',
  fileSuffix: 'canvas-sis',
  refusesFormulas: 'Canvas SIS Import files',
  oneRowPerRosterRow: false,
  tables: [
    {
      name: 'enrollments.csv',
      columns: ['course_id', 'user_id', 'role', 'section_id', 'status'],
      labels: { course_id: 'course SIS id or code', user_id: 'school ID', section_id: 'section code' },
      *rows(context) {
        for (const { row, realm, role, status, removal, about } of exportedRows(context)) {
          if (realm.kind === 'group') {
            throw new RowRefusal(about, `${realm.title} is a group, and Canvas SIS imports enroll people in courses and sections only; ${PLAIN_FALLBACK}`);
          }
          const courseId = realm.courseSisId || realm.courseCode;
          const sectionId = realm.sectionSchoolCode || realm.sectionCode;
          if (courseId === '' && sectionId === '') {
            throw new RowRefusal(about, `${realm.title} has no course code and no section code, one of which Canvas needs; set them in the LMS and pull, or ${PLAIN_FALLBACK}`);
          }
          if (row.schoolUid === '') {
            throw new RowRefusal(about, `${row.displayName} has no school ID, which Canvas SIS imports name people by (user_id); set it in the LMS and pull, or ${PLAIN_FALLBACK}`);
          }
          yield { about, record: [courseId, row.schoolUid, role, sectionId, removal ? 'deleted' : CANVAS_STATUS[status]] };
        }
      },
    },
  ],
};
