import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EditError, type Edit } from '../../../electron/sync/outbox';
import { ACCOUNT, ANN, ART, BOB, CARA, EVE, ONE, openFixture, type Fixture } from './outbox-fixture';

let f: Fixture;
beforeEach(() => {
  f = openFixture();
});
afterEach(() => f.close());

const apply = (...edits: Edit[]) => f.outbox.apply(edits);
const one = (edit: Edit) => apply(edit)[0]!;
const ops = () => f.cache.outbox.listByAccount(ACCOUNT);
const update = (id: string, fields: Extract<Edit, { kind: 'update' }>['fields']): Edit => ({ kind: 'update', realmId: ONE, enrollmentId: id, fields });
const remove = (id: string): Edit => ({ kind: 'remove', realmId: ONE, enrollmentId: id });
const enroll = (userId: string, role: 'teacher' | 'student', status: 'active' | 'inactive' | 'invited'): Extract<Edit, { kind: 'enroll' }> => ({
  kind: 'enroll', realmId: ONE, userId, fields: { role, status },
});

function editError(run: () => unknown): EditError {
  try {
    run();
  } catch (error) {
    if (error instanceof EditError) return error;
    throw error;
  }
  throw new Error('expected an EditError');
}

describe('queueing an edit', () => {
  it('records the op with the values the user saw as its base, and the person it is about', () => {
    const result = one(update(ANN.id, { status: 'inactive' }));
    expect(result.outcome).toBe('queued');
    expect(result.op).toMatchObject({
      accountId: ACCOUNT, realmId: ONE, kind: 'update', enrollmentId: ANN.id, userId: ANN.uid,
      fields: { status: 'inactive' }, base: { role: 'student', status: 'active' }, state: 'queued', attempts: 0,
    });
  });

  it('gives an enroll a null base: the user expects no enrollment yet', () => {
    expect(one(enroll('777', 'student', 'active')).op).toMatchObject({ kind: 'enroll', userId: '777', enrollmentId: null, base: null });
  });

  it('queues an access-code join with no realm, its code and realm kind as fields', () => {
    const { op } = one({ kind: 'access_code', accountId: ACCOUNT, realmKind: 'group', accessCode: ' VCVKF-4MJG9 ' });
    expect(op).toMatchObject({ kind: 'access_code', realmId: null, userId: null, fields: { accessCode: 'VCVKF-4MJG9', realmKind: 'group' } });
  });
});

describe('coalescing', () => {
  it('enroll then update is one enroll with the final fields', () => {
    const first = one(enroll('777', 'student', 'active'));
    const second = one({ kind: 'update', realmId: ONE, enrollmentId: first.op!.id, fields: { status: 'inactive' } });
    expect(second).toMatchObject({ outcome: 'merged', op: { id: first.op!.id, kind: 'enroll', fields: { role: 'student', status: 'inactive' }, base: null } });
    expect(ops()).toHaveLength(1);
  });

  it('enroll then remove is nothing', () => {
    const first = one(enroll('777', 'student', 'active'));
    expect(one({ kind: 'remove', realmId: ONE, enrollmentId: first.op!.id })).toEqual({ outcome: 'cancelled', op: null });
    expect(ops()).toEqual([]);
  });

  it('enroll then enroll again of the same person is one enroll with the last fields', () => {
    one(enroll('777', 'student', 'active'));
    expect(one(enroll('777', 'teacher', 'invited'))).toMatchObject({ outcome: 'merged', op: { kind: 'enroll', fields: { role: 'teacher', status: 'invited' } } });
    expect(ops()).toHaveLength(1);
  });

  it('update then update merges the fields', () => {
    const first = one(update(ANN.id, { status: 'inactive' }));
    const second = one(update(ANN.id, { role: 'teacher' }));
    expect(second).toMatchObject({ outcome: 'merged', op: { id: first.op!.id, fields: { status: 'inactive', role: 'teacher' }, base: { role: 'student', status: 'active' } } });
    expect(ops()).toHaveLength(1);
  });

  it('two changes of one field keep the last', () => {
    one(update(ANN.id, { status: 'inactive' }));
    expect(one(update(ANN.id, { status: 'completed' })).op!.fields).toEqual({ status: 'completed' });
  });

  it('a field set back to its base value drops out of the update', () => {
    one(update(ANN.id, { status: 'inactive', role: 'teacher' }));
    expect(one(update(ANN.id, { status: 'active' })).op!.fields).toEqual({ role: 'teacher' });
  });

  it('an update set back to the base on every field cancels the op', () => {
    one(update(ANN.id, { status: 'inactive' }));
    expect(one(update(ANN.id, { status: 'active' }))).toEqual({ outcome: 'cancelled', op: null });
    expect(ops()).toEqual([]);
  });

  it('an edit that changes nothing queues nothing', () => {
    expect(one(update(ANN.id, { status: 'active' }))).toEqual({ outcome: 'cancelled', op: null });
    expect(ops()).toEqual([]);
  });

  it('update then remove is a remove that keeps the original base', () => {
    const first = one(update(ANN.id, { role: 'teacher' }));
    expect(one(remove(ANN.id))).toMatchObject({
      outcome: 'merged',
      op: { id: first.op!.id, kind: 'remove', enrollmentId: ANN.id, fields: {}, base: { role: 'student', status: 'active' } },
    });
  });

  it('remove then enroll of the same person is an update to the enroll’s fields against the base', () => {
    one(remove(ANN.id));
    expect(one(enroll(ANN.uid, 'teacher', 'active'))).toMatchObject({
      outcome: 'merged',
      op: { kind: 'update', enrollmentId: ANN.id, fields: { role: 'teacher' }, base: { role: 'student', status: 'active' } },
    });
    expect(ops()).toHaveLength(1);
  });

  it('remove then enroll with the base values cancels both', () => {
    one(remove(ANN.id));
    expect(one(enroll(ANN.uid, 'student', 'active'))).toEqual({ outcome: 'cancelled', op: null });
    expect(ops()).toEqual([]);
  });

  it('an enroll of someone who already has a cached enrollment in the realm is an update of that enrollment', () => {
    expect(one(enroll(ANN.uid, 'teacher', 'active'))).toMatchObject({
      outcome: 'queued',
      op: { kind: 'update', enrollmentId: ANN.id, userId: ANN.uid, fields: { role: 'teacher' }, base: { role: 'student', status: 'active' } },
    });
  });

  it('an update or remove of an enrollment a queued remove removes is invalid', () => {
    one(remove(ANN.id));
    expect(editError(() => one(update(ANN.id, { status: 'inactive' })))).toMatchObject({ code: 'invalid' });
    expect(editError(() => one(remove(ANN.id)))).toMatchObject({ code: 'invalid', message: expect.stringMatching(/already queued for removal/) });
  });

  it('keeps edits of different people and realms apart', () => {
    apply(update(ANN.id, { status: 'inactive' }), update(BOB.id, { status: 'inactive' }), {
      kind: 'update', realmId: ART, enrollmentId: EVE.id, fields: { status: 'inactive' },
    });
    expect(ops()).toHaveLength(3);
  });

  it('an edit after an in-flight op queues a second op carrying the merged intent, leaving the in-flight op as it was', () => {
    const first = one(update(ANN.id, { status: 'inactive' })).op!;
    f.outbox.markInFlight([first.id]);
    const second = one(update(ANN.id, { role: 'teacher' }));
    expect(second).toMatchObject({
      outcome: 'queued',
      // Base: what the user saw, the server row with the in-flight op laid over it.
      op: { kind: 'update', fields: { status: 'inactive', role: 'teacher' }, base: { role: 'student', status: 'inactive' } },
    });
    expect(second.op!.seq).toBeGreaterThan(first.seq);
    expect(f.cache.outbox.get(first.id)).toMatchObject({ state: 'in_flight', fields: { status: 'inactive' }, attempts: 1 });
  });

  it('further edits merge into that second op, never into the in-flight one', () => {
    const first = one(update(ANN.id, { status: 'inactive' })).op!;
    f.outbox.markInFlight([first.id]);
    const second = one(update(ANN.id, { role: 'teacher' })).op!;
    expect(one(update(ANN.id, { role: 'student' }))).toMatchObject({ outcome: 'cancelled', op: null });
    expect(ops().map((op) => op.id)).toEqual([first.id]);
    expect(f.cache.outbox.get(second.id)).toBeNull();
  });

  it('an edit after a queued op that was already sent once (attempts > 0) is also queued after it', () => {
    const first = one(update(ANN.id, { status: 'inactive' })).op!;
    f.outbox.markInFlight([first.id]);
    f.outbox.requeue([first.id], 'the network is down');
    expect(one(update(ANN.id, { role: 'teacher' })).outcome).toBe('queued');
    expect(f.cache.outbox.get(first.id)).toMatchObject({ state: 'queued', fields: { status: 'inactive' }, attempts: 1 });
  });

  it('an update of an enroll in flight is a second enroll with the merged fields, expecting the in-flight ones', () => {
    const first = one(enroll('777', 'student', 'active')).op!;
    f.outbox.markInFlight([first.id]);
    expect(one({ kind: 'update', realmId: ONE, enrollmentId: first.id, fields: { status: 'inactive' } }).op).toMatchObject({
      kind: 'enroll', userId: '777', fields: { role: 'student', status: 'inactive' }, base: { role: 'student', status: 'active' },
    });
  });

  it('editing a person whose op the LMS rejected is refused as held, naming the op', () => {
    const first = one(update(ANN.id, { status: 'inactive' })).op!;
    f.outbox.markInFlight([first.id]);
    f.outbox.settleRejected(first.id, 403, 'not allowed');
    const error = editError(() => one(update(ANN.id, { role: 'teacher' })));
    expect(error.code).toBe('held');
    expect(error.message).toContain('resolve or discard the held change first');
    expect(error.message).toContain(first.id);
  });

  it('editing a person whose op is in conflict is refused as held, naming roster resolve', () => {
    const first = one(update(ANN.id, { status: 'inactive' })).op!;
    f.outbox.hold(first.id, [{ field: 'status', mine: 'inactive', theirs: 'completed' }]);
    const error = editError(() => one(remove(ANN.id)));
    expect(error.code).toBe('held');
    expect(error.message).toContain(`roster resolve ${first.id}`);
  });

  it('a second identical access-code join is the existing op', () => {
    const join = { kind: 'access_code', accountId: ACCOUNT, realmKind: 'section', accessCode: 'VCVKF-4MJG9' } as const;
    const first = one(join);
    expect(one({ ...join, accessCode: 'vcvkf-4mjg9' })).toEqual({ outcome: 'merged', op: first.op });
    expect(one({ ...join, realmKind: 'group' }).outcome).toBe('queued');
    expect(ops()).toHaveLength(2);
  });
});

describe('validation', () => {
  it('refuses a realm the cache does not know', () => {
    expect(editError(() => one({ ...enroll('777', 'student', 'active'), realmId: 'acme/sections/404' }))).toMatchObject({
      code: 'unknown-realm', message: expect.stringMatching(/roster pull/),
    });
  });

  it('refuses an update or remove of an enrollment neither cached nor a pending enroll', () => {
    expect(editError(() => one(update('404', { status: 'inactive' })))).toMatchObject({ code: 'unknown-enrollment' });
    expect(editError(() => one(remove('404')))).toMatchObject({ code: 'unknown-enrollment' });
  });

  it('refuses an enrollment id from another realm', () => {
    expect(editError(() => one(update(EVE.id, { status: 'inactive' })))).toMatchObject({ code: 'unknown-enrollment' });
  });

  it('refuses statuses Schoology cannot hold', () => {
    expect(editError(() => one(update(ANN.id, { status: 'rejected' })))).toMatchObject({ code: 'invalid', message: expect.stringMatching(/rejected/) });
    expect(editError(() => one(update(ANN.id, { status: 'deleted' })))).toMatchObject({ code: 'invalid' });
  });

  it('refuses an enroll without both role and status, and an update without either', () => {
    expect(editError(() => one({ kind: 'enroll', realmId: ONE, userId: '777', fields: { role: 'student' } as never }))).toMatchObject({ code: 'invalid' });
    expect(editError(() => one(update(ANN.id, {})))).toMatchObject({ code: 'invalid' });
  });

  it('refuses unknown roles, statuses and fields', () => {
    expect(editError(() => one(update(ANN.id, { role: 'principal' as never })))).toMatchObject({ code: 'invalid' });
    expect(editError(() => one(update(ANN.id, { status: 'gone' as never })))).toMatchObject({ code: 'invalid' });
    expect(editError(() => one(update(ANN.id, { grade: 'A' } as never)))).toMatchObject({ code: 'invalid' });
  });

  it('refuses an enroll without a user and a join without a code', () => {
    expect(editError(() => one(enroll(' ', 'student', 'active')))).toMatchObject({ code: 'invalid' });
    expect(editError(() => one({ kind: 'access_code', accountId: ACCOUNT, realmKind: 'section', accessCode: '' }))).toMatchObject({ code: 'invalid' });
  });

  it('stores roles as Schoology can hold them: a TA is an admin, i.e. a teacher', () => {
    expect(one(update(ANN.id, { role: 'ta' })).op!.fields).toEqual({ role: 'teacher' });
    expect(one(update(BOB.id, { role: 'designer' }))).toEqual({ outcome: 'cancelled', op: null });
  });
});

describe('apply', () => {
  it('is all or nothing: a bad third edit leaves nothing queued, and the error says which edit', () => {
    const error = editError(() => apply(update(ANN.id, { status: 'inactive' }), enroll('777', 'student', 'active'), update('404', { status: 'inactive' })));
    expect(error).toMatchObject({ code: 'unknown-enrollment', index: 2 });
    expect(ops()).toEqual([]);
    expect(f.cache.db.prepare('SELECT count(*) FROM people').pluck().get()).toBe(0);
  });

  it('lets later edits of one call coalesce with earlier ones', () => {
    const results = apply(enroll('777', 'student', 'active'), enroll('777', 'teacher', 'active'), update(CARA.id, { status: 'active' }));
    expect(results.map((r) => r.outcome)).toEqual(['queued', 'merged', 'queued']);
    expect(ops()).toHaveLength(2);
  });
});

describe('undo, undo all, discard', () => {
  it('undo removes a queued op', () => {
    const { op } = one(update(ANN.id, { status: 'inactive' }));
    f.outbox.undo(op!.id);
    expect(ops()).toEqual([]);
  });

  it('undo refuses an op in flight, a held op and an unknown id', () => {
    const sent = one(update(ANN.id, { status: 'inactive' })).op!;
    f.outbox.markInFlight([sent.id]);
    expect(editError(() => f.outbox.undo(sent.id))).toMatchObject({ code: 'invalid', message: expect.stringMatching(/being sent/) });
    const held = one(update(BOB.id, { status: 'inactive' })).op!;
    f.outbox.hold(held.id, [{ field: 'status', mine: 'inactive', theirs: 'completed' }]);
    expect(editError(() => f.outbox.undo(held.id))).toMatchObject({ code: 'held' });
    expect(editError(() => f.outbox.undo('nope'))).toMatchObject({ code: 'invalid' });
  });

  it('undo of a sent op rebases the op queued after it: it stops carrying the undone change', () => {
    const first = one(update(ANN.id, { status: 'inactive' })).op!;
    f.outbox.markInFlight([first.id]);
    f.outbox.requeue([first.id], 'offline');
    const second = one(update(ANN.id, { role: 'teacher' })).op!;
    f.outbox.undo(first.id);
    expect(f.cache.outbox.get(second.id)).toMatchObject({ kind: 'update', fields: { role: 'teacher' }, base: { role: 'student', status: 'active' } });
  });

  it('undo all removes the account’s queued ops and leaves ops in flight or held', () => {
    const sent = one(update(ANN.id, { status: 'inactive' })).op!;
    f.outbox.markInFlight([sent.id]);
    const held = one(update(BOB.id, { status: 'inactive' })).op!;
    f.outbox.settleRejected(held.id, 403, 'no');
    apply(update(CARA.id, { status: 'active' }), enroll('777', 'student', 'active'), { kind: 'access_code', accountId: ACCOUNT, realmKind: 'section', accessCode: 'X-1' });
    expect(f.outbox.undoAll(ACCOUNT)).toBe(3);
    expect(ops().map((op) => op.id)).toEqual([sent.id, held.id]);
  });

  it('discard drops a rejected op, and a conflict op with its conflicts', () => {
    const rejected = one(update(ANN.id, { status: 'inactive' })).op!;
    f.outbox.settleRejected(rejected.id, 403, 'no');
    const conflict = one(update(BOB.id, { status: 'inactive' })).op!;
    f.outbox.hold(conflict.id, [{ field: 'status', mine: 'inactive', theirs: 'completed' }]);
    f.outbox.discard(rejected.id);
    f.outbox.discard(conflict.id);
    expect(ops()).toEqual([]);
    expect(f.cache.db.prepare('SELECT count(*) FROM conflicts').pluck().get()).toBe(0);
  });

  it('discard refuses a queued op (undo is for those)', () => {
    const { op } = one(update(ANN.id, { status: 'inactive' }));
    expect(editError(() => f.outbox.discard(op!.id))).toMatchObject({ code: 'invalid', message: expect.stringMatching(/undo/) });
  });
});

describe('the pending view', () => {
  it('sorts the account’s ops into queued, in flight, rejected and conflicts with their values', () => {
    const [a, b, c, d] = apply(
      update(ANN.id, { status: 'inactive' }), update(BOB.id, { status: 'inactive' }), update(CARA.id, { status: 'active' }), enroll('777', 'student', 'active'),
    ).map((r) => r.op!);
    f.outbox.markInFlight([b!.id, c!.id]);
    f.outbox.settleRejected(c!.id, 403, 'not allowed');
    f.outbox.hold(d!.id, [{ field: 'role', mine: 'student', theirs: 'teacher' }]);
    const view = f.outbox.pending(ACCOUNT);
    expect(view.queued.map((op) => op.id)).toEqual([a!.id]);
    expect(view.inFlight.map((op) => op.id)).toEqual([b!.id]);
    expect(view.rejected).toMatchObject([{ id: c!.id, error: expect.stringContaining('not allowed') }]);
    expect(view.conflicts).toMatchObject([{ id: d!.id, conflicts: [{ field: 'role', mine: 'student', theirs: 'teacher' }] }]);
  });
});
