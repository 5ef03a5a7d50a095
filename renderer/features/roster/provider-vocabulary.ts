/**
 * Which roles and statuses staff may pick, per provider. Offering a value the provider cannot store would queue an
 * edit the LMS is bound to reject (shared/domain/roles.ts says why each one is missing).
 */
import { ROLES, STATUSES, type Role, type Status } from '../../../shared/domain/roles';
import type { Provider } from '../../../shared/domain/provider';

/** Schoology only knows admin and member; offering TA or observer there would be a lie. */
export const rolesFor = (provider: Provider): readonly Role[] => (provider === 'schoology' ? SCHOOLOGY_ROLES : ROLES);

/** Schoology has no rejected or deleted state; Canvas has no request-pending one. */
export const statusesFor = (provider: Provider): readonly Status[] => (provider === 'schoology' ? SCHOOLOGY_STATUSES : CANVAS_STATUSES);

const SCHOOLOGY_ROLES: readonly Role[] = ['teacher', 'student'];
const SCHOOLOGY_STATUSES: readonly Status[] = ['active', 'completed', 'invited', 'requested', 'inactive'];
const CANVAS_STATUSES: readonly Status[] = STATUSES.filter((status) => status !== 'requested');
