import { afterEach, describe, expect, it } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox, type CanvasSandboxOptions } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { call, get, type Json } from './canvas-http';

let sandbox: CanvasSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: CanvasSandboxOptions = {}): Promise<CanvasSandbox> {
  sandbox = await startCanvasSandbox({ throttle: null, now: () => Date.UTC(2026, 10, 26, 11), ...options });
  return sandbox;
}

const HOWLETT = 101;
const LINDQVIST = 4;
/** Header on line 1; the unknown student s999999 is on line 4. */
const WITH_A_BAD_ROW = [
  'course_id,user_id,role,section_id,status',
  'ALG1-2026,T104,teacher,ALG1-P3-2026,active',
  ',0000101,student,ALG1-P5-2026,active',
  'ALG1-2026,s999999,student,ALG1-P3-2026,active',
  ',0000101,ta,ALG1-P3-2026,active',
  ',0000101,student,ALG1-P3-2026,inactive',
  '',
].join('\r\n');

const postCsv = (sb: CanvasSandbox, csv: string, account = '1') =>
  call(sb, 'POST', `accounts/${account}/sis_imports?import_type=instructure_csv&extension=csv`, { body: csv, contentType: 'text/csv' });
const poll = (sb: CanvasSandbox, id: unknown) => get(sb, `accounts/1/sis_imports/${String(id)}`);
const howlettIn = (sb: CanvasSandbox, sectionId: number) => sb.store.enrollmentsOfUser(HOWLETT).filter((e) => e.course_section_id === sectionId);

describe('POST accounts/:id/sis_imports with an enrollments.csv', () => {
  it('moves created → importing → imported_with_messages, one step per poll, applying the rows only at the end', async () => {
    const sb = await start();
    const created = await postCsv(sb, WITH_A_BAD_ROW);
    expect(created.status).toBe(200);
    const id = (created.data as Json).id;
    expect(created.data).toMatchObject({ workflow_state: 'created', progress: '0', ended_at: null, data: { import_type: 'instructure_csv' } });

    const running = await poll(sb, id);
    expect(running.data).toMatchObject({ id, workflow_state: 'importing', progress: '50' });
    expect(howlettIn(sb, 202)).toEqual([]);

    const done = await poll(sb, id);
    expect(done.data).toMatchObject({
      workflow_state: 'imported_with_messages',
      progress: '100',
      ended_at: '2026-11-26T11:00:00Z',
      data: { counts: { enrollments: 4, error_count: 1, warning_count: 0 } },
    });
    expect((await poll(sb, id)).data).toMatchObject({ workflow_state: 'imported_with_messages' });
  });

  it('names the bad row and what is wrong with it in processing_errors', async () => {
    const sb = await start({ sisImportTicks: 1 });
    const id = ((await postCsv(sb, WITH_A_BAD_ROW)).data as Json).id;
    const errors = ((await poll(sb, id)).data as Json).processing_errors as string[][];
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[0]).toBe('enrollments.csv');
    expect(errors[0]?.[1]).toMatch(/User not found for enrollment \(User ID: s999999,.*row 4$/);
  });

  it('applies the good rows: a new enrollment, an update in place, and a new one for a new role', async () => {
    const sb = await start({ sisImportTicks: 1 });
    const before = howlettIn(sb, 201);
    expect(before.map((e) => [e.type, e.workflow_state])).toEqual([['StudentEnrollment', 'active']]);
    const id = ((await postCsv(sb, WITH_A_BAD_ROW)).data as Json).id;
    await poll(sb, id);
    expect(howlettIn(sb, 202).map((e) => [e.type, e.workflow_state, e.sis_import_id])).toEqual([['StudentEnrollment', 'active', id]]);
    const p3 = howlettIn(sb, 201);
    expect(p3.find((e) => e.type === 'StudentEnrollment')).toMatchObject({ id: before[0]?.id, workflow_state: 'inactive', updated_at: '2026-11-26T11:00:00Z' });
    expect(p3.find((e) => e.type === 'TaEnrollment')).toMatchObject({ workflow_state: 'active' });
    expect(sb.store.enrollmentsOfUser(LINDQVIST).some((e) => e.course_section_id === 201 && e.type === 'TeacherEnrollment')).toBe(true);
    expect(sb.store.enrollmentsOfUser(999999)).toEqual([]);
  });

  it('ends imported (no messages) when every row is good, from a multipart attachment', async () => {
    const sb = await start({ sisImportTicks: 1 });
    const form = new FormData();
    form.append('import_type', 'instructure_csv');
    form.append('attachment', new Blob(['course_id,user_id,role,section_id,status\n,0000101,student,ENG9-P2-2026,active\n'], { type: 'text/csv' }), 'enrollments.csv');
    const reply = await fetch(`${sb.url}/api/v1/accounts/1/sis_imports`, { method: 'POST', headers: { Authorization: `Bearer ${sb.token}` }, body: form });
    const id = ((await reply.json()) as Json).id;
    const done = (await poll(sb, id)).data as Json;
    expect(done).toMatchObject({ workflow_state: 'imported', data: { counts: { enrollments: 1, error_count: 0 } } });
    expect(done).not.toHaveProperty('processing_errors');
    expect(howlettIn(sb, 205)).toHaveLength(1);
  });

  it('matches SIS user ids exactly: "101" is not "0000101"', async () => {
    const sb = await start({ sisImportTicks: 1 });
    const id = ((await postCsv(sb, 'course_id,user_id,role,section_id,status\nENG9-2026,101,student,,active\n')).data as Json).id;
    expect((await poll(sb, id)).data).toMatchObject({ workflow_state: 'failed_with_messages', processing_errors: [['enrollments.csv', expect.stringContaining('User ID: 101')]] });
  });

  it('refuses bad roles and statuses, an unknown section and an unrelated course, each naming its row', async () => {
    const sb = await start({ sisImportTicks: 1 });
    const csv = [
      'course_id,user_id,role,section_id,status',
      'ALG1-2026,0000101,Student,,active',
      'ALG1-2026,0000101,student,,gone',
      ',0000101,student,NOPE-P9,active',
      'BIO1-2026,0000101,student,ALG1-P3-2026,active',
    ].join('\n');
    const id = ((await postCsv(sb, csv)).data as Json).id;
    const messages = (((await poll(sb, id)).data as Json).processing_errors as string[][]).map((pair) => pair[1]);
    expect(messages).toEqual([
      expect.stringMatching(/^Improper role "Student" .*row 2$/),
      expect.stringMatching(/^Improper status "gone" .*row 3$/),
      expect.stringMatching(/non-existent section NOPE-P9 .*row 4$/),
      expect.stringMatching(/section \(ALG1-P3-2026\) and a course \(BIO1-2026\) that are unrelated .*row 5$/),
    ]);
  });

  it('deleted_last_completed completes a person\'s last enrollment in the course', async () => {
    const sb = await start({ sisImportTicks: 1 });
    const id = ((await postCsv(sb, 'section_id,user_id,role,status\nALG1-P3-2026,0000101,student,deleted_last_completed\n')).data as Json).id;
    await poll(sb, id);
    expect(howlettIn(sb, 201)[0]?.workflow_state).toBe('completed');
  });

  it('warns about a start_date without an end_date and imports the row anyway', async () => {
    const sb = await start({ sisImportTicks: 1 });
    const id = ((await postCsv(sb, 'section_id,user_id,role,status,start_date\nENG9-P2-2026,0000101,student,active,2026-09-01\n')).data as Json).id;
    expect((await poll(sb, id)).data).toMatchObject({
      workflow_state: 'imported_with_messages',
      processing_warnings: [['enrollments.csv', expect.stringContaining('row 2')]],
    });
    expect(howlettIn(sb, 205)).toHaveLength(1);
  });

  it('fails with messages when the file has no enrollments.csv headers', async () => {
    const sb = await start({ sisImportTicks: 1 });
    const id = ((await postCsv(sb, 'name,email\nx,y\n')).data as Json).id;
    expect((await poll(sb, id)).data).toMatchObject({ workflow_state: 'failed_with_messages', processing_errors: [['enrollments.csv', expect.stringContaining("Couldn't find Canvas CSV import headers")]] });
  });

  it('runs only on the root account and only with SIS rights, in Canvas\'s words', async () => {
    const sb = await start();
    const sub = await postCsv(sb, WITH_A_BAD_ROW, '2');
    expect(sub.status).toBe(400);
    expect(sub.data).toEqual({ errors: ['SIS imports can only be executed on root accounts'] });
    await sb.close();
    const noRights = await start({ sisImports: false });
    const refused = await postCsv(noRights, WITH_A_BAD_ROW);
    expect(refused.status).toBe(403);
    expect(refused.data).toEqual({ errors: ['SIS imports are not enabled for this account'] });
  });

  it('answers 400 for a body it cannot read as enrollments.csv and 404 for an unknown import', async () => {
    const sb = await start();
    expect((await call(sb, 'POST', 'accounts/1/sis_imports', { json: { attachment: 'x' } })).status).toBe(400);
    expect((await call(sb, 'POST', 'accounts/1/sis_imports?extension=zip', { body: 'PK', contentType: 'application/zip' })).status).toBe(400);
    expect((await call(sb, 'POST', 'accounts/1/sis_imports', { body: WITH_A_BAD_ROW, contentType: 'text/csv; charset=iso-8859-1' })).data).toEqual({ errors: [{ message: 'Invalid content type, UTF-8 required' }] });
    expect((await call(sb, 'POST', 'accounts/1/sis_imports?import_type=ims_xml', { body: WITH_A_BAD_ROW, contentType: 'text/csv' })).status).toBe(400);
    expect((await poll(sb, 4242)).status).toBe(404);
  });
});

describe('an import nobody polls', () => {
  it('finishes on its own once its time has come (ticks × 1 s on the sandbox clock), as Canvas’s worker runs it', async () => {
    let clock = Date.UTC(2026, 10, 26, 11);
    const sb = await start({ sisImportTicks: 3, now: () => clock });
    const id = ((await postCsv(sb, WITH_A_BAD_ROW)).data as Json).id;
    clock += 2_999;
    expect(howlettIn(sb, 202)).toEqual([]);
    await get(sb, 'users/self');
    expect(howlettIn(sb, 202)).toEqual([]);
    clock += 1;
    // Any request shows the world as the worker left it: here a roster read, never a poll of the import.
    const roster = await get(sb, 'sections/202/enrollments?user_id=101');
    expect(roster.data).toMatchObject([{ user_id: HOWLETT, type: 'StudentEnrollment', enrollment_state: 'active' }]);
    expect((await poll(sb, id)).data).toMatchObject({ workflow_state: 'imported_with_messages', progress: '100', ended_at: '2026-11-26T11:00:03Z' });
  });

  it('still moves one step per poll before its time, and is not applied twice when its time comes after', async () => {
    let clock = Date.UTC(2026, 10, 26, 11);
    const sb = await start({ sisImportTicks: 2, now: () => clock });
    const id = ((await postCsv(sb, WITH_A_BAD_ROW)).data as Json).id;
    expect((await poll(sb, id)).data).toMatchObject({ workflow_state: 'importing' });
    expect((await poll(sb, id)).data).toMatchObject({ workflow_state: 'imported_with_messages', data: { counts: { enrollments: 4 } } });
    const before = sb.store.countEnrollments();
    clock += 60_000;
    expect((await poll(sb, id)).data).toMatchObject({ workflow_state: 'imported_with_messages', ended_at: '2026-11-26T11:00:00Z', data: { counts: { enrollments: 4 } } });
    expect(sb.store.countEnrollments()).toBe(before);
  });

  it('lands before any import posted after it: imports finish in the order they were posted', async () => {
    const sb = await start({ sisImportTicks: 2 });
    const header = 'course_id,user_id,role,section_id,status';
    const first = ((await postCsv(sb, `${header}\r\n,0000101,student,ALG1-P3-2026,inactive\r\n`)).data as Json).id;
    const second = ((await postCsv(sb, `${header}\r\n,0000101,student,ALG1-P3-2026,completed\r\n`)).data as Json).id;
    await poll(sb, second);
    expect((await poll(sb, second)).data).toMatchObject({ workflow_state: 'imported' });
    expect((await poll(sb, first)).data).toMatchObject({ workflow_state: 'imported' });
    expect(howlettIn(sb, 201)).toMatchObject([{ type: 'StudentEnrollment', workflow_state: 'completed' }]);
  });

  it('does the same for a bulk enrollment’s Progress', async () => {
    let clock = Date.UTC(2026, 10, 26, 11);
    const sb = await start({ now: () => clock });
    const made = await call(sb, 'POST', 'accounts/1/bulk_enrollment', { json: { user_ids: ['4'], course_ids: ['104'], enrollment_type: 'TaEnrollment' } });
    expect(made.data).toMatchObject({ workflow_state: 'queued' });
    clock += 2_000;
    await get(sb, 'users/self');
    expect(sb.store.enrollmentsInCourse(104).filter((e) => e.user_id === LINDQVIST && e.type === 'TaEnrollment')).toHaveLength(1);
    expect((await get(sb, `progress/${String((made.data as Json).id)}`)).data).toMatchObject({ workflow_state: 'completed' });
  });
});

describe('GET accounts/:id/permissions', () => {
  it('grants import_sis on the root account when SIS imports are enabled, and answers each permission asked', async () => {
    const sb = await start();
    expect((await get(sb, 'accounts/1/permissions?permissions[]=import_sis&permissions[]=manage_courses')).data).toEqual({ import_sis: true, manage_courses: false });
    expect((await get(sb, 'accounts/self/permissions?permissions[]=import_sis')).data).toEqual({ import_sis: true });
    expect((await get(sb, 'accounts/2/permissions?permissions[]=import_sis')).data).toEqual({ import_sis: false });
    expect((await get(sb, 'accounts/1/permissions')).data).toEqual({});
    expect((await get(sb, 'accounts/99/permissions?permissions[]=import_sis')).status).toBe(404);
  });

  it('denies import_sis where SIS imports are not enabled', async () => {
    const sb = await start({ sisImports: false });
    expect((await get(sb, 'accounts/1/permissions?permissions[]=import_sis')).data).toEqual({ import_sis: false });
  });
});
