/**
 * The unified role and status vocabularies, and how each provider's values map onto them.
 *
 * Role: Canvas's five base enrollment types are the richer vocabulary, so they are the unified one.
 * Schoology has only admin (1) and member (0):
 *
 * | unified   | Schoology admin | Canvas type          |
 * |-----------|-----------------|----------------------|
 * | teacher   | 1 (read as)     | TeacherEnrollment    |
 * | ta        | 1 (lossy)       | TaEnrollment         |
 * | designer  | 1 (lossy)       | DesignerEnrollment   |
 * | student   | 0 (read as)     | StudentEnrollment    |
 * | observer  | 0 (lossy)       | ObserverEnrollment   |
 * | student   | —               | StudentViewEnrollment (Canvas's test student; read only) |
 *
 * Cannot be mapped: Schoology cannot tell a TA or designer from a teacher, nor an observer from a student
 * (Schoology parents are user associations, not enrollments), so writing those roles to Schoology keeps only
 * the admin bit and reading back gives teacher/student. Canvas custom roles (role ≠ type) map to their base
 * type; the custom role name and role_id are kept untouched in the Canvas source record.
 *
 * Status:
 *
 * | unified          | Schoology status              | Canvas enrollment_state |
 * |------------------|-------------------------------|-------------------------|
 * | active           | 1 Active                      | active                  |
 * | completed        | 2 Expired (past course)       | completed               |
 * | invited          | 3 Invite pending              | invited                 |
 * | creation_pending | 3 Invite pending (lossy)      | creation_pending        |
 * | requested        | 4 Request pending             | — (no equivalent)       |
 * | inactive         | 5 Archived (pre-unenroll)     | inactive                |
 * | rejected         | — (no equivalent)             | rejected                |
 * | deleted          | — (a deleted Schoology enrollment no longer exists) | deleted |
 *
 * Cannot be mapped: Schoology has no rejected or deleted state (deleting removes the enrollment) and Canvas
 * has no request-pending state; writing such a status to the other provider is refused with an error rather
 * than guessed.
 */
import type { Provider } from './provider';

export const ROLES = ['teacher', 'ta', 'designer', 'student', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export const STATUSES = [
  'active',
  'invited',
  'creation_pending',
  'requested',
  'inactive',
  'completed',
  'rejected',
  'deleted',
] as const;
export type Status = (typeof STATUSES)[number];

export type SchoologyAdmin = 0 | 1;
export type SchoologyStatus = 1 | 2 | 3 | 4 | 5;

export const CANVAS_TYPES = [
  'TeacherEnrollment',
  'TaEnrollment',
  'DesignerEnrollment',
  'StudentEnrollment',
  'ObserverEnrollment',
  // Canvas's "Test Student" (Student View) appears in course rosters with this type. It reads as a student;
  // roleToCanvas never produces it, since it cannot be created through the enrollments API.
  'StudentViewEnrollment',
] as const;
export type CanvasType = (typeof CANVAS_TYPES)[number];

export const CANVAS_STATES = [
  'active',
  'invited',
  'creation_pending',
  'inactive',
  'completed',
  'rejected',
  'deleted',
] as const;
export type CanvasState = (typeof CANVAS_STATES)[number];

/** Raised when a unified value has no counterpart at a provider; the message says which and why. */
export class UnmappableValueError extends Error {
  constructor(
    readonly provider: Provider,
    readonly field: 'role' | 'status',
    readonly value: string,
    reason: string,
  ) {
    super(`${field} "${value}" cannot be written to ${provider}: ${reason}`);
    this.name = 'UnmappableValueError';
  }
}

export const isAdminRole = (role: Role): boolean => role === 'teacher' || role === 'ta' || role === 'designer';

export const roleFromSchoology = (admin: SchoologyAdmin): Role => (admin === 1 ? 'teacher' : 'student');
export const roleToSchoology = (role: Role): SchoologyAdmin => (isAdminRole(role) ? 1 : 0);

const SCHOOLOGY_STATUS: Record<SchoologyStatus, Status> = {
  1: 'active',
  2: 'completed',
  3: 'invited',
  4: 'requested',
  5: 'inactive',
};
export const statusFromSchoology = (status: SchoologyStatus): Status => SCHOOLOGY_STATUS[status];
export function statusToSchoology(status: Status): SchoologyStatus {
  switch (status) {
    case 'active':
      return 1;
    case 'completed':
      return 2;
    case 'invited':
    case 'creation_pending':
      return 3;
    case 'requested':
      return 4;
    case 'inactive':
      return 5;
    case 'rejected':
      throw new UnmappableValueError('schoology', 'status', status, 'Schoology has no rejected state');
    case 'deleted':
      throw new UnmappableValueError('schoology', 'status', status, 'remove the enrollment instead');
  }
}

const CANVAS_TYPE_ROLE: Record<CanvasType, Role> = {
  TeacherEnrollment: 'teacher',
  TaEnrollment: 'ta',
  DesignerEnrollment: 'designer',
  StudentEnrollment: 'student',
  ObserverEnrollment: 'observer',
  StudentViewEnrollment: 'student',
};
export const roleFromCanvas = (type: CanvasType): Role => CANVAS_TYPE_ROLE[type];
export function roleToCanvas(role: Role): CanvasType {
  const found = CANVAS_TYPES.find((type) => CANVAS_TYPE_ROLE[type] === role);
  if (!found) throw new UnmappableValueError('canvas', 'role', role, 'unknown role');
  return found;
}

export const statusFromCanvas = (state: CanvasState): Status => state;
export function statusToCanvas(status: Status): CanvasState {
  if (status === 'requested') {
    throw new UnmappableValueError('canvas', 'status', status, 'Canvas has no request-pending state');
  }
  return status;
}

/** Words staff see, in each provider's own vocabulary (a Schoology user knows "Expired", not "completed"). */
export function statusLabel(provider: Provider, status: Status): string {
  if (provider === 'schoology') {
    const words: Partial<Record<Status, string>> = {
      active: 'Active',
      completed: 'Expired',
      invited: 'Invite pending',
      creation_pending: 'Invite pending',
      requested: 'Request pending',
      inactive: 'Archived',
    };
    return words[status] ?? status;
  }
  const words: Record<Status, string> = {
    active: 'Active',
    invited: 'Invited',
    creation_pending: 'Pending creation',
    requested: 'Requested',
    inactive: 'Inactive',
    // Canvas calls a completed enrollment "concluded" (its Conclude button, task=conclude).
    completed: 'Concluded',
    rejected: 'Rejected',
    deleted: 'Deleted',
  };
  return words[status];
}

export function roleLabel(provider: Provider, role: Role): string {
  if (provider === 'schoology') return isAdminRole(role) ? 'Admin' : 'Member';
  const words: Record<Role, string> = {
    teacher: 'Teacher',
    ta: 'TA',
    designer: 'Designer',
    student: 'Student',
    observer: 'Observer',
  };
  return words[role];
}
