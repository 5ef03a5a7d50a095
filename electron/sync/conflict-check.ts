/**
 * The pre-push check: one queued op against the server's roster as just re-read, deciding whether the op is pushed,
 * is already true on the server, or collides with someone else's change. Pure, so every rule is a unit test.
 *
 * The rules, per field the op sets (role, status):
 *   server = mine                      → already done for that field
 *   server = base (what the user saw)  → push mine
 *   otherwise                          → conflict: another admin changed it to something else; both values are kept
 * Fields the op does not set take the server's value (the push is an upsert with full fields, so they must be sent).
 * An op whose enrollment the server no longer has is an 'enrollment' conflict — except a remove that may already have
 * reached the server before a crash (attempts > 0): its enrollment being gone is its own doing.
 *
 * Values are compared as the LMS stores them: Schoology cannot tell a TA from a teacher nor "invited" from
 * "creation_pending", so an op setting 'ta' is done when the server says 'teacher'.
 */
import type { OutboxOp } from '../db/outbox-repo';
import type { RemoteRealm } from '../lms/provider';
import {
  roleToSchoology,
  statusToSchoology,
  type EnrollmentFields,
  type Provider,
  type Role,
  type Status,
} from '../../shared/domain';
import type { HeldConflict } from './outbox';

/** What the check needs of one server enrollment. */
export interface ServerEnrollment {
  id: string;
  userId: string;
  role: Role;
  status: Status;
}

/**
 * One realm's roster as the server holds it, by enrollment id and by person. Mutable on purpose: after a push the
 * engine writes the applied results in, so a later op of the same person is checked against the new state.
 */
export class ServerRoster {
  private readonly byId = new Map<string, ServerEnrollment>();
  private readonly byUser = new Map<string, ServerEnrollment>();

  constructor(
    readonly provider: Provider,
    readonly realmKey: string,
    enrollments: Iterable<ServerEnrollment> = [],
  ) {
    for (const enrollment of enrollments) this.set(enrollment);
  }

  get(enrollmentId: string): ServerEnrollment | undefined {
    return this.byId.get(enrollmentId);
  }

  /** The person's enrollment; with duplicates (another client's retried create), the first one read. */
  ofUser(userId: string): ServerEnrollment | undefined {
    return this.byUser.get(userId);
  }

  get size(): number {
    return this.byId.size;
  }

  set(enrollment: ServerEnrollment): void {
    const copy = { ...enrollment };
    const previous = this.byId.get(copy.id);
    if (previous && previous.userId !== copy.userId && this.byUser.get(previous.userId) === previous) this.byUser.delete(previous.userId);
    this.byId.set(copy.id, copy);
    const first = this.byUser.get(copy.userId);
    if (!first || first.id === copy.id) this.byUser.set(copy.userId, copy);
  }

  delete(enrollmentId: string): void {
    const gone = this.byId.get(enrollmentId);
    if (!gone) return;
    this.byId.delete(enrollmentId);
    if (this.byUser.get(gone.userId) !== gone) return;
    this.byUser.delete(gone.userId);
    for (const other of this.byId.values()) {
      if (other.userId === gone.userId) {
        this.byUser.set(other.userId, other);
        break;
      }
    }
  }
}

export type Verdict =
  /** Send this upsert; `fields` are complete (the op's changes over the server's values). */
  | { verdict: 'push'; upsert: { realmKey: string; userId: string; fields: EnrollmentFields } }
  | { verdict: 'push-remove'; enrollmentId: string }
  | { verdict: 'push-accesscode'; realmKind: 'section' | 'group'; accessCode: string }
  /** The server already holds the op's result. */
  | { verdict: 'done' }
  | { verdict: 'conflict'; conflicts: HeldConflict[] };

/** An op the check cannot read (it lacks what its kind needs): the engine refuses it rather than stopping every sync. */
export class MalformedOpError extends Error {
  override name = 'MalformedOpError';
}

const FIELDS = ['role', 'status'] as const;
type Field = (typeof FIELDS)[number];

/** What the LMS would store for a value: equal values here are indistinguishable on the server. */
function stored(provider: Provider, field: Field, value: string): string {
  if (provider !== 'schoology') return value;
  if (field === 'role') return String(roleToSchoology(value as Role));
  try {
    return String(statusToSchoology(value as Status));
  } catch {
    // rejected/deleted have no Schoology form; they can only equal themselves.
    return value;
  }
}

export function sameValue(provider: Provider, field: Field, a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return stored(provider, field, a) === stored(provider, field, b);
}

/** The 'enrollment' conflict: mine names the enrollment the op meant, theirs is null (the server has none). */
function enrollmentGone(op: OutboxOp): Verdict {
  return { verdict: 'conflict', conflicts: [{ field: 'enrollment', mine: op.enrollmentId, theirs: null }] };
}

/**
 * Compares the op's fields with the server's enrollment. `base` null means the user expected no enrollment at all
 * (an enroll), so every field that differs is a conflict.
 */
function compare(op: OutboxOp, current: ServerEnrollment, server: ServerRoster): Verdict {
  const conflicts: HeldConflict[] = [];
  const send: Partial<EnrollmentFields> = {};
  for (const field of FIELDS) {
    const mine = op.fields[field];
    if (mine === undefined) continue;
    const theirs = current[field];
    if (sameValue(server.provider, field, theirs, mine)) continue;
    const expected = op.base === null ? null : op.base[field];
    // No recorded expectation for a field (an older op) cannot prove a collision: the user's value goes out.
    if (expected === null || (expected !== undefined && !sameValue(server.provider, field, theirs, expected))) {
      conflicts.push({ field, mine, theirs });
    } else {
      Object.assign(send, { [field]: mine });
    }
  }
  if (conflicts.length > 0) return { verdict: 'conflict', conflicts };
  if (send.role === undefined && send.status === undefined) return { verdict: 'done' };
  return {
    verdict: 'push',
    upsert: {
      realmKey: server.realmKey,
      userId: current.userId,
      fields: { role: send.role ?? current.role, status: send.status ?? current.status },
    },
  };
}

/**
 * The verdict for an enroll, update or remove op against its realm's server roster. Access-code joins have no realm
 * to compare with: use checkAccessCode.
 */
export function checkOp(op: OutboxOp, server: ServerRoster): Verdict {
  switch (op.kind) {
    case 'enroll': {
      if (!op.userId) throw new MalformedOpError(`Queued enroll ${op.id} names no user; discard it (roster pending shows it).`);
      const current = server.ofUser(op.userId);
      if (current) return compare(op, current, server);
      return {
        verdict: 'push',
        upsert: {
          realmKey: server.realmKey,
          userId: op.userId,
          // An enroll states both fields; the defaults are the LMS's own for a create that omits them.
          fields: { role: op.fields.role ?? 'student', status: op.fields.status ?? 'active' },
        },
      };
    }
    case 'update': {
      const current = op.enrollmentId === null ? undefined : server.get(op.enrollmentId);
      // Even when our own earlier attempt got through, an enrollment cannot vanish by an update: someone removed it.
      if (!current) return enrollmentGone(op);
      return compare(op, current, server);
    }
    case 'remove': {
      const current = op.enrollmentId === null ? undefined : server.get(op.enrollmentId);
      if (current) return { verdict: 'push-remove', enrollmentId: current.id };
      return op.attempts > 0 ? { verdict: 'done' } : enrollmentGone(op);
    }
    case 'access_code':
      throw new Error(`Queued join ${op.id} is an access-code join; check it with checkAccessCode.`);
  }
}

/** A realm the user can see, with its access code when the LMS tells it. */
export type VisibleRealm = Pick<RemoteRealm, 'key' | 'kind'> & { accessCode?: string };

const normalizeCode = (code: string): string => code.trim().toUpperCase();

/**
 * An access-code join is sent as is, unless an earlier attempt may have reached the server (attempts > 0): then it
 * is done when the user already sees a realm of that kind holding the code. A join is not idempotent on the server
 * (a second one makes a second enrollment), so this look is what keeps a retry from duplicating it.
 */
export function checkAccessCode(op: OutboxOp, visible: readonly VisibleRealm[] | null): Verdict {
  if (op.kind !== 'access_code') throw new Error(`Queued ${op.kind} ${op.id} is not an access-code join.`);
  const accessCode = op.fields.accessCode;
  const realmKind = op.fields.realmKind;
  if (!accessCode || (realmKind !== 'section' && realmKind !== 'group')) {
    throw new MalformedOpError(`Queued join ${op.id} lacks its access code or realm kind; discard it and join again.`);
  }
  if (op.attempts > 0 && visible) {
    const code = normalizeCode(accessCode);
    const joined = visible.some((realm) => realm.kind === realmKind && realm.accessCode !== undefined && normalizeCode(realm.accessCode) === code);
    if (joined) return { verdict: 'done' };
  }
  return { verdict: 'push-accesscode', realmKind, accessCode };
}
