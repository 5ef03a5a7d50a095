/**
 * What the CLI says differently for a Canvas account than for a Schoology one, and the edits each LMS can take. The
 * numbers stay the same for both (admin 0|1, status 1–5: scripts keep working across accounts); what changes is the
 * words beside them and the roles a Canvas account adds (`role`, the unified vocabulary of shared/domain/roles.ts).
 */
import { ROLES, isAdminRole, roleLabel, statusLabel, type Role, type SchoologyStatus, type Status } from '../../shared/domain/roles';
import type { Provider } from '../../shared/domain/provider';

export const PROVIDER_NAMES: Record<Provider, string> = { schoology: 'Schoology', canvas: 'Canvas' };

/** The words for a provider's realms, as `pull` and `realms` count them. */
export const REALM_NOUNS: Record<Provider, { one: string; many: string }> = {
  schoology: { one: 'section or group', many: 'sections and groups' },
  canvas: { one: 'course or section', many: 'courses and sections' },
};

/** `--role` and an edit line's "role": the unified roles, as Canvas names its enrollment types. */
export const ROLE_WORDS = ROLES.join('|');

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/** The ROLE column: Schoology's "admin"/"member" as before; Canvas's own word (Student, TA, …). */
export function roleCell(provider: Provider, role: Role): string {
  return provider === 'schoology' ? (isAdminRole(role) ? 'admin' : 'member') : roleLabel(provider, role);
}

/** The STATUS column: the number (null: "?") and the provider's word for the status. */
export function statusCell(provider: Provider, number: number | null, status: Status): string {
  return `${number ?? '?'} ${statusLabel(provider, status)}`;
}

/** Status numbers as a Canvas account reads them (4, request pending, has no Canvas counterpart). */
export const CANVAS_STATUS_WORDS = '1 active, 2 concluded, 3 invited, 5 inactive';

/**
 * Why the provider cannot take a role or status an edit asks for, or null when it can. Schoology has only admin and
 * member, so a role it would store as something else is refused rather than silently narrowed; Canvas has no
 * request-pending state (shared/domain/roles.ts: "Cannot be mapped").
 */
export function unsupportedValue(provider: Provider, edit: { role?: Role | undefined; status?: SchoologyStatus | undefined }): string | null {
  if (provider === 'schoology' && edit.role !== undefined && edit.role !== 'teacher' && edit.role !== 'student') {
    return `role "${edit.role}" is for Canvas accounts; a Schoology account takes role teacher or student (or admin 1 or 0)`;
  }
  if (provider === 'canvas' && edit.status === 4) {
    return `status 4 (request pending) has no Canvas counterpart; a Canvas account takes status ${CANVAS_STATUS_WORDS}`;
  }
  return null;
}
