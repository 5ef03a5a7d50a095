/**
 * Which roles and statuses staff may pick, per provider. Offering a value the provider cannot store would queue an
 * edit the LMS is bound to reject (shared/domain/roles.ts says why each one is missing).
 */
import { ROLES, STATUSES, type Role, type Status } from '../../../shared/domain/roles';
import type { Provider } from '../../../shared/domain/provider';

/** Schoology only knows admin and member; offering TA or observer there would be a lie. */
export const rolesFor = (provider: Provider): readonly Role[] => (provider === 'schoology' ? SCHOOLOGY_ROLES : ROLES);

/**
 * Schoology has no rejected or deleted state. Canvas can be given only active, invited, inactive and completed
 * (concluded): it sets creation_pending itself, only the invited person can reject, it has no request-pending state
 * (electron/lms/canvas/canvas-push-plan.ts refuses those), and deleting is the roster's Remove, not a status.
 */
export const statusesFor = (provider: Provider): readonly Status[] => (provider === 'schoology' ? SCHOOLOGY_STATUSES : CANVAS_STATUSES);

/**
 * Statuses a cached roster of the provider can hold, for the status filter: more than can be set on Canvas, whose
 * pulls also bring people Canvas itself holds as pending creation (electron/lms/canvas/canvas-provider.ts ROSTER_STATES).
 */
export const heldStatusesFor = (provider: Provider): readonly Status[] => (provider === 'schoology' ? SCHOOLOGY_STATUSES : CANVAS_HELD_STATUSES);

const SCHOOLOGY_ROLES: readonly Role[] = ['teacher', 'student'];
const SCHOOLOGY_STATUSES: readonly Status[] = ['active', 'completed', 'invited', 'requested', 'inactive'];
const CANVAS_STATUSES: readonly Status[] = STATUSES.filter((status) => ['active', 'invited', 'inactive', 'completed'].includes(status));
const CANVAS_HELD_STATUSES: readonly Status[] = STATUSES.filter((status) => ['active', 'invited', 'creation_pending', 'inactive', 'completed'].includes(status));
