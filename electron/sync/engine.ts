/**
 * The sync engine: takes an account's queued edits to the LMS exactly once, in as few requests as the API allows.
 *
 * One run, under the data dir's cross-process lock:
 *   recover  ops a killed run left in flight go back to the queue (attempts kept: they may have reached the server)
 *   check    re-read every realm the queue touches (paged) and ingest it into the cache; each op is pushed, settled
 *            as already done, or held as a conflict (conflict-check.ts)
 *   push     the planner's batches (planner.ts); each batch's ops are marked in flight in the same transaction that
 *            confirms they are still what was checked, then the batch's per-item results are settled (one commit)
 *   refresh  re-read the realms that changed, so the cache holds the server's own values
 * and a sync_runs row with the counts. LMS trouble never throws: the report says what happened and the ops stay.
 *
 * Conflicts are judged on values, and on Canvas also on the enrollment's updated_at: the check hands each server
 * enrollment's stamp to conflict-check.ts, which compares it with the one the op recorded (base.version).
 *
 * Why it is safe to be killed at any instant: an op is deleted only together with the cache write of its result
 * (settleApplied), every push is idempotent (creates travel as upserts, removes of a missing enrollment are "done"),
 * and a recovered op is checked against the server before it is sent again.
 *
 * Rounds: a person may have more than one op (one was in flight when the user edited again, so a second op was queued
 * after it, stating the full intent against the first op's values). Such ops go in rounds — first ops of every
 * person, then second ones, checked against the server as the first round left it — so the usual queue of one op per
 * person still costs exactly ceil(U/50) + ceil(D/50) writes.
 */
import { randomUUID } from 'node:crypto';
import type { Cache } from '../db/cache';
import type { OutboxOp } from '../db/outbox-repo';
import { LmsError } from '../lms/lms-error';
import type { LmsProvider, PushBatch, PushResult } from '../lms/provider';
import { SCHOOLOGY_MAX_BATCH } from '../lms/schoology/bulk-results';
import { statusToSchoology, type Enrollment, type EnrollmentFields } from '../../shared/domain';
import { checkAccessCode, checkOp, MalformedOpError, ServerRoster, type Verdict, type VisibleRealm } from './conflict-check';
import type { Connectivity } from './connectivity';
import type { Outbox } from './outbox';
import { describeBatch, planPush, type PlanItem, type PlannedRequest } from './planner';
import { LOCK_RENEW_MS, SyncLock } from './sync-lock';
import { emptyReport, type SyncReport } from './sync-report';

export type { SyncReport } from './sync-report';

export interface SyncProgress {
  phase: 'checking' | 'pushing' | 'refreshing' | 'done';
  done: number;
  total: number;
  batch?: { index: number; count: number; kind: string; size: number };
}


export interface SyncEngineOptions {
  cache: Cache;
  outbox: Outbox;
  provider: (accountId: string) => Promise<LmsProvider>;
  /** Names this engine in the lock (default: a fresh id per engine). */
  lockOwner?: string;
  now?: () => Date;
  /** Told about every request outcome, for the scheduler's online/offline state. */
  connectivity?: Connectivity;
}

export interface SyncOptions {
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
}

/** Why a run stopped early. `offline` and `unauthorized` leave every unsent op queued. */
type Stop = { kind: 'offline' | 'unauthorized' | 'failed' | 'cancelled'; message: string };

/** Thrown inside a run to end it early; `cause` is the LmsError behind it, when there was one. */
class StopRun extends Error {
  constructor(
    readonly stop: Stop,
    cause?: unknown,
  ) {
    super(stop.message, { cause });
  }
}


/**
 * Requests in the air at once, for the check's and the refresh's realm reads and for the push batches of a round:
 * enough that the LMS's latency overlaps and the transport's rate limiter, not our waiting, sets the pace (a district
 * queue touches a hundred realms); few enough not to burst.
 */
const READ_CONCURRENCY = 4;
const PUSH_CONCURRENCY = 4;

/** Runs `work` over `items`, `limit` at a time; the first failure stops new work and is rethrown once the rest ended. */
async function eachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const state: { failure: { error: unknown } | null } = { failure: null };
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined && state.failure === null; item = queue.shift()) {
      try {
        await work(item);
      } catch (error) {
        state.failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (state.failure) throw state.failure.error;
}

/** One target per person in a realm (or per enrollment when the op names no person); joins stand alone. */
function targetOf(op: OutboxOp): string {
  if (op.kind === 'access_code') return `join:${op.id}`;
  return `${op.realmId ?? ''}|${op.userId !== null ? `u:${op.userId}` : `e:${op.enrollmentId ?? op.id}`}`;
}

/** Ops in rounds: round n holds the n-th op (seq order) of every target. */
function rounds(ops: readonly OutboxOp[]): OutboxOp[][] {
  const seen = new Map<string, number>();
  const out: OutboxOp[][] = [];
  for (const op of [...ops].sort((a, b) => a.seq - b.seq)) {
    const target = targetOf(op);
    const n = seen.get(target) ?? 0;
    seen.set(target, n + 1);
    (out[n] ??= []).push(op);
  }
  return out;
}

/** What must not have changed between the check and the push for the check to still hold. */
function fingerprint(op: OutboxOp): string {
  return JSON.stringify([op.kind, op.state, op.enrollmentId, op.userId, op.fields, op.base, op.updatedAt]);
}

function realmKeyOf(accountId: string, realmId: string): string {
  const prefix = `${accountId}/`;
  if (!realmId.startsWith(prefix)) throw new Error(`Realm "${realmId}" does not belong to account "${accountId}".`);
  return realmId.slice(prefix.length);
}

/** An LmsError's words without the endpoint prefix, for a per-op reason. */
function lmsDetail(error: LmsError): string {
  return error.message.startsWith(`${error.endpoint}: `) ? error.message.slice(error.endpoint.length + 2) : error.message;
}

/** The user's cancel, or the engine's own stop when its lock was taken over (the abort reason says which). */
function cancelled(reason: unknown): Stop {
  const own = reason instanceof Error && reason.name !== 'AbortError' ? reason.message : null;
  return { kind: 'cancelled', message: own ? `Sync stopped: ${own}.` : 'Sync cancelled.' };
}

function stopFor(error: unknown): Stop {
  if (error instanceof LmsError) {
    if (error.kind === 'aborted') return cancelled(error.cause);
    if (error.kind === 'unauthorized') return { kind: 'unauthorized', message: `The LMS refused the credentials (${error.message}); sign in to the account again.` };
    if (error.transient) return { kind: 'offline', message: `The LMS could not be reached (${error.message}).` };
  }
  return { kind: 'failed', message: `Sync failed: ${error instanceof Error ? error.message : String(error)}.` };
}

export class SyncEngine {
  private readonly lock: SyncLock;
  private syncing = false;

  constructor(private readonly options: SyncEngineOptions) {
    this.lock = new SyncLock(options.cache.db, { owner: options.lockOwner ?? `sync-${randomUUID()}`, now: options.now });
  }

  async sync(accountId: string, options: SyncOptions = {}): Promise<SyncReport> {
    if (this.syncing) return emptyReport('busy', 'A sync of this data folder is already running here.');
    let acquired;
    try {
      acquired = this.lock.acquire();
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        return emptyReport('busy', 'Another process is writing the offline cache; try the sync again in a moment.');
      }
      throw error;
    }
    if (!acquired.acquired) {
      const { holder } = acquired;
      return emptyReport('busy', `Another sync is running (${holder.owner}, pid ${holder.pid} on ${holder.host}); it holds the lock until ${holder.expiresAt}.`);
    }
    this.syncing = true;
    const lost = new AbortController();
    const renewal = setInterval(() => {
      // Renewal fails only if our lease ran out and another process took over: stop before sending anything more.
      if (!this.lock.renew()) lost.abort(new Error('another process took over the sync lock after this one stalled'));
    }, LOCK_RENEW_MS);
    renewal.unref();
    try {
      const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;
      return await new SyncRun(this.options, accountId, signal, options.onProgress).execute();
    } finally {
      clearInterval(renewal);
      this.lock.release();
      this.syncing = false;
    }
  }

  /** The requests a sync would make for the queue as it stands: no network, so updates are planned as upserts. */
  plan(accountId: string): PlannedRequest[] {
    const { cache } = this.options;
    const ops = cache.outbox.listByAccount(accountId).filter((op) => op.state === 'queued' || op.state === 'in_flight');
    const requests: PlannedRequest[] = [];
    for (const round of rounds(ops)) {
      const items = round.flatMap((op): PlanItem[] => {
        if (op.kind === 'access_code') {
          const verdict = checkAccessCode(op, null);
          return verdict.verdict === 'push-accesscode' ? [{ kind: 'accesscode', opId: op.id, realmKind: verdict.realmKind, accessCode: verdict.accessCode }] : [];
        }
        if (op.realmId === null) return [];
        const realmKey = realmKeyOf(accountId, op.realmId);
        if (op.kind === 'remove') return op.enrollmentId ? [{ kind: 'remove', opId: op.id, realmKey, enrollmentId: op.enrollmentId }] : [];
        const cached = op.enrollmentId ? cache.enrollments.get(op.realmId, op.enrollmentId) : null;
        const userId = op.userId ?? cached?.userId;
        if (!userId) return [];
        const fields: EnrollmentFields = { role: op.fields.role ?? cached?.role ?? 'student', status: op.fields.status ?? cached?.status ?? 'active' };
        return [{ kind: 'upsert', opId: op.id, realmKey, userId, fields }];
      });
      requests.push(...planPush(items, SCHOOLOGY_MAX_BATCH).map(describeBatch));
    }
    return requests;
  }
}

/** One sync of one account: the state of the run and its steps. */
class SyncRun {
  private readonly cache: Cache;
  private readonly outbox: Outbox;
  private provider!: LmsProvider;
  private readonly counts = { applied: 0, done: 0, rejected: 0, conflicts: 0, recovered: 0, reads: 0, writes: 0, refreshedRealms: 0 };
  /** The ops this run set out to sync; those still queued at the end are the report's `requeued`. */
  private opIds: string[] = [];
  private readonly rosters = new Map<string, ServerRoster>();
  /** Realms the check could not read, with the LMS's answer: their ops are refused with it. */
  private readonly unreadable = new Map<string, LmsError>();
  private visible: VisibleRealm[] | null = null;
  private readonly changedRealms = new Set<string>();
  private readonly joinedRealmKeys = new Set<string>();
  /** Targets with an op this run did not settle: their later ops wait for the next sync. */
  private readonly blocked = new Set<string>();
  private notes: string[] = [];
  private pushTotal = 0;
  private pushDone = 0;

  constructor(
    private readonly options: SyncEngineOptions,
    private readonly accountId: string,
    private readonly signal: AbortSignal,
    private readonly onProgress: ((progress: SyncProgress) => void) | undefined,
  ) {
    this.cache = options.cache;
    this.outbox = options.outbox;
  }

  async execute(): Promise<SyncReport> {
    const run = this.cache.syncRuns.start(this.accountId);
    let stop: Stop | null = null;
    try {
      this.provider = await this.options.provider(this.accountId);
      this.counts.recovered = this.write(() => this.outbox.recover(this.accountId));
      const ops = this.write(() => this.outbox.sendable(this.accountId));
      this.opIds = ops.map((op) => op.id);
      if (ops.length > 0) {
        await this.check(ops);
        await this.push(ops);
        await this.refresh();
      }
    } catch (error) {
      stop = error instanceof StopRun ? error.stop : stopFor(error);
    }
    this.emit({ phase: 'done', done: this.pushDone, total: this.pushTotal });
    return this.finish(run.id, stop);
  }

  // ---- check ----

  private async check(ops: readonly OutboxOp[]): Promise<void> {
    const realmIds = [...new Set(ops.flatMap((op) => (op.kind !== 'access_code' && op.realmId !== null ? [op.realmId] : [])))];
    const needsListing = ops.some((op) => op.kind === 'access_code' && op.attempts > 0);
    const total = realmIds.length + (needsListing ? 1 : 0);
    let done = 0;
    this.emit({ phase: 'checking', done, total });
    await eachConcurrently(realmIds, READ_CONCURRENCY, async (realmId) => {
      await this.readRealm(realmId, 'check');
      this.emit({ phase: 'checking', done: ++done, total });
    });
    if (needsListing) {
      this.visible = await this.request(() => this.provider.listRealms(this.signal), 'reads');
      this.emit({ phase: 'checking', done: total, total });
    }
  }

  /**
   * Reads a realm's whole roster and makes it the cache's server state. A realm the LMS refuses to show (gone, or no
   * longer ours) is noted so its ops are refused with that answer; network trouble stops the run.
   */
  private async readRealm(realmId: string, purpose: 'check' | 'refresh'): Promise<void> {
    const realmKey = realmKeyOf(this.accountId, realmId);
    const enrollments: Enrollment[] = [];
    try {
      await this.request(async () => {
        for await (const page of this.provider.pullRealm(realmKey, this.signal)) {
          this.counts.reads += 1;
          enrollments.push(...page);
        }
      });
    } catch (error) {
      if (purpose === 'check' && error instanceof StopRun && error.cause instanceof LmsError && isRefusal(error.cause)) {
        this.unreadable.set(realmId, error.cause);
        return;
      }
      throw error;
    }
    // A realm dropped from the account's listing has no cache row; its queued ops are still checked and pushed.
    if (this.cache.realms.get(realmId)) this.write(() => this.cache.enrollments.replaceRealmSnapshots([{ realmId, enrollments }]));
    this.rosters.set(
      realmId,
      new ServerRoster(
        this.provider.provider,
        realmKey,
        enrollments.map((e) => ({ id: e.id, userId: e.userId, role: e.role, status: e.status, ...versionOf(e) })),
      ),
    );
  }

  // ---- push ----

  private async push(ops: readonly OutboxOp[]): Promise<void> {
    const all = rounds(ops);
    for (const [n, round] of all.entries()) {
      const items: PlanItem[] = [];
      const snapshot = new Map<string, string>();
      this.write(() => {
        for (const planned of round) {
          const target = targetOf(planned);
          const op = this.cache.outbox.get(planned.id);
          // Edited, undone or settled since the run began (or an earlier op of the person is unsettled): next sync.
          if (!op || op.state !== 'queued' || (n > 0 && this.blocked.has(target)) || (n === 0 && fingerprint(op) !== fingerprint(planned))) {
            this.blocked.add(target);
            continue;
          }
          const item = this.decide(op, target);
          if (item) {
            items.push(item);
            snapshot.set(op.id, fingerprint(op));
          }
        }
      });
      const batches = planPush(items, this.provider.capabilities.maxBatch);
      this.pushTotal += items.length;
      let started = 0;
      // The batches of one round touch different people, so they may travel side by side. A StopRun ends the run
      // once the batches already on their way are settled; the ones not sent were never marked, so they are still
      // queued exactly as before.
      await eachConcurrently(batches, PUSH_CONCURRENCY, async (batch) => {
        this.emit({
          phase: 'pushing',
          done: this.pushDone,
          total: this.pushTotal,
          batch: { index: ++started, count: batches.length, kind: batch.kind, size: batch.items.length },
        });
        await this.sendBatch(batch, snapshot);
      });
    }
    this.emit({ phase: 'pushing', done: this.pushDone, total: this.pushTotal });
  }

  /** The check's verdict for one op, settled at once unless it is a push; returns the item to send. */
  private decide(op: OutboxOp, target: string): PlanItem | null {
    const refuse = (code: number, reason: string): null => {
      this.outbox.settleRejected(op.id, code, reason);
      this.counts.rejected += 1;
      this.blocked.add(target);
      return null;
    };
    let verdict: Verdict;
    let realmKey = '';
    try {
      if (op.kind === 'access_code') {
        verdict = checkAccessCode(op, this.visible);
      } else {
        const refused = op.realmId === null ? undefined : this.unreadable.get(op.realmId);
        const roster = op.realmId === null ? undefined : this.rosters.get(op.realmId);
        if (refused) return refuse(refused.status ?? 400, lmsDetail(refused));
        if (!roster) return refuse(400, 'the edit names no realm; discard it and make it again');
        realmKey = roster.realmKey;
        verdict = checkOp(op, roster);
      }
    } catch (error) {
      if (error instanceof MalformedOpError) return refuse(400, error.message);
      throw error;
    }
    switch (verdict.verdict) {
      case 'done':
        this.outbox.settleDone(op.id);
        this.counts.done += 1;
        return null;
      case 'conflict':
        this.outbox.hold(op.id, verdict.conflicts);
        this.counts.conflicts += 1;
        this.blocked.add(target);
        return null;
      case 'push': {
        const problem = this.unwritable(verdict.upsert.fields);
        if (problem) return refuse(400, problem);
        return { kind: 'upsert', opId: op.id, ...verdict.upsert };
      }
      case 'push-remove':
        return { kind: 'remove', opId: op.id, realmKey, enrollmentId: verdict.enrollmentId };
      case 'push-accesscode':
        return { kind: 'accesscode', opId: op.id, realmKind: verdict.realmKind, accessCode: verdict.accessCode };
    }
  }

  /** A value this LMS cannot store would fail the whole batch in the provider; refuse just that op instead. */
  private unwritable(fields: EnrollmentFields): string | null {
    if (this.provider.provider !== 'schoology') return null;
    try {
      statusToSchoology(fields.status);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  private async sendBatch(planned: PushBatch, snapshot: ReadonlyMap<string, string>): Promise<void> {
    // Checked before the claim: an op marked in flight counts as maybe sent (attempts), which a cancel must not fake.
    if (this.signal.aborted) throw new StopRun(cancelled(this.signal.reason));
    const batch = this.claim(planned, snapshot);
    // The planner makes upsert, remove and join batches only (planPush takes PlanItems).
    const items = batch.items as readonly PlanItem[];
    if (items.length === 0) return;
    const opIds = items.map((item) => item.opId);
    this.counts.writes += 1;
    let results: PushResult[];
    try {
      results = await this.request(() => this.provider.pushBatch(batch, this.signal));
    } catch (error) {
      const cause = error instanceof StopRun ? error.cause : error;
      if (cause instanceof LmsError && isRefusal(cause)) {
        // The LMS refused the request as a whole (403, 400): every op of it carries that answer, the run goes on.
        this.write(() => {
          for (const opId of opIds) this.outbox.settleRejected(opId, cause.status ?? 400, lmsDetail(cause));
        });
        this.counts.rejected += opIds.length;
        this.pushDone += opIds.length;
        for (const item of items) this.blocked.add(this.targetOfItem(item));
        return;
      }
      const stop = error instanceof StopRun ? error.stop : stopFor(error);
      this.write(() => this.outbox.requeue(opIds, `will retry: ${stop.message}`));
      throw error instanceof StopRun ? error : new StopRun(stop, error);
    }
    const byOp = new Map(results.map((result) => [result.opId, result]));
    // One commit for the whole batch: with synchronous=FULL each commit waits for the disk, and a crash before it
    // leaves the ops in flight, which the next run recovers and finds done on the server.
    this.write(() => {
      for (const item of items) {
        const result = byOp.get(item.opId);
        if (!result) {
          this.outbox.requeue([item.opId], 'will retry: the LMS gave no answer for this edit');
          this.blocked.add(this.targetOfItem(item));
          continue;
        }
        this.settle(item, result);
        this.pushDone += 1;
      }
    });
  }

  /**
   * Marks the batch's ops in flight in one IMMEDIATE transaction, keeping only those still exactly as checked: an op
   * edited while the run waited on the network (coalesced, undone) is left for the next sync rather than sent stale.
   */
  private claim(planned: PushBatch, snapshot: ReadonlyMap<string, string>): PushBatch {
    return this.write((): PushBatch => {
      const keep = planned.items.filter((item) => {
        const op = this.cache.outbox.get(item.opId);
        const same = op !== null && fingerprint(op) === snapshot.get(item.opId);
        if (!same) this.blocked.add(op ? targetOf(op) : `gone:${item.opId}`);
        return same;
      });
      const ids = keep.map((item) => item.opId);
      if (ids.length > 0) this.outbox.markInFlight(ids);
      this.pushDone += planned.items.length - keep.length;
      return { ...planned, items: keep } as PushBatch;
    });
  }


  private settle(item: PlanItem, result: PushResult): void {
    const op = this.cache.outbox.get(item.opId);
    const target = op ? targetOf(op) : `gone:${item.opId}`;
    switch (result.outcome) {
      case 'applied': {
        this.outbox.settleApplied(item.opId, result.enrollmentId === undefined ? {} : { enrollmentId: result.enrollmentId });
        this.counts.applied += 1;
        this.learnApplied(item, result, op);
        return;
      }
      case 'rejected':
        this.outbox.settleRejected(item.opId, result.code, result.reason);
        this.counts.rejected += 1;
        this.blocked.add(target);
        return;
      case 'not-found':
        if (item.kind === 'remove') {
          // Already gone: what the remove wanted (often our own earlier attempt whose reply was lost).
          this.outbox.settleDone(item.opId);
          this.counts.done += 1;
          if (op?.realmId) {
            this.rosters.get(op.realmId)?.delete(item.enrollmentId);
            // It was there when the check read the realm, so the cache still shows it until the refresh.
            this.changedRealms.add(op.realmId);
          }
          return;
        }
        this.outbox.settleRejected(item.opId, 404, result.reason);
        this.counts.rejected += 1;
        this.blocked.add(target);
        return;
    }
  }

  /** Writes an applied result into the run's picture of the server, for the next round's check and the refresh. */
  private learnApplied(item: PlanItem, result: Extract<PushResult, { outcome: 'applied' }>, op: OutboxOp | null): void {
    if (item.kind === 'accesscode') {
      if (result.realmKey) this.joinedRealmKeys.add(result.realmKey);
      return;
    }
    const realmId = op?.realmId;
    if (!realmId) return;
    this.changedRealms.add(realmId);
    const roster = this.rosters.get(realmId);
    if (!roster) return;
    if (item.kind === 'remove') {
      roster.delete(item.enrollmentId);
      return;
    }
    const id = result.enrollmentId ?? roster.ofUser(item.userId)?.id;
    if (id) roster.set({ id, userId: item.userId, role: item.fields.role, status: item.fields.status });
  }

  private targetOfItem(item: PlanItem): string {
    const op = this.cache.outbox.get(item.opId);
    return op ? targetOf(op) : `gone:${item.opId}`;
  }

  // ---- refresh ----

  private async refresh(): Promise<void> {
    const realmIds = this.withOverlapping([...this.changedRealms]);
    const total = realmIds.length + (this.joinedRealmKeys.size > 0 ? 1 : 0);
    if (total === 0) return;
    let done = 0;
    this.emit({ phase: 'refreshing', done, total });
    try {
      await eachConcurrently(realmIds, READ_CONCURRENCY, async (realmId) => {
        await this.readRealm(realmId, 'refresh');
        this.counts.refreshedRealms += 1;
        this.emit({ phase: 'refreshing', done: ++done, total });
      });
      if (this.joinedRealmKeys.size > 0) await this.refreshJoined();
    } catch (error) {
      if (!(error instanceof StopRun)) throw error;
      // Every edit is settled by now; only the cache's copy of the server is older than it could be.
      this.notes.push(`The rosters could not be refreshed (${error.stop.message}); run \`roster pull\` to see the server's values.`);
    }
  }

  /**
   * The changed realms and every cached realm holding the same enrollments. A Canvas course lists the enrollments of
   * all its sections, so a change made through the course shows in a section and the other way round: both are read
   * again, or the one not edited would show the old values until the next pull. The cache does not keep a section's
   * course id; its course title and code (which it takes from the course) find them, and a stray match costs one
   * read. Schoology's sections and groups share no enrollments.
   */
  private withOverlapping(realmIds: string[]): string[] {
    const courseOf = (realm: { courseTitle: string; courseCode: string }) => JSON.stringify([realm.courseTitle, realm.courseCode]);
    const courses = new Set<string>();
    for (const id of realmIds) {
      const realm = this.cache.realms.get(id);
      if (realm?.provider === 'canvas') courses.add(courseOf(realm));
    }
    if (courses.size === 0) return realmIds;
    const overlapping = this.cache.realms
      .list(this.accountId)
      .filter((realm) => courses.has(courseOf(realm)) && realm.pulledAt !== null)
      .map((realm) => realm.id);
    return [...new Set([...realmIds, ...overlapping])];
  }

  /** A join made the user a member of a realm the cache may not know yet: list realms, then read the joined ones. */
  private async refreshJoined(): Promise<void> {
    const listed = await this.request(() => this.provider.listRealms(this.signal), 'reads');
    this.write(() => this.cache.realms.saveMany(listed.map((realm) => ({ ...realm, accountId: this.accountId, pulledAt: null }))));
    for (const key of this.joinedRealmKeys) {
      const realmId = `${this.accountId}/${key}`;
      if (!this.cache.realms.get(realmId)) continue;
      await this.readRealm(realmId, 'refresh');
      this.counts.refreshedRealms += 1;
    }
  }

  // ---- plumbing ----

  /**
   * Runs one LMS call, telling connectivity how it went. An LmsError becomes a StopRun carrying it as the cause; the
   * caller decides whether that stops the run.
   */
  private async request<T>(call: () => Promise<T>, count?: 'reads'): Promise<T> {
    if (this.signal.aborted) throw new StopRun(cancelled(this.signal.reason));
    try {
      const result = await call();
      if (count) this.counts[count] += 1;
      this.options.connectivity?.reportSuccess();
      return result;
    } catch (error) {
      if (!(error instanceof LmsError)) {
        if (this.signal.aborted) throw new StopRun(cancelled(this.signal.reason), error);
        throw error;
      }
      this.options.connectivity?.reportFailure(error);
      throw new StopRun(stopFor(error), error);
    }
  }

  /**
   * Runs `fn` in a BEGIN IMMEDIATE transaction (the outbox's own transactions nest inside as savepoints). Another
   * process (the app, `roster`) may write the cache meanwhile: a deferred transaction that read first and then writes
   * fails at once with SQLITE_BUSY instead of waiting, while IMMEDIATE takes the write lock up front, waiting out the
   * busy timeout.
   */
  private write<T>(fn: () => T): T {
    return this.cache.db.transaction(fn).immediate();
  }

  private emit(progress: SyncProgress): void {
    this.onProgress?.(progress);
  }

  private finish(runId: number, stop: Stop | null): SyncReport {
    const c = this.counts;
    const requeued = this.opIds.filter((id) => this.cache.outbox.get(id)?.state === 'queued').length;
    let outcome: SyncReport['outcome'];
    if (stop) outcome = stop.kind === 'cancelled' ? 'failed' : stop.kind;
    else outcome = c.rejected + c.conflicts > 0 ? 'partial' : 'ok';
    const kept = stop && requeued > 0 ? `${requeued} edit${requeued === 1 ? '' : 's'} stay queued for the next sync.` : '';
    const message = [stop?.message ?? this.summary(requeued), kept, ...this.notes].filter(Boolean).join(' ');
    // The sync log knows no 'unauthorized' outcome (yet); the message says which failure it was.
    const rowOutcome = stop?.kind === 'cancelled' ? 'cancelled' : outcome === 'unauthorized' ? 'failed' : outcome;
    this.cache.syncRuns.finish(runId, rowOutcome, { ...c, requeued }, message);
    return {
      outcome,
      applied: c.applied,
      done: c.done,
      rejected: c.rejected,
      conflicts: c.conflicts,
      requeued,
      requests: { reads: c.reads, writes: c.writes },
      refreshedRealms: c.refreshedRealms,
      message,
      runId,
    };
  }

  private summary(requeued: number): string {
    const c = this.counts;
    const parts = [
      c.applied && `${c.applied} applied`,
      c.done && `${c.done} already on the server`,
      c.rejected && `${c.rejected} rejected`,
      c.conflicts && `${c.conflicts} in conflict`,
      requeued && `${requeued} left queued for the next sync`,
    ].filter(Boolean);
    if (parts.length === 0) return 'Nothing to sync.';
    return `${parts.join(', ')} (${c.writes} write request${c.writes === 1 ? '' : 's'}).`;
  }
}

/**
 * The enrollment's version for the conflict check: Canvas's updated_at (lms-api-notes §2.2); Schoology keeps none. The
 * cache stores the same record, which is where an op's base.version comes from (outbox.ts).
 */
function versionOf(enrollment: Enrollment): { version?: string } {
  const stamp = enrollment.source.provider === 'canvas' ? enrollment.source.record.updated_at : null;
  return stamp ? { version: stamp } : {};
}

/** The LMS answered and said no to reading this realm (it is gone, or no longer the account's). */
function isRefusal(error: LmsError): boolean {
  return error.kind === 'not-found' || error.kind === 'forbidden' || error.kind === 'rejected';
}
