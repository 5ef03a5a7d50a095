import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanvasEnrollmentListSchema } from '../../../shared/domain/canvas-wire';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { all, get, list, type Json } from './canvas-http';

/** Every field of the Enrollment object in ../shared/seeds/canvas-enrollments.md. */
const ENROLLMENT_FIELDS = [
  'id', 'course_id', 'sis_course_id', 'course_integration_id', 'course_section_id', 'section_integration_id', 'sis_account_id',
  'sis_section_id', 'sis_user_id', 'enrollment_state', 'limit_privileges_to_course_section', 'sis_import_id', 'root_account_id',
  'type', 'user_id', 'associated_user_id', 'role', 'role_id', 'created_at', 'updated_at', 'start_at', 'end_at', 'last_activity_at',
  'last_attended_at', 'total_activity_time', 'html_url', 'grades', 'user', 'override_grade', 'override_score',
  'unposted_current_grade', 'unposted_final_grade', 'unposted_current_score', 'unposted_final_score', 'has_grading_periods',
  'totals_for_all_grading_periods_option', 'current_grading_period_title', 'current_grading_period_id',
  'current_period_override_grade', 'current_period_override_score', 'current_period_unposted_current_score',
  'current_period_unposted_final_score', 'current_period_unposted_current_grade', 'current_period_unposted_final_grade',
];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const ALL_STATES = 'state[]=active&state[]=invited&state[]=inactive&state[]=completed&state[]=deleted&state[]=rejected&state[]=creation_pending';

let sandbox: CanvasSandbox;
beforeAll(async () => {
  sandbox = await startCanvasSandbox({ throttle: null });
});
afterAll(() => sandbox.close());

describe('GET users/self', () => {
  it("is the token's user, Mr. Strickland (id 1), with his SIS and login ids", async () => {
    const reply = await get(sandbox, 'users/self');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(reply.data).toMatchObject({ id: 1, name: 'Mr. Strickland', sortable_name: 'Strickland, Mr.', sis_user_id: 'T100', login_id: expect.stringContaining('@') });
  });
});

describe('GET courses', () => {
  it("lists the user's four courses with codes and SIS ids (World History has none), and his own enrollments", async () => {
    const courses = list(await get(sandbox, 'courses'));
    expect(courses.map((c) => [c.id, c.name, c.course_code, c.sis_course_id])).toEqual([
      [101, 'Algebra I', 'ALG1', 'ALG1-2026'],
      [102, 'Biology', 'BIO1', 'BIO1-2026'],
      [103, 'English 9', 'ENG9', 'ENG9-2026'],
      [104, 'World History', 'WHIS', null],
    ]);
    expect(courses[0]).toMatchObject({ root_account_id: 1, account_id: 2, workflow_state: 'available', enrollments: [{ type: 'teacher', role: 'TeacherEnrollment', user_id: 1 }, { type: 'teacher', user_id: 1 }] });
  });
});

describe('GET courses/:id/sections', () => {
  it("lists a course's sections with their SIS ids (some null) and, when asked, student counts", async () => {
    const sections = list(await get(sandbox, 'courses/103/sections?include[]=total_students'));
    expect(sections.map((s) => [s.id, s.name, s.sis_section_id, s.sis_course_id])).toEqual([
      [205, 'English 9 P2', 'ENG9-P2-2026', 'ENG9-2026'],
      [206, 'English 9 P6', null, 'ENG9-2026'],
    ]);
    expect(sections[0]?.total_students).toEqual(expect.any(Number));
  });

  it('finds a course by its SIS id too', async () => {
    expect(list(await get(sandbox, 'courses/sis_course_id:ALG1-2026/sections')).map((s) => s.id)).toEqual([201, 202]);
  });

  it('answers 404 with Canvas\'s error body for a course that does not exist', async () => {
    const reply = await get(sandbox, 'courses/999/sections');
    expect(reply.status).toBe(404);
    expect(reply.data).toEqual({ errors: [{ message: 'The specified resource does not exist.' }] });
  });
});

describe('GET courses/:id/enrollments', () => {
  it('sends every field of the Enrollment object for a student, with real values, and passes the shared wire schema', async () => {
    const page = list(await get(sandbox, 'courses/101/enrollments?user_id=101'));
    expect(page).toHaveLength(1);
    const howlett = page[0] as Json;
    expect(Object.keys(howlett)).toEqual(expect.arrayContaining(ENROLLMENT_FIELDS));
    expect(howlett).toMatchObject({
      course_id: 101, course_section_id: 201, user_id: 101, type: 'StudentEnrollment', role: 'StudentEnrollment', role_id: 3,
      enrollment_state: 'active', root_account_id: 1, sis_account_id: 'HS-01', sis_course_id: 'ALG1-2026', course_integration_id: 'IC-ALG1-2026',
      section_integration_id: 'IS-ALG1-P3-2026', sis_section_id: 'ALG1-P3-2026', sis_user_id: '0000101',
      sis_import_id: 83, limit_privileges_to_course_section: false, associated_user_id: null,
      has_grading_periods: true, current_grading_period_title: 'Fall Grading Period', current_grading_period_id: 5,
      user: { id: 101, name: 'James Howlett', sortable_name: 'Howlett, James', short_name: 'James Howlett', sis_user_id: '0000101' },
    });
    for (const field of ['created_at', 'updated_at', 'last_activity_at', 'last_attended_at']) expect(howlett[field]).toMatch(ISO);
    expect(howlett.total_activity_time).toBeGreaterThan(0);
    expect(howlett.html_url).toBe(`${sandbox.url}/courses/101/users/101`);
    expect(howlett.grades).toMatchObject({
      html_url: `${sandbox.url}/courses/101/grades/101`,
      current_score: expect.any(Number), current_grade: expect.stringMatching(/^[A-DF][+-]?$/),
      final_score: expect.any(Number), final_grade: expect.any(String),
    });
    expect(CanvasEnrollmentListSchema.safeParse(page).success).toBe(true);
  });

  it('sends no grades for a teacher', async () => {
    const [teacher] = list(await get(sandbox, 'courses/101/enrollments?type[]=TeacherEnrollment&user_id=1'));
    expect(teacher).toMatchObject({ type: 'TeacherEnrollment', role: 'TeacherEnrollment', role_id: 4 });
    expect(teacher).not.toHaveProperty('grades');
  });

  it('shows active and invited enrollments by default', async () => {
    const { items } = await all(sandbox, 'courses/101/enrollments?per_page=100');
    expect(new Set(items.map((e) => e.enrollment_state))).toEqual(new Set(['active', 'invited']));
  });

  it('holds every type and state in Algebra I: a custom Co-Teacher role, a TA, observers of students', async () => {
    const { items } = await all(sandbox, `courses/101/enrollments?per_page=100&${ALL_STATES}`);
    expect(new Set(items.map((e) => e.type))).toEqual(new Set(['StudentEnrollment', 'TeacherEnrollment', 'TaEnrollment', 'ObserverEnrollment']));
    for (const state of ['active', 'invited', 'inactive', 'completed']) expect(items.some((e) => e.enrollment_state === state)).toBe(true);
    expect(items.find((e) => e.role === 'Co-Teacher')).toMatchObject({ type: 'TeacherEnrollment', role_id: 19, limit_privileges_to_course_section: true });
    const observer = items.find((e) => e.type === 'ObserverEnrollment') as Json;
    expect(observer.associated_user_id).toEqual(expect.any(Number));
    expect(items.some((e) => e.user_id === observer.associated_user_id && e.type === 'StudentEnrollment')).toBe(true);
    expect(items.find((e) => e.type === 'TaEnrollment')).toMatchObject({ sis_user_id: null });
  });

  it('has a course designer in Biology', async () => {
    const designers = list(await get(sandbox, 'courses/102/enrollments?type[]=DesignerEnrollment'));
    expect(designers).toHaveLength(1);
    expect(designers[0]).toMatchObject({ role: 'DesignerEnrollment', role_id: 6, user: { name: 'Dr. Okafor' } });
    expect(designers[0]).not.toHaveProperty('grades');
  });

  it('is the same data on every start (the seed is deterministic)', async () => {
    const again = await startCanvasSandbox({ throttle: null });
    try {
      const path = `courses/101/enrollments?per_page=100&${ALL_STATES}`;
      const strip = (items: Json[]) => JSON.stringify(items).replaceAll(sandbox.url, '').replaceAll(again.url, '');
      expect(strip(list(await get(again, path)))).toBe(strip(list(await get(sandbox, path))));
    } finally {
      await again.close();
    }
  });

  it('filters by state[], type[] and role[] (role[] wins over type[])', async () => {
    const completed = list(await get(sandbox, 'courses/101/enrollments?state[]=completed&per_page=100'));
    expect(completed.length).toBeGreaterThan(0);
    expect(completed.every((e) => e.enrollment_state === 'completed')).toBe(true);
    const observers = list(await get(sandbox, 'courses/101/enrollments?type[]=ObserverEnrollment&state[]=active&state[]=invited'));
    expect(observers.map((e) => e.type)).toEqual(['ObserverEnrollment', 'ObserverEnrollment', 'ObserverEnrollment']);
    const coTeachers = list(await get(sandbox, 'courses/101/enrollments?role[]=Co-Teacher&type[]=StudentEnrollment'));
    expect(coTeachers.map((e) => e.role)).toEqual(['Co-Teacher']);
  });

  it('refuses a state it does not know, and a synthetic state outside a user\'s list, with 400 {"error"}', async () => {
    const bogus = await get(sandbox, 'courses/101/enrollments?state[]=asleep');
    expect(bogus.status).toBe(400);
    expect(bogus.data).toEqual({ error: 'Invalid state asleep' });
    expect((await get(sandbox, 'courses/101/enrollments?state[]=current_and_invited')).data).toEqual({ error: 'Invalid state current_and_invited' });
  });

  it('honours include[]: avatar_url and uuid on the user, can_be_removed and locked on the enrollment', async () => {
    const [one] = list(await get(sandbox, 'courses/101/enrollments?user_id=101&include[]=avatar_url&include[]=uuid&include[]=can_be_removed&include[]=locked&include[]=current_points'));
    expect(one).toMatchObject({ can_be_removed: true, locked: false, uuid: expect.any(String), user: { avatar_url: expect.stringContaining('/images/'), uuid: expect.any(String) }, grades: { current_points: expect.any(Number) } });
  });

  it('filters by user_id given as a SIS id, leading zeros and all', async () => {
    expect(list(await get(sandbox, 'courses/101/enrollments?user_id=sis_user_id:0000101')).map((e) => e.user_id)).toEqual([101]);
    expect(list(await get(sandbox, 'courses/101/enrollments?user_id=sis_user_id:101'))).toEqual([]);
  });

  it('sorts by type, then sortable name, then id', async () => {
    const { items } = await all(sandbox, 'courses/102/enrollments?per_page=100');
    const keys = items.map((e) => [e.type as string, ((e.user as Json).sortable_name as string).toLowerCase(), e.id as number] as const);
    const sorted = [...keys].sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] !== b[1] ? (a[1] < b[1] ? -1 : 1) : a[2] - b[2]));
    expect(keys).toEqual(sorted);
  });
});

describe('GET sections/:id/enrollments', () => {
  it("lists one section's roster only", async () => {
    const { items } = await all(sandbox, 'sections/201/enrollments?per_page=50');
    expect(items.length).toBeGreaterThan(20);
    expect(items.every((e) => e.course_section_id === 201)).toBe(true);
    expect(items.some((e) => e.user_id === 101)).toBe(true);
  });

  it('finds a section by its SIS id', async () => {
    const { items } = await all(sandbox, 'sections/sis_section_id:ALG1-P3-2026/enrollments?per_page=50');
    expect(items.every((e) => e.course_section_id === 201)).toBe(true);
  });
});

describe('GET users/:id/enrollments', () => {
  it("lists a person's enrollments across courses, without the course-only grading-period fields", async () => {
    const { items } = await all(sandbox, 'users/101/enrollments');
    expect(items.length).toBeGreaterThan(1);
    expect(items.every((e) => e.user_id === 101)).toBe(true);
    expect(items[0]).not.toHaveProperty('has_grading_periods');
    expect(items[0]).toHaveProperty('grades');
  });

  it('takes self and the synthetic states', async () => {
    const current = await all(sandbox, 'users/self/enrollments?state[]=current_and_invited');
    expect(current.items.length).toBe(7);
    expect(current.items.every((e) => e.user_id === 1 && e.type === 'TeacherEnrollment')).toBe(true);
  });
});

describe('GET accounts/:account_id/enrollments/:id', () => {
  it('reads one enrollment by id, whatever its state', async () => {
    const [completed] = list(await get(sandbox, 'sections/201/enrollments?state[]=completed'));
    const reply = await get(sandbox, `accounts/1/enrollments/${String((completed as Json).id)}`);
    expect(reply.status).toBe(200);
    expect(reply.data).toMatchObject({ id: (completed as Json).id, enrollment_state: 'completed', end_at: expect.stringMatching(ISO) });
  });

  it('answers 404 for an unknown enrollment or account', async () => {
    expect((await get(sandbox, 'accounts/1/enrollments/999999')).status).toBe(404);
    expect((await get(sandbox, 'accounts/77/enrollments/1001')).status).toBe(404);
  });
});

describe('unknown paths', () => {
  it('are 404 with the Canvas error body, and the web side outside /api/v1 is plain 404', async () => {
    expect((await get(sandbox, 'courses/101/quizzes')).data).toEqual({ errors: [{ message: 'The specified resource does not exist.' }] });
    expect((await fetch(`${sandbox.url}/login`)).status).toBe(404);
  });
});
