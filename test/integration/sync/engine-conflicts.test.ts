import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, extraUid, HOWLETT, P3, requestsSince, startKit, writes, type Kit } from './engine-kit';

let kit: Kit;

beforeEach(async () => {
  kit = await startKit({ extraUsers: 2 });
});

afterEach(async () => {
  await kit.close();
});

/** Howlett is an active member (admin 0, status 1) of P3 in the seed. */
function updateHowlett(fields: { role?: 'teacher' | 'student'; status?: 'active' | 'inactive' | 'completed' }): string {
  const [result] = kit.outbox.apply([{ kind: 'update', realmId: kit.realmId(P3), enrollmentId: HOWLETT.enrollmentId, fields }]);
  return result!.op!.id;
}

function removeHowlett(): string {
  const [result] = kit.outbox.apply([{ kind: 'remove', realmId: kit.realmId(P3), enrollmentId: HOWLETT.enrollmentId }]);
  return result!.op!.id;
}

const conflictsOf = (opId: string) => kit.cache.conflicts.listForOp(opId).map(({ field, mine, theirs, resolvedAt }) => ({ field, mine, theirs, resolvedAt }));

describe('conflicts with another admin', () => {
  it('holds a field another admin changed to something else, records both values, and sends nothing', async () => {
    const opId = updateHowlett({ status: 'inactive' });
    kit.sandbox.store.updateEnrollment(HOWLETT.enrollmentId, { status: 2 });
    const from = kit.sandbox.requests.length;
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'partial', conflicts: 1, applied: 0 });
    expect(writes(requestsSince(kit.sandbox, from))).toEqual([]);
    expect(kit.cache.outbox.get(opId)?.state).toBe('conflict');
    expect(conflictsOf(opId)).toEqual([{ field: 'status', mine: 'inactive', theirs: 'completed', resolvedAt: null }]);
    expect(kit.sandbox.store.getEnrollment(HOWLETT.enrollmentId)?.status).toBe(2);
  });

  it("shows the server's value in the cache once the check has read it", async () => {
    updateHowlett({ status: 'inactive' });
    kit.sandbox.store.updateEnrollment(HOWLETT.enrollmentId, { status: 2 });
    await kit.engine.sync(ACCOUNT);
    expect(kit.cache.enrollments.get(kit.realmId(P3), HOWLETT.enrollmentId)?.status).toBe('completed');
  });

  it("merges a change to a different field: both the admin's and the user's change end up on the server", async () => {
    updateHowlett({ status: 'inactive' });
    kit.sandbox.store.updateEnrollment(HOWLETT.enrollmentId, { admin: 1 });
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 1, conflicts: 0 });
    expect(kit.sandbox.store.getEnrollment(HOWLETT.enrollmentId)).toMatchObject({ admin: 1, status: 5 });
  });

  it('settles an edit the other admin already made as done, without sending it', async () => {
    const opId = updateHowlett({ status: 'inactive' });
    kit.sandbox.store.updateEnrollment(HOWLETT.enrollmentId, { status: 5 });
    const from = kit.sandbox.requests.length;
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', done: 1, applied: 0 });
    expect(writes(requestsSince(kit.sandbox, from))).toEqual([]);
    expect(kit.cache.outbox.get(opId)).toBeNull();
  });

  it('is an enrollment conflict when the server removed the enrollment an update was made against', async () => {
    const opId = updateHowlett({ status: 'inactive' });
    kit.sandbox.store.removeEnrollment(HOWLETT.enrollmentId);
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'partial', conflicts: 1 });
    expect(conflictsOf(opId)).toEqual([{ field: 'enrollment', mine: HOWLETT.enrollmentId, theirs: null, resolvedAt: null }]);
    expect(kit.sandbox.store.findEnrollment(P3, HOWLETT.uid)).toBeUndefined();
  });

  it('is an enrollment conflict for a never-sent remove of an enrollment the server removed', async () => {
    const opId = removeHowlett();
    kit.sandbox.store.removeEnrollment(HOWLETT.enrollmentId);
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'partial', conflicts: 1 });
    expect(conflictsOf(opId)).toEqual([{ field: 'enrollment', mine: HOWLETT.enrollmentId, theirs: null, resolvedAt: null }]);
  });

  it('holds an enroll of someone another admin enrolled with other values; takes one with the same values as done', async () => {
    const [held, same] = kit.outbox.apply([
      { kind: 'enroll', realmId: kit.realmId(P3), userId: extraUid(0), fields: { role: 'student', status: 'active' } },
      { kind: 'enroll', realmId: kit.realmId(P3), userId: extraUid(1), fields: { role: 'student', status: 'active' } },
    ]);
    kit.sandbox.store.addEnrollment(P3, { uid: extraUid(0), admin: 1, status: 1 });
    kit.sandbox.store.addEnrollment(P3, { uid: extraUid(1), admin: 0, status: 1 });
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'partial', conflicts: 1, done: 1 });
    expect(conflictsOf(held!.op!.id)).toEqual([{ field: 'role', mine: 'student', theirs: 'teacher', resolvedAt: null }]);
    expect(kit.cache.outbox.get(same!.op!.id)).toBeNull();
    expect(kit.sandbox.store.enrollmentsIn(P3).filter((e) => e.uid === extraUid(0))).toHaveLength(1);
  });
});

describe('resolving a held conflict, then syncing', () => {
  it('keep mine: the next sync pushes the user value over the other admin', async () => {
    const opId = updateHowlett({ status: 'inactive' });
    kit.sandbox.store.updateEnrollment(HOWLETT.enrollmentId, { status: 2 });
    await kit.engine.sync(ACCOUNT);
    kit.outbox.resolve(opId, 'keep-mine');
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 1 });
    expect(kit.sandbox.store.getEnrollment(HOWLETT.enrollmentId)?.status).toBe(5);
    expect(kit.cache.outbox.listByAccount(ACCOUNT)).toEqual([]);
  });

  it('take theirs: the op leaves and nothing is sent', async () => {
    const opId = updateHowlett({ status: 'inactive' });
    kit.sandbox.store.updateEnrollment(HOWLETT.enrollmentId, { status: 2 });
    await kit.engine.sync(ACCOUNT);
    kit.outbox.resolve(opId, 'take-theirs');
    const from = kit.sandbox.requests.length;
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 0 });
    expect(writes(requestsSince(kit.sandbox, from))).toEqual([]);
    expect(kit.sandbox.store.getEnrollment(HOWLETT.enrollmentId)?.status).toBe(2);
  });

  it('keep mine on an update of a removed enrollment enrolls the person again with the user values', async () => {
    const opId = updateHowlett({ status: 'inactive' });
    kit.sandbox.store.removeEnrollment(HOWLETT.enrollmentId);
    await kit.engine.sync(ACCOUNT);
    kit.outbox.resolve(opId, 'keep-mine');
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 1 });
    expect(kit.sandbox.store.findEnrollment(P3, HOWLETT.uid)).toMatchObject({ admin: 0, status: 5 });
  });
});
