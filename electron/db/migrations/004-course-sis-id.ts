import { type Migration } from '../migrate';

/**
 * Schema 4: realms.course_sis_id, the course's SIS id (Canvas sis_course_id). Canvas SIS imports name a course by it
 * (enrollments.csv course_id, lms-api-notes §2.6), not by its course code, so the Canvas SIS export needs it cached.
 *
 * Realms cached before this version get "" — as a Schoology realm always has — until the next pull of the account
 * lists them again with the id; until then the export falls back to the course code, as it did before.
 */
export const courseSisIdMigration: Migration = {
  version: 4,
  name: 'course SIS id on realms',
  sql: `ALTER TABLE realms ADD COLUMN course_sis_id TEXT NOT NULL DEFAULT '';`,
};
