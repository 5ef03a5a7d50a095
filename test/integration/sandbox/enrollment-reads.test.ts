import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { SchoologyEnrollmentListSchema, SchoologyEnrollmentSchema } from '../../../shared/domain/schoology-wire';
import { parseWire } from '../../../shared/domain/tolerant';
import { call, FORMATS } from './sandbox-http';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: null });
});
afterAll(() => sandbox.close());

const P3 = 'sections/3719526';
const parseList = (data: unknown) => parseWire(SchoologyEnrollmentListSchema, data, 'enrollment list');

describe('GET {realm}/enrollments — the seed example, exactly', () => {
  it('sends James Howlett with the seed example fields and spellings (ids and status as strings, admin as a number)', async () => {
    const { data } = await call(sandbox, 'GET', `${P3}/enrollments`);
    const howlett = (data as { enrollment: unknown[] }).enrollment[1];
    expect(howlett).toEqual({
      id: '44783136',
      uid: '48289',
      school_uid: 's1',
      name_title: '',
      name_title_show: '0',
      name_first: 'James',
      name_first_preferred: '',
      name_middle: '',
      name_middle_show: '0',
      name_last: 'Howlett',
      name_display: 'James Howlett',
      admin: 0,
      status: '1',
      picture_url: 'http://.../default_user.gif',
      links: { self: `${sandbox.url}/${P3}/enrollments/44783136` },
    });
  });

  it('writes JSON the way Schoology (PHP) does, with escaped slashes', async () => {
    const { text, headers } = await call(sandbox, 'GET', `${P3}/enrollments/43807916`);
    expect(headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(headers.get('x-schoology')).toBe('API');
    expect(text).toContain('"picture_url":"http:\\/\\/..\\/images\\/avatar1.png"');
  });

  it('wraps the XML list in <result> with one <enrollment> element per record', async () => {
    const { text, headers } = await call(sandbox, 'GET', `${P3}/enrollments?limit=2`, { format: 'xml' });
    expect(headers.get('content-type')).toBe('text/xml; charset=UTF-8');
    expect(text).toMatch(/^<\?xml version="1\.0" encoding="utf-8" \?>\s*<result>\s*<enrollment>\s*<id>43807916<\/id>/);
    expect(text.match(/<enrollment>/g)).toHaveLength(2);
    expect(text).toContain('<total>');
  });
});

describe.each(FORMATS)('GET {realm}/enrollments (%s)', (format) => {
  it('lists the realm in the order the enrollments were made, Strickland and Howlett first', async () => {
    const list = parseList((await call(sandbox, 'GET', `${P3}/enrollments`, { format })).data);
    expect(list.enrollment.slice(0, 2).map((e) => [e.id, e.uid, e.admin, e.status])).toEqual([
      ['43807916', '45552', 1, 1],
      ['44783136', '48289', 0, 1],
    ]);
  });

  it('pages 20 at a time by default, with total as the whole count and absolute links', async () => {
    const all = sandbox.store.enrollmentsIn(P3);
    const { status, data } = await call(sandbox, 'GET', `${P3}/enrollments`, { format });
    expect(status).toBe(200);
    const list = parseList(data);
    expect(list.enrollment.map((e) => e.id)).toEqual(all.slice(0, 20).map((e) => e.id));
    expect(list.total).toBe(all.length);
    expect(list.links.self).toBe(`${sandbox.url}/${P3}/enrollments?start=0&limit=20`);
    expect(list.links.next).toBe(`${sandbox.url}/${P3}/enrollments?start=20&limit=20`);
  });

  it('sends total as a string', async () => {
    const { data } = await call(sandbox, 'GET', `${P3}/enrollments`, { format });
    expect((data as { total: unknown }).total).toBe(String(sandbox.store.enrollmentsIn(P3).length));
  });

  it('visits every enrollment exactly once by following links.next, and gives no next on the last page', async () => {
    const seen: string[] = [];
    let next: string | undefined = `${P3}/enrollments?limit=7`;
    let pages = 0;
    while (next) {
      const list = parseList((await call(sandbox, 'GET', next, { format })).data);
      seen.push(...list.enrollment.map((e) => e.id));
      next = list.links.next;
      pages++;
    }
    const all = sandbox.store.enrollmentsIn(P3).map((e) => e.id);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 7));
  });

  it('clamps limit to 200 and to at least 1', async () => {
    const big = parseList((await call(sandbox, 'GET', `${P3}/enrollments?limit=5000`, { format })).data);
    expect(big.links.self).toMatch(/limit=200$/);
    const tiny = parseList((await call(sandbox, 'GET', `${P3}/enrollments?limit=0`, { format })).data);
    expect(tiny.enrollment).toHaveLength(1);
    expect(tiny.links.self).toMatch(/limit=1$/);
  });

  it('filters by a comma-delimited uid list', async () => {
    const list = parseList((await call(sandbox, 'GET', `${P3}/enrollments?uid=48289,45552,999`, { format })).data);
    expect(list.enrollment.map((e) => e.uid).sort()).toEqual(['45552', '48289']);
    expect(list.total).toBe(2);
  });

  it('filters by enrollment_status and keeps the filter in links.self and links.next', async () => {
    const wanted = sandbox.store.enrollmentsIn(P3).filter((e) => e.status === 2 || e.status === 3);
    expect(wanted.length).toBeGreaterThan(1);
    const list = parseList((await call(sandbox, 'GET', `${P3}/enrollments?enrollment_status=2,3&limit=1`, { format })).data);
    expect(list.total).toBe(wanted.length);
    expect(list.enrollment[0]?.id).toBe(wanted[0]?.id);
    expect(list.links.self).toBe(`${sandbox.url}/${P3}/enrollments?enrollment_status=2,3&start=0&limit=1`);
    expect(list.links.next).toBe(`${sandbox.url}/${P3}/enrollments?enrollment_status=2,3&start=1&limit=1`);
  });

  it('filters by type admin or member, and accepts picture_size without effect', async () => {
    const admins = parseList((await call(sandbox, 'GET', `${P3}/enrollments?type=admin&picture_size=big`, { format })).data);
    expect(admins.enrollment.map((e) => e.uid)).toEqual(sandbox.store.enrollmentsIn(P3).filter((e) => e.admin === 1).map((e) => e.uid));
    const members = parseList((await call(sandbox, 'GET', `${P3}/enrollments?type=member&limit=200`, { format })).data);
    expect(members.enrollment.every((e) => e.admin === 0)).toBe(true);
    expect(members.total + admins.total).toBe(sandbox.store.enrollmentsIn(P3).length);
  });

  it('lists a group realm the same way', async () => {
    const list = parseList((await call(sandbox, 'GET', 'groups/65371/enrollments', { format })).data);
    expect(list.enrollment[0]).toMatchObject({ uid: '45552', admin: 1 });
    expect(list.total).toBe(sandbox.store.enrollmentsIn('groups/65371').length);
  });

  it('reads one enrollment with its person fields', async () => {
    const { status, data } = await call(sandbox, 'GET', `${P3}/enrollments/44783136`, { format });
    expect(status).toBe(200);
    expect(parseWire(SchoologyEnrollmentSchema, data, 'enrollment')).toMatchObject({
      id: '44783136',
      uid: '48289',
      school_uid: 's1',
      name_display: 'James Howlett',
      admin: 0,
      status: 1,
    });
  });

  it('answers 404 for an enrollment that is not in that realm', async () => {
    const other = sandbox.store.enrollmentsIn('sections/4318461')[0]!;
    expect((await call(sandbox, 'GET', `${P3}/enrollments/${other.id}`, { format })).status).toBe(404);
    expect((await call(sandbox, 'GET', `${P3}/enrollments/1`, { format })).status).toBe(404);
  });

  it('answers 404 for a realm that does not exist, with a message', async () => {
    const { status, data } = await call(sandbox, 'GET', 'sections/1/enrollments', { format });
    expect(status).toBe(404);
    expect(data).toBe('Section 1 not found.');
  });
});
