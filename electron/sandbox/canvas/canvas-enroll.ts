/**
 * Enrolling one person in one section, the way Canvas's Course#enroll_user does for every path that enrolls (the
 * enrollments API, SIS imports, bulk_enrollment): an enrollment of the same person in the same section with the same
 * role (and, for an observer, the same observee) is reused and brought to the new state rather than duplicated
 * (`allow_multiple_enrollments` only lets one person hold several sections or roles). A different role is a new
 * enrollment. Every change sets updated_at.
 */
import type { CanvasState } from '../../../shared/domain/roles';
import type { CanvasRole, CanvasStore, SandboxCanvasEnrollment, SandboxCanvasSection } from './canvas-store';

export interface EnrollRequest {
  section: SandboxCanvasSection;
  userId: number;
  role: CanvasRole;
  state: CanvasState;
  associatedUserId: number | null;
  limitPrivileges?: boolean;
  startAt?: string | null;
  endAt?: string | null;
  sisImportId?: number | null;
  /** ISO time of the change. */
  at: string;
}

export function enrollUser(store: CanvasStore, request: EnrollRequest): { enrollment: SandboxCanvasEnrollment; created: boolean } {
  const existing = store.findEnrollment(request.section.id, request.userId, request.role.id, request.associatedUserId);
  const dates = {
    ...(request.startAt === undefined ? {} : { start_at: request.startAt }),
    ...(request.endAt === undefined ? {} : { end_at: request.endAt }),
  };
  if (existing) {
    const enrollment = store.updateEnrollment(existing.id, {
      workflow_state: request.state,
      updated_at: request.at,
      ...dates,
      ...(request.limitPrivileges === undefined ? {} : { limit_privileges_to_course_section: request.limitPrivileges }),
      ...(request.sisImportId === undefined ? {} : { sis_import_id: request.sisImportId }),
    });
    return { enrollment, created: false };
  }
  const enrollment = store.insertEnrollment({
    course_id: request.section.course_id,
    course_section_id: request.section.id,
    user_id: request.userId,
    type: request.role.base_role_type,
    role_id: request.role.id,
    workflow_state: request.state,
    associated_user_id: request.associatedUserId,
    limit_privileges_to_course_section: request.limitPrivileges ?? false,
    created_at: request.at,
    updated_at: request.at,
    start_at: request.startAt ?? null,
    end_at: request.endAt ?? null,
    last_activity_at: null,
    last_attended_at: null,
    total_activity_time: 0,
    sis_import_id: request.sisImportId ?? null,
  });
  return { enrollment, created: true };
}
