import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { call, get, list, type Json } from './canvas-http';

let sandbox: CanvasSandbox;
let clock: number;
beforeEach(async () => {
  clock = Date.UTC(2026, 10, 26, 9, 30);
  sandbox = await startCanvasSandbox({ throttle: null, now: () => clock });
});
afterEach(() => sandbox.close());

const NOW = '2026-11-26T09:30:00Z';
/** Rosa Delgado (user 5): a TA in Algebra I P5 only, so free to enroll elsewhere. */
const DELGADO = '5';
const post = (path: string, form: Array<[string, string]>) => call(sandbox, 'POST', path, { form });
const enrollmentOf = (id: unknown) => sandbox.store.getEnrollment(id as number);

/** An enrollment of Algebra I P3 in `state`, from the seed. */
async function seeded(state: string): Promise<Json> {
  const [found] = list(await get(sandbox, `sections/201/enrollments?state[]=${state}&type[]=StudentEnrollment`));
  if (!found) throw new Error(`the seed has no ${state} student in Algebra I P3`);
  return found;
}

describe('POST courses/:id/enrollments', () => {
  it('enrolls from form fields: a student, invited by default, in the course\'s first section', async () => {
    const reply = await post('courses/103/enrollments', [['enrollment[user_id]', DELGADO]]);
    expect(reply.status).toBe(200);
    expect(reply.data).toMatchObject({ user_id: 5, course_id: 103, course_section_id: 205, type: 'StudentEnrollment', role: 'StudentEnrollment', role_id: 3, enrollment_state: 'invited', created_at: NOW, updated_at: NOW });
    expect(enrollmentOf((reply.data as Json).id)?.workflow_state).toBe('invited');
  });

  it('takes type, state, section, section privileges and an observer\'s observee', async () => {
    const reply = await post('courses/101/enrollments', [
      ['enrollment[user_id]', DELGADO], ['enrollment[type]', 'ObserverEnrollment'], ['enrollment[enrollment_state]', 'active'],
      ['enrollment[course_section_id]', '202'], ['enrollment[limit_privileges_to_course_section]', 'true'],
      ['enrollment[associated_user_id]', '101'], ['enrollment[notify]', 'false'],
    ]);
    expect(reply.data).toMatchObject({ type: 'ObserverEnrollment', enrollment_state: 'active', course_section_id: 202, limit_privileges_to_course_section: true, associated_user_id: 101 });
  });

  it('takes a JSON body too, and a custom role by role_id (its type follows the role)', async () => {
    const reply = await call(sandbox, 'POST', 'courses/104/enrollments', { json: { enrollment: { user_id: 5, role_id: 19, enrollment_state: 'active' } } });
    expect(reply.status).toBe(200);
    expect(reply.data).toMatchObject({ type: 'TeacherEnrollment', role: 'Co-Teacher', role_id: 19, enrollment_state: 'active' });
  });

  it('enrolls a user named by SIS id', async () => {
    const reply = await post('courses/104/enrollments', [['enrollment[user_id]', 'sis_user_id:T102']]);
    expect(reply.data).toMatchObject({ user_id: 2, sis_user_id: 'T102' });
  });

  it('reuses the enrollment of the same person, section and role instead of making a duplicate', async () => {
    const first = await post('sections/207/enrollments', [['enrollment[user_id]', DELGADO]]);
    clock += 60_000;
    const again = await post('sections/207/enrollments', [['enrollment[user_id]', DELGADO], ['enrollment[enrollment_state]', 'active']]);
    expect((again.data as Json).id).toBe((first.data as Json).id);
    expect(again.data).toMatchObject({ enrollment_state: 'active', created_at: NOW, updated_at: '2026-11-26T09:31:00Z' });
    expect(sandbox.store.enrollmentsInSection(207).filter((e) => e.user_id === 5)).toHaveLength(1);
  });

  it('makes a second enrollment for a second role, as Canvas does', async () => {
    await post('sections/207/enrollments', [['enrollment[user_id]', DELGADO]]);
    await post('sections/207/enrollments', [['enrollment[user_id]', DELGADO], ['enrollment[type]', 'TaEnrollment']]);
    expect(sandbox.store.enrollmentsInSection(207).filter((e) => e.user_id === 5).map((e) => e.type).sort()).toEqual(['StudentEnrollment', 'TaEnrollment']);
  });

  it('answers Canvas\'s 400 {"message"} for a missing enrollment, a missing user, a bad type, a bad role, a mismatched type', async () => {
    const cases: Array<[Array<[string, string]>, string]> = [
      [[['other', '1']], 'No parameters given'],
      [[['enrollment[type]', 'StudentEnrollment']], "Can't create an enrollment without a user. Include enrollment[user_id] to create an enrollment"],
      [[['enrollment[user_id]', DELGADO], ['enrollment[type]', 'WizardEnrollment']], 'Invalid type'],
      [[['enrollment[user_id]', DELGADO], ['enrollment[role_id]', '999']], 'Invalid role'],
      [[['enrollment[user_id]', DELGADO], ['enrollment[role_id]', '19'], ['enrollment[type]', 'StudentEnrollment']], 'The specified type must match the base type for the role'],
    ];
    for (const [form, message] of cases) {
      const reply = await post('courses/104/enrollments', form);
      expect(reply.status).toBe(400);
      expect(reply.data).toEqual({ message });
    }
    expect(sandbox.store.enrollmentsInCourse(104).some((e) => e.user_id === 5)).toBe(false);
  });

  it('answers 404 for a user, course or section that does not exist', async () => {
    expect((await post('courses/104/enrollments', [['enrollment[user_id]', '99999']])).status).toBe(404);
    expect((await post('courses/999/enrollments', [['enrollment[user_id]', DELGADO]])).status).toBe(404);
    expect((await post('courses/104/enrollments', [['enrollment[user_id]', DELGADO], ['enrollment[course_section_id]', '201']])).status).toBe(404);
    expect((await post('sections/999/enrollments', [['enrollment[user_id]', DELGADO]])).status).toBe(404);
  });
});

describe('POST sections/:id/enrollments', () => {
  it('enrolls in that section, ignoring enrollment[course_section_id]', async () => {
    const reply = await post('sections/206/enrollments', [['enrollment[user_id]', DELGADO], ['enrollment[course_section_id]', '205']]);
    expect(reply.data).toMatchObject({ course_id: 103, course_section_id: 206, sis_section_id: null });
  });
});

describe('DELETE courses/:id/enrollments/:id', () => {
  it('concludes when no task is given: completed, with end_at and updated_at now', async () => {
    const student = await seeded('active');
    const reply = await call(sandbox, 'DELETE', `courses/101/enrollments/${String(student.id)}`);
    expect(reply.status).toBe(200);
    expect(reply.data).toMatchObject({ id: student.id, enrollment_state: 'completed', end_at: NOW, updated_at: NOW });
  });

  it.each([
    ['conclude', 'completed'],
    ['delete', 'deleted'],
    ['inactivate', 'inactive'],
    ['deactivate', 'inactive'],
  ])('task=%s leaves the enrollment %s (still readable by id)', async (task, state) => {
    const student = await seeded('active');
    expect((await call(sandbox, 'DELETE', `courses/101/enrollments/${String(student.id)}?task=${task}`)).data).toMatchObject({ enrollment_state: state });
    expect((await get(sandbox, `accounts/1/enrollments/${String(student.id)}`)).data).toMatchObject({ enrollment_state: state });
  });

  it('refuses an unknown task and an enrollment of another course', async () => {
    const student = await seeded('active');
    expect((await call(sandbox, 'DELETE', `courses/101/enrollments/${String(student.id)}?task=vanish`)).status).toBe(400);
    expect((await call(sandbox, 'DELETE', `courses/102/enrollments/${String(student.id)}`)).status).toBe(404);
    expect(enrollmentOf(student.id)?.workflow_state).toBe('active');
  });
});

describe('PUT courses/:id/enrollments/:id/reactivate', () => {
  it('makes an inactive enrollment active', async () => {
    const student = await seeded('inactive');
    const reply = await call(sandbox, 'PUT', `courses/101/enrollments/${String(student.id)}/reactivate`);
    expect(reply.data).toMatchObject({ enrollment_state: 'active', updated_at: NOW });
  });

  it('answers 400 {"error":"enrollment not inactive"} for any other state', async () => {
    const student = await seeded('active');
    const reply = await call(sandbox, 'PUT', `courses/101/enrollments/${String(student.id)}/reactivate`);
    expect(reply.status).toBe(400);
    expect(reply.data).toEqual({ error: 'enrollment not inactive' });
  });
});

describe('POST …/accept and …/reject', () => {
  it('accept makes an invitation active and answers {"success":true}', async () => {
    const invited = await seeded('invited');
    const reply = await call(sandbox, 'POST', `courses/101/enrollments/${String(invited.id)}/accept`);
    expect(reply.data).toEqual({ success: true });
    expect(enrollmentOf(invited.id)).toMatchObject({ workflow_state: 'active', updated_at: NOW });
  });

  it('reject makes an invitation rejected', async () => {
    const invited = await seeded('invited');
    await call(sandbox, 'POST', `courses/101/enrollments/${String(invited.id)}/reject`);
    expect(enrollmentOf(invited.id)?.workflow_state).toBe('rejected');
  });

  it('answers 400 {"error":"no current invitation"} when there is none', async () => {
    const active = await seeded('active');
    const reply = await call(sandbox, 'POST', `courses/101/enrollments/${String(active.id)}/accept`);
    expect(reply.status).toBe(400);
    expect(reply.data).toEqual({ error: 'no current invitation' });
  });
});
