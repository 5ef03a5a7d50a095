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
 * reached the server before a crash (attempts > 0): its enrollment being gone is its own doing. Likewise on Canvas,
 * whose edits may take several calls, an op that may have reached the server recognises its own half-done work: a role
 * change finds the enrollment it made in place of the old one, an enroll the enrollment it created (createsInSteps).
 *
 * Values are compared as the LMS stores them: Schoology cannot tell a TA from a teacher nor "invited" from
 * "creation_pending", so an op setting 'ta' is done when the server says 'teacher'.
 *
 * Versions (Canvas). Canvas stamps every change of an enrollment with updated_at (the Enrollment object: lms-api-notes
 * §2.2, ../shared/seeds/canvas-enrollments.md), so an op also records the stamp of the state the user saw
 * (base.version, outbox.ts) and the check compares it with the server's:
 *   same stamp     → the server has not changed the enrollment since the user saw it: the user's values go out, fields
 *                    whose base value the op did not record (an older op) included. Never a conflict, unless a recorded
 *                    base value disagrees with the server all the same: the stamp counts whole seconds ("2012-04-18T
 *                    23:08:51Z" in the seed), so a change in the same second as the read keeps it; the value decides.
 *   another stamp  → someone changed the enrollment: the per-field rule above, and a field whose base value was not
 *                    recorded is a conflict when the server holds another value than the user's (before versions it
 *                    went out blindly: nothing could say whether the server had changed it).
 *   either unknown → the per-field rule alone (Schoology, ops from before versions, a state after our own push).
 * A held field conflict carries the server's stamp (changedAt) when it proves the server changed since the user saw it.
 * Removes keep the sync issue's rule: they go unless the enrollment is gone, whatever else changed.
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
  /** Canvas's updated_at; absent when the LMS keeps no stamp (Schoology) or it is not known (just pushed by us). */
  version?: string;
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
  | { verdict: 'push'; upsert: { realmKey: string; userId: string; fields: EnrollmentFields; enrollmentId?: string } }
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
 * Whether two version stamps name the same instant; null when either is unknown. Compared as instants, not text:
 * the same time may be written with another offset or precision ("…51Z", "…51.000Z", "…51-06:00").
 */
export function sameVersion(a: string | undefined, b: string | undefined): boolean | null {
  if (a === undefined || b === undefined) return null;
  const [ta, tb] = [Date.parse(a), Date.parse(b)];
  return Number.isNaN(ta) || Number.isNaN(tb) ? a === b : ta === tb;
}

/**
 * Compares the op's fields with the server's enrollment. `base` null means the user expected no enrollment at all
 * (an enroll), so every field that differs is a conflict.
 */
function compare(op: OutboxOp, current: ServerEnrollment, server: ServerRoster): Verdict {
  const conflicts: HeldConflict[] = [];
  const send: Partial<EnrollmentFields> = {};
  const unchanged = op.base === null ? null : sameVersion(op.base.version, current.version);
  // The server's stamp goes with a held field when it is a change the user has not seen (the stamps differ, or the op
  // recorded none): "changed on Canvas at …".
  const changedAt = current.version !== undefined && unchanged !== true ? { changedAt: current.version } : {};
  for (const field of FIELDS) {
    const mine = op.fields[field];
    if (mine === undefined) continue;
    const theirs = current[field];
    if (sameValue(server.provider, field, theirs, mine)) continue;
    const expected = op.base === null ? null : op.base[field];
    let collides: boolean;
    if (expected === null) collides = true;
    else if (expected !== undefined) collides = !sameValue(server.provider, field, theirs, expected);
    // No recorded expectation for the field: only a changed stamp can prove a collision; without stamps (an older op,
    // Schoology) nothing can, and the user's value goes out.
    else collides = unchanged === false;
    if (collides) conflicts.push({ field, mine, theirs, ...changedAt });
    else Object.assign(send, { [field]: mine });
  }
  if (conflicts.length > 0) return { verdict: 'conflict', conflicts };
  if (send.role === undefined && send.status === undefined) return { verdict: 'done' };
  return {
    verdict: 'push',
    upsert: {
      realmKey: server.realmKey,
      userId: current.userId,
      fields: { role: send.role ?? current.role, status: send.status ?? current.status },
      enrollmentId: current.id,
    },
  };
}

/**
 * Canvas makes some edits in several calls (canvas-provider.ts): a create in a state the enroll endpoint cannot make
 * is an enroll then a state change (lms-api-notes §2.1: enrollment_state only active, invited or inactive), and a role
 * change enrolls the person with the new type, then deletes the old enrollment (an enrollment's type never changes).
 * A run killed between the steps leaves the server half way, and the retry must recognise its own half-done work
 * rather than hold it as someone else's change. Schoology's upsert is one request: all of it or nothing.
 * The price: should another admin enroll the same person in the same realm between a cut-off attempt and its retry,
 * the retry takes that enrollment for its own and sets the user's values on it (it never makes a second one).
 */
function createsInSteps(server: ServerRoster): boolean {
  return server.provider === 'canvas';
}

/** A server enrollment without its stamp: for one the op did not see (its version says nothing about the op's). */
function unversioned(enrollment: ServerEnrollment): ServerEnrollment {
  return { id: enrollment.id, userId: enrollment.userId, role: enrollment.role, status: enrollment.status };
}

/**
 * For a role change that may have reached the server (attempts > 0) and whose enrollment is gone: the person's
 * enrollment with the role the op sets, which the op's own earlier attempt made (see createsInSteps).
 */
function ownReplacement(op: OutboxOp, server: ServerRoster): ServerEnrollment | undefined {
  const role = op.fields.role;
  if (op.attempts === 0 || role === undefined || op.userId === null || !createsInSteps(server)) return undefined;
  const current = server.ofUser(op.userId);
  return current && sameValue(server.provider, 'role', current.role, role) ? current : undefined;
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
      if (current && op.base === null && op.attempts > 0 && createsInSteps(server)) {
        // The person's enrollment may be this op's own create cut off between its steps: finish it (an upsert).
        return compare({ ...op, base: { role: current.role, status: current.status } }, unversioned(current), server);
      }
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
      if (current) return compare(op, current, server);
      const replacement = ownReplacement(op, server);
      // Its stamp is another enrollment's, not a change of the one the user saw.
      if (replacement) return compare(op, unversioned(replacement), server);
      // Otherwise, even when our own earlier attempt got through, an enrollment cannot vanish by an update: someone
      // removed it.
      return enrollmentGone(op);
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
