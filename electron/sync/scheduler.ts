/**
 * When to sync, so staff never have to think about it:
 * - online (or not known yet): on a timer (default every 5 min), and ~2 s after edits are queued (debounced, so a
 *   burst of clicks is one sync);
 * - offline: no syncs, only a cheap probe (who am I) every 30 s, backing off to 5 min, and a sync the moment it
 *   answers — the network coming back is noticed by trying, not by asking the OS;
 * - never two syncs at once: a trigger during a sync asks for one more run after it (the engine's cross-process lock
 *   covers other processes).
 * Timers are injected so the policy is tested without waiting.
 */
import type { Connectivity } from './connectivity';
import { emptyReport, type SyncReport } from './sync-report';

export interface SchedulerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncSchedulerOptions {
  /** One sync of the account (SyncEngine.sync); expected to report trouble in its result, not to throw. */
  sync: () => Promise<SyncReport>;
  /** One cheap authenticated request (provider.whoAmI); resolves when the LMS answered. */
  probe: () => Promise<unknown>;
  connectivity: Connectivity;
  /** Default 5 min. */
  intervalMs?: number;
  /** First probe delay when offline; default 30 s. It doubles after every failed probe up to probeMaxMs. */
  probeMs?: number;
  /** Default 5 min. */
  probeMaxMs?: number;
  /** Quiet time after the last queued edit before syncing; default 2 s. */
  debounceMs?: number;
  timers?: SchedulerTimers;
  /** After every sync the scheduler ran. */
  onReport?: (report: SyncReport) => void;
}

const realTimers: SchedulerTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending sync timer must not keep a CLI or a test process alive.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class SyncScheduler {
  private readonly timers: SchedulerTimers;
  private readonly intervalMs: number;
  private readonly probeMs: number;
  private readonly probeMaxMs: number;
  private readonly debounceMs: number;
  private next: unknown = null;
  private debounce: unknown = null;
  private probeDelay: number;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private unsubscribe: (() => void) | null = null;
  private last: SyncReport | null = null;

  constructor(private readonly options: SyncSchedulerOptions) {
    this.timers = options.timers ?? realTimers;
    this.intervalMs = options.intervalMs ?? 5 * 60_000;
    this.probeMs = options.probeMs ?? 30_000;
    this.probeMaxMs = options.probeMaxMs ?? 5 * 60_000;
    this.debounceMs = options.debounceMs ?? 2_000;
    this.probeDelay = this.probeMs;
  }

  /** Syncs once right away (edits left from the last session go out), then keeps to the schedule. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.options.connectivity.onChange((state) => this.connectivityChanged(state));
    this.trigger();
  }

  /** No more syncs or probes; a sync already running finishes. */
  stop(): void {
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.clear('next');
    this.clear('debounce');
  }

  /** Edits were queued: sync soon if the LMS is (or may be) reachable; offline, the probe will bring the sync. */
  editsQueued(): void {
    if (!this.started || this.options.connectivity.state === 'offline') return;
    this.clear('debounce');
    this.debounce = this.timers.setTimeout(() => {
      this.debounce = null;
      this.trigger();
    }, this.debounceMs);
  }

  /** A sync now ("Sync now" button); resolves with its report (null when stopped). */
  async syncNow(): Promise<SyncReport | null> {
    if (!this.started) return null;
    this.clear('debounce');
    this.trigger();
    await this.running;
    return this.last;
  }

  get isSyncing(): boolean {
    return this.running !== null;
  }

  private trigger(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      this.clear('next');
      const report = await this.runOnce();
      this.last = report;
      this.options.onReport?.(report);
    } while (this.again && this.started);
    this.running = null;
    this.scheduleNext();
  }

  private async runOnce(): Promise<SyncReport> {
    let report: SyncReport;
    try {
      report = await this.options.sync();
    } catch (error) {
      report = emptyReport('failed', error instanceof Error ? error.message : String(error));
    }
    // A run with nothing to send asked the LMS nothing: its "ok" says nothing about reaching it.
    const talked = report.requests.reads + report.requests.writes > 0;
    if (report.outcome === 'offline') this.options.connectivity.report('offline');
    else if (talked && (report.outcome === 'ok' || report.outcome === 'partial' || report.outcome === 'unauthorized')) {
      this.options.connectivity.report('online');
    }
    return report;
  }

  private scheduleNext(): void {
    if (!this.started) return;
    this.clear('next');
    if (this.options.connectivity.state === 'offline') {
      this.next = this.timers.setTimeout(() => void this.probe(), this.probeDelay);
    } else {
      this.probeDelay = this.probeMs;
      this.next = this.timers.setTimeout(() => {
        this.next = null;
        this.trigger();
      }, this.intervalMs);
    }
  }

  private async probe(): Promise<void> {
    this.next = null;
    if (!this.started || this.running) return;
    try {
      await this.options.probe();
      this.options.connectivity.reportSuccess();
    } catch (error) {
      this.options.connectivity.reportFailure(error);
    }
    if (!this.started || this.running) return;
    if (this.options.connectivity.state === 'offline') {
      this.probeDelay = Math.min(this.probeDelay * 2, this.probeMaxMs);
      this.scheduleNext();
    } else {
      this.probeDelay = this.probeMs;
      this.trigger();
    }
  }

  /** Connectivity learned elsewhere (a pull, another request): come back at once, or switch to probing. */
  private connectivityChanged(state: string): void {
    // During a sync the run itself decides what comes next; reacting here would only queue a second run.
    if (!this.started || this.running) return;
    if (state === 'offline') {
      this.clear('debounce');
      this.scheduleNext();
    } else if (state === 'online') {
      this.probeDelay = this.probeMs;
      this.trigger();
    }
  }

  private clear(which: 'next' | 'debounce'): void {
    const handle = this[which];
    if (handle !== null) this.timers.clearTimeout(handle);
    this[which] = null;
  }
}
