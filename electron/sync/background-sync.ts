/**
 * Hands-off sync for the app (desktop window or browser host): per account, a SyncScheduler around the engine — sync
 * on a timer, soon after edits, and the moment a probe finds the LMS again — plus a pull of every known realm on a
 * slower schedule, so changes other staff make in the LMS reach the offline cache without anyone asking.
 * The CLI does not use this: there, sync and pull are explicit commands.
 */
import type { Cache } from '../db/cache';
import type { LmsProvider } from '../lms/provider';
import { Connectivity } from './connectivity';
import { SyncEngine, type SyncProgress, type SyncReport } from './engine';
import type { Outbox } from './outbox';
import { pullAccount } from './pull';
import { SyncScheduler, type SchedulerTimers } from './scheduler';

export interface BackgroundSyncOptions {
  cache: Cache;
  outbox: Outbox;
  provider: (accountId: string) => Promise<LmsProvider>;
  /** Full pull of the account's realms at most this often, after a sync that reached the LMS; default 30 min. */
  pullEveryMs?: number;
  /** Passed to each account's scheduler (intervals in tests). */
  scheduler?: { intervalMs?: number; probeMs?: number; probeMaxMs?: number; debounceMs?: number; timers?: SchedulerTimers };
  now?: () => number;
  /**
   * For a sync the LMS refused (outcome 'unauthorized': expired or revoked sign-in): how the user signs the account
   * in again; it ends the report's message. The queued edits stay either way.
   */
  signInAgainHint?: (accountId: string) => Promise<string>;
  /** After every scheduled sync (and pull) of an account. */
  onReport?: (accountId: string, report: SyncReport) => void;
}

interface AccountSync {
  scheduler: SyncScheduler;
  connectivity: Connectivity;
  lastPullAt: number;
  lastRun: LastSyncRun | null;
  /** The running sync's latest progress (the engine's, then the pull's); null when not syncing. */
  progress: SyncProgress | null;
}

/** The account's most recent finished run, for the sync bar. */
export interface LastSyncRun {
  finishedAt: string;
  report: SyncReport;
}

export class BackgroundSync {
  private readonly accounts = new Map<string, AccountSync>();
  private readonly running = new Set<Promise<SyncReport>>();
  private readonly engine: SyncEngine;
  private readonly now: () => number;

  constructor(private readonly options: BackgroundSyncOptions) {
    this.now = options.now ?? Date.now;
    this.engine = new SyncEngine({ cache: options.cache, outbox: options.outbox, provider: options.provider });
  }

  /** Starts syncing the account (at once: edits left from the last session go out); a second call does nothing. */
  start(accountId: string): void {
    if (this.accounts.has(accountId)) return;
    const connectivity = new Connectivity();
    const entry: AccountSync = { connectivity, lastPullAt: -Infinity, lastRun: null, progress: null, scheduler: undefined as unknown as SyncScheduler };
    entry.scheduler = new SyncScheduler({
      ...this.options.scheduler,
      connectivity,
      sync: () => this.syncAndPull(accountId, entry),
      probe: async () => (await this.options.provider(accountId)).whoAmI(),
      onReport: (report) => {
        entry.lastRun = { finishedAt: new Date(this.now()).toISOString(), report };
        this.options.onReport?.(accountId, report);
      },
    });
    this.accounts.set(accountId, entry);
    entry.scheduler.start();
  }

  /** Edits were queued for the account: it syncs shortly (debounced) when the LMS is reachable. */
  editsQueued(accountId: string): void {
    this.accounts.get(accountId)?.scheduler.editsQueued();
  }

  /** "Sync now": resolves with the report, or null for an account not being synced. */
  async syncNow(accountId: string): Promise<SyncReport | null> {
    return (await this.accounts.get(accountId)?.scheduler.syncNow()) ?? null;
  }

  connectivityOf(accountId: string): Connectivity['state'] {
    return this.accounts.get(accountId)?.connectivity.state ?? 'unknown';
  }

  /** Whether a sync (or its pull) of the account is running right now. */
  isSyncing(accountId: string): boolean {
    return this.accounts.get(accountId)?.scheduler.isSyncing ?? false;
  }

  /** When the account's last sync finished and what it did; null before its first run (or for an account not synced). */
  lastRunOf(accountId: string): LastSyncRun | null {
    return this.accounts.get(accountId)?.lastRun ?? null;
  }

  /** How far the account's running sync is; null when none runs. */
  progressOf(accountId: string): SyncProgress | null {
    return this.accounts.get(accountId)?.progress ?? null;
  }

  /** The account was removed (signed out): no more syncs of it. A sync already running finishes. */
  stopAccount(accountId: string): void {
    this.accounts.get(accountId)?.scheduler.stop();
    this.accounts.delete(accountId);
  }

  /** No more syncs; resolves once a sync already running has finished (so the cache can then be closed). */
  async stop(): Promise<void> {
    for (const { scheduler } of this.accounts.values()) scheduler.stop();
    this.accounts.clear();
    await Promise.allSettled([...this.running]);
  }

  private syncAndPull(accountId: string, entry: AccountSync): Promise<SyncReport> {
    entry.progress = { phase: 'checking', done: 0, total: 0 };
    const run = this.runSyncAndPull(accountId, entry);
    this.running.add(run);
    void run
      .finally(() => {
        this.running.delete(run);
        entry.progress = null;
      })
      .catch(() => undefined);
    return run;
  }

  private async runSyncAndPull(accountId: string, entry: AccountSync): Promise<SyncReport> {
    const report = await this.engine.sync(accountId, { onProgress: (progress) => (entry.progress = progress) });
    if (report.outcome === 'unauthorized' && this.options.signInAgainHint) {
      const hint = await this.options.signInAgainHint(accountId).catch(() => null);
      if (hint) return { ...report, message: `The LMS refused the account's credentials (an expired or revoked sign-in); ${hint}. The queued edits are kept.` };
    }
    const due = this.now() - entry.lastPullAt >= (this.options.pullEveryMs ?? 30 * 60_000);
    if (due && (report.outcome === 'ok' || report.outcome === 'partial')) {
      try {
        entry.progress = { phase: 'refreshing', done: 0, total: this.options.cache.realms.list(accountId).length };
        await pullAccount(this.options.cache, accountId, await this.options.provider(accountId), {
          onRealm: ({ done, total }) => (entry.progress = { phase: 'refreshing', done, total }),
        });
        entry.lastPullAt = this.now();
        entry.connectivity.report('online');
      } catch (error) {
        // The edits are synced; a pull that failed is tried again at the next scheduled sync.
        entry.connectivity.reportFailure(error);
        return { ...report, message: [report.message, `Refreshing every roster failed: ${error instanceof Error ? error.message : String(error)}`].filter(Boolean).join(' ') };
      }
    }
    return report;
  }
}
