import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyncEngine, type SyncProgress } from '../../../electron/sync/engine';
import {
  ACCOUNT,
  bigQueue,
  duplicates,
  extraUid,
  HOWLETT,
  OWNER_UID,
  P3,
  P5,
  other,
  providerBeforePush,
  requestsSince,
  SCHOOLOGY_STATUS,
  serverRoster,
  startKit,
  writes,
  type Kit,
} from './engine-kit';

let kit: Kit;

beforeEach(async () => {
  kit = await startKit({ extraUsers: 80 });
});

afterEach(async () => {
  await kit.close();
});

function outboxSize(): number {
  return kit.cache.outbox.listByAccount(ACCOUNT).length;
}

describe('pushing the queue in as few requests as the API allows', () => {
  it('sends 120 upserts and 51 removes across every realm in exactly 3 + 2 write requests', async () => {
    const { edits, intended } = bigQueue(kit, 80, 40, 51);
    kit.outbox.apply(edits);
    const from = kit.sandbox.requests.length;
    const report = await kit.engine.sync(ACCOUNT);
    const sent = writes(requestsSince(kit.sandbox, from));
    expect(sent.filter((line) => line === 'POST enrollments?update_existing=1')).toHaveLength(3);
    expect(sent.filter((line) => line.startsWith('DELETE enrollments?enrollment_ids='))).toHaveLength(2);
    expect(sent).toHaveLength(5);
    expect(report).toMatchObject({ outcome: 'ok', applied: 171, done: 0, rejected: 0, conflicts: 0, requeued: 0, requests: { writes: 5 } });
    for (const [key, roster] of intended) expect(serverRoster(kit.sandbox, key), key).toEqual(roster);
    expect(outboxSize()).toBe(0);
  });

  it('sends an update as an upsert with both fields, never a PUT', async () => {
    kit.outbox.apply([{ kind: 'update', realmId: kit.realmId(P3), enrollmentId: HOWLETT.enrollmentId, fields: { status: 'inactive' } }]);
    const from = kit.sandbox.requests.length;
    await kit.engine.sync(ACCOUNT);
    expect(writes(requestsSince(kit.sandbox, from))).toEqual(['POST enrollments?update_existing=1']);
    expect(kit.sandbox.store.getEnrollment(HOWLETT.enrollmentId)).toMatchObject({ admin: 0, status: 5 });
  });

  it("leaves the cache holding the server's values and the enrollment ids it gave", async () => {
    kit.outbox.apply([
      { kind: 'enroll', realmId: kit.realmId(P5), userId: extraUid(0), fields: { role: 'teacher', status: 'active' } },
      { kind: 'update', realmId: kit.realmId(P3), enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher' } },
    ]);
    const report = await kit.engine.sync(ACCOUNT);
    const created = kit.sandbox.store.findEnrollment(P5, extraUid(0))!;
    expect(kit.cache.enrollments.get(kit.realmId(P5), created.id)).toMatchObject({ userId: extraUid(0), role: 'teacher', status: 'active' });
    expect(kit.cache.enrollments.get(kit.realmId(P3), HOWLETT.enrollmentId)).toMatchObject({ role: 'teacher' });
    expect(report.refreshedRealms).toBe(2);
  });

  it('settles a batch item by item: a bad item is rejected with the server reason, the rest are applied', async () => {
    const [bad] = kit.outbox.apply([{ kind: 'enroll', realmId: kit.realmId(P3), userId: '999999999', fields: { role: 'student', status: 'active' } }]);
    kit.outbox.apply([
      { kind: 'enroll', realmId: kit.realmId(P3), userId: extraUid(1), fields: { role: 'student', status: 'active' } },
      { kind: 'update', realmId: kit.realmId(P3), enrollmentId: HOWLETT.enrollmentId, fields: { status: 'completed' } },
    ]);
    const from = kit.sandbox.requests.length;
    const report = await kit.engine.sync(ACCOUNT);
    expect(writes(requestsSince(kit.sandbox, from))).toEqual(['POST enrollments?update_existing=1']);
    expect(report).toMatchObject({ outcome: 'partial', applied: 2, rejected: 1 });
    const held = kit.cache.outbox.get(bad!.op!.id);
    expect(held).toMatchObject({ state: 'rejected' });
    expect(held?.error).toContain('User 999999999 not found');
    expect(kit.sandbox.store.findEnrollment(P3, extraUid(1))).toBeDefined();
    expect(kit.sandbox.store.getEnrollment(HOWLETT.enrollmentId)?.status).toBe(2);
    expect(outboxSize()).toBe(1);
  });

  it('takes a remove of an enrollment already gone (404 row) as done', async () => {
    kit.outbox.apply([{ kind: 'remove', realmId: kit.realmId(P3), enrollmentId: HOWLETT.enrollmentId }]);
    // Removed by someone else between the check's read and the push: the bulk delete answers a 404 row.
    const removing = providerBeforePush(kit.sandbox, () => kit.sandbox.store.removeEnrollment(HOWLETT.enrollmentId));
    const engine = new SyncEngine({ cache: kit.cache, outbox: kit.outbox, provider: async () => removing });
    const report = await engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', done: 1, applied: 0 });
    expect(outboxSize()).toBe(0);
    expect(kit.cache.enrollments.get(kit.realmId(P3), HOWLETT.enrollmentId)).toBeNull();
  });

  it('does nothing, and says so, when nothing is queued', async () => {
    const from = kit.sandbox.requests.length;
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 0, requests: { reads: 0, writes: 0 }, message: 'Nothing to sync.' });
    expect(requestsSince(kit.sandbox, from)).toEqual([]);
  });
});

describe('what a sync tells', () => {
  it('reports progress in order: checking, pushing with batch info, refreshing, done', async () => {
    kit.outbox.apply(bigQueue(kit, 60, 0, 3).edits);
    const events: SyncProgress[] = [];
    await kit.engine.sync(ACCOUNT, { onProgress: (p) => events.push(p) });
    const phases = events.map((e) => e.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual(['checking', 'pushing', 'refreshing', 'done']);
    expect(events.filter((e) => e.batch).map((e) => e.batch)).toEqual([
      { index: 1, count: 3, kind: 'upsert', size: 50 },
      { index: 2, count: 3, kind: 'upsert', size: 10 },
      { index: 3, count: 3, kind: 'remove', size: 3 },
    ]);
    expect(events.at(-1)).toEqual({ phase: 'done', done: 63, total: 63 });
    const checking = events.filter((e) => e.phase === 'checking');
    expect(checking.at(-1)).toMatchObject({ done: checking.at(-1)!.total });
  });

  it('logs the run in sync_runs with its counts', async () => {
    kit.outbox.apply(bigQueue(kit, 2, 1, 1).edits);
    const report = await kit.engine.sync(ACCOUNT);
    const run = kit.cache.syncRuns.get(report.runId!);
    expect(run).toMatchObject({ accountId: ACCOUNT, outcome: 'ok', message: report.message });
    expect(run?.finishedAt).not.toBeNull();
    expect(run?.counts).toMatchObject({ applied: 4, done: 0, rejected: 0, conflicts: 0, requeued: 0, writes: 2, reads: report.requests.reads });
  });

  it('plans the requests of a dry run without touching the network', async () => {
    kit.outbox.apply(bigQueue(kit, 80, 40, 51).edits);
    const from = kit.sandbox.requests.length;
    const plan = kit.engine.plan(ACCOUNT);
    expect(plan.map((r) => `${r.method} ${r.endpoint.split('=')[0]} ${r.opIds.length}`)).toEqual([
      'POST enrollments?update_existing 50',
      'POST enrollments?update_existing 50',
      'POST enrollments?update_existing 20',
      'DELETE enrollments?enrollment_ids 50',
      'DELETE enrollments?enrollment_ids 1',
    ]);
    expect(requestsSince(kit.sandbox, from)).toEqual([]);
    expect(outboxSize()).toBe(171);
  });
});

describe('edits made while a sync runs', () => {
  it('are not lost: the next sync pushes them', async () => {
    const { edits } = bigQueue(kit, 60, 0, 0);
    kit.outbox.apply(edits);
    const realmOf = (i: number) => (edits[i] as { realmId: string }).realmId;
    const p3Student = kit.cache.enrollments.listByRealm(kit.realmId(P3)).find((e) => e.userId !== OWNER_UID && e.userId !== HOWLETT.uid)!;
    const editing = providerBeforePush(kit.sandbox, (_batch, n) => {
      if (n !== 1) return;
      // The first batch is in flight, the second still queued: change an op of each, and make a new edit.
      kit.outbox.apply([
        { kind: 'enroll', realmId: realmOf(0), userId: extraUid(0), fields: { role: 'student', status: 'inactive' } },
        { kind: 'enroll', realmId: realmOf(55), userId: extraUid(55), fields: { role: 'teacher', status: 'active' } },
        { kind: 'update', realmId: kit.realmId(P3), enrollmentId: p3Student.enrollmentId, fields: { status: other(p3Student.status) } },
      ]);
    });
    const engine = new SyncEngine({ cache: kit.cache, outbox: kit.outbox, provider: async () => editing });
    const first = await engine.sync(ACCOUNT);
    expect(first.outcome).toBe('ok');
    expect(outboxSize()).toBeGreaterThan(0);
    const second = await kit.engine.sync(ACCOUNT);
    expect(second.outcome).toBe('ok');
    expect(outboxSize()).toBe(0);
    const keyOf = (i: number) => realmOf(i).slice(ACCOUNT.length + 1);
    expect(kit.sandbox.store.findEnrollment(keyOf(0), extraUid(0))).toMatchObject({ admin: 0, status: 5 });
    expect(kit.sandbox.store.findEnrollment(keyOf(55), extraUid(55))).toMatchObject({ admin: 1, status: 1 });
    expect(kit.sandbox.store.getEnrollment(p3Student.enrollmentId)?.status).toBe(SCHOOLOGY_STATUS[other(p3Student.status)]);
    for (let i = 0; i < 60; i++) expect(kit.sandbox.store.findEnrollment(keyOf(i), extraUid(i)), extraUid(i)).toBeDefined();
    expect(duplicates(kit.sandbox)).toEqual([]);
  });
});
