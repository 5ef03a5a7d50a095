import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../../electron/sandbox/sandbox-server';
import { LmsError } from '../../../electron/lms/lms-error';
import { SyncEngine, type SyncReport } from '../../../electron/sync/engine';
import {
  ACCOUNT,
  bigQueue,
  deadPid,
  duplicates,
  extraUid,
  HOWLETT,
  P3,
  P5,
  providerBeforePush,
  providerFor,
  requestsSince,
  serverRoster,
  startKit,
  writes,
  type Kit,
} from './engine-kit';

let kit: Kit;

beforeEach(async () => {
  kit = await startKit({ extraUsers: 70 });
});

afterEach(async () => {
  await kit.close();
});

const outboxSize = () => kit.cache.outbox.listByAccount(ACCOUNT).length;

/** Syncs until the outbox is empty, at most `max` times; returns the reports. */
async function syncUntilEmpty(engine: SyncEngine, max: number): Promise<SyncReport[]> {
  const reports: SyncReport[] = [];
  while (reports.length < max && outboxSize() > 0) reports.push(await engine.sync(ACCOUNT));
  return reports;
}

function expectIntended(intended: Map<string, string[]>): void {
  for (const [key, roster] of intended) expect(serverRoster(kit.sandbox, key), key).toEqual(roster);
  expect(duplicates(kit.sandbox)).toEqual([]);
  expect(outboxSize()).toBe(0);
}

/** Each fault with a queue of [enrolls, updates, removes]: 90 upserts are two batches, the removes a third. */
const FAULTS: Array<[string, FaultSpec, [number, number, number]]> = [
  ['error500', { error500: 0.3, seed: 11 }, [70, 20, 15]],
  ['error503', { error503: 0.3, seed: 12 }, [70, 20, 15]],
  ['drop', { drop: 0.3, seed: 13 }, [70, 20, 15]],
  ['drop-after', { 'drop-after': 0.3, seed: 14 }, [70, 20, 15]],
  ['truncate', { truncate: 0.3, seed: 15 }, [70, 20, 15]],
  ['html', { html: 0.3, seed: 16 }, [70, 20, 15]],
  // Only one-item lists are unwrapped: a single remove makes a one-row bulk reply.
  ['unwrap', { unwrap: 1, seed: 17 }, [70, 20, 1]],
  ['latency', { latency: [0, 30], seed: 18 }, [70, 20, 15]],
];

describe('a sync through a misbehaving LMS', () => {
  it.each(FAULTS)('with %s faults ends with exactly the intended roster, no duplicate, an empty outbox', async (kind, spec, [enrolls, updates, removes]) => {
    const { edits, intended } = bigQueue(kit, enrolls, updates, removes);
    kit.outbox.apply(edits);
    kit.sandbox.setFaults(spec);
    const reports = await syncUntilEmpty(kit.engine, 4);
    kit.sandbox.setFaults(null);
    expect(reports.at(-1)?.outcome, `${kind}: ${reports.map((r) => r.message).join(' | ')}`).toBe('ok');
    expect(kit.sandbox.requests.some((r) => r.fault !== undefined) || kind === 'latency').toBe(true);
    expectIntended(intended);
  });

  it('with every reply lost after the commit, gives up as offline, then finishes without duplicates', async () => {
    const { edits, intended } = bigQueue(kit, 60, 5, 5);
    kit.outbox.apply(edits);
    kit.sandbox.setFaults({ 'drop-after': 1 });
    const lost = await kit.engine.sync(ACCOUNT);
    expect(lost.outcome).toBe('offline');
    kit.sandbox.setFaults(null);
    const reports = await syncUntilEmpty(kit.engine, 2);
    expect(reports.map((r) => r.outcome)).toEqual(['ok']);
    expectIntended(intended);
  });
});

describe('a sync with no LMS to talk to', () => {
  it('is offline when the LMS does not answer at all; every edit stays queued', async () => {
    const { edits } = bigQueue(kit, 3, 1, 1);
    kit.outbox.apply(edits);
    kit.sandbox.setFaults({ drop: 1 });
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'offline', applied: 0, requeued: 5 });
    expect(report.message).toContain('could not be reached');
    expect(kit.cache.outbox.listByAccount(ACCOUNT).map((op) => op.state)).toEqual(Array(5).fill('queued'));
  });

  it('is offline when the LMS is gone (connection refused), and the queue is kept', async () => {
    kit.outbox.apply(bigQueue(kit, 2, 0, 1).edits);
    await kit.sandbox.close();
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'offline', requeued: 3 });
    expect(outboxSize()).toBe(3);
  });

  it('comes back: once the LMS answers again, the kept edits go out', async () => {
    const { edits, intended } = bigQueue(kit, 5, 2, 2);
    kit.outbox.apply(edits);
    kit.sandbox.setFaults({ drop: 1 });
    await kit.engine.sync(ACCOUNT);
    kit.sandbox.setFaults(null);
    expect(await kit.engine.sync(ACCOUNT)).toMatchObject({ outcome: 'ok', applied: 9 });
    expectIntended(intended);
  });

  it('requeues the batches that failed mid-run, and leaves the ops of unsent ones as they were', async () => {
    const { edits, intended } = bigQueue(kit, 60, 0, 2);
    kit.outbox.apply(edits);
    // The first batch gets through; then the network is gone.
    const flaky = providerBeforePush(kit.sandbox, (_batch, n) => {
      if (n >= 2) throw new LmsError('network', 'POST enrollments', 'connection reset (gave up after 5 attempts)');
    });
    const engine = new SyncEngine({ cache: kit.cache, outbox: kit.outbox, provider: async () => flaky });
    const report = await engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'offline', applied: 50, requeued: 12 });
    const ops = kit.cache.outbox.listByAccount(ACCOUNT);
    expect(ops.map((op) => op.state)).toEqual(Array(12).fill('queued'));
    for (const op of ops.filter((o) => o.attempts > 0)) expect(op.error).toContain('will retry');
    expect(await kit.engine.sync(ACCOUNT)).toMatchObject({ outcome: 'ok', applied: 12 });
    expectIntended(intended);
  });

});

describe('a sync the LMS refuses to sign in', () => {
  it('is unauthorized with a wrong secret, and keeps the queue', async () => {
    kit.outbox.apply(bigQueue(kit, 2, 1, 1).edits);
    const engine = new SyncEngine({ cache: kit.cache, outbox: kit.outbox, provider: async () => kit.providerWith('wrong-secret') });
    const report = await engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'unauthorized', applied: 0, requeued: 4 });
    expect(report.message).toContain('sign in');
    expect(kit.cache.outbox.listByAccount(ACCOUNT).map((op) => op.state)).toEqual(Array(4).fill('queued'));
    expect(kit.cache.syncRuns.get(report.runId!)).toMatchObject({ outcome: 'failed' });
  });

  it('is failed, with the reason, when the account has no usable credentials at all', async () => {
    kit.outbox.apply(bigQueue(kit, 1, 0, 0).edits);
    const engine = new SyncEngine({
      cache: kit.cache,
      outbox: kit.outbox,
      provider: () => Promise.reject(new Error('no keychain entry for the account; add it again')),
    });
    const report = await engine.sync(ACCOUNT);
    expect(report.outcome).toBe('failed');
    expect(report.message).toContain('no keychain entry');
    expect(outboxSize()).toBe(1);
  });
});

describe('recovering from a sync killed mid-request', () => {
  it('applies every op exactly once: what reached the server is done, the rest is sent', async () => {
    const results = kit.outbox.apply([
      { kind: 'enroll', realmId: kit.realmId(P3), userId: extraUid(0), fields: { role: 'student', status: 'active' } },
      { kind: 'enroll', realmId: kit.realmId(P5), userId: extraUid(1), fields: { role: 'teacher', status: 'active' } },
      { kind: 'remove', realmId: kit.realmId(P3), enrollmentId: HOWLETT.enrollmentId },
      { kind: 'enroll', realmId: kit.realmId(P5), userId: extraUid(2), fields: { role: 'student', status: 'inactive' } },
    ]);
    const [reached1, reached2, reachedRemove, notSent] = results.map((r) => r.op!);
    // The killed run: all four in flight, the first three's request committed on the server, its reply never read.
    kit.outbox.markInFlight([reached1!.id, reached2!.id, reachedRemove!.id, notSent!.id]);
    await kit.provider.pushBatch({
      kind: 'upsert',
      items: [
        { kind: 'upsert', opId: reached1!.id, realmKey: P3, userId: extraUid(0), fields: { role: 'student', status: 'active' } },
        { kind: 'upsert', opId: reached2!.id, realmKey: P5, userId: extraUid(1), fields: { role: 'teacher', status: 'active' } },
      ],
    });
    await kit.provider.pushBatch({ kind: 'remove', items: [{ kind: 'remove', opId: reachedRemove!.id, realmKey: P3, enrollmentId: HOWLETT.enrollmentId }] });

    // The next process: a fresh connection to the same file, a fresh engine; the killed one is never heard of again.
    const next = kit.secondEngine({ provider: async () => providerFor(kit.sandbox) });
    const from = kit.sandbox.requests.length;
    const report = await next.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', done: 3, applied: 1 });
    expect(writes(requestsSince(kit.sandbox, from))).toEqual(['POST enrollments?update_existing=1']);
    expect(kit.sandbox.store.findEnrollment(P3, extraUid(0))).toMatchObject({ admin: 0, status: 1 });
    expect(kit.sandbox.store.findEnrollment(P5, extraUid(1))).toMatchObject({ admin: 1, status: 1 });
    expect(kit.sandbox.store.findEnrollment(P5, extraUid(2))).toMatchObject({ admin: 0, status: 5 });
    expect(kit.sandbox.store.findEnrollment(P3, HOWLETT.uid)).toBeUndefined();
    expect(duplicates(kit.sandbox)).toEqual([]);
    expect(outboxSize()).toBe(0);
  });

  it('resends a recovered op whose request never reached the server', async () => {
    const [result] = kit.outbox.apply([{ kind: 'update', realmId: kit.realmId(P3), enrollmentId: HOWLETT.enrollmentId, fields: { status: 'inactive' } }]);
    kit.outbox.markInFlight([result!.op!.id]);
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 1 });
    expect(kit.sandbox.store.getEnrollment(HOWLETT.enrollmentId)?.status).toBe(5);
  });
});

describe('one sync at a time per data dir', () => {
  it('answers busy to a second engine on the same data dir while the first is syncing', async () => {
    kit.outbox.apply(bigQueue(kit, 2, 0, 0).edits);
    const second = kit.secondEngine();
    const running = kit.engine.sync(ACCOUNT);
    const busy = await second.engine.sync(ACCOUNT);
    expect(busy).toMatchObject({ outcome: 'busy', runId: null });
    expect(busy.message).toContain('Another sync is running');
    expect(await running).toMatchObject({ outcome: 'ok', applied: 2 });
    expect(await second.engine.sync(ACCOUNT)).toMatchObject({ outcome: 'ok' });
  });

  it('answers busy to a second sync of the same engine', async () => {
    const running = kit.engine.sync(ACCOUNT);
    expect(await kit.engine.sync(ACCOUNT)).toMatchObject({ outcome: 'busy' });
    await running;
  });

  it('takes over a lock left by a process that died, and one whose lease expired', async () => {
    kit.outbox.apply(bigQueue(kit, 1, 0, 0).edits);
    kit.cache.db
      .prepare('INSERT INTO sync_lock (owner, pid, host, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run('killed roster sync', deadPid(), hostname(), new Date().toISOString(), new Date(Date.now() + 60_000).toISOString());
    expect(await kit.engine.sync(ACCOUNT)).toMatchObject({ outcome: 'ok', applied: 1 });

    kit.outbox.apply([{ kind: 'enroll', realmId: kit.realmId(P3), userId: extraUid(5), fields: { role: 'student', status: 'active' } }]);
    kit.cache.db
      .prepare('INSERT INTO sync_lock (owner, pid, host, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run('laptop app', 1, 'another-host', '2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z');
    expect(await kit.engine.sync(ACCOUNT)).toMatchObject({ outcome: 'ok', applied: 1 });
  });

  it('releases the lock when the run ends, also when it fails', async () => {
    kit.outbox.apply(bigQueue(kit, 1, 0, 0).edits);
    kit.sandbox.setFaults({ drop: 1 });
    await kit.engine.sync(ACCOUNT);
    expect(kit.cache.db.prepare('SELECT count(*) AS n FROM sync_lock').get()).toEqual({ n: 0 });
  });
});

describe('a person with an op sent before a crash and a newer edit queued after it', () => {
  it('sends the first, then the second against the state the first left', async () => {
    const [first] = kit.outbox.apply([{ kind: 'update', realmId: kit.realmId(P3), enrollmentId: HOWLETT.enrollmentId, fields: { status: 'inactive' } }]);
    kit.outbox.markInFlight([first!.op!.id]);
    // The killed run never got to send it; meanwhile the user made the person an admin too.
    kit.outbox.apply([{ kind: 'update', realmId: kit.realmId(P3), enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher' } }]);
    const from = kit.sandbox.requests.length;
    const report = await kit.secondEngine().engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 2, conflicts: 0 });
    expect(writes(requestsSince(kit.sandbox, from))).toEqual(['POST enrollments?update_existing=1', 'POST enrollments?update_existing=1']);
    expect(kit.sandbox.store.getEnrollment(HOWLETT.enrollmentId)).toMatchObject({ admin: 1, status: 5 });
    expect(outboxSize()).toBe(0);
  });

  it('takes a remove that reached the server as done, then enrolls the person again as the newer edit asks', async () => {
    const [removal] = kit.outbox.apply([{ kind: 'remove', realmId: kit.realmId(P3), enrollmentId: HOWLETT.enrollmentId }]);
    kit.outbox.markInFlight([removal!.op!.id]);
    await kit.provider.pushBatch({ kind: 'remove', items: [{ kind: 'remove', opId: removal!.op!.id, realmKey: P3, enrollmentId: HOWLETT.enrollmentId }] });
    kit.outbox.apply([{ kind: 'enroll', realmId: kit.realmId(P3), userId: HOWLETT.uid, fields: { role: 'student', status: 'completed' } }]);
    const report = await kit.secondEngine().engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', done: 1, applied: 1 });
    expect(kit.sandbox.store.enrollmentsIn(P3).filter((e) => e.uid === HOWLETT.uid)).toMatchObject([{ admin: 0, status: 2 }]);
    expect(outboxSize()).toBe(0);
  });
});

describe('ops the LMS cannot take', () => {
  it('rejects the ops of a realm the LMS no longer shows, with its answer, and syncs the rest', async () => {
    kit.cache.realms.save({ accountId: ACCOUNT, key: 'sections/1', provider: 'schoology', kind: 'section', remoteId: '1', title: 'Gone', courseTitle: '', courseCode: '', courseSisId: '', sectionCode: '', sectionSchoolCode: '', gradingPeriods: [], pulledAt: null });
    const [gone] = kit.outbox.apply([{ kind: 'enroll', realmId: kit.realmId('sections/1'), userId: extraUid(0), fields: { role: 'student', status: 'active' } }]);
    kit.outbox.apply([{ kind: 'enroll', realmId: kit.realmId(P3), userId: extraUid(1), fields: { role: 'student', status: 'active' } }]);
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'partial', rejected: 1, applied: 1 });
    expect(kit.cache.outbox.get(gone!.op!.id)).toMatchObject({ state: 'rejected' });
    expect(kit.cache.outbox.get(gone!.op!.id)?.error).toContain('Section 1 not found');
  });

  it('stops at once when cancelled: nothing is lost, and ops never sent are not marked as sent', async () => {
    const { edits, intended } = bigQueue(kit, 60, 0, 2);
    kit.outbox.apply(edits);
    const controller = new AbortController();
    const report = await kit.engine.sync(ACCOUNT, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.batch?.index === 2) controller.abort();
      },
    });
    expect(report.outcome).toBe('failed');
    expect(report.message).toContain('cancelled');
    expect(kit.cache.syncRuns.get(report.runId!)?.outcome).toBe('cancelled');
    const ops = kit.cache.outbox.listByAccount(ACCOUNT);
    expect(ops.length + report.applied).toBe(62);
    expect(ops.every((op) => op.state === 'queued')).toBe(true);
    // The second and third batches were cancelled before their requests: never sent, not counted as attempts.
    expect(ops.filter((op) => op.attempts === 0).length).toBeGreaterThanOrEqual(12);
    expect(await kit.engine.sync(ACCOUNT)).toMatchObject({ outcome: 'ok' });
    expectIntended(intended);
  });

});
