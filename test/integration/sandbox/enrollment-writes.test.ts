import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { SchoologyEnrollmentSchema } from '../../../shared/domain/schoology-wire';
import { parseWire } from '../../../shared/domain/tolerant';
import { call, FORMATS } from './sandbox-http';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ rateLimit: null });
});
afterEach(() => sandbox.close());

const P3 = 'sections/3719526';
/** A person of the seed document's examples who is in no section yet. */
const NEWCOMER = '2461632';

describe.each(FORMATS)('single-enrollment writes (%s)', (format) => {
  it('POST {realm}/enrollments creates the enrollment and returns it (201)', async () => {
    const { status, data } = await call(sandbox, 'POST', `${P3}/enrollments`, { format, body: { uid: NEWCOMER, admin: '0', status: '1' } });
    expect(status).toBe(201);
    const created = parseWire(SchoologyEnrollmentSchema, data, 'created enrollment');
    expect(created).toMatchObject({ uid: NEWCOMER, admin: 0, status: 1, name_display: 'Marisol Ortega', school_uid: 'test1234' });
    expect(created.links?.self).toBe(`${sandbox.url}/${P3}/enrollments/${created.id}`);
    expect(sandbox.store.getEnrollment(created.id)).toEqual({ id: created.id, realmKey: P3, uid: NEWCOMER, admin: 0, status: 1 });
  });

  it('makes a second enrollment for the same person when the create is repeated (no duplicate check)', async () => {
    const first = await call(sandbox, 'POST', `${P3}/enrollments`, { format, body: { uid: NEWCOMER, admin: 0, status: 1 } });
    const second = await call(sandbox, 'POST', `${P3}/enrollments`, { format, body: { uid: NEWCOMER, admin: 0, status: 1 } });
    expect([first.status, second.status]).toEqual([201, 201]);
    const mine = sandbox.store.enrollmentsIn(P3).filter((e) => e.uid === NEWCOMER);
    expect(mine).toHaveLength(2);
    expect(mine[0]!.id).not.toBe(mine[1]!.id);
  });

  it('answers 404 naming the user when the uid does not exist, and creates nothing', async () => {
    const before = sandbox.store.countEnrollments();
    const { status, data } = await call(sandbox, 'POST', `${P3}/enrollments`, { format, body: { uid: '777', admin: 0, status: 1 } });
    expect(status).toBe(404);
    expect(data).toBe('User 777 not found.');
    expect(sandbox.store.countEnrollments()).toBe(before);
  });

  it('answers 400 naming the field for an admin or status outside its values', async () => {
    const badAdmin = await call(sandbox, 'POST', `${P3}/enrollments`, { format, body: { uid: NEWCOMER, admin: 2, status: 1 } });
    expect(badAdmin.status).toBe(400);
    expect(badAdmin.data).toMatch(/admin must be 0 or 1/);
    const badStatus = await call(sandbox, 'POST', `${P3}/enrollments`, { format, body: { uid: NEWCOMER, admin: 0, status: 9 } });
    expect(badStatus.status).toBe(400);
    expect(badStatus.data).toMatch(/status must be 1 to 5/);
  });

  it('answers 404 when creating in a realm that does not exist', async () => {
    expect((await call(sandbox, 'POST', 'groups/1/enrollments', { format, body: { uid: NEWCOMER } })).status).toBe(404);
  });

  it('PUT {realm}/enrollments/{id} changes the enrollment and answers 204 with an empty body', async () => {
    const { status, text, headers } = await call(sandbox, 'PUT', `${P3}/enrollments/44783136`, { format, body: { uid: '48289', status: '2' } });
    expect(status).toBe(204);
    expect(text).toBe('');
    expect(headers.get('x-schoology')).toBe('API');
    expect(sandbox.store.getEnrollment('44783136')).toMatchObject({ admin: 0, status: 2 });
  });

  it('PUT answers 404 for an enrollment of another realm and changes nothing', async () => {
    const other = sandbox.store.enrollmentsIn('sections/4318461').at(-1)!;
    const { status } = await call(sandbox, 'PUT', `${P3}/enrollments/${other.id}`, { format, body: { status: 2 } });
    expect(status).toBe(404);
    expect(sandbox.store.getEnrollment(other.id)).toEqual(other);
  });

  it('PUT answers 400 for a status outside 1..5', async () => {
    expect((await call(sandbox, 'PUT', `${P3}/enrollments/44783136`, { format, body: { status: 6 } })).status).toBe(400);
    expect(sandbox.store.getEnrollment('44783136')?.status).toBe(1);
  });

  it('DELETE {realm}/enrollments/{id} removes it (204), and a second delete is a 404', async () => {
    const first = await call(sandbox, 'DELETE', `${P3}/enrollments/44783136`, { format });
    expect([first.status, first.text]).toEqual([204, '']);
    expect(sandbox.store.getEnrollment('44783136')).toBeUndefined();
    expect((await call(sandbox, 'DELETE', `${P3}/enrollments/44783136`, { format })).status).toBe(404);
  });

  it('POST sections/accesscode enrolls the signed-in user as a member of the section holding the code', async () => {
    const { status, data } = await call(sandbox, 'POST', 'sections/accesscode', { format, body: { access_code: 'VCVKF-4MJG9' } });
    expect(status).toBe(201);
    const joined = parseWire(SchoologyEnrollmentSchema, data, 'access code enrollment');
    expect(joined).toMatchObject({ uid: '45552', admin: 0, status: 1, name_display: 'Mr. Strickland' });
    expect(sandbox.store.getEnrollment(joined.id)?.realmKey).toBe(P3);
  });

  it('POST groups/accesscode joins the group holding the code', async () => {
    const code = sandbox.store.getGroup('65371')!.access_code;
    const { status, data } = await call(sandbox, 'POST', 'groups/accesscode', { format, body: { access_code: code } });
    expect(status).toBe(201);
    const id = parseWire(SchoologyEnrollmentSchema, data, 'access code enrollment').id;
    expect(sandbox.store.getEnrollment(id)).toMatchObject({ realmKey: 'groups/65371', uid: '45552', admin: 0 });
  });

  it('answers 400 with a message for an access code no realm of that kind has', async () => {
    const unknown = await call(sandbox, 'POST', 'sections/accesscode', { format, body: { access_code: 'NOPE1-NOPE2' } });
    expect(unknown.status).toBe(400);
    expect(unknown.data).toMatch(/Invalid access code "NOPE1-NOPE2"/);
    const groupCode = sandbox.store.getGroup('65371')!.access_code;
    expect((await call(sandbox, 'POST', 'sections/accesscode', { format, body: { access_code: groupCode } })).status).toBe(400);
  });
});
