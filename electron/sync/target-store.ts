/**
 * Where the outbox reads a target's state (its realm, its cached enrollment, its chain of ops) and writes its ops.
 *
 * One edit goes straight to the cache (CacheTargets). A bulk edit of 100,000 rows cannot afford that: each edit then
 * cost ~130 µs (an enrollment read that parses the LMS record, a chain probe, a savepoint, a sequence bump, an insert,
 * a person copy and a read back), 13 s with the main process blocked. PreloadedTargets reads each realm's enrollments
 * and ops once, keeps its copy true as it writes, and copies people in two set statements at the end. The rules are
 * the outbox's either way: only where the state comes from changes.
 */
import type { Cache } from '../db/cache';
import type { EnrollmentState } from '../db/enrollments-repo';
import type { NewOutboxOp, OutboxOp, OutboxOpChange } from '../db/outbox-repo';
import type { Provider } from '../../shared/domain/provider';

export interface RealmInfo {
  id: string;
  accountId: string;
  provider: Provider;
}

export interface TargetStore {
  realm(realmId: string): RealmInfo | null;
  /** The cached enrollment by id. */
  enrollment(realmId: string, enrollmentId: string): EnrollmentState | null;
  /** The person's cached enrollment in the realm (the lowest enrollment id should there be several). */
  enrollmentOf(realmId: string, userId: string): EnrollmentState | null;
  op(opId: string): OutboxOp | null;
  /** The target's ops (any state, not access codes), oldest first; read before writing (writes may change it). */
  opsOf(realmId: string, userId: string): readonly OutboxOp[];
  enqueue(op: NewOutboxOp & { userId: string }): OutboxOp;
  /** `op` as last read from this store. */
  rewrite(op: OutboxOp, change: OutboxOpChange): OutboxOp;
  remove(op: OutboxOp): void;
  /** The user goes into the people directory from a cached roster (before the transaction commits). */
  rememberEnrolledPerson(accountId: string, userId: string): void;
}

/** Every read and write goes to the cache as it happens. */
export class CacheTargets implements TargetStore {
  constructor(private readonly cache: Cache) {}

  realm(realmId: string): RealmInfo | null {
    return this.cache.realms.owner(realmId);
  }

  enrollment(realmId: string, enrollmentId: string): EnrollmentState | null {
    return this.cache.enrollments.get(realmId, enrollmentId);
  }

  enrollmentOf(realmId: string, userId: string): EnrollmentState | null {
    return this.cache.enrollments.findByUser(realmId, userId);
  }

  op(opId: string): OutboxOp | null {
    return this.cache.outbox.get(opId);
  }

  opsOf(realmId: string, userId: string): OutboxOp[] {
    return this.cache.outbox.listByTarget(realmId, userId);
  }

  enqueue(op: NewOutboxOp & { userId: string }): OutboxOp {
    return this.cache.outbox.enqueue(op);
  }

  rewrite(op: OutboxOp, change: OutboxOpChange): OutboxOp {
    return this.cache.outbox.rewrite(op.id, change);
  }

  remove(op: OutboxOp): void {
    this.cache.outbox.remove(op.id);
  }

  rememberEnrolledPerson(accountId: string, userId: string): void {
    this.cache.outbox.rememberEnrolledPerson(accountId, userId);
  }
}

interface RealmState {
  info: RealmInfo;
  byId: Map<string, EnrollmentState>;
  byUser: Map<string, EnrollmentState>;
  /** Ops per user, seq order, as the outbox holds them now (this store writes through to both). */
  chains: Map<string, OutboxOp[]>;
}

/**
 * A realm's enrollments and ops read once, on first use, inside the caller's write transaction: nobody else can write
 * meanwhile, and every write of the bulk edit goes through here, so the copy stays what the cache holds. Call finish()
 * before the transaction commits.
 */
export class PreloadedTargets implements TargetStore {
  private readonly realms = new Map<string, RealmState | null>();
  private readonly ops = new Map<string, OutboxOp>();
  /** Users whose enroll was queued or rewritten, per account: copied into people at the end. */
  private readonly enrolled = new Map<string, Set<string>>();
  /** Update/remove ops queued here, per realm: their people are copied at the end, first queued first. */
  private readonly queued = new Map<string, string[]>();
  /** The last seq given out: read once, counted here, written back by finish(). */
  private seq: number | null = null;

  constructor(private readonly cache: Cache) {}

  realm(realmId: string): RealmInfo | null {
    return this.load(realmId)?.info ?? null;
  }

  enrollment(realmId: string, enrollmentId: string): EnrollmentState | null {
    return this.load(realmId)?.byId.get(enrollmentId) ?? null;
  }

  enrollmentOf(realmId: string, userId: string): EnrollmentState | null {
    return this.load(realmId)?.byUser.get(userId) ?? null;
  }

  op(opId: string): OutboxOp | null {
    // An op of a realm not loaded is read from the cache: this store never wrote it.
    return this.ops.get(opId) ?? this.cache.outbox.get(opId);
  }

  opsOf(realmId: string, userId: string): readonly OutboxOp[] {
    return this.load(realmId)?.chains.get(userId) ?? [];
  }

  enqueue(op: NewOutboxOp & { userId: string }): OutboxOp {
    this.seq = (this.seq ?? this.cache.outbox.lastSeq()) + 1;
    const added = this.cache.outbox.add(op, this.seq);
    // What enqueue does per enroll (the roster names a pending enroll from `people`), done for all of them at the end.
    if (op.kind === 'enroll') this.rememberEnrolledPerson(op.accountId, op.userId);
    if (op.kind !== 'enroll' && op.enrollmentId) {
      const ids = this.queued.get(op.realmId!);
      if (ids) ids.push(op.enrollmentId);
      else this.queued.set(op.realmId!, [op.enrollmentId]);
    }
    this.track(added, null);
    return added;
  }

  rewrite(op: OutboxOp, change: OutboxOpChange): OutboxOp {
    const next = this.cache.outbox.rewriteOp(op, change);
    this.track(next, op);
    return next;
  }

  remove(op: OutboxOp): void {
    this.cache.outbox.remove(op.id);
    this.ops.delete(op.id);
    const chain = op.realmId !== null && op.userId !== null ? this.realms.get(op.realmId)?.chains.get(op.userId) : undefined;
    if (!chain) return;
    const at = chain.findIndex((other) => other.id === op.id);
    if (at !== -1) chain.splice(at, 1);
  }

  rememberEnrolledPerson(accountId: string, userId: string): void {
    let users = this.enrolled.get(accountId);
    if (!users) this.enrolled.set(accountId, (users = new Set()));
    users.add(userId);
  }

  /** The seq counter and the people copies the edits owe: one statement per realm, one scan per account for enrolls. */
  finish(): void {
    if (this.seq !== null) this.cache.outbox.setLastSeq(this.seq);
    for (const [realmId, enrollmentIds] of this.queued) this.cache.outbox.copyEnrolledPeople(realmId, this.inUserOrder(realmId, enrollmentIds));
    for (const [accountId, users] of this.enrolled) this.cache.outbox.rememberEnrolledPeople(accountId, [...users].sort());
    this.queued.clear();
    this.enrolled.clear();
  }

  /**
   * The first enrollment queued of each person, by user id: the person copied is the one enqueue would have copied
   * (the first op's), and people's key grows in order instead of at random places (a third of the copy's time).
   */
  private inUserOrder(realmId: string, enrollmentIds: readonly string[]): string[] {
    const byId = this.realms.get(realmId)?.byId;
    const first = new Map<string, string>();
    for (const enrollmentId of enrollmentIds) {
      const userId = byId?.get(enrollmentId)?.userId;
      if (userId !== undefined && !first.has(userId)) first.set(userId, enrollmentId);
    }
    return [...first].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, enrollmentId]) => enrollmentId);
  }

  private load(realmId: string): RealmState | null {
    const known = this.realms.get(realmId);
    if (known !== undefined) return known;
    const info = this.cache.realms.owner(realmId);
    let state: RealmState | null = null;
    if (info) {
      state = { info, byId: new Map(), byUser: new Map(), chains: new Map() };
      for (const row of this.cache.enrollments.statesOf(realmId)) {
        state.byId.set(row.enrollmentId, row);
        const other = state.byUser.get(row.userId);
        if (!other || row.enrollmentId < other.enrollmentId) state.byUser.set(row.userId, row);
      }
      for (const op of this.cache.outbox.listByRealm(realmId)) {
        this.ops.set(op.id, op);
        if (op.kind === 'access_code' || op.userId === null) continue;
        const chain = state.chains.get(op.userId);
        if (chain) chain.push(op);
        else state.chains.set(op.userId, [op]);
      }
    }
    this.realms.set(realmId, state);
    return state;
  }

  /** Puts a new op (`was` null) or a rewritten one in its place: chains stay in seq order (a rewrite keeps its seq). */
  private track(op: OutboxOp, was: OutboxOp | null): void {
    this.ops.set(op.id, op);
    const state = op.realmId === null ? undefined : this.realms.get(op.realmId);
    if (!state) return;
    if (was?.userId) {
      const chain = state.chains.get(was.userId) ?? [];
      const at = chain.findIndex((other) => other.id === op.id);
      if (at !== -1) chain.splice(at, 1);
    }
    if (op.userId === null || op.kind === 'access_code') return;
    const chain = state.chains.get(op.userId);
    if (!chain) {
      state.chains.set(op.userId, [op]);
      return;
    }
    chain.push(op);
    if (chain.length > 1 && chain.at(-2)!.seq > op.seq) chain.sort((a, b) => a.seq - b.seq);
  }
}
