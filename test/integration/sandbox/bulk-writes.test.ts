import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { SchoologyBulkResultSchema } from '../../../shared/domain/schoology-wire';
import { parseWire } from '../../../shared/domain/tolerant';
import { call, FORMATS, rowsOf, text } from './sandbox-http';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ rateLimit: null });
});
afterEach(() => sandbox.close());

const P3 = 'sections/3719526';
const P5 = 'sections/4318461';
/** People of the seed document's examples, in no section yet (school_uids test1234, test456, s87942). */
const [ORTEGA, HALE, RAMAN] = ['2461632', '23453322', '87942'];

const wrap = (items: unknown[]) => ({ enrollments: { enrollment: items } });
const rowsFrom = (data: unknown) => parseWire(SchoologyBulkResultSchema, data, 'bulk result').enrollments.enrollment;
const notEnrolledIn = (realmKey: string) => (uid: string) => sandbox.store.enrollmentsIn(realmKey).every((e) => e.uid !== uid);

describe.each(FORMATS)('bulk writes (%s)', (format) => {
  it('POST {realm}/enrollments with a list creates each item and returns a row per item in order', async () => {
    const { status, data } = await call(sandbox, 'POST', `${P3}/enrollments`, {
      format,
      body: wrap([{ uid: ORTEGA, admin: '0', status: '1' }, { uid: HALE, admin: '1', status: '1' }]),
    });
    expect(status).toBe(200);
    const rows = rowsFrom(data);
    expect(rows.map((r) => [r.response_code, r.uid])).toEqual([[200, ORTEGA], [200, HALE]]);
    for (const row of rows) {
      expect(row.location).toBe(`${sandbox.url}/${P3}/enrollments/${row.id}`);
      expect(sandbox.store.getEnrollment(row.id!)).toMatchObject({ realmKey: P3, admin: row.uid === HALE ? 1 : 0 });
    }
  });

  it('applies the rest of a bulk around one bad item, whose row says what was wrong in its place', async () => {
    const { status, data } = await call(sandbox, 'POST', `${P3}/enrollments`, {
      format,
      body: wrap([{ uid: ORTEGA, admin: 0, status: 1 }, { uid: '999999', admin: 0, status: 1 }, { uid: RAMAN, admin: 7, status: 1 }, { uid: HALE, admin: 0, status: 1 }]),
    });
    expect(status).toBe(200);
    const rows = rowsFrom(data);
    expect(rows.map((r) => r.response_code)).toEqual([200, 404, 400, 200]);
    expect(rows[1]).toMatchObject({ uid: '999999', error: 'User 999999 not found' });
    expect(rows[2]?.error).toMatch(/admin must be 0 or 1/);
    expect([ORTEGA, HALE].map(notEnrolledIn(P3))).toEqual([false, false]);
    expect(notEnrolledIn(P3)(RAMAN)).toBe(true);
  });

  it('refuses a bulk of more than 50 items with a 400 and applies none of them', async () => {
    const before = sandbox.store.countEnrollments();
    const items = Array.from({ length: 51 }, () => ({ uid: ORTEGA, admin: 0, status: 1 }));
    const { status, data } = await call(sandbox, 'POST', `${P3}/enrollments`, { format, body: wrap(items) });
    expect(status).toBe(400);
    expect(data).toMatch(/at most 50/);
    expect(sandbox.store.countEnrollments()).toBe(before);
  });

  it('accepts exactly 50 items', async () => {
    const items = Array.from({ length: 50 }, () => ({ uid: ORTEGA, admin: 0, status: 1 }));
    const { status, data } = await call(sandbox, 'POST', `${P3}/enrollments`, { format, body: wrap(items) });
    expect(status).toBe(200);
    expect(rowsFrom(data)).toHaveLength(50);
  });

  it('PUT {realm}/enrollments updates by id, with a 404 row for an id of another realm', async () => {
    const [a, b] = sandbox.store.enrollmentsIn(P3).slice(2, 4);
    const foreign = sandbox.store.enrollmentsIn(P5).at(-1)!;
    const { status, data } = await call(sandbox, 'PUT', `${P3}/enrollments`, {
      format,
      body: wrap([{ id: a!.id, status: '2' }, { id: foreign.id, status: '2' }, { id: b!.id, admin: '1' }]),
    });
    expect(status).toBe(200);
    expect(rowsFrom(data).map((r) => [r.response_code, r.id])).toEqual([[200, a!.id], [404, foreign.id], [200, b!.id]]);
    expect(sandbox.store.getEnrollment(a!.id)?.status).toBe(2);
    expect(sandbox.store.getEnrollment(b!.id)?.admin).toBe(1);
    expect(sandbox.store.getEnrollment(foreign.id)).toEqual(foreign);
  });

  it('PUT {realm}/enrollments also takes the documented XML example form, items naming the uid instead of the id', async () => {
    const { data } = await call(sandbox, 'PUT', `${P3}/enrollments`, { format, body: wrap([{ uid: '48289', status: '2' }]) });
    expect(rowsFrom(data)).toEqual([expect.objectContaining({ response_code: 200, id: '44783136' })]);
    expect(sandbox.store.getEnrollment('44783136')?.status).toBe(2);
  });

  it('DELETE enrollments?enrollment_ids= removes each id and answers 200 with a 404 row for an unknown one', async () => {
    const [a, b] = sandbox.store.enrollmentsIn(P3).slice(2, 4);
    const { status, data } = await call(sandbox, 'DELETE', `enrollments?enrollment_ids=${a!.id},12345,${b!.id}`, { format });
    expect(status).toBe(200);
    const rows = rowsOf(data);
    expect(rows.map((r) => [text(r.response_code), text(r.id)])).toEqual([['200', a!.id], ['404', '12345'], ['200', b!.id]]);
    expect(text(rows[1]?.error)).toBe('Enrollment 12345 not found');
    expect([a!.id, b!.id].map((id) => sandbox.store.getEnrollment(id))).toEqual([undefined, undefined]);
  });

  it('refuses a bulk delete of more than 50 ids and removes nothing', async () => {
    const ids = sandbox.store.enrollmentsIn('sections/3719558').map((e) => e.id);
    const more = [...ids, ...sandbox.store.enrollmentsIn('sections/3719589').map((e) => e.id)].slice(0, 51);
    expect(more).toHaveLength(51);
    const before = sandbox.store.countEnrollments();
    expect((await call(sandbox, 'DELETE', `enrollments?enrollment_ids=${more.join(',')}`, { format })).status).toBe(400);
    expect(sandbox.store.countEnrollments()).toBe(before);
  });

  it('POST enrollments (multi-realm) creates across sections and groups, rows naming realm and realm_id', async () => {
    const { status, data } = await call(sandbox, 'POST', 'enrollments', {
      format,
      body: wrap([
        { realm: 'section', section_id: 3719526, status: 1, admin: 0, uid: ORTEGA },
        { realm: 'group', group_id: 65371, status: 1, admin: 1, uid: HALE },
      ]),
    });
    expect(status).toBe(200);
    const rows = rowsFrom(data);
    expect(rows.map((r) => [r.response_code, r.realm, r.realm_id, r.uid])).toEqual([
      [200, 'section', '3719526', ORTEGA],
      [200, 'group', '65371', HALE],
    ]);
    expect(sandbox.store.getEnrollment(rows[1]!.id!)).toMatchObject({ realmKey: 'groups/65371', uid: HALE, admin: 1 });
  });

  it('POST enrollments gives 404 rows for an unknown section or user and a 400 row for an unknown realm kind', async () => {
    const { data } = await call(sandbox, 'POST', 'enrollments', {
      format,
      body: wrap([
        { realm: 'section', section_id: 12345, status: 1, admin: 0, uid: ORTEGA },
        { realm: 'course', course_id: 1, status: 1, admin: 0, uid: ORTEGA },
        { realm: 'section', section_id: 3719526, status: 1, admin: 0, uid: '5' },
        { realm: 'section', section_id: 3719526, status: 1, admin: 0, uid: ORTEGA },
      ]),
    });
    const rows = rowsFrom(data);
    expect(rows.map((r) => r.response_code)).toEqual([404, 400, 404, 200]);
    expect(rows[0]?.error).toBe('Section 12345 not found');
    expect(rows[2]?.error).toBe('User 5 not found');
  });

  it('POST enrollments without update_existing makes a second enrollment for someone already enrolled', async () => {
    const before = sandbox.store.enrollmentsIn(P3).filter((e) => e.uid === '48289').length;
    const { data } = await call(sandbox, 'POST', 'enrollments', {
      format,
      body: wrap([{ realm: 'section', section_id: 3719526, status: 2, admin: 0, uid: '48289' }]),
    });
    expect(rowsFrom(data)[0]?.id).not.toBe('44783136');
    expect(sandbox.store.enrollmentsIn(P3).filter((e) => e.uid === '48289')).toHaveLength(before + 1);
  });

  it('POST enrollments?update_existing=1 updates the existing enrollment in place and returns its id', async () => {
    const before = sandbox.store.countEnrollments();
    const { data } = await call(sandbox, 'POST', 'enrollments?update_existing=1', {
      format,
      body: wrap([
        { realm: 'section', section_id: 3719526, status: 2, admin: 1, uid: '48289' },
        { realm: 'section', section_id: 3719526, status: 1, admin: 0, uid: ORTEGA },
      ]),
    });
    const rows = rowsFrom(data);
    expect(rows.map((r) => [r.response_code, r.id === '44783136'])).toEqual([[200, true], [200, false]]);
    expect(sandbox.store.getEnrollment('44783136')).toMatchObject({ admin: 1, status: 2 });
    expect(sandbox.store.countEnrollments()).toBe(before + 1);
  });

  it('POST enrollments/import/course/{grading periods} creates, updates and deletes by course and section code', async () => {
    const { status, data } = await call(sandbox, 'POST', 'enrollments/import/course/435,13011', {
      format,
      body: wrap([
        { course_code: 'ALG1', section_code: 'P3', school_uid: 'test1234', admin: '0' },
        { course_code: 'ALG1', section_code: 'P3', school_uid: 's1', admin: '1' },
        { course_code: 'ALG1', section_code: 'P5', school_uid: 'test456', admin: '0' },
        { course_code: 'ALG1', section_code: 'P3', school_uid: 'nobody', admin: '0' },
      ]),
    });
    expect(status).toBe(200);
    const rows = rowsFrom(data);
    expect(rows.map((r) => [r.response_code, r.school_uid, r.course_code, r.section_code])).toEqual([
      [200, 'test1234', 'ALG1', 'P3'],
      [200, 's1', 'ALG1', 'P3'],
      [200, 'test456', 'ALG1', 'P5'],
      [404, 'nobody', 'ALG1', 'P3'],
    ]);
    expect(rows[1]?.location).toBe(`${sandbox.url}/${P3}/enrollments/44783136`);
    expect(sandbox.store.getEnrollment('44783136')?.admin).toBe(1);
    expect(sandbox.store.findEnrollment(P3, ORTEGA)).toMatchObject({ admin: 0, status: 1 });
    expect(sandbox.store.findEnrollment(P5, HALE)).toBeDefined();

    const removal = await call(sandbox, 'POST', 'enrollments/import/course/435', {
      format,
      body: wrap([{ course_code: 'ALG1', section_code: 'P3', school_uid: 'test1234', delete: '1' }]),
    });
    expect(rowsFrom(removal.data)[0]?.response_code).toBe(200);
    expect(sandbox.store.findEnrollment(P3, ORTEGA)).toBeUndefined();
  });

  it('import by course code gives a 404 row for a section outside the grading periods given', async () => {
    // World History P7 runs in grading period 13011 only.
    const { data } = await call(sandbox, 'POST', 'enrollments/import/course/435', {
      format,
      body: wrap([{ course_code: 'WHIS', section_code: 'P7', school_uid: 'test1234' }]),
    });
    expect(rowsFrom(data)[0]).toMatchObject({ response_code: 404 });
    expect(notEnrolledIn('sections/3719589')(ORTEGA)).toBe(true);
  });

  it('POST enrollments/import/course finds sections by section_school_code', async () => {
    const { data } = await call(sandbox, 'POST', 'enrollments/import/course', {
      format,
      body: wrap([
        { section_school_code: 'ALG1-P5', school_uid: 'test1234', admin: '1' },
        { section_school_code: 'NOPE', school_uid: 'test1234' },
      ]),
    });
    const rows = rowsFrom(data);
    expect(rows[0]).toMatchObject({ response_code: 200, school_uid: 'test1234', section_school_code: 'ALG1-P5', course_code: 'ALG1', section_code: '' });
    expect(rows[1]).toMatchObject({ response_code: 404, error: 'No section with section_school_code "NOPE"' });
    expect(sandbox.store.findEnrollment(P5, ORTEGA)).toMatchObject({ admin: 1 });
  });
});

describe('bulk bodies', () => {
  it('accept a one-item list sent as a bare object (JSON; XML always looks like this)', async () => {
    const { status, data } = await call(sandbox, 'POST', `${P3}/enrollments`, { body: { enrollments: { enrollment: { uid: ORTEGA, admin: 0, status: 1 } } } });
    expect(status).toBe(200);
    expect(rowsFrom(data)).toEqual([expect.objectContaining({ response_code: 200, uid: ORTEGA })]);
  });

  it('echo uid as a number in JSON rows, as the seed example does', async () => {
    const { data } = await call(sandbox, 'POST', `${P3}/enrollments`, { body: wrap([{ uid: ORTEGA, admin: 0, status: 1 }]) });
    expect(rowsOf(data)[0]).toMatchObject({ response_code: 200, uid: Number(ORTEGA) });
  });

  it('refuse a body without the enrollments wrapper on a bulk-only endpoint', async () => {
    const { status, data } = await call(sandbox, 'POST', 'enrollments', { body: { uid: ORTEGA, realm: 'section', section_id: 3719526 } });
    expect(status).toBe(400);
    expect(data).toMatch(/wrapped/);
  });
});
