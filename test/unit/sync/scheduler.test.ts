import { afterEach, describe, expect, it } from 'vitest';
import { LmsError } from '../../../electron/lms/lms-error';
import { Connectivity } from '../../../electron/sync/connectivity';
import { emptyReport, type SyncReport } from '../../../electron/sync/sync-report';
import { SyncScheduler, type SchedulerTimers } from '../../../electron/sync/scheduler';

/** A clock that moves only when the test says; due callbacks run in time order, with promises settled between. */
class ManualTimers implements SchedulerTimers {
  now = 0;
  private pending = new Map<number, { at: number; callback: () => void }>();
  private nextHandle = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.pending.set(handle, { at: this.now + ms, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Delays of the timers now pending, from the current time. */
  get scheduled(): number[] {
    return [...this.pending.values()].map((timer) => timer.at - this.now).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      await settle();
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

const report = (outcome: SyncReport['outcome']): SyncReport => ({ ...emptyReport(outcome, ''), message: null });

const networkDown = () => new LmsError('network', 'GET users/me', 'connection refused');

let scheduler: SyncScheduler | undefined;
afterEach(() => scheduler?.stop());

function setup(options: { outcomes?: Array<SyncReport['outcome']>; probeAnswers?: boolean[] } = {}) {
  const timers = new ManualTimers();
  const connectivity = new Connectivity();
  const syncs: number[] = [];
  const probes: number[] = [];
  const outcomes = [...(options.outcomes ?? [])];
  const probeAnswers = [...(options.probeAnswers ?? [])];
  let release: (() => void) | null = null;
  let hold = false;
  const s = new SyncScheduler({
    timers,
    connectivity,
    sync: async () => {
      syncs.push(timers.now);
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      return report(outcomes.shift() ?? 'ok');
    },
    probe: async () => {
      probes.push(timers.now);
      if (!(probeAnswers.shift() ?? true)) throw networkDown();
      return { userId: '45552' };
    },
  });
  scheduler = s;
  return {
    timers,
    connectivity,
    syncs,
    probes,
    scheduler: s,
    holdSyncs: () => (hold = true),
    finishSync: () => {
      hold = false;
      release?.();
    },
  };
}

describe('the sync scheduler', () => {
  it('syncs at start, then every 5 minutes while online', async () => {
    const { timers, syncs, scheduler } = setup();
    scheduler.start();
    await timers.advance(0);
    await timers.advance(15 * 60_000);
    expect(syncs).toEqual([0, 300_000, 600_000, 900_000]);
  });

  it('syncs once, 2 s after the last of a burst of edits', async () => {
    const { timers, syncs, scheduler } = setup();
    scheduler.start();
    await timers.advance(10_000);
    scheduler.editsQueued();
    await timers.advance(1_000);
    scheduler.editsQueued();
    await timers.advance(1_500);
    scheduler.editsQueued();
    await timers.advance(5_000);
    expect(syncs).toEqual([0, 14_500]);
  });

  it('restarts the 5-minute timer after an edit-triggered sync', async () => {
    const { timers, syncs, scheduler } = setup();
    scheduler.start();
    await timers.advance(60_000);
    scheduler.editsQueued();
    await timers.advance(302_000);
    expect(syncs).toEqual([0, 62_000, 362_000]);
  });

  it('never runs two syncs at once: a trigger during a sync becomes one more run after it', async () => {
    const { timers, syncs, scheduler, holdSyncs, finishSync } = setup();
    holdSyncs();
    scheduler.start();
    await timers.advance(0);
    scheduler.editsQueued();
    await timers.advance(2_000);
    void scheduler.syncNow();
    await timers.advance(0);
    expect(syncs).toEqual([0]);
    finishSync();
    await timers.advance(0);
    expect(syncs).toEqual([0, 2_000]);
  });

  it('stops syncing when offline and probes every 30 s, backing off to 5 minutes', async () => {
    const { timers, syncs, probes, scheduler } = setup({ outcomes: ['offline'], probeAnswers: Array(12).fill(false) });
    scheduler.start();
    await timers.advance(30 * 60_000);
    expect(syncs).toEqual([0]);
    const gaps = probes.map((at, i) => at - (i === 0 ? 0 : probes[i - 1]!));
    expect(gaps.slice(0, 6)).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
  });

  it('syncs as soon as a probe answers, then goes back to the 5-minute timer', async () => {
    const { timers, syncs, probes, scheduler, connectivity } = setup({ outcomes: ['offline', 'ok'], probeAnswers: [false, true] });
    scheduler.start();
    await timers.advance(90_000);
    expect(probes).toEqual([30_000, 90_000]);
    expect(syncs).toEqual([0, 90_000]);
    expect(connectivity.state).toBe('online');
    await timers.advance(300_000);
    expect(syncs).toEqual([0, 90_000, 390_000]);
  });

  it('does not sync for edits while offline; the probe brings the sync', async () => {
    const { timers, syncs, scheduler } = setup({ outcomes: ['offline', 'ok'], probeAnswers: [true] });
    scheduler.start();
    await timers.advance(1_000);
    scheduler.editsQueued();
    await timers.advance(10_000);
    expect(syncs).toEqual([0]);
    await timers.advance(20_000);
    expect(syncs).toEqual([0, 30_000]);
  });

  it('syncs at once when another request finds the LMS reachable again', async () => {
    const { timers, syncs, scheduler, connectivity } = setup({ outcomes: ['offline', 'ok'], probeAnswers: [false] });
    scheduler.start();
    await timers.advance(10_000);
    connectivity.reportSuccess();
    await timers.advance(0);
    expect(syncs).toEqual([0, 10_000]);
  });

  it('switches to probing when another request finds the LMS unreachable', async () => {
    const { timers, syncs, probes, scheduler, connectivity } = setup({ probeAnswers: [false, false, false] });
    scheduler.start();
    await timers.advance(10_000);
    connectivity.reportFailure(networkDown());
    await timers.advance(300_000);
    expect(syncs).toEqual([0]);
    expect(probes[0]).toBe(40_000);
  });

  it('answers syncNow with the report of the sync it ran', async () => {
    const { scheduler } = setup({ outcomes: ['ok', 'partial'] });
    scheduler.start();
    expect(await scheduler.syncNow()).toMatchObject({ outcome: 'partial' });
  });

  it('schedules nothing after stop', async () => {
    const { timers, syncs, scheduler } = setup();
    scheduler.start();
    await timers.advance(0);
    scheduler.stop();
    scheduler.editsQueued();
    await timers.advance(60 * 60_000);
    expect(syncs).toEqual([0]);
    expect(timers.scheduled).toEqual([]);
  });

  it('treats a sync that throws as a failed run and keeps to the schedule', async () => {
    const timers = new ManualTimers();
    const reports: SyncReport[] = [];
    const s = new SyncScheduler({
      timers,
      connectivity: new Connectivity(),
      sync: () => Promise.reject(new Error('cache is closed')),
      probe: async () => undefined,
      onReport: (r) => reports.push(r),
    });
    scheduler = s;
    s.start();
    await timers.advance(0);
    expect(reports).toMatchObject([{ outcome: 'failed', message: 'cache is closed' }]);
    expect(timers.scheduled).toEqual([300_000]);
  });
});
