import type { Provider } from './provider';

/**
 * A realm is where enrollments live: a Schoology section or group, a Canvas course or section.
 * Its key is the LMS path prefix ("sections/3719526"), which is what the enrollment endpoints hang off.
 */
export const REALM_KINDS = ['section', 'group', 'course'] as const;
export type RealmKind = (typeof REALM_KINDS)[number];

export interface Realm {
  /** e.g. "sections/3719526"; unique within an account. */
  key: string;
  accountId: string;
  provider: Provider;
  kind: RealmKind;
  /** The LMS id of the section / group / course. */
  remoteId: string;
  title: string;
  /** Course this section belongs to (Schoology course_title / Canvas course name); "" for groups. */
  courseTitle: string;
  courseCode: string;
  /**
   * The course's SIS id (Canvas sis_course_id), which Canvas SIS imports name the course by (lms-api-notes §2.6);
   * "" when the course has none, and always for Schoology, which has no such id.
   */
  courseSisId: string;
  sectionCode: string;
  sectionSchoolCode: string;
  /** Grading periods the section spans (Schoology ids), used by the import-by-code endpoints. */
  gradingPeriods: string[];
  /** ISO time of the last successful pull of this realm's roster, or null when never pulled. */
  pulledAt: string | null;
}

export function realmKey(kind: RealmKind, remoteId: string): string {
  return `${kind}s/${remoteId}`;
}
