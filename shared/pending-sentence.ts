/**
 * A queued edit in words, for the pending-changes panel and anything else that lists edits to staff:
 * "Make James Howlett an admin of Algebra I · P3", "Remove Mr. Strickland from Algebra I · P3",
 * "Set James Howlett's status to expired in Algebra I · P3" (roles and statuses in the words of the realm's LMS).
 *
 * Pure (no Node, no cache): the caller looks up the person's name and the realm's titles and passes them in, so the
 * renderer, the main process and the CLI can all use it.
 */
import type { Provider } from './domain/provider';
import { statusLabel, type Role, type Status } from './domain/roles';

export interface SentenceOp {
  kind: 'enroll' | 'update' | 'remove' | 'access_code';
  fields: { role?: Role; status?: Status; accessCode?: string; realmKind?: 'section' | 'group' };
  /** The person's user id, when the op is about a person. */
  userId: string | null;
  enrollmentId: string | null;
}

export interface SentenceNames {
  /** The person's display name, or null when the cache does not know them (the user id is shown then). */
  person: string | null;
  /** The realm as the cache knows it, or null (e.g. for an access-code join). */
  realm: { kind: string; title: string; courseTitle: string; provider: Provider } | null;
}

/** "Algebra I · P3" for a section, the title alone for a group (or a section whose title already names its course). */
export function realmLabel(realm: { kind: string; title: string; courseTitle: string }): string {
  const title = realm.title.trim();
  const course = realm.courseTitle.trim();
  if (realm.kind !== 'section' || course === '' || title.includes(course)) return title || course || 'an unnamed realm';
  return title === '' ? course : `${course} · ${title}`;
}

const ROLE_WORDS: Record<Role, string> = {
  teacher: 'a teacher',
  ta: 'a TA',
  designer: 'a designer',
  student: 'a student',
  observer: 'an observer',
};

const STATUS_WORDS: Record<Status, string> = {
  active: 'active',
  invited: 'invited',
  creation_pending: 'creation pending',
  requested: 'requested',
  inactive: 'inactive',
  completed: 'completed',
  rejected: 'rejected',
  deleted: 'deleted',
};

/**
 * The role as staff of that LMS say it: Schoology has only admins and members (a TA or designer is an admin there,
 * an observer a member), Canvas names each enrollment type.
 */
export function roleWords(role: Role, provider: Provider | null): string {
  if (provider === 'schoology') return role === 'student' || role === 'observer' ? 'a member' : 'an admin';
  return ROLE_WORDS[role];
}

/** The status as staff of that LMS read it in the roster (Schoology's "archived", "expired"), lower-case. */
export function statusWords(status: Status, provider: Provider | null): string {
  return provider ? statusLabel(provider, status).toLowerCase() : STATUS_WORDS[status];
}

/** The op as one sentence, without a final full stop. */
export function describeEdit(op: SentenceOp, names: SentenceNames): string {
  const who = names.person?.trim() || (op.userId ? `user ${op.userId}` : op.enrollmentId ? `enrollment ${op.enrollmentId}` : 'someone');
  const where = names.realm ? realmLabel(names.realm) : 'a realm';
  const provider = names.realm?.provider ?? null;
  const { role, status } = op.fields;
  switch (op.kind) {
    case 'enroll': {
      const as = role ? ` as ${roleWords(role, provider)}` : '';
      const state = status && status !== 'active' ? ` (${statusWords(status, provider)})` : '';
      return `Add ${who} to ${where}${as}${state}`;
    }
    case 'update':
      if (role && status) return `Make ${who} ${roleWords(role, provider)} of ${where} and set their status to ${statusWords(status, provider)}`;
      if (role) return `Make ${who} ${roleWords(role, provider)} of ${where}`;
      if (status) return `Set ${possessive(who)} status to ${statusWords(status, provider)} in ${where}`;
      return `Change ${possessive(who)} enrollment in ${where}`;
    case 'remove':
      return `Remove ${who} from ${where}`;
    case 'access_code':
      return `Join a ${op.fields.realmKind ?? 'section or group'} with access code ${op.fields.accessCode ?? '?'}`;
  }
}

const possessive = (name: string): string => (/s$/i.test(name) ? `${name}'` : `${name}'s`);
