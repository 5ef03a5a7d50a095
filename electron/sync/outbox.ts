/**
 * The outbox: every roster edit staff make, queued until the sync engine has put it on the LMS.
 *
 * An edit is about a TARGET: one person in one realm (an access-code join is its own target). A target's ops form a
 * chain in seq order. Ops that were sent, or may have been (in_flight; queued with attempts > 0; rejected; conflict),
 * are never rewritten by later edits: the LMS may already hold their effect, so changing them would make the engine
 * compare against the wrong expectation. Coalescing only ever touches the chain's newest op, and only while it is
 * queued and was never sent. So a chain is at most [sent-or-held op…, one fresh queued op], and the fresh op states
 * the full intent (it carries the fields of the ops before it) against a base that is what the user saw: the cached
 * server row with the earlier ops laid over it, exactly as the roster overlay showed it.
 *
 * When the head of a chain leaves (applied, done, undone, discarded) the op after it was made against a state that
 * is now either the server's (applied, done) or gone (undone, discarded), so it is REBASED: recomputed from the new
 * state to the same intent. That keeps every op's base true, which is all conflict detection relies on.
 *
 * A base also records the VERSION of the state it describes when the LMS stamps its enrollments (Canvas's updated_at,
 * read from the cached record): the engine then knows whether the server changed the enrollment since the user saw it
 * (conflict-check.ts). A view carries the version only while its values are exactly the server's at that stamp: an
 * op laid over it that changes a value leaves the result without one (the server will stamp that state when it gets
 * there), and so does our own push (the cache does not learn the new stamp until the next read). Coalescing keeps the
 * version of the base it keeps; a rebased op takes the version of the state it is rebased on.
 *
 * Everything here runs in one SQLite transaction per call: an edit, its coalescing and its effect on what the roster
 * shows commit together or not at all, and an engine transition (e.g. applied: op deleted + cached roster updated)
 * cannot be half done by a crash.
 */
import { writeTransaction } from '../db/write-transaction';
import type { Cache } from '../db/cache';
import type { EnrollmentState } from '../db/enrollments-repo';
import type { OpBase, OutboxFields, OutboxOp } from '../db/outbox-repo';
import { type EnrollmentFields } from '../../shared/domain/enrollment';
import { CacheTargets, PreloadedTargets, type RealmInfo, type TargetStore } from './target-store';
import {
  ROLES,
  STATUSES,
  UnmappableValueError,
  roleFromSchoology,
  roleToSchoology,
  statusFromSchoology,
  statusToCanvas,
  statusToSchoology,
  type Status,
} from '../../shared/domain/roles';

export type { OutboxOp } from '../db/outbox-repo';

export type Edit =
  | { kind: 'enroll'; realmId: string; userId: string; fields: EnrollmentFields }
  | { kind: 'update'; realmId: string; enrollmentId: string; fields: Partial<EnrollmentFields> }
  | { kind: 'remove'; realmId: string; enrollmentId: string }
  | { kind: 'access_code'; accountId: string; realmKind: 'section' | 'group'; accessCode: string };

/**
 * queued: a new op; merged: folded into the target's queued op (or an identical join already queued); cancelled: the
 * net change is nothing (e.g. enroll then remove, or a value set back to the server's), so no op remains.
 */
export interface EditResult {
  outcome: 'queued' | 'merged' | 'cancelled';
  op: OutboxOp | null;
}

export type EditErrorCode = 'unknown-realm' | 'unknown-enrollment' | 'held' | 'invalid';

/** An edit (or undo/discard/resolve) that cannot be done; the message says what to do instead. */
export class EditError extends Error {
  constructor(
    readonly code: EditErrorCode,
    message: string,
    /** Position of the failing edit in the list given to apply(); null outside apply(). */
    readonly index: number | null = null,
    /** For 'held': the rejected or conflicting edit in the way, so each surface can say how to settle it. */
    readonly heldOp: { id: string; state: 'rejected' | 'conflict'; error: string | null } | null = null,
  ) {
    super(message);
    this.name = 'EditError';
  }
}

export interface HeldConflict {
  field: 'role' | 'status' | 'enrollment';
  mine: string | null;
  theirs: string | null;
  /**
   * When the server's change was made, as far as the LMS says: Canvas's updated_at of the enrollment, set when the
   * check saw a stamp other than the one the user's edit was made against. Told in the op's error line, not stored
   * with the conflict row.
   */
  changedAt?: string;
}

export interface PendingView {
  queued: OutboxOp[];
  inFlight: OutboxOp[];
  rejected: OutboxOp[];
  conflicts: Array<OutboxOp & { conflicts: HeldConflict[] }>;
}

type Field = keyof EnrollmentFields;
const FIELDS: readonly Field[] = ['role', 'status'];
const VALID_ROLES: ReadonlySet<string> = new Set(ROLES);
const VALID_STATUSES: ReadonlySet<string> = new Set(STATUSES);

/**
 * What the roster shows for a target: no enrollment, or one (whose id is unknown while only an enroll is pending).
 * `version`: the server's stamp of exactly these fields (Canvas's updated_at); null when unknown or not the server's.
 */
type View = { present: false } | { present: true; fields: EnrollmentFields; enrollmentId: string | null; version: string | null };
/** The state an edit wants: null = no enrollment. */
type Desired = EnrollmentFields | null;

const ABSENT: View = { present: false };

interface OpContent {
  kind: 'enroll' | 'update' | 'remove';
  enrollmentId: string | null;
  fields: OutboxFields;
  base: OpBase | null;
}

const sameFields = (a: EnrollmentFields, b: EnrollmentFields): boolean => a.role === b.role && a.status === b.status;

/** Fills what `partial` lacks from `fallback`, then from the LMS defaults for a create. */
function complete(partial: Partial<EnrollmentFields> | null | undefined, fallback?: EnrollmentFields | null): EnrollmentFields {
  return {
    role: partial?.role ?? fallback?.role ?? 'student',
    status: partial?.status ?? fallback?.status ?? 'active',
  };
}

function pickFields(fields: OutboxFields): Partial<EnrollmentFields> {
  const out: Partial<EnrollmentFields> = {};
  if (fields.role !== undefined) out.role = fields.role;
  if (fields.status !== undefined) out.status = fields.status;
  return out;
}

const viewOfRow = (row: EnrollmentState | null): View =>
  row ? { present: true, fields: { role: row.role, status: row.status }, enrollmentId: row.enrollmentId, version: row.version } : ABSENT;

/** The version `under` keeps for `fields` laid over it: only when no value changed (see the top of this file). */
const versionAfter = (under: View, fields: EnrollmentFields): string | null =>
  under.present && sameFields(under.fields, fields) ? under.version : null;

/** The base an op records for `view`: its values, and its version when known. */
function baseOf(view: Extract<View, { present: true }>): OpBase {
  return view.version === null ? { ...view.fields } : { ...view.fields, version: view.version };
}

/** The view after `op` took effect on `view`. */
function step(view: View, op: OutboxOp): View {
  switch (op.kind) {
    case 'enroll': {
      const fields = complete(op.fields, view.present ? view.fields : op.base ? complete(op.base) : null);
      return { present: true, fields, enrollmentId: view.present ? view.enrollmentId : op.enrollmentId, version: versionAfter(view, fields) };
    }
    case 'update': {
      const under = view.present ? view.fields : complete(op.base);
      const fields = { ...under, ...pickFields(op.fields) };
      return {
        present: true,
        fields,
        enrollmentId: view.present ? (view.enrollmentId ?? op.enrollmentId) : op.enrollmentId,
        version: versionAfter(view, fields),
      };
    }
    case 'remove':
      return ABSENT;
    case 'access_code':
      return view;
  }
}

/** The view an op was made against, from its recorded base. */
function baseViewOf(op: OutboxOp, row: EnrollmentState | null): View {
  if (op.kind === 'enroll') {
    return op.base === null ? ABSENT : { present: true, fields: complete(op.base), enrollmentId: op.enrollmentId, version: op.base.version ?? null };
  }
  // An update/remove always had an enrollment under it; an op from before bases were complete borrows the row's values
  // (not the row's version: the values the op did record were seen at some other time).
  return {
    present: true,
    fields: complete(op.base, row ? { role: row.role, status: row.status } : null),
    enrollmentId: op.enrollmentId,
    version: op.base?.version ?? null,
  };
}

/** What the op wants the target to be. */
function desiredOf(op: OutboxOp, row: EnrollmentState | null): Desired {
  const after = step(baseViewOf(op, row), op);
  return after.present ? after.fields : null;
}

/**
 * The one op that takes a target from `base` (what the user saw) to `desired`, or null when they are the same.
 * `carried`: fields an earlier, already sent op of the target sets; they stay in an update even when unchanged from
 * the base, so this op alone states the whole intent.
 */
function opFor(base: View, desired: Desired, carried: ReadonlySet<Field> = new Set()): OpContent | null {
  if (!base.present) return desired ? { kind: 'enroll', enrollmentId: null, fields: { ...desired }, base: null } : null;
  if (desired === null) return { kind: 'remove', enrollmentId: base.enrollmentId, fields: {}, base: baseOf(base) };
  if (sameFields(desired, base.fields)) return null;
  // The enrollment exists in the user's eyes but its id is not known yet (its enroll is still on the way): an enroll
  // (an upsert on the wire) is the only op that can name it. Its base says what the user expects the server to hold.
  if (base.enrollmentId === null) return { kind: 'enroll', enrollmentId: null, fields: { ...desired }, base: baseOf(base) };
  const fields: Partial<EnrollmentFields> = {};
  for (const field of FIELDS) {
    if (desired[field] !== base.fields[field] || carried.has(field)) Object.assign(fields, { [field]: desired[field] });
  }
  return { kind: 'update', enrollmentId: base.enrollmentId, fields, base: baseOf(base) };
}

/**
 * "the LMS has status completed (yours: inactive)", for the op's error line; with a stamp, ", changed on Canvas at
 * 2026-11-26T09:10:00Z" (only Canvas stamps its enrollments: HeldConflict.changedAt).
 */
function describeConflicts(conflicts: readonly HeldConflict[]): string {
  return conflicts
    .map((c) =>
      c.field === 'enrollment'
        ? 'the LMS no longer has this enrollment (someone removed it)'
        : `the LMS has ${c.field} ${c.theirs ?? '(none)'} (yours: ${c.mine ?? '(none)'})${c.changedAt ? `, changed on Canvas at ${c.changedAt}` : ''}`,
    )
    .join('; ');
}

function heldError(op: OutboxOp): EditError {
  return new EditError('held', heldMessage(op), null, { id: op.id, state: op.state === 'conflict' ? 'conflict' : 'rejected', error: op.error });
}

function heldMessage(op: OutboxOp): string {
  if (op.state === 'conflict') {
    return `This enrollment has a change in conflict with the LMS (${op.error ?? 'see roster pending'}); resolve or discard the held change first: roster resolve ${op.id} --keep-mine|--take-theirs`;
  }
  return `This enrollment has a change the LMS rejected (${op.error ?? 'see roster pending'}); resolve or discard the held change first: roster resolve ${op.id} --take-theirs drops it`;
}

/** Edits of many rows inside the caller's write transaction (see Outbox.bulk). */
export interface BulkEdits {
  /** One enroll, update or remove, by the rules apply() follows; EditError before anything is written when it cannot be done. */
  edit(edit: Exclude<Edit, { kind: 'access_code' }>): EditResult;
  /** The op as it stands now, edits made here included. */
  op(opId: string): OutboxOp | null;
  /** Writes what the edits owe at the end (people copies); call once, before the transaction commits. */
  finish(): void;
}

export class Outbox {
  private readonly direct: TargetStore;

  constructor(private readonly cache: Cache) {
    this.direct = new CacheTargets(cache);
  }

  // ---------------------------------------------------------------- user edits

  /** User edits: validated, coalesced and queued in ONE transaction, all or nothing. */
  apply(edits: readonly Edit[]): EditResult[] {
    return writeTransaction(this.cache.db, () =>
      edits.map((edit, index) => {
        try {
          return edit.kind === 'access_code' ? this.joinByCode(edit) : this.editTarget(edit);
        } catch (error) {
          if (error instanceof EditError && error.index === null) throw new EditError(error.code, error.message, index, error.heldOp);
          throw error;
        }
      }),
    );
  }

  /**
   * Many edits in the caller's write transaction: the bulk change of a filtered roster (up to 100,000 rows). Each
   * realm's enrollments and ops are read once instead of per edit, and no savepoint is taken per edit: every EditError
   * is thrown before the edit writes anything, so a refused row needs no rollback.
   */
  bulk(): BulkEdits {
    const store = new PreloadedTargets(this.cache);
    return {
      edit: (edit) => this.editTarget(edit, store),
      op: (opId) => store.op(opId),
      finish: () => store.finish(),
    };
  }

  /** A queued op disappears (and its overlay with it); EditError otherwise. */
  undo(opId: string): void {
    writeTransaction(this.cache.db, () => {
      const op = this.cache.outbox.get(opId);
      if (!op) throw new EditError('invalid', `There is no queued edit ${opId}: it was already synced, undone or discarded.`);
      if (op.state === 'in_flight') {
        throw new EditError('invalid', `Edit ${opId} is being sent to the LMS right now and cannot be undone; edit the enrollment again after the sync.`);
      }
      if (op.state !== 'queued') {
        throw new EditError('held', `Edit ${opId} is ${op.state === 'conflict' ? 'in conflict' : 'rejected'}, not queued: resolve or discard it instead.`);
      }
      this.dropOp(op, true);
    });
  }

  /** Every queued op of the account; returns how many went. Ops being sent or held stay. */
  undoAll(accountId: string): number {
    return writeTransaction(this.cache.db, () => this.cache.outbox.removeQueued(accountId));
  }

  /** Drops a rejected or conflicting op. */
  discard(opId: string): void {
    writeTransaction(this.cache.db, () => {
      const op = this.cache.outbox.get(opId);
      if (!op) throw new EditError('invalid', `There is no held edit ${opId}: it was already synced or discarded.`);
      if (op.state !== 'rejected' && op.state !== 'conflict') {
        throw new EditError('invalid', `Edit ${opId} is ${op.state === 'queued' ? 'queued, not held: undo it instead' : 'being sent to the LMS right now'}.`);
      }
      this.cache.conflicts.resolveOp(op.id);
      this.dropOp(op, true);
    });
  }

  /**
   * Settles a conflict op. keep-mine: the op is queued again with base := the server's values, so the next check
   * passes and it is pushed; for an 'enrollment' conflict an update is re-created as an enroll (an upsert) and a remove
   * is done. take-theirs: the conflicting fields leave the op (the op goes when none are left). The conflicts are
   * marked resolved either way.
   */
  resolve(opId: string, choice: 'keep-mine' | 'take-theirs'): void {
    writeTransaction(this.cache.db, () => {
      const op = this.cache.outbox.get(opId);
      if (!op) throw new EditError('invalid', `There is no edit ${opId} in conflict: it was already synced or discarded.`);
      if (op.state !== 'conflict') {
        throw new EditError('invalid', `Edit ${opId} is not in conflict (it is ${op.state.replace('_', ' ')}); only a conflict can be resolved.`);
      }
      if (op.kind === 'access_code' || op.realmId === null || op.userId === null) {
        throw new EditError('invalid', `Edit ${opId} has nothing to choose between; discard it or keep it queued.`);
      }
      const conflicts = this.cache.conflicts.listOpenForOp(op.id);
      this.cache.conflicts.resolveOp(op.id);
      const row = this.serverRow(op.realmId, op.userId);
      const gone = conflicts.some((c) => c.field === 'enrollment');
      const mine = desiredOf(op, row);

      if (gone) {
        if (choice === 'take-theirs' || op.kind === 'remove') {
          // take-theirs: the LMS removed it, so be it. keep-mine of a remove: the LMS already agrees.
          this.dropOp(op, choice === 'take-theirs', viewOfRow(row));
          return;
        }
        // keep-mine of an update: the enrollment is gone, so re-create it with the user's values (an upsert).
        this.rewriteOrDrop(op, opFor(viewOfRow(row), mine), viewOfRow(row));
        return;
      }

      // Field conflicts. The engine's check has just cached the server's row; the conflicts name what it holds.
      const theirs: EnrollmentFields = complete(row ? { role: row.role, status: row.status } : null, complete(op.base));
      for (const c of conflicts) {
        if (c.field !== 'enrollment' && c.theirs !== null) Object.assign(theirs, { [c.field]: c.theirs });
      }
      // The row's stamp goes with these values only when they are the row's (a later pull may have moved it on).
      const version = row && sameFields(theirs, { role: row.role, status: row.status }) ? row.version : null;
      const server: View = { present: true, fields: theirs, enrollmentId: row?.enrollmentId ?? op.enrollmentId, version };
      // keep-mine: the user's values, now expected against the server's (base := theirs, version := the server's
      // stamp), so the next check passes unless the server changes again.
      // take-theirs: the user's values with the conflicting fields set to the server's; an op wanting nothing else goes.
      let chosen: Desired = mine;
      if (choice === 'take-theirs') {
        chosen = mine === null ? theirs : { ...mine };
        for (const c of conflicts) if (c.field !== 'enrollment') Object.assign(chosen, { [c.field]: theirs[c.field] });
      }
      this.rewriteOrDrop(op, opFor(server, chosen), server, choice === 'take-theirs');
    });
  }

  pending(accountId: string): PendingView {
    const ops = this.cache.outbox.listByAccount(accountId);
    return {
      queued: ops.filter((op) => op.state === 'queued'),
      inFlight: ops.filter((op) => op.state === 'in_flight'),
      rejected: ops.filter((op) => op.state === 'rejected'),
      conflicts: ops
        .filter((op) => op.state === 'conflict')
        .map((op) => ({
          ...op,
          conflicts: this.cache.conflicts.listOpenForOp(op.id).map((c) => ({ field: c.field, mine: c.mine, theirs: c.theirs })),
        })),
    };
  }

  // ---------------------------------------------------------------- for the sync engine

  /** in_flight ops of a crashed run → queued again (attempts kept: attempts > 0 means "may have reached the server"). */
  recover(accountId: string): number {
    return writeTransaction(this.cache.db, () => {
      const stuck = this.cache.outbox.listByState(accountId, 'in_flight');
      for (const op of stuck) {
        this.cache.outbox.rewrite(op.id, { state: 'queued', error: 'will retry: the last sync stopped before the LMS answered' });
      }
      return stuck.length;
    });
  }

  /** queued ops (plus recovered ones), seq order: what the engine checks and pushes. */
  sendable(accountId: string): OutboxOp[] {
    return writeTransaction(this.cache.db, () => {
      // A remove that still waits for its enroll's enrollment id, now first in its chain (the enroll left some other
      // way than being applied): rebase it so it names the enrollment, or goes when there is none.
      for (const op of this.cache.outbox.listByState(accountId, 'queued')) {
        if (op.kind !== 'remove' || op.enrollmentId !== null || op.realmId === null || op.userId === null) continue;
        const chain = this.cache.outbox.listByTarget(op.realmId, op.userId);
        if (chain[0]?.id === op.id) this.rebaseFirst(op.realmId, op.userId, viewOfRow(this.serverRow(op.realmId, op.userId)), null);
      }
      return this.cache.outbox.listByState(accountId, 'queued');
    });
  }

  /** Right before their request: state in_flight, attempts += 1 (one transaction). */
  markInFlight(opIds: readonly string[]): void {
    writeTransaction(this.cache.db, () => {
      for (const id of opIds) {
        const op = this.cache.outbox.require(id);
        if (op.state !== 'queued') {
          throw new Error(`Queued edit ${id} is ${op.state}, not queued; only queued edits can be sent.`);
        }
        this.cache.outbox.rewrite(id, { state: 'in_flight', attempts: op.attempts + 1, error: null });
      }
    });
  }

  /**
   * The LMS applied it: delete the op AND write the resulting server value into the cached roster, one transaction.
   * enroll: insert the enrollment row (id from the result; person from `people` or a prior row; role/status = op
   * fields); update: set role/status on the row, or move the row to the enrollment the result names when that is
   * another one (a Canvas role change); remove: delete the row. The op queued after it (if any) is rebased on
   * the new server state.
   */
  settleApplied(opId: string, result: { enrollmentId?: string }): void {
    writeTransaction(this.cache.db, () => {
      const op = this.cache.outbox.require(opId);
      const realmId = op.realmId;
      const cached = realmId !== null && this.cache.realms.owner(realmId) !== null;
      let after: View = ABSENT;
      if (op.kind === 'enroll' && realmId !== null && op.userId !== null) {
        const fields = complete(op.fields, op.base ? complete(op.base) : null);
        const enrollmentId = result.enrollmentId ?? this.serverRow(realmId, op.userId)?.enrollmentId ?? null;
        if (cached && enrollmentId !== null) this.cache.enrollments.applyServerEnroll(realmId, enrollmentId, op.userId, fields);
        // The push stamped the enrollment anew; the cache learns that stamp at the next read.
        after = { present: true, fields, enrollmentId, version: null };
      } else if (op.kind === 'update' && realmId !== null && op.enrollmentId !== null) {
        const replacement = result.enrollmentId !== undefined && result.enrollmentId !== op.enrollmentId ? result.enrollmentId : null;
        if (replacement !== null && op.userId !== null) {
          // Canvas changes a role by a new enrollment in place of the old one (canvas-provider.ts): the cache and the
          // person's next op must name the new one, or that op would find its enrollment removed.
          const old = cached ? this.cache.enrollments.get(realmId, op.enrollmentId) : null;
          const fields = { ...(old ? { role: old.role, status: old.status } : complete(op.base)), ...pickFields(op.fields) };
          if (cached) this.cache.enrollments.applyServerEnroll(realmId, replacement, op.userId, fields);
          after = { present: true, fields, enrollmentId: replacement, version: null };
        } else {
          if (cached) this.cache.enrollments.applyServerFields(realmId, op.enrollmentId, pickFields(op.fields));
          const row = cached ? this.cache.enrollments.get(realmId, op.enrollmentId) : null;
          after = row ? viewOfRow(row) : step(baseViewOf(op, null), op);
        }
      } else if (op.kind === 'remove' && realmId !== null && op.enrollmentId !== null) {
        if (cached) this.cache.enrollments.applyServerRemove(realmId, op.enrollmentId);
      }
      this.cache.outbox.remove(op.id);
      if (realmId !== null && op.userId !== null) this.rebaseFirst(realmId, op.userId, after, null);
    });
  }

  /** Already true on the server (pre-check found it so): delete the op; cache untouched (the refresh brings values). */
  settleDone(opId: string): void {
    writeTransaction(this.cache.db, () => {
      const op = this.cache.outbox.require(opId);
      this.cache.outbox.remove(op.id);
      if (op.realmId === null || op.userId === null) return;
      // The server holds the op's result; the engine's check has just put the server's row in the cache.
      const row = this.serverRow(op.realmId, op.userId);
      let after: View;
      if (op.kind === 'remove') after = ABSENT;
      else if (row) after = step(viewOfRow(row), op);
      else after = step(baseViewOf(op, null), op);
      this.rebaseFirst(op.realmId, op.userId, after, null);
    });
  }

  /** The server refused the item (4xx row): state rejected, error = reason (with the code). */
  settleRejected(opId: string, code: number, reason: string): void {
    writeTransaction(this.cache.db, () => {
      this.cache.outbox.require(opId);
      this.cache.outbox.setState(opId, 'rejected', `${reason} (LMS code ${code})`);
    });
  }

  /** Pre-check found a conflict: state conflict, conflicts recorded with both values. */
  hold(opId: string, conflicts: readonly HeldConflict[]): void {
    if (conflicts.length === 0) throw new Error(`Holding edit ${opId} needs at least one conflict; settle or push it instead.`);
    writeTransaction(this.cache.db, () => {
      this.cache.outbox.require(opId);
      this.cache.conflicts.resolveOp(opId);
      for (const c of conflicts) this.cache.conflicts.record(opId, c.field, c.mine, c.theirs);
      this.cache.outbox.setState(opId, 'conflict', describeConflicts(conflicts));
    });
  }

  /** Pre-check found the server already has some fields: the op keeps only `fields` (never empty; use settleDone). */
  narrow(opId: string, fields: Partial<EnrollmentFields>): void {
    const kept = pickFields(fields);
    if (kept.role === undefined && kept.status === undefined) {
      throw new Error(`Narrowing edit ${opId} to no fields at all: the server already holds it, so settle it done instead.`);
    }
    writeTransaction(this.cache.db, () => {
      const op = this.cache.outbox.require(opId);
      if (op.kind !== 'update') throw new Error(`Only an update can be narrowed; edit ${opId} is an ${op.kind}.`);
      this.cache.outbox.rewrite(opId, { fields: kept });
    });
  }

  /** Transient failure of the op's request: back to queued, error noted for the UI ("will retry: …"). */
  requeue(opIds: readonly string[], error: string): void {
    const note = error.startsWith('will retry') ? error : `will retry: ${error}`;
    writeTransaction(this.cache.db, () => {
      for (const id of opIds) {
        const op = this.cache.outbox.get(id);
        // Settled meanwhile (or held): nothing to put back.
        if (!op || (op.state !== 'in_flight' && op.state !== 'queued')) continue;
        this.cache.outbox.rewrite(id, { state: 'queued', error: note });
      }
    });
  }

  // ---------------------------------------------------------------- internals

  private requireRealm(realmId: string, store: TargetStore): RealmInfo {
    const realm = store.realm(realmId);
    if (!realm) {
      throw new EditError('unknown-realm', `Realm "${realmId}" is not in the offline cache; run \`roster pull\` first.`);
    }
    return realm;
  }

  /** The person's cached (server) enrollment in the realm. */
  private serverRow(realmId: string, userId: string): EnrollmentState | null {
    return this.cache.enrollments.findByUser(realmId, userId);
  }

  private editTarget(edit: Exclude<Edit, { kind: 'access_code' }>, store: TargetStore = this.direct): EditResult {
    const realm = this.requireRealm(edit.realmId, store);
    let userId: string;
    let row: EnrollmentState | null;
    if (edit.kind === 'enroll') {
      if (typeof edit.userId !== 'string' || edit.userId.trim() === '') {
        throw new EditError('invalid', 'An enroll needs the user id of the person to enroll.');
      }
      userId = edit.userId.trim();
      row = store.enrollmentOf(realm.id, userId);
    } else {
      ({ userId, row } = this.findEnrollment(realm, edit.enrollmentId, store));
    }

    const ops = store.opsOf(realm.id, userId);
    const held = ops.find((op) => op.state === 'rejected' || op.state === 'conflict');
    if (held) throw heldError(held);

    const newest = ops.at(-1);
    // Only an op that never left the machine may be rewritten (see the top of this file).
    const open = newest && newest.state === 'queued' && newest.attempts === 0 ? newest : null;
    const earlier = open ? ops.slice(0, -1) : ops;
    const before = earlier.reduce(step, viewOfRow(row));
    const now = open ? step(before, open) : before;

    let desired: Desired;
    switch (edit.kind) {
      case 'enroll':
        desired = this.checkFields(realm, edit.fields, true) as EnrollmentFields;
        break;
      case 'update': {
        const fields = this.checkFields(realm, edit.fields, false);
        if (!now.present) throw new EditError('invalid', `Enrollment ${edit.enrollmentId} is already queued for removal; undo the removal to edit it.`);
        desired = { ...now.fields, ...fields };
        break;
      }
      case 'remove':
        if (!now.present) throw new EditError('invalid', `Enrollment ${edit.enrollmentId} is already queued for removal.`);
        desired = null;
        break;
    }

    const carried = new Set<Field>();
    for (const op of earlier) if (op.kind === 'update') for (const field of FIELDS) if (op.fields[field] !== undefined) carried.add(field);

    if (open) {
      const content = opFor(baseViewOf(open, row), desired, carried);
      if (!content) {
        store.remove(open);
        return { outcome: 'cancelled', op: null };
      }
      const op = store.rewrite(open, { ...content, userId, error: null });
      if (op.kind === 'enroll') store.rememberEnrolledPerson(op.accountId, userId);
      return { outcome: 'merged', op };
    }
    const content = opFor(before, desired, carried);
    if (!content) return { outcome: 'cancelled', op: null };
    const op = store.enqueue({ accountId: realm.accountId, realmId: realm.id, userId, ...content });
    return { outcome: 'queued', op };
  }

  /**
   * The person an update/remove is about: a cached enrollment by id, or a pending enroll, which has no enrollment id
   * yet and is named by its op id (the roster row's pending.opId).
   */
  private findEnrollment(realm: RealmInfo, enrollmentId: string, store: TargetStore): { userId: string; row: EnrollmentState | null } {
    const row = typeof enrollmentId === 'string' ? store.enrollment(realm.id, enrollmentId) : null;
    if (row) return { userId: row.userId, row };
    const pending = typeof enrollmentId === 'string' ? store.op(enrollmentId) : null;
    if (pending && pending.realmId === realm.id && pending.kind !== 'access_code' && pending.userId !== null) {
      return { userId: pending.userId, row: store.enrollmentOf(realm.id, pending.userId) };
    }
    throw new EditError(
      'unknown-enrollment',
      `Enrollment ${String(enrollmentId)} is not in the cached roster of ${realm.id}; run \`roster pull\` or check the id (\`roster list\`).`,
    );
  }

  /** Validates role/status (all present for an enroll) and returns them in the realm's LMS's own terms. */
  private checkFields(realm: RealmInfo, fields: Partial<EnrollmentFields> | undefined, full: boolean): Partial<EnrollmentFields> {
    if (typeof fields !== 'object' || fields === null) throw new EditError('invalid', 'The edit names no role or status.');
    const extra = Object.keys(fields).filter((key) => !(FIELDS as readonly string[]).includes(key));
    if (extra.length > 0) throw new EditError('invalid', `An edit sets only role and status, not ${extra.join(', ')}.`);
    const out: Partial<EnrollmentFields> = {};
    if (fields.role !== undefined) {
      if (!VALID_ROLES.has(fields.role)) throw new EditError('invalid', `Unknown role "${String(fields.role)}"; use one of ${ROLES.join(', ')}.`);
      // Schoology keeps only the admin bit: a TA is stored (and read back) as a teacher, so compare in those terms.
      out.role = realm.provider === 'schoology' ? roleFromSchoology(roleToSchoology(fields.role)) : fields.role;
    }
    if (fields.status !== undefined) {
      if (!VALID_STATUSES.has(fields.status)) {
        throw new EditError('invalid', `Unknown status "${String(fields.status)}"; use one of ${STATUSES.join(', ')}.`);
      }
      out.status = this.lmsStatus(realm, fields.status);
    }
    if (full && (out.role === undefined || out.status === undefined)) {
      throw new EditError('invalid', 'An enroll needs both a role and a status.');
    }
    if (!full && out.role === undefined && out.status === undefined) {
      throw new EditError('invalid', 'An update needs a role or a status to change.');
    }
    return out;
  }

  private lmsStatus(realm: RealmInfo, status: Status): Status {
    try {
      if (realm.provider === 'schoology') return statusFromSchoology(statusToSchoology(status));
      statusToCanvas(status);
      return status;
    } catch (error) {
      if (error instanceof UnmappableValueError) {
        throw new EditError('invalid', `${error.message}; choose another status for ${realm.id}.`);
      }
      throw error;
    }
  }

  private joinByCode(edit: Extract<Edit, { kind: 'access_code' }>): EditResult {
    if (!this.cache.accounts.get(edit.accountId)) {
      throw new EditError('invalid', `Account "${edit.accountId}" is not in the offline cache; add the account first.`);
    }
    if (edit.realmKind !== 'section' && edit.realmKind !== 'group') {
      throw new EditError('invalid', `An access code joins a section or a group, not "${String(edit.realmKind)}".`);
    }
    const accessCode = typeof edit.accessCode === 'string' ? edit.accessCode.trim() : '';
    if (!/^[\x21-\x7e]{1,64}$/.test(accessCode)) {
      throw new EditError('invalid', 'The access code is empty or has spaces or unusual characters; type it as the LMS shows it.');
    }
    const same = this.cache.outbox.findAccessCode(edit.accountId, edit.realmKind, accessCode);
    const held = same.find((op) => op.state === 'rejected' || op.state === 'conflict');
    if (held) throw heldError(held);
    if (same[0]) return { outcome: 'merged', op: same[0] };
    const fields: OutboxFields = { accessCode, realmKind: edit.realmKind };
    const op = this.cache.outbox.enqueue({ accountId: edit.accountId, realmId: null, kind: 'access_code', fields });
    return { outcome: 'queued', op };
  }

  /** Rewrites a held op with `content` and queues it again; without content it goes (see dropOp). */
  private rewriteOrDrop(op: OutboxOp, content: OpContent | null, view: View, uncarry = false): void {
    if (!content) {
      this.dropOp(op, uncarry, view);
      return;
    }
    this.cache.outbox.rewrite(op.id, { ...content, state: 'queued', error: null });
    if (content.kind === 'enroll' && op.userId !== null) this.cache.outbox.rememberEnrolledPerson(op.accountId, op.userId);
  }

  /**
   * Deletes an op that leaves without reaching the server (undo, discard, take-theirs) and rebases the op after it on
   * the state before it. `uncarry`: the later op also stops asking for what the dropped op asked for.
   */
  private dropOp(op: OutboxOp, uncarry: boolean, view?: View): void {
    this.cache.outbox.remove(op.id);
    if (op.realmId === null || op.userId === null) return;
    const row = this.serverRow(op.realmId, op.userId);
    let before = view;
    if (!before) {
      const chain = this.cache.outbox.listByTarget(op.realmId, op.userId).filter((other) => other.seq < op.seq);
      before = chain.reduce(step, viewOfRow(row));
    }
    this.rebaseFirst(op.realmId, op.userId, before, uncarry ? op : null, op.seq);
  }

  /**
   * The target's first op after `afterSeq` (by default: its first op) was made against a state that changed into
   * `view`: recompute it for the same intent from `view`, dropping it when nothing is left to do (and then rebasing
   * the next one). Ops that may have been sent are never rewritten.
   */
  private rebaseFirst(realmId: string, userId: string, view: View, uncarry: OutboxOp | null, afterSeq = -1): void {
    const row = this.serverRow(realmId, userId);
    for (;;) {
      const next = this.cache.outbox.listByTarget(realmId, userId).find((op) => op.seq > afterSeq);
      if (!next || next.state !== 'queued' || next.attempts > 0) return;
      let desired = desiredOf(next, row);
      if (uncarry) desired = withoutCarried(desired, uncarry, viewOfRow(row));
      const content = opFor(view, desired);
      if (content) {
        this.cache.outbox.rewrite(next.id, content);
        if (content.kind === 'enroll') this.cache.outbox.rememberEnrolledPerson(next.accountId, userId);
        return;
      }
      this.cache.outbox.remove(next.id);
      afterSeq = next.seq;
    }
  }
}

/**
 * `desired` without what `dropped` contributed to it: the values it set (and the later op merely carried) fall back to
 * the server's. A dropped enroll of someone the server does not have takes the whole enrollment with it.
 */
function withoutCarried(desired: Desired, dropped: OutboxOp, server: View): Desired {
  if (desired === null || dropped.kind === 'remove' || dropped.kind === 'access_code') return desired;
  if (dropped.kind === 'enroll' && !server.present) return null;
  if (!server.present) return desired;
  const out = { ...desired };
  for (const field of FIELDS) {
    const set = dropped.fields[field];
    if (set !== undefined && out[field] === set) Object.assign(out, { [field]: server.fields[field] });
  }
  return out;
}
