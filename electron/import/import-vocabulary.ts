/**
 * The role and status words an imported roster may use, per LMS: the words staff see in the LMS (and this app's plain
 * export writes: roleLabel/statusLabel), and the unified words (teacher, completed, …) where the LMS can hold them.
 * Values come back as the LMS will read them back, so a diff against the cached roster compares like with like
 * (Schoology shows every admin as a teacher, every "Invite pending" as invited).
 */
import type { Provider } from '../../shared/domain/provider';
import {
  ROLES,
  STATUSES,
  UnmappableValueError,
  roleFromSchoology,
  roleLabel,
  roleToSchoology,
  statusFromSchoology,
  statusLabel,
  statusToCanvas,
  statusToSchoology,
  type Role,
  type Status,
} from '../../shared/domain/roles';

export type Reading<T> = { ok: true; value: T } | { ok: false; message: string };

const PROVIDER_NAMES: Record<Provider, string> = { schoology: 'Schoology', canvas: 'Canvas' };

const fold = (text: string): string => text.trim().toLowerCase().replace(/[\s_-]+/g, ' ');

/** The status as the LMS holds it, or null when it has no such status. */
function heldStatus(provider: Provider, status: Status): Status | null {
  try {
    if (provider === 'schoology') return statusFromSchoology(statusToSchoology(status));
    statusToCanvas(status);
    return status;
  } catch (error) {
    if (error instanceof UnmappableValueError) return null;
    throw error;
  }
}

/**
 * Schoology keeps only the admin bit: its own words and teacher/student are read; a TA, designer or observer cannot be
 * told apart there, so asking for one is a problem rather than a silent change to Admin or Member.
 */
function heldRole(provider: Provider, role: Role): Role | null {
  if (provider !== 'schoology') return role;
  return role === 'teacher' || role === 'student' ? roleFromSchoology(roleToSchoology(role)) : null;
}

interface Words<T> {
  byWord: Map<string, T>;
  /** What the problem message offers instead. */
  listed: string;
}

function wordsOf<T extends string>(
  values: readonly T[],
  held: (value: T) => T | null,
  label: (value: T) => string,
): Words<T> {
  const byWord = new Map<string, T>();
  const labels: string[] = [];
  for (const value of values) {
    const kept = held(value);
    if (kept === null) continue;
    const word = label(value);
    if (!labels.includes(word)) labels.push(word);
    // The first value a word names wins: "Invite pending" is invited, not creation_pending.
    for (const name of [word, value]) if (!byWord.has(fold(name))) byWord.set(fold(name), kept);
  }
  return { byWord, listed: `${labels.slice(0, -1).join(', ')} or ${labels.at(-1) ?? ''}` };
}

const roleWords = new Map<Provider, Words<Role>>();
const statusWords = new Map<Provider, Words<Status>>();

function rolesOf(provider: Provider): Words<Role> {
  let words = roleWords.get(provider);
  if (!words) roleWords.set(provider, (words = wordsOf(ROLES, (role) => heldRole(provider, role), (role) => roleLabel(provider, role))));
  return words;
}

function statusesOf(provider: Provider): Words<Status> {
  let words = statusWords.get(provider);
  if (!words) {
    // Schoology numbers its statuses (1 Active … 5 Archived): offered in that order, and read as numbers too, as its
    // pages and this app's CLI write them.
    const numbers = [1, 2, 3, 4, 5] as const;
    const ordered = provider === 'schoology' ? [...new Set([...numbers.map(statusFromSchoology), ...STATUSES])] : STATUSES;
    words = wordsOf(ordered, (status) => heldStatus(provider, status), (status) => statusLabel(provider, status));
    if (provider === 'schoology') for (const n of numbers) words.byWord.set(String(n), statusFromSchoology(n));
    statusWords.set(provider, words);
  }
  return words;
}

/** A Role cell: the LMS's word for a role or a unified role it can hold. */
export function readRole(provider: Provider, text: string): Reading<Role> {
  const role = rolesOf(provider).byWord.get(fold(text));
  if (role) return { ok: true, value: role };
  return { ok: false, message: `role "${text.trim()}" is not a ${PROVIDER_NAMES[provider]} role; use ${rolesOf(provider).listed}` };
}

/** A Status cell: the LMS's word for a status or a unified status it can hold. */
export function readStatus(provider: Provider, text: string): Reading<Status> {
  const status = statusesOf(provider).byWord.get(fold(text));
  if (status) return { ok: true, value: status };
  return { ok: false, message: `status "${text.trim()}" is not a ${PROVIDER_NAMES[provider]} status; use ${statusesOf(provider).listed}` };
}

/** Schoology's Enrollment Type: 1 admin, 2 member (its import's own codes), or the words. */
export function readEnrollmentType(text: string): Reading<Role> {
  const word = fold(text);
  if (word === '1' || word === 'admin') return { ok: true, value: 'teacher' };
  if (word === '2' || word === 'member') return { ok: true, value: 'student' };
  return { ok: false, message: `Enrollment Type "${text.trim()}" is not 1 (admin) or 2 (member)` };
}
