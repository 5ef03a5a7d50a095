/**
 * The unified Enrollment: one shape for a person's membership in a realm, whichever LMS it came from.
 *
 * The normalised fields are what the roster screens, the cache's query columns and the sync engine work with.
 * `source` keeps the provider's record exactly as parsed from the wire (every documented field, and any
 * undocumented extra field the server sent), so nothing is lost and a record can be written back as it came.
 */
import type { Provider } from './provider';
import type { Role, Status } from './roles';
import type { SchoologyEnrollment } from './schoology-wire';
import type { CanvasEnrollment } from './canvas-wire';

export interface PersonName {
  title: string;
  first: string;
  firstPreferred: string;
  middle: string;
  last: string;
  /** How the LMS shows the person ("Mr. Strickland"); the roster sorts and searches on it. */
  display: string;
  /** "Last, First" for sorting; Canvas sends it, for Schoology it is derived. */
  sortable: string;
}

export type EnrollmentSource =
  | { provider: 'schoology'; record: SchoologyEnrollment }
  | { provider: 'canvas'; record: CanvasEnrollment };

export interface Enrollment {
  provider: Provider;
  /** The LMS's enrollment id, always as text (Canvas sends numbers, Schoology numeric strings). */
  id: string;
  /** The realm key in the cache, e.g. "sections/3719526", "groups/65371", "courses/12". */
  realmKey: string;
  /** The LMS's user id (Schoology uid, Canvas user_id), as text. */
  userId: string;
  /** The school's own id for the person (Schoology school_uid, Canvas sis_user_id); "" when none. */
  schoolUid: string;
  name: PersonName;
  role: Role;
  status: Status;
  pictureUrl: string;
  source: EnrollmentSource;
}

/** What an edit may change on an enrollment. */
export interface EnrollmentFields {
  role: Role;
  status: Status;
}
