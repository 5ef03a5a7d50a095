/**
 * The enrollment writes of lms-api-notes §2.1: enroll (POST courses|sections/:id/enrollments, form-encoded
 * `enrollment[…]` or a JSON body), conclude/delete/inactivate (DELETE …/enrollments/:id?task=), reactivate, accept and
 * reject. Errors carry the bodies Canvas sends: 400 {"message"} from render_create_errors, 400 {"error"} from the
 * state changes, 404 for ids that find nothing. Every change sets updated_at.
 */
import type { CanvasState } from '../../../shared/domain/roles';
import { CanvasApiError, createError, isoNow, notFound, plainError, type CanvasContext, type CanvasReply } from './canvas-context';
import { enrollUser } from './canvas-enroll';
import { findCourse, findSection, lookupUser } from './canvas-ids';
import { truthy, type CanvasParams } from './canvas-params';
import { enrollmentRecord } from './canvas-records';
import { ENROLLMENT_TYPES, type CanvasRole, type EnrollmentType, type SandboxCanvasEnrollment, type SandboxCanvasSection } from './canvas-store';

/** The states an enrollment can be created in ("Default is 'invited.'"). */
const CREATE_STATES: readonly CanvasState[] = ['active', 'invited', 'inactive'];

function roleFor(ctx: CanvasContext, fields: CanvasParams): CanvasRole {
  const typeText = fields.text('type');
  const roleIdText = fields.text('role_id');
  let type: EnrollmentType | undefined;
  if (typeText !== undefined && typeText !== '') {
    if (!(ENROLLMENT_TYPES as readonly string[]).includes(typeText)) throw createError('Invalid type');
    type = typeText as EnrollmentType;
  }
  if (roleIdText !== undefined && roleIdText !== '') {
    const role = /^\d+$/.test(roleIdText) ? ctx.store.getRole(Number(roleIdText)) : undefined;
    if (!role) throw createError('Invalid role');
    if (role.workflow_state !== 'active') throw createError('Cannot create an enrollment with this role because it is inactive.');
    if (type !== undefined && role.base_role_type !== type) throw createError('The specified type must match the base type for the role');
    return role;
  }
  return ctx.store.builtInRole(type ?? 'StudentEnrollment');
}

/** POST courses/:id/enrollments and sections/:id/enrollments. */
export function createEnrollment(ctx: CanvasContext, scope: 'course' | 'section', id: string): CanvasReply {
  let section: SandboxCanvasSection;
  if (scope === 'section') {
    section = findSection(ctx, id);
  } else {
    const course = findCourse(ctx, id);
    const sections = ctx.store.sectionsOf(course.id);
    const sectionId = ctx.params.hash('enrollment')?.text('course_section_id');
    if (sectionId !== undefined && sectionId !== '') {
      const chosen = sections.find((s) => String(s.id) === sectionId);
      if (!chosen) throw notFound();
      section = chosen;
    } else {
      const first = sections[0];
      if (!first) throw createError('Course has no open sections');
      section = first;
    }
  }
  const fields = ctx.params.hash('enrollment');
  if (!fields) throw createError('No parameters given');
  const userText = fields.text('user_id');
  if (userText === undefined || userText === '') {
    throw createError("Can't create an enrollment without a user. Include enrollment[user_id] to create an enrollment");
  }
  const user = lookupUser(ctx, userText);
  if (!user) throw notFound();
  const role = roleFor(ctx, fields);
  const stateText = fields.text('enrollment_state');
  const state = stateText === undefined || stateText === '' ? 'invited' : (stateText as CanvasState);
  if (!CREATE_STATES.includes(state)) {
    throw new CanvasApiError(400, { errors: { enrollment_state: [{ attribute: 'enrollment_state', type: 'inclusion', message: 'must be active, invited or inactive' }] } });
  }
  let associatedUserId: number | null = null;
  const associated = fields.text('associated_user_id');
  if (role.base_role_type === 'ObserverEnrollment' && associated !== undefined && associated !== '') {
    const observed = lookupUser(ctx, associated);
    if (!observed) throw notFound();
    associatedUserId = observed.id;
  }
  const limitText = fields.text('limit_privileges_to_course_section');
  const startAt = dateField(fields, 'start_at');
  const endAt = dateField(fields, 'end_at');
  // enrollment[notify] only decides whether Canvas sends a notification; the sandbox sends none either way.
  const { enrollment } = enrollUser(ctx.store, {
    section,
    userId: user.id,
    role,
    state,
    associatedUserId,
    ...(limitText === undefined ? {} : { limitPrivileges: truthy(limitText) }),
    ...(startAt === undefined ? {} : { startAt }),
    ...(endAt === undefined ? {} : { endAt }),
    at: isoNow(ctx.now),
  });
  return { status: 200, value: enrollmentRecord(ctx.store, enrollment, ctx.web, 'course') };
}

function dateField(fields: CanvasParams, name: string): string | null | undefined {
  const value = fields.text(name);
  if (value === undefined) return undefined;
  if (value === '') return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new CanvasApiError(400, { errors: { [name]: [{ attribute: name, type: 'invalid', message: `${name} must be an ISO 8601 time` }] } });
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function enrollmentInCourse(ctx: CanvasContext, courseId: string, id: string): SandboxCanvasEnrollment {
  const course = findCourse(ctx, courseId);
  const enrollment = /^\d+$/.test(id) ? ctx.store.getEnrollment(Number(id)) : undefined;
  if (!enrollment || enrollment.course_id !== course.id) throw notFound();
  return enrollment;
}

const TASK_STATE: Record<string, CanvasState> = { conclude: 'completed', delete: 'deleted', inactivate: 'inactive', deactivate: 'inactive' };

/** DELETE courses/:course_id/enrollments/:id?task=…; "If the task argument isn't given, the enrollment will be concluded." */
export function endEnrollment(ctx: CanvasContext, courseId: string, id: string): CanvasReply {
  const enrollment = enrollmentInCourse(ctx, courseId, id);
  const task = ctx.params.text('task') ?? 'conclude';
  const state = Object.hasOwn(TASK_STATE, task) ? TASK_STATE[task] : undefined;
  if (!state) throw plainError(400, `${task} is not a valid task; use conclude, delete, inactivate or deactivate`);
  const changed = ctx.store.updateEnrollment(enrollment.id, {
    workflow_state: state,
    updated_at: isoNow(ctx.now),
    // Concluding stamps the end of the enrollment, as Enrollment#conclude does.
    ...(state === 'completed' ? { end_at: isoNow(ctx.now) } : {}),
  });
  return { status: 200, value: enrollmentRecord(ctx.store, changed, ctx.web, 'course') };
}

/** PUT courses/:course_id/enrollments/:id/reactivate: only an inactive enrollment (400 "enrollment not inactive"). */
export function reactivateEnrollment(ctx: CanvasContext, courseId: string, id: string): CanvasReply {
  const enrollment = enrollmentInCourse(ctx, courseId, id);
  if (enrollment.workflow_state !== 'inactive') throw plainError(400, 'enrollment not inactive');
  const changed = ctx.store.updateEnrollment(enrollment.id, { workflow_state: 'active', updated_at: isoNow(ctx.now) });
  return { status: 200, value: enrollmentRecord(ctx.store, changed, ctx.web, 'course') };
}

/** POST …/:id/accept and …/:id/reject: only a pending invitation; {"success": true}. */
export function answerInvitation(ctx: CanvasContext, courseId: string, id: string, answer: 'accept' | 'reject'): CanvasReply {
  const enrollment = enrollmentInCourse(ctx, courseId, id);
  if (enrollment.workflow_state !== 'invited') throw plainError(400, 'no current invitation');
  ctx.store.updateEnrollment(enrollment.id, { workflow_state: answer === 'accept' ? 'active' : 'rejected', updated_at: isoNow(ctx.now) });
  return { status: 200, value: { success: true } };
}
