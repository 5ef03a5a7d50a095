/**
 * CanvasClient against the Canvas sandbox: bearer auth, every enrollment endpoint of issue 8, realm discovery,
 * Link-header paging through bookmarks, SIS imports and bulk enrollment with their polling, and errors as LmsErrors.
 */
import { describe, expect, it } from 'vitest';
import { canvasApiBase, CanvasClient } from '../../../electron/lms/canvas/canvas-client';
import { LmsError } from '../../../electron/lms/lms-error';
import { CANVAS_SEED, canvasClientFor, canvasRequestLines, canvasSandboxFor, FAST, notingFetch, type CanvasWireNote } from './canvas-kit';

async function all<T>(pages: AsyncIterable<T[]>): Promise<{ items: T[]; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  for await (const page of pages) {
    items.push(...page);
    sizes.push(page.length);
  }
  return { items, sizes };
}

describe('CanvasClient base URL and auth', () => {
  it('accepts the instance with or without a trailing /api/v1', () => {
    expect(canvasApiBase('https://school.instructure.com').href).toBe('https://school.instructure.com/api/v1/');
    expect(canvasApiBase('https://school.instructure.com/api/v1/').href).toBe('https://school.instructure.com/api/v1/');
    expect(canvasApiBase('http://127.0.0.1:4000/API/V1').href).toBe('http://127.0.0.1:4000/api/v1/');
  });

  it('sends the token as a Bearer header on every request, never in the URL', async () => {
    const sandbox = await canvasSandboxFor({ perPageMax: 10 });
    const notes: CanvasWireNote[] = [];
    const client = canvasClientFor(sandbox, { baseUrl: `${sandbox.url}/api/v1`, transport: { ...FAST, fetch: notingFetch(notes) } });
    await client.self();
    await all(client.listEnrollments({ section: CANVAS_SEED.algebraP3 }));
    expect(notes.length).toBeGreaterThan(2);
    for (const note of notes) {
      expect(note.authorization).toBe(`Bearer ${sandbox.token}`);
      expect(note.url.href).not.toContain(sandbox.token);
    }
  });

  it('answers a refused token with an unauthorized LmsError', async () => {
    const sandbox = await canvasSandboxFor();
    const client = new CanvasClient({ baseUrl: sandbox.url, token: 'not-the-token', transport: FAST });
    await expect(client.self()).rejects.toMatchObject({ kind: 'unauthorized', status: 401, endpoint: 'GET users/self' });
  });

  it('refuses an empty token before any request, saying where tokens come from', () => {
    expect(() => new CanvasClient({ baseUrl: 'https://x.instructure.com', token: ' ' })).toThrow(/Approved Integrations/);
  });
});

describe('CanvasClient realm discovery', () => {
  it("reads the token's user", async () => {
    const sandbox = await canvasSandboxFor();
    expect(await canvasClientFor(sandbox).self()).toMatchObject({ id: '1', name: 'Mr. Strickland', sis_user_id: 'T100' });
  });

  it("lists the user's courses and each course's sections", async () => {
    const sandbox = await canvasSandboxFor();
    const client = canvasClientFor(sandbox);
    const courses = await client.listCourses();
    expect(courses.map((c) => c.id)).toEqual(expect.arrayContaining([CANVAS_SEED.algebra, CANVAS_SEED.biology, CANVAS_SEED.worldHistory]));
    expect(courses.find((c) => c.id === CANVAS_SEED.algebra)).toMatchObject({ name: 'Algebra I', course_code: 'ALG1', sis_course_id: 'ALG1-2026', root_account_id: '1' });
    const sections = await client.listSections(CANVAS_SEED.algebra);
    expect(sections.map((s) => [s.id, s.sis_section_id])).toEqual([
      [CANVAS_SEED.algebraP3, 'ALG1-P3-2026'],
      [CANVAS_SEED.algebraP5, 'ALG1-P5-2026'],
    ]);
  });
});

describe('CanvasClient enrollment reads', () => {
  it('pages through a section by following Link rel="next" bookmarks, asking for 100 a page', async () => {
    const sandbox = await canvasSandboxFor({ perPageMax: 10 });
    const client = canvasClientFor(sandbox);
    const { items, sizes } = await all(client.listEnrollments({ section: CANVAS_SEED.algebraP3 }, { state: ['active', 'invited', 'inactive', 'completed'] }));
    const stored = sandbox.store.enrollmentsInSection(Number(CANVAS_SEED.algebraP3)).filter((e) => e.workflow_state !== 'deleted');
    expect(items.map((e) => e.id).sort()).toEqual(stored.map((e) => String(e.id)).sort());
    expect(new Set(items.map((e) => e.id)).size).toBe(items.length);
    expect(sizes.slice(0, -1).every((size) => size === 10)).toBe(true);
    const pages = sandbox.requests.filter((r) => r.path === `sections/${CANVAS_SEED.algebraP3}/enrollments`);
    expect(pages).toHaveLength(sizes.length);
    expect(pages[0]?.query.per_page).toBe('100');
    // Later pages are exactly the bookmarks Canvas linked, never page numbers of our own.
    for (const page of pages.slice(1)) expect(page.query.page).toMatch(/^bookmark:/);
  });

  it("lists a course's and a user's enrollments", async () => {
    const sandbox = await canvasSandboxFor();
    const client = canvasClientFor(sandbox);
    const course = await all(client.listEnrollments({ course: CANVAS_SEED.algebra }));
    expect(course.items.every((e) => e.course_id === CANVAS_SEED.algebra)).toBe(true);
    expect(course.items.map((e) => e.course_section_id)).toEqual(expect.arrayContaining([CANVAS_SEED.algebraP3, CANVAS_SEED.algebraP5]));
    const user = await all(client.listEnrollments({ user: CANVAS_SEED.howlett }));
    expect(user.items.length).toBeGreaterThan(0);
    expect(user.items.every((e) => e.user_id === CANVAS_SEED.howlett)).toBe(true);
  });

  it('sends the type[], state[], include[] and user_id filters as Canvas names them', async () => {
    const sandbox = await canvasSandboxFor();
    const notes: CanvasWireNote[] = [];
    const client = canvasClientFor(sandbox, { transport: { ...FAST, fetch: notingFetch(notes) } });
    const { items } = await all(
      client.listEnrollments(
        { course: CANVAS_SEED.algebra },
        { type: ['StudentEnrollment'], state: ['active', 'invited'], include: ['avatar_url'], userId: CANVAS_SEED.howlett },
      ),
    );
    expect(notes[0]?.url.searchParams.getAll('type[]')).toEqual(['StudentEnrollment']);
    expect(notes[0]?.url.searchParams.getAll('state[]')).toEqual(['active', 'invited']);
    expect(notes[0]?.url.searchParams.getAll('include[]')).toEqual(['avatar_url']);
    expect(notes[0]?.url.searchParams.get('user_id')).toBe(CANVAS_SEED.howlett);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((e) => e.user_id === CANVAS_SEED.howlett && e.type === 'StudentEnrollment')).toBe(true);
    expect(items[0]?.user?.avatar_url).toMatch(/^http/);
  });

  it('filters by role[]', async () => {
    const sandbox = await canvasSandboxFor();
    const { items } = await all(canvasClientFor(sandbox).listEnrollments({ section: CANVAS_SEED.algebraP3 }, { role: ['TeacherEnrollment'] }));
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((e) => e.role === 'TeacherEnrollment')).toBe(true);
  });

  it('reads one enrollment by id through its account', async () => {
    const sandbox = await canvasSandboxFor();
    const stored = sandbox.store.enrollmentsInSection(Number(CANVAS_SEED.algebraP3))[0]!;
    const record = await canvasClientFor(sandbox).getEnrollment('1', String(stored.id));
    expect(record).toMatchObject({ id: String(stored.id), user_id: String(stored.user_id), course_section_id: CANVAS_SEED.algebraP3 });
  });

  it('answers an unknown enrollment id with a not-found LmsError', async () => {
    const sandbox = await canvasSandboxFor();
    await expect(canvasClientFor(sandbox).getEnrollment('1', '999999')).rejects.toMatchObject({ kind: 'not-found', status: 404 });
  });
});

describe('CanvasClient enrollment writes', () => {
  it('enrolls in a section, and enrolling again answers the same enrollment instead of a second one', async () => {
    const sandbox = await canvasSandboxFor();
    const client = canvasClientFor(sandbox);
    const params = { userId: CANVAS_SEED.howlett, type: 'TaEnrollment' as const, enrollmentState: 'active' as const };
    const first = await client.enroll({ section: CANVAS_SEED.biologyP1 }, params);
    const again = await client.enroll({ section: CANVAS_SEED.biologyP1 }, params);
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ type: 'TaEnrollment', enrollment_state: 'active', course_section_id: CANVAS_SEED.biologyP1, user_id: CANVAS_SEED.howlett });
    const tas = sandbox.store.enrollmentsInSection(Number(CANVAS_SEED.biologyP1)).filter((e) => e.user_id === 101 && e.type === 'TaEnrollment');
    expect(tas).toHaveLength(1);
  });

  it('enrolls in a course with the JSON body Canvas documents as enrollment[…]', async () => {
    const sandbox = await canvasSandboxFor();
    const notes: CanvasWireNote[] = [];
    const client = canvasClientFor(sandbox, { transport: { ...FAST, fetch: notingFetch(notes) } });
    const record = await client.enroll(
      { course: CANVAS_SEED.biology },
      { userId: CANVAS_SEED.howlett, type: 'ObserverEnrollment', enrollmentState: 'invited', courseSectionId: '204', limitPrivilegesToCourseSection: true, notify: false },
    );
    expect(notes[0]?.contentType).toBe('application/json');
    expect(JSON.parse(notes[0]?.body ?? '')).toEqual({
      enrollment: { user_id: '101', type: 'ObserverEnrollment', enrollment_state: 'invited', course_section_id: '204', limit_privileges_to_course_section: true, notify: false },
    });
    expect(record).toMatchObject({ course_section_id: '204', enrollment_state: 'invited', limit_privileges_to_course_section: true });
  });

  it('concludes, inactivates, reactivates and deletes with DELETE tasks and PUT reactivate', async () => {
    const sandbox = await canvasSandboxFor();
    const client = canvasClientFor(sandbox);
    const made = await client.enroll({ section: CANVAS_SEED.biologyP1 }, { userId: CANVAS_SEED.howlett, type: 'StudentEnrollment', enrollmentState: 'active' });
    expect((await client.deleteEnrollment(CANVAS_SEED.biology, made.id, 'inactivate')).enrollment_state).toBe('inactive');
    expect((await client.reactivateEnrollment(CANVAS_SEED.biology, made.id)).enrollment_state).toBe('active');
    expect((await client.deleteEnrollment(CANVAS_SEED.biology, made.id, 'conclude')).enrollment_state).toBe('completed');
    expect((await client.deleteEnrollment(CANVAS_SEED.biology, made.id, 'delete')).enrollment_state).toBe('deleted');
    expect(canvasRequestLines(sandbox)).toEqual([
      `POST sections/${CANVAS_SEED.biologyP1}/enrollments`,
      `DELETE courses/${CANVAS_SEED.biology}/enrollments/${made.id}`,
      `PUT courses/${CANVAS_SEED.biology}/enrollments/${made.id}/reactivate`,
      `DELETE courses/${CANVAS_SEED.biology}/enrollments/${made.id}`,
      `DELETE courses/${CANVAS_SEED.biology}/enrollments/${made.id}`,
    ]);
    expect(sandbox.requests.filter((r) => r.method === 'DELETE').map((r) => r.query.task)).toEqual(['inactivate', 'conclude', 'delete']);
  });

  it("answers reactivating an enrollment that is not inactive with Canvas's 400", async () => {
    const sandbox = await canvasSandboxFor();
    const client = canvasClientFor(sandbox);
    const made = await client.enroll({ section: CANVAS_SEED.biologyP1 }, { userId: CANVAS_SEED.howlett, type: 'StudentEnrollment', enrollmentState: 'active' });
    const refusal = await client.reactivateEnrollment(CANVAS_SEED.biology, made.id).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LmsError);
    expect(refusal).toMatchObject({ kind: 'rejected', status: 400, message: expect.stringContaining('enrollment not inactive') });
  });

  it('accepts and rejects invitations', async () => {
    const sandbox = await canvasSandboxFor();
    const client = canvasClientFor(sandbox);
    const invite = (section: string) =>
      client.enroll({ section }, { userId: CANVAS_SEED.strickland, type: 'TaEnrollment', enrollmentState: 'invited' });
    const one = await invite(CANVAS_SEED.biologyP1);
    const two = await invite('204');
    expect(await client.acceptInvitation(CANVAS_SEED.biology, one.id)).toBe(true);
    expect(await client.rejectInvitation(CANVAS_SEED.biology, two.id)).toBe(true);
    expect(sandbox.store.getEnrollment(Number(one.id))?.workflow_state).toBe('active');
    expect(sandbox.store.getEnrollment(Number(two.id))?.workflow_state).toBe('rejected');
    await expect(client.acceptInvitation(CANVAS_SEED.biology, one.id)).rejects.toMatchObject({ status: 400, message: expect.stringContaining('no current invitation') });
  });
});

describe('CanvasClient bulk jobs', () => {
  it('posts an enrollments.csv as a SIS import and polls it to the end', async () => {
    const sandbox = await canvasSandboxFor({ sisImportTicks: 2 });
    const client = canvasClientFor(sandbox);
    const created = await client.createSisImport('1', 'course_id,user_id,role,section_id,status\r\nBIO1-2026,0000101,student,BIO1-P1-2026,active\r\n');
    expect(['created', 'importing', 'initializing']).toContain(created.workflow_state);
    let state = created;
    const seen = [state.workflow_state];
    while (!['imported', 'imported_with_messages', 'failed', 'failed_with_messages'].includes(state.workflow_state)) {
      state = await client.getSisImport('1', created.id);
      seen.push(state.workflow_state);
    }
    expect(state.workflow_state).toBe('imported');
    expect(state.progress).toBe(100);
    expect(state.processing_errors).toEqual([]);
    expect(sandbox.store.enrollmentsInSection(Number(CANVAS_SEED.biologyP1)).some((e) => e.user_id === 101 && e.workflow_state === 'active')).toBe(true);
    const post = sandbox.requests.find((r) => r.method === 'POST');
    expect(post?.query).toMatchObject({ import_type: 'instructure_csv', extension: 'csv' });
  });

  it('answers an account without SIS rights with a forbidden LmsError', async () => {
    const sandbox = await canvasSandboxFor({ sisImports: false });
    await expect(canvasClientFor(sandbox).createSisImport('1', 'course_id,user_id,role,section_id,status\r\n')).rejects.toMatchObject({
      kind: 'forbidden',
      message: expect.stringContaining('SIS imports are not enabled'),
    });
  });

  it('bulk-enrolls and polls the Progress to completion', async () => {
    const sandbox = await canvasSandboxFor({ sisImportTicks: 2 });
    const client = canvasClientFor(sandbox);
    const progress = await client.bulkEnroll('1', { userIds: [CANVAS_SEED.howlett], courseIds: [CANVAS_SEED.worldHistory], enrollmentType: 'ObserverEnrollment' });
    let state = progress;
    while (state.workflow_state === 'queued' || state.workflow_state === 'running') state = await client.getProgress(progress.id);
    expect(state.workflow_state).toBe('completed');
    expect(sandbox.store.enrollmentsInCourse(Number(CANVAS_SEED.worldHistory)).some((e) => e.user_id === 101 && e.type === 'ObserverEnrollment')).toBe(true);
  });

  it('refuses more than 500 user × course pairs before sending', async () => {
    const sandbox = await canvasSandboxFor();
    const userIds = Array.from({ length: 251 }, (_, i) => String(i + 1));
    expect(() => canvasClientFor(sandbox).bulkEnroll('1', { userIds, courseIds: ['101', '102'], enrollmentType: 'StudentEnrollment' })).toThrow(/at most 500/);
    expect(sandbox.requests).toHaveLength(0);
  });
});
