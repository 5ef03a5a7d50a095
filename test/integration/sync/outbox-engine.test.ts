import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EditError, type Edit } from '../../../electron/sync/outbox';
import { ACCOUNT, ANN, BOB, CARA, EVE, ONE, openFixture, type Fixture } from './outbox-fixture';

let f: Fixture;
beforeEach(() => {
  f = openFixture();
});
afterEach(() => f.close());

const queue = (edit: Edit) => f.outbox.apply([edit])[0]!.op!;
const update = (id: string, fields: Extract<Edit, { kind: 'update' }>['fields']) => queue({ kind: 'update', realmId: ONE, enrollmentId: id, fields });
const remove = (id: string) => queue({ kind: 'remove', realmId: ONE, enrollmentId: id });
const enroll = (userId: string, role: 'teacher' | 'student' = 'student', status: 'active' | 'invited' = 'active') =>
  queue({ kind: 'enroll', realmId: ONE, userId, fields: { role, status } });
const sent = <T extends { id: string }>(op: T): T => {
  f.outbox.markInFlight([op.id]);
  return op;
};
const ops = () => f.cache.outbox.listByAccount(ACCOUNT);
const row = (enrollmentId: string) => f.cache.enrollments.get(ONE, enrollmentId);

describe('recover', () => {
  it('puts the in-flight ops of a crashed run back in the queue, attempts kept', () => {
    const a = sent(update(ANN.id, { status: 'inactive' }));
    const b = update(BOB.id, { status: 'inactive' });
    expect(f.outbox.recover(ACCOUNT)).toBe(1);
    expect(f.cache.outbox.get(a.id)).toMatchObject({ state: 'queued', attempts: 1, error: expect.stringMatching(/^will retry/) });
    expect(f.cache.outbox.get(b.id)).toMatchObject({ state: 'queued', attempts: 0 });
    expect(f.outbox.recover(ACCOUNT)).toBe(0);
  });
});

describe('sendable', () => {
  it('lists the account’s queued ops in seq order, recovered ones included, not those held or in flight', () => {
    const a = update(ANN.id, { status: 'inactive' });
    const b = sent(update(BOB.id, { status: 'inactive' }));
    const c = sent(update(CARA.id, { status: 'active' }));
    f.outbox.settleRejected(c.id, 403, 'no');
    const d = queue({ kind: 'access_code', accountId: ACCOUNT, realmKind: 'section', accessCode: 'X-1' });
    expect(f.outbox.sendable(ACCOUNT).map((op) => op.id)).toEqual([a.id, d.id]);
    f.outbox.recover(ACCOUNT);
    expect(f.outbox.sendable(ACCOUNT).map((op) => op.id)).toEqual([a.id, b.id, d.id]);
  });
});

describe('markInFlight', () => {
  it('marks the ops in flight and counts the attempt', () => {
    const a = update(ANN.id, { status: 'inactive' });
    const b = enroll('777');
    f.outbox.markInFlight([a.id, b.id]);
    expect(ops().map((op) => [op.state, op.attempts])).toEqual([['in_flight', 1], ['in_flight', 1]]);
  });

  it('marks none when one of them is not queued', () => {
    const a = update(ANN.id, { status: 'inactive' });
    const b = sent(update(BOB.id, { status: 'inactive' }));
    expect(() => f.outbox.markInFlight([a.id, b.id])).toThrow(/not queued/);
    expect(f.cache.outbox.get(a.id)).toMatchObject({ state: 'queued', attempts: 0 });
  });
});

describe('settleApplied', () => {
  it('enroll: deletes the op and caches the enrollment with the LMS’s id, the person’s names and the op’s fields', () => {
    // Eve is cached in Art only: the enroll copies her into people, and the applied enrollment is named from there.
    const op = sent(enroll(EVE.uid, 'teacher', 'invited'));
    f.outbox.settleApplied(op.id, { enrollmentId: '9001' });
    expect(ops()).toEqual([]);
    expect(row('9001')).toMatchObject({
      userId: EVE.uid, displayName: 'Eve Adams', schoolUid: `s${EVE.uid}`, role: 'teacher', status: 'invited',
      source: { id: '9001', uid: EVE.uid, admin: 1, status: 3 },
    });
    expect(f.cache.realms.get(ONE)).toMatchObject({ enrollmentCount: 4, pendingCount: 0 });
  });

  it('enroll of someone the cache does not know names them by user id', () => {
    const op = sent(enroll('777'));
    f.outbox.settleApplied(op.id, { enrollmentId: '9002' });
    expect(row('9002')).toMatchObject({ userId: '777', displayName: '777', role: 'student', status: 'active' });
  });

  it('update: deletes the op and sets the fields on the cached row and its source record', () => {
    const op = sent(update(ANN.id, { role: 'teacher', status: 'inactive' }));
    f.outbox.settleApplied(op.id, {});
    expect(ops()).toEqual([]);
    expect(row(ANN.id)).toMatchObject({ role: 'teacher', status: 'inactive', source: { admin: 1, status: 5, name_first: 'Ann' } });
  });

  it('remove: deletes the op and the cached row', () => {
    const op = sent(remove(BOB.id));
    f.outbox.settleApplied(op.id, {});
    expect(ops()).toEqual([]);
    expect(row(BOB.id)).toBeNull();
    expect(f.cache.realms.get(ONE)!.enrollmentCount).toBe(2);
  });

  it('access code: deletes the op', () => {
    const op = sent(queue({ kind: 'access_code', accountId: ACCOUNT, realmKind: 'group', accessCode: 'X-1' }));
    f.outbox.settleApplied(op.id, { enrollmentId: '5' });
    expect(ops()).toEqual([]);
  });

  it('writes the cache in the same transaction as deleting the op: when the delete fails, the roster is untouched', () => {
    const op = sent(update(ANN.id, { status: 'inactive' }));
    f.cache.db.exec(`CREATE TEMP TRIGGER outbox_stuck BEFORE DELETE ON outbox BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    expect(() => f.outbox.settleApplied(op.id, {})).toThrow(/disk says no/);
    expect(row(ANN.id)).toMatchObject({ status: 'active' });
    expect(f.cache.outbox.get(op.id)).toMatchObject({ state: 'in_flight' });
  });

  it('rebases the op queued after it on the new server state: fields the server now holds drop out', () => {
    const first = sent(update(ANN.id, { status: 'inactive' }));
    const second = update(ANN.id, { role: 'teacher' });
    expect(second.fields).toEqual({ status: 'inactive', role: 'teacher' });
    f.outbox.settleApplied(first.id, {});
    expect(f.cache.outbox.get(second.id)).toMatchObject({ kind: 'update', fields: { role: 'teacher' }, base: { role: 'student', status: 'inactive' } });
  });

  it('turns the enroll queued after an applied enroll into an update of the new enrollment', () => {
    const first = sent(enroll('777'));
    const second = queue({ kind: 'update', realmId: ONE, enrollmentId: first.id, fields: { role: 'teacher' } });
    f.outbox.settleApplied(first.id, { enrollmentId: '9003' });
    expect(f.cache.outbox.get(second.id)).toMatchObject({ kind: 'update', enrollmentId: '9003', fields: { role: 'teacher' }, base: { role: 'student', status: 'active' } });
  });

  it('gives a remove of an enroll that was in flight the new enrollment id', () => {
    const first = sent(enroll('777'));
    const second = queue({ kind: 'remove', realmId: ONE, enrollmentId: first.id });
    expect(second).toMatchObject({ kind: 'remove', enrollmentId: null, userId: '777' });
    f.outbox.settleApplied(first.id, { enrollmentId: '9004' });
    expect(f.cache.outbox.get(second.id)).toMatchObject({ kind: 'remove', enrollmentId: '9004', base: { role: 'student', status: 'active' } });
  });
});

describe('settleDone', () => {
  it('deletes the op and leaves the cached roster to the refresh', () => {
    const op = update(ANN.id, { status: 'inactive' });
    f.outbox.settleDone(op.id);
    expect(ops()).toEqual([]);
    expect(row(ANN.id)).toMatchObject({ status: 'active' });
  });
});

describe('settleRejected', () => {
  it('holds the op as rejected with the LMS’s reason and code', () => {
    const op = sent(update(ANN.id, { status: 'inactive' }));
    f.outbox.settleRejected(op.id, 403, 'You do not have permission to edit this enrollment');
    expect(f.cache.outbox.get(op.id)).toMatchObject({
      state: 'rejected', error: 'You do not have permission to edit this enrollment (LMS code 403)',
    });
  });
});

describe('hold', () => {
  it('holds the op in conflict with both values recorded and a readable reason', () => {
    const op = update(ANN.id, { status: 'inactive' });
    f.outbox.hold(op.id, [{ field: 'status', mine: 'inactive', theirs: 'completed' }]);
    expect(f.cache.outbox.get(op.id)).toMatchObject({ state: 'conflict', error: expect.stringMatching(/status completed.*inactive/) });
    expect(f.cache.conflicts.listForOp(op.id)).toMatchObject([{ field: 'status', mine: 'inactive', theirs: 'completed', resolvedAt: null }]);
  });

  it('records an enrollment conflict', () => {
    const op = remove(ANN.id);
    f.outbox.hold(op.id, [{ field: 'enrollment', mine: ANN.id, theirs: null }]);
    expect(f.cache.conflicts.listForOp(op.id)).toMatchObject([{ field: 'enrollment', mine: ANN.id, theirs: null }]);
  });
});

describe('narrow', () => {
  it('keeps only the fields the server does not have yet', () => {
    const op = update(ANN.id, { status: 'inactive', role: 'teacher' });
    f.outbox.narrow(op.id, { role: 'teacher' });
    expect(f.cache.outbox.get(op.id)!.fields).toEqual({ role: 'teacher' });
  });

  it('refuses to narrow to nothing', () => {
    const op = update(ANN.id, { status: 'inactive' });
    expect(() => f.outbox.narrow(op.id, {})).toThrow(/settle it done/);
  });
});

describe('requeue', () => {
  it('puts the ops back in the queue with the reason for the UI, attempts kept', () => {
    const op = sent(update(ANN.id, { status: 'inactive' }));
    f.outbox.requeue([op.id], 'the LMS did not answer (timeout)');
    expect(f.cache.outbox.get(op.id)).toMatchObject({ state: 'queued', attempts: 1, error: 'will retry: the LMS did not answer (timeout)' });
  });

  it('ignores ops that were settled meanwhile', () => {
    const op = sent(update(ANN.id, { status: 'inactive' }));
    f.outbox.settleApplied(op.id, {});
    expect(() => f.outbox.requeue([op.id], 'timeout')).not.toThrow();
  });
});

describe('resolve', () => {
  /** The engine's check: the server's fresh roster goes into the cache, then the op is held. */
  function serverChanged(enrollmentId: string, fields: { role?: 'teacher' | 'student'; status?: 'active' | 'inactive' | 'completed' }): void {
    f.cache.enrollments.applyServerFields(ONE, enrollmentId, fields);
  }

  it('keep-mine queues the op again against the server’s values, so the next check passes', () => {
    const op = update(ANN.id, { status: 'inactive' });
    serverChanged(ANN.id, { status: 'completed', role: 'teacher' });
    f.outbox.hold(op.id, [{ field: 'status', mine: 'inactive', theirs: 'completed' }]);
    f.outbox.resolve(op.id, 'keep-mine');
    expect(f.cache.outbox.get(op.id)).toMatchObject({ state: 'queued', error: null, fields: { status: 'inactive' }, base: { role: 'teacher', status: 'completed' } });
    expect(f.cache.conflicts.listForOp(op.id)).toMatchObject([{ resolvedAt: expect.any(String) }]);
  });

  it('take-theirs drops the conflicting field and keeps the others', () => {
    const op = update(ANN.id, { status: 'inactive', role: 'teacher' });
    serverChanged(ANN.id, { status: 'completed' });
    f.outbox.hold(op.id, [{ field: 'status', mine: 'inactive', theirs: 'completed' }]);
    f.outbox.resolve(op.id, 'take-theirs');
    expect(f.cache.outbox.get(op.id)).toMatchObject({ state: 'queued', fields: { role: 'teacher' } });
    expect(f.cache.conflicts.listForOp(op.id)[0]!.resolvedAt).not.toBeNull();
  });

  it('take-theirs of the only field deletes the op', () => {
    const op = update(ANN.id, { status: 'inactive' });
    serverChanged(ANN.id, { status: 'completed' });
    f.outbox.hold(op.id, [{ field: 'status', mine: 'inactive', theirs: 'completed' }]);
    f.outbox.resolve(op.id, 'take-theirs');
    expect(ops()).toEqual([]);
  });

  it('keep-mine of an update whose enrollment the server removed re-creates it as an enroll', () => {
    const op = update(ANN.id, { role: 'teacher' });
    f.cache.enrollments.applyServerRemove(ONE, ANN.id);
    f.outbox.hold(op.id, [{ field: 'enrollment', mine: ANN.id, theirs: null }]);
    f.outbox.resolve(op.id, 'keep-mine');
    expect(f.cache.outbox.get(op.id)).toMatchObject({
      state: 'queued', kind: 'enroll', enrollmentId: null, userId: ANN.uid, fields: { role: 'teacher', status: 'active' }, base: null,
    });
  });

  it('keep-mine of a remove whose enrollment the server removed is done', () => {
    const op = remove(ANN.id);
    f.cache.enrollments.applyServerRemove(ONE, ANN.id);
    f.outbox.hold(op.id, [{ field: 'enrollment', mine: ANN.id, theirs: null }]);
    f.outbox.resolve(op.id, 'keep-mine');
    expect(ops()).toEqual([]);
  });

  it('take-theirs of an enrollment the server removed drops the op', () => {
    const op = update(ANN.id, { role: 'teacher' });
    f.cache.enrollments.applyServerRemove(ONE, ANN.id);
    f.outbox.hold(op.id, [{ field: 'enrollment', mine: ANN.id, theirs: null }]);
    f.outbox.resolve(op.id, 'take-theirs');
    expect(ops()).toEqual([]);
  });

  it('keep-mine of an enroll of someone the server enrolled meanwhile becomes an update of that enrollment', () => {
    const op = enroll('777', 'teacher', 'active');
    f.cache.enrollments.applyServerEnroll(ONE, '9005', '777', { role: 'student', status: 'active' });
    f.outbox.hold(op.id, [{ field: 'role', mine: 'teacher', theirs: 'student' }]);
    f.outbox.resolve(op.id, 'keep-mine');
    expect(f.cache.outbox.get(op.id)).toMatchObject({
      state: 'queued', kind: 'update', enrollmentId: '9005', fields: { role: 'teacher' }, base: { role: 'student', status: 'active' },
    });
  });

  it('take-theirs of that enroll leaves nothing to do', () => {
    const op = enroll('777', 'teacher', 'active');
    f.cache.enrollments.applyServerEnroll(ONE, '9005', '777', { role: 'student', status: 'active' });
    f.outbox.hold(op.id, [{ field: 'role', mine: 'teacher', theirs: 'student' }]);
    f.outbox.resolve(op.id, 'take-theirs');
    expect(ops()).toEqual([]);
  });

  it('refuses an op that is not in conflict', () => {
    const op = update(ANN.id, { status: 'inactive' });
    expect(() => f.outbox.resolve(op.id, 'keep-mine')).toThrow(EditError);
    expect(() => f.outbox.resolve('nope', 'keep-mine')).toThrow(/no edit nope in conflict/);
  });
});
