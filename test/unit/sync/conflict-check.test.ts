import { describe, expect, it } from 'vitest';
import { checkAccessCode, checkOp, MalformedOpError, sameValue, sameVersion, ServerRoster, type ServerEnrollment } from '../../../electron/sync/conflict-check';
import { op, REALM_KEY } from './ops';

const HOWLETT = { id: '44783136', userId: '48289', role: 'student', status: 'active' } as const;
const STRICKLAND = { id: '43807916', userId: '45552', role: 'teacher', status: 'active' } as const;

const roster = (...enrollments: Array<{ id: string; userId: string; role: 'teacher' | 'student'; status: 'active' | 'inactive' | 'completed' | 'invited' }>) =>
  new ServerRoster('schoology', REALM_KEY, enrollments);

const update = (fields: object, base: object, extra: object = {}) =>
  op({ kind: 'update', enrollmentId: HOWLETT.id, userId: HOWLETT.userId, fields, base, ...extra });

describe('checking an update against the server', () => {
  it('pushes the change as an upsert with full fields when the server still holds the base', () => {
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active' }), roster(HOWLETT));
    expect(verdict).toEqual({ verdict: 'push', upsert: { realmKey: REALM_KEY, userId: '48289', fields: { role: 'student', status: 'inactive' }, enrollmentId: HOWLETT.id } });
  });

  it('is done when the server already holds the new value', () => {
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active' }), roster({ ...HOWLETT, status: 'inactive' }));
    expect(verdict).toEqual({ verdict: 'done' });
  });

  it('holds a field another admin changed to a third value, with both values', () => {
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active' }), roster({ ...HOWLETT, status: 'completed' }));
    expect(verdict).toEqual({ verdict: 'conflict', conflicts: [{ field: 'status', mine: 'inactive', theirs: 'completed' }] });
  });

  it("merges a change to another field: the upsert carries the server's value for it", () => {
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active' }), roster({ ...HOWLETT, role: 'teacher' }));
    expect(verdict).toEqual({ verdict: 'push', upsert: { realmKey: REALM_KEY, userId: '48289', fields: { role: 'teacher', status: 'inactive' }, enrollmentId: HOWLETT.id } });
  });

  it('pushes only the fields not already on the server when one of two is done', () => {
    const verdict = checkOp(
      update({ role: 'teacher', status: 'inactive' }, { role: 'student', status: 'active' }),
      roster({ ...HOWLETT, role: 'teacher' }),
    );
    expect(verdict).toEqual({ verdict: 'push', upsert: { realmKey: REALM_KEY, userId: '48289', fields: { role: 'teacher', status: 'inactive' }, enrollmentId: HOWLETT.id } });
  });

  it('holds the whole op when one of its fields conflicts', () => {
    const verdict = checkOp(
      update({ role: 'teacher', status: 'inactive' }, { role: 'student', status: 'active' }),
      roster({ ...HOWLETT, status: 'completed' }),
    );
    expect(verdict).toEqual({ verdict: 'conflict', conflicts: [{ field: 'status', mine: 'inactive', theirs: 'completed' }] });
  });

  it('is an enrollment conflict when the server removed the enrollment', () => {
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active' }), roster(STRICKLAND));
    expect(verdict).toEqual({ verdict: 'conflict', conflicts: [{ field: 'enrollment', mine: HOWLETT.id, theirs: null }] });
  });

  it('is an enrollment conflict even after an earlier attempt: an update cannot remove anyone', () => {
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active' }, { attempts: 2 }), roster(STRICKLAND));
    expect(verdict).toEqual({ verdict: 'conflict', conflicts: [{ field: 'enrollment', mine: HOWLETT.id, theirs: null }] });
  });

  it('compares values as Schoology stores them: a TA is a teacher there', () => {
    const verdict = checkOp(update({ role: 'ta' }, { role: 'student', status: 'active' }), roster({ ...HOWLETT, role: 'teacher' }));
    expect(verdict).toEqual({ verdict: 'done' });
  });

  it('pushes a field whose base the op did not record', () => {
    const verdict = checkOp(update({ status: 'inactive' }, {}), roster({ ...HOWLETT, status: 'completed' }));
    expect(verdict).toMatchObject({ verdict: 'push', upsert: { fields: { status: 'inactive' } } });
  });
});

describe('checking an update against a Canvas enrollment with its updated_at', () => {
  const SEEN = '2026-11-20T15:00:00Z';
  const LATER = '2026-11-26T09:10:00Z';
  const canvas = (...enrollments: ServerEnrollment[]) => new ServerRoster('canvas', REALM_KEY, enrollments);
  const push = (fields: object) => ({ verdict: 'push', upsert: { realmKey: REALM_KEY, userId: HOWLETT.userId, fields, enrollmentId: HOWLETT.id } });

  it('pushes the change when the stamp is the one the user saw', () => {
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active', version: SEEN }), canvas({ ...HOWLETT, version: SEEN }));
    expect(verdict).toEqual(push({ role: 'student', status: 'inactive' }));
  });

  it('pushes a field whose base was not recorded when the stamp is unchanged: the server cannot have changed it', () => {
    const verdict = checkOp(update({ status: 'inactive' }, { version: SEEN }), canvas({ ...HOWLETT, status: 'completed', version: SEEN }));
    expect(verdict).toEqual(push({ role: 'student', status: 'inactive' }));
  });

  it('holds a field whose base was not recorded when the stamp changed, naming when', () => {
    const verdict = checkOp(update({ status: 'inactive' }, { version: SEEN }), canvas({ ...HOWLETT, status: 'completed', version: LATER }));
    expect(verdict).toEqual({ verdict: 'conflict', conflicts: [{ field: 'status', mine: 'inactive', theirs: 'completed', changedAt: LATER }] });
  });

  it('pushes a field the server left at the base although the stamp changed (another admin touched something else)', () => {
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active', version: SEEN }), canvas({ ...HOWLETT, version: LATER }));
    expect(verdict).toEqual(push({ role: 'student', status: 'inactive' }));
  });

  it('is done when the stamp changed and the server holds my value', () => {
    const server = canvas({ ...HOWLETT, status: 'inactive', version: LATER });
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active', version: SEEN }), server);
    expect(verdict).toEqual({ verdict: 'done' });
  });

  it('holds a field another admin changed to a third value, with the time of the change', () => {
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active', version: SEEN }), canvas({ ...HOWLETT, status: 'completed', version: LATER }));
    expect(verdict).toEqual({ verdict: 'conflict', conflicts: [{ field: 'status', mine: 'inactive', theirs: 'completed', changedAt: LATER }] });
  });

  it('holds a field that changed within the second the stamp counts: same stamp, another value than the base', () => {
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active', version: SEEN }), canvas({ ...HOWLETT, status: 'completed', version: SEEN }));
    expect(verdict).toEqual({ verdict: 'conflict', conflicts: [{ field: 'status', mine: 'inactive', theirs: 'completed' }] });
  });

  it("judges an op from before versions by its values, and names the server's stamp in a conflict", () => {
    const verdict = checkOp(update({ status: 'inactive' }, { role: 'student', status: 'active' }), canvas({ ...HOWLETT, status: 'completed', version: LATER }));
    expect(verdict).toEqual({ verdict: 'conflict', conflicts: [{ field: 'status', mine: 'inactive', theirs: 'completed', changedAt: LATER }] });
  });

  it('pushes a field an op from before versions did not record: nothing proves the server changed it', () => {
    const verdict = checkOp(update({ status: 'inactive' }, {}), canvas({ ...HOWLETT, status: 'completed', version: LATER }));
    expect(verdict).toEqual(push({ role: 'student', status: 'inactive' }));
  });

  it("judges by values when the server's stamp is unknown (just written by our own push)", () => {
    const verdict = checkOp(update({ status: 'inactive' }, { version: SEEN }), canvas({ ...HOWLETT, status: 'completed' }));
    expect(verdict).toEqual(push({ role: 'student', status: 'inactive' }));
  });

  it('still pushes a remove when the stamp changed: only a removed enrollment stops a remove', () => {
    const remove = op({ kind: 'remove', enrollmentId: HOWLETT.id, userId: HOWLETT.userId, base: { role: 'student', status: 'active', version: SEEN } });
    expect(checkOp(remove, canvas({ ...HOWLETT, status: 'completed', version: LATER }))).toEqual({ verdict: 'push-remove', enrollmentId: HOWLETT.id });
  });
});

describe('recognising half-done Canvas edits after a crash', () => {
  const canvas = (...enrollments: ServerEnrollment[]) => new ServerRoster('canvas', REALM_KEY, enrollments);
  const NEW_ENROLLMENT = { id: '9001', userId: HOWLETT.userId, role: 'teacher', status: 'active', version: '2026-11-26T09:10:00Z' } as const;

  it('checks a role change that may have been sent against the enrollment it made in place of the old one', () => {
    const verdict = checkOp(update({ role: 'teacher' }, { role: 'student', status: 'active' }, { attempts: 1 }), canvas(NEW_ENROLLMENT));
    expect(verdict).toEqual({ verdict: 'done' });
  });

  it('finishes the status of such a role change when the crash came before the status step', () => {
    const verdict = checkOp(update({ role: 'teacher', status: 'inactive' }, { role: 'student', status: 'active' }, { attempts: 1 }), canvas(NEW_ENROLLMENT));
    expect(verdict).toEqual({ verdict: 'push', upsert: { realmKey: REALM_KEY, userId: HOWLETT.userId, fields: { role: 'teacher', status: 'inactive' }, enrollmentId: NEW_ENROLLMENT.id } });
  });

  it('is still an enrollment conflict when the role change was never sent', () => {
    const verdict = checkOp(update({ role: 'teacher' }, { role: 'student', status: 'active' }), canvas(NEW_ENROLLMENT));
    expect(verdict).toEqual({ verdict: 'conflict', conflicts: [{ field: 'enrollment', mine: HOWLETT.id, theirs: null }] });
  });

  it('is still an enrollment conflict when the person is there with another role than the change sets', () => {
    const verdict = checkOp(update({ role: 'ta' }, { role: 'student', status: 'active' }, { attempts: 1 }), canvas(NEW_ENROLLMENT));
    expect(verdict).toEqual({ verdict: 'conflict', conflicts: [{ field: 'enrollment', mine: HOWLETT.id, theirs: null }] });
  });

  it('finishes an enroll that may have been sent and finds its own create in the state Canvas creates', () => {
    const enroll = op({ kind: 'enroll', userId: HOWLETT.userId, fields: { role: 'teacher', status: 'completed' }, base: null, attempts: 1 });
    expect(checkOp(enroll, canvas(NEW_ENROLLMENT))).toEqual({
      verdict: 'push',
      upsert: { realmKey: REALM_KEY, userId: HOWLETT.userId, fields: { role: 'teacher', status: 'completed' }, enrollmentId: NEW_ENROLLMENT.id },
    });
  });

  it('holds an enroll never sent that finds the person already there with other values', () => {
    const enroll = op({ kind: 'enroll', userId: HOWLETT.userId, fields: { role: 'teacher', status: 'completed' }, base: null });
    expect(checkOp(enroll, canvas(NEW_ENROLLMENT))).toMatchObject({ verdict: 'conflict', conflicts: [{ field: 'status', mine: 'completed', theirs: 'active' }] });
  });
});

describe('checking a remove against the server', () => {
  const remove = (extra: object = {}) => op({ kind: 'remove', enrollmentId: HOWLETT.id, userId: HOWLETT.userId, base: { role: 'student', status: 'active' }, ...extra });

  it('pushes the remove by enrollment id', () => {
    expect(checkOp(remove(), roster(HOWLETT))).toEqual({ verdict: 'push-remove', enrollmentId: HOWLETT.id });
  });

  it('pushes the remove even when another admin changed the enrollment', () => {
    expect(checkOp(remove(), roster({ ...HOWLETT, status: 'completed' }))).toEqual({ verdict: 'push-remove', enrollmentId: HOWLETT.id });
  });

  it('is an enrollment conflict when the server removed it and the op was never sent', () => {
    expect(checkOp(remove(), roster(STRICKLAND))).toEqual({ verdict: 'conflict', conflicts: [{ field: 'enrollment', mine: HOWLETT.id, theirs: null }] });
  });

  it('is done when it may have been our own request before a crash (attempts > 0)', () => {
    expect(checkOp(remove({ attempts: 1 }), roster(STRICKLAND))).toEqual({ verdict: 'done' });
  });
});

describe('checking an enroll against the server', () => {
  const enroll = (fields: object, extra: object = {}) => op({ kind: 'enroll', userId: '87942', fields, base: null, ...extra });

  it('pushes an upsert with the full fields when the person is not in the realm', () => {
    expect(checkOp(enroll({ role: 'student', status: 'active' }), roster(HOWLETT))).toEqual({
      verdict: 'push',
      upsert: { realmKey: REALM_KEY, userId: '87942', fields: { role: 'student', status: 'active' } },
    });
  });

  it('is done when the server already has the person with the same values (our own earlier attempt)', () => {
    const server = roster(HOWLETT, { id: '900', userId: '87942', role: 'student', status: 'active' });
    expect(checkOp(enroll({ role: 'student', status: 'active' }, { attempts: 1 }), server)).toEqual({ verdict: 'done' });
  });

  it('conflicts on each differing field when the person is there with other values', () => {
    const server = roster({ id: '900', userId: '87942', role: 'teacher', status: 'active' });
    expect(checkOp(enroll({ role: 'student', status: 'active' }), server)).toEqual({
      verdict: 'conflict',
      conflicts: [{ field: 'role', mine: 'student', theirs: 'teacher' }],
    });
  });

  it('refuses to judge an enroll that names no user', () => {
    expect(() => checkOp(enroll({ role: 'student', status: 'active' }, { userId: null }), roster())).toThrow(MalformedOpError);
  });

  it('checks a follow-up enroll against the values of the enroll before it (its base)', () => {
    const server = roster({ id: '900', userId: '87942', role: 'student', status: 'active' });
    const verdict = checkOp(enroll({ role: 'student', status: 'inactive' }, { base: { role: 'student', status: 'active' } }), server);
    expect(verdict).toEqual({ verdict: 'push', upsert: { realmKey: REALM_KEY, userId: '87942', fields: { role: 'student', status: 'inactive' }, enrollmentId: '900' } });
  });
});

describe('checking an access-code join', () => {
  const join = (attempts: number) => op({ kind: 'access_code', realmId: null, fields: { accessCode: 'vcvkf-4mjg9', realmKind: 'section' }, attempts });

  it('sends a join that was never sent', () => {
    expect(checkAccessCode(join(0), null)).toEqual({ verdict: 'push-accesscode', realmKind: 'section', accessCode: 'vcvkf-4mjg9' });
  });

  it('is done after a possible earlier attempt when the user now sees a realm with that code', () => {
    const visible = [{ key: REALM_KEY, kind: 'section' as const, accessCode: 'VCVKF-4MJG9' }];
    expect(checkAccessCode(join(1), visible)).toEqual({ verdict: 'done' });
  });

  it('sends it again when no visible realm of that kind holds the code', () => {
    const visible = [{ key: 'groups/65371', kind: 'group' as const, accessCode: 'VCVKF-4MJG9' }];
    expect(checkAccessCode(join(1), visible)).toMatchObject({ verdict: 'push-accesscode' });
  });

  it('is not a realm op: checkOp refuses it', () => {
    expect(() => checkOp(join(0), roster())).toThrow('checkAccessCode');
  });
});

describe('the server roster', () => {
  it('finds a person by their first enrollment and moves on to the next when that one goes', () => {
    const server = roster({ id: '1', userId: '7', role: 'student', status: 'active' }, { id: '2', userId: '7', role: 'student', status: 'inactive' });
    expect(server.ofUser('7')?.id).toBe('1');
    server.delete('1');
    expect(server.ofUser('7')?.id).toBe('2');
    server.delete('2');
    expect(server.ofUser('7')).toBeUndefined();
  });

  it('takes applied values over the old ones', () => {
    const server = roster(HOWLETT);
    server.set({ ...HOWLETT, status: 'inactive' });
    expect(server.get(HOWLETT.id)?.status).toBe('inactive');
    expect(server.ofUser(HOWLETT.userId)?.status).toBe('inactive');
  });
});

describe('sameValue', () => {
  it('treats invited and creation_pending as one Schoology status, but not for Canvas', () => {
    expect(sameValue('schoology', 'status', 'invited', 'creation_pending')).toBe(true);
    expect(sameValue('canvas', 'status', 'invited', 'creation_pending')).toBe(false);
  });

  it('compares statuses Schoology cannot hold only with themselves', () => {
    expect(sameValue('schoology', 'status', 'deleted', 'deleted')).toBe(true);
    expect(sameValue('schoology', 'status', 'deleted', 'rejected')).toBe(false);
  });
});

describe('sameVersion', () => {
  it('compares stamps as instants, whatever offset or precision they are written with', () => {
    expect(sameVersion('2026-11-26T09:10:00Z', '2026-11-26T09:10:00.000Z')).toBe(true);
    expect(sameVersion('2026-11-26T09:10:00Z', '2026-11-26T02:10:00-07:00')).toBe(true);
    expect(sameVersion('2026-11-26T09:10:00Z', '2026-11-26T09:10:01Z')).toBe(false);
  });

  it('knows nothing when either stamp is missing', () => {
    expect(sameVersion(undefined, '2026-11-26T09:10:00Z')).toBeNull();
    expect(sameVersion('2026-11-26T09:10:00Z', undefined)).toBeNull();
  });
});
