/**
 * Which Canvas calls turn a unified edit into Canvas's state, decided without the network so the rules can be read
 * and tested on their own (lms-api-notes §2.1, canvas-lms enrollments_api_controller.rb):
 *
 * - Creating: POST …/enrollments with `enrollment_state` active, invited or inactive (the only states the endpoint
 *   takes); completed is an active enrollment concluded right after; the other states cannot be created.
 * - Changing the state of an existing enrollment:
 *
 *   | to         | call                                                                          |
 *   |------------|-------------------------------------------------------------------------------|
 *   | active     | PUT …/reactivate from inactive; otherwise POST …/enrollments again with state active |
 *   | invited    | POST …/enrollments again with state invited                                   |
 *   | inactive   | DELETE …/enrollments/:id?task=inactivate                                      |
 *   | completed  | DELETE …/enrollments/:id?task=conclude                                        |
 *   | deleted    | DELETE …/enrollments/:id?task=delete                                          |
 *   | creation_pending, rejected, requested | refused: Canvas sets the first itself, only the invited person can reject, and Canvas has no request-pending state |
 *
 *   Enrolling again is safe because Canvas answers the person's existing enrollment of that type and section
 *   with its state set, rather than adding a second.
 * - Changing the role: Canvas cannot change an enrollment's type; the person is enrolled with the new type in the
 *   same section and the old enrollment is deleted (see CanvasProvider for how a retry of that stays safe).
 */
import { roleToCanvas, statusToCanvas, UnmappableValueError, type CanvasState, type CanvasType, type Role, type Status } from '../../../shared/domain';

export type CreatableState = 'active' | 'invited' | 'inactive';

export type StatusStep =
  | { call: 'none' }
  | { call: 'reactivate' }
  | { call: 'enroll'; state: 'active' | 'invited' }
  | { call: 'delete'; task: 'conclude' | 'inactivate' | 'delete' }
  | { call: 'refuse'; reason: string };

export type CreatePlan =
  /** POST with `state`, then `then` when Canvas cannot create the target state directly. */
  | { call: 'enroll'; state: CreatableState; then: StatusStep }
  | { call: 'refuse'; reason: string };

export type RoleStep = { call: 'none' } | { call: 'replace'; type: CanvasType } | { call: 'refuse'; reason: string };

function refusal(status: Status): string | null {
  switch (status) {
    case 'creation_pending':
      return 'Canvas sets "pending creation" itself (for a person who has no login yet); it cannot be chosen';
    case 'rejected':
      return 'only the invited person can reject an invitation in Canvas';
    case 'requested':
      try {
        statusToCanvas(status);
      } catch (error) {
        if (error instanceof UnmappableValueError) return error.message;
        throw error;
      }
      return null;
    default:
      return null;
  }
}

/** The calls that move an enrollment in state `current` to `target`. */
export function statusStep(current: CanvasState, target: Status): StatusStep {
  if (current === target) return { call: 'none' };
  const refused = refusal(target);
  if (refused) return { call: 'refuse', reason: refused };
  switch (target) {
    case 'active':
      return current === 'inactive' ? { call: 'reactivate' } : { call: 'enroll', state: 'active' };
    case 'invited':
      return { call: 'enroll', state: 'invited' };
    case 'inactive':
      return { call: 'delete', task: 'inactivate' };
    case 'completed':
      return { call: 'delete', task: 'conclude' };
    case 'deleted':
      return { call: 'delete', task: 'delete' };
    default:
      return { call: 'refuse', reason: `status "${target}" cannot be written to Canvas` };
  }
}

/** How to create an enrollment that ends in `target`. */
export function createPlan(target: Status): CreatePlan {
  const refused = refusal(target);
  if (refused) return { call: 'refuse', reason: refused };
  switch (target) {
    case 'active':
    case 'invited':
    case 'inactive':
      return { call: 'enroll', state: target, then: { call: 'none' } };
    case 'completed':
      return { call: 'enroll', state: 'active', then: { call: 'delete', task: 'conclude' } };
    case 'deleted':
      return { call: 'refuse', reason: 'a deleted enrollment cannot be created; remove the person instead' };
    default:
      return { call: 'refuse', reason: `status "${target}" cannot be written to Canvas` };
  }
}

/** Whether a role edit needs a new enrollment, and of which type. */
export function roleStep(current: CanvasType, target: Role): RoleStep {
  const type = roleToCanvas(target);
  if (type === current) return { call: 'none' };
  if (current === 'StudentViewEnrollment') {
    return { call: 'refuse', reason: "Canvas's test student (Student View) cannot be given another role" };
  }
  return { call: 'replace', type };
}
