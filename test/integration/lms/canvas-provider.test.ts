/**
 * The Canvas LmsProvider against the Canvas sandbox: identity, realms (courses and their sections), paged pulls
 * mapped to unified enrollments, and every push kind as single Canvas calls with results in input order.
 */
import { describe, expect, it } from 'vitest';
import { CanvasProvider, createCanvasProvider } from '../../../electron/lms/canvas/canvas-provider';
import { LmsError } from '../../../electron/lms/lms-error';
import type { PushBatch, PushItem } from '../../../electron/lms/provider';
import type { CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import type { Enrollment } from '../../../shared/domain';
import { CANVAS_SEED, canvasClientFor, canvasRequestLines, canvasSandboxFor, FAST } from './canvas-kit';

const providerFor = (sandbox: CanvasSandbox) => new CanvasProvider(canvasClientFor(sandbox));

async function pull(provider: CanvasProvider, key: string): Promise<{ enrollments: Enrollment[]; sizes: number[] }> {
  const enrollments: Enrollment[] = [];
  const sizes: number[] = [];
  for await (const page of provider.pullRealm(key)) {
    enrollments.push(...page);
    sizes.push(page.length);
  }
  return { enrollments, sizes };
}

/** The sandbox's enrollment of `userId` in a section with a given type, or undefined. */
function stored(sandbox: CanvasSandbox, sectionId: string, userId: string, type?: string) {
  return sandbox.store
    .enrollmentsInSection(Number(sectionId))
    .filter((e) => e.user_id === Number(userId) && (type === undefined || e.type === type));
}

describe('CanvasProvider identity and realms', () => {
  it('is built from a base URL and a token, and declares its capabilities', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = createCanvasProvider({ baseUrl: sandbox.url, token: sandbox.token, transport: FAST });
    expect(provider.provider).toBe('canvas');
    expect(provider.capabilities).toEqual({ maxBatch: 50, upsert: true, multiRealmBatches: true });
    expect(await provider.whoAmI()).toEqual({ userId: '1', name: 'Mr. Strickland', schoolUid: 'T100' });
  });

  it('lists each course followed by its sections, with titles, codes and SIS ids', async () => {
    const sandbox = await canvasSandboxFor();
    const realms = await providerFor(sandbox).listRealms();
    const keys = realms.map((r) => r.key);
    expect(keys.slice(0, 3)).toEqual(['courses/101', 'sections/201', 'sections/202']);
    expect(realms.find((r) => r.key === 'courses/101')).toEqual({
      key: 'courses/101',
      provider: 'canvas',
      kind: 'course',
      remoteId: '101',
      title: 'Algebra I',
      courseTitle: 'Algebra I',
      courseCode: 'ALG1',
      courseSisId: 'ALG1-2026',
      sectionCode: '',
      sectionSchoolCode: '',
      gradingPeriods: [],
    });
    expect(realms.find((r) => r.key === 'sections/201')).toEqual({
      key: 'sections/201',
      provider: 'canvas',
      kind: 'section',
      remoteId: '201',
      title: 'Algebra I P3',
      courseTitle: 'Algebra I',
      courseCode: 'ALG1',
      courseSisId: 'ALG1-2026',
      sectionCode: '',
      sectionSchoolCode: 'ALG1-P3-2026',
      gradingPeriods: [],
    });
    expect(realms.find((r) => r.key === 'sections/207')).toMatchObject({ courseTitle: 'World History', courseSisId: '', sectionSchoolCode: '' });
    const courses = sandbox.store.listCourses();
    const sections = courses.flatMap((c) => sandbox.store.sectionsOf(c.id));
    expect(realms.filter((r) => r.kind === 'course')).toHaveLength(courses.length);
    expect(realms.filter((r) => r.kind === 'section')).toHaveLength(sections.length);
  });
});

describe('CanvasProvider pulls', () => {
  it('pulls a section page by page (bookmarks), in every state a roster shows, every field mapped', async () => {
    const sandbox = await canvasSandboxFor({ perPageMax: 10 });
    const { enrollments, sizes } = await pull(providerFor(sandbox), 'sections/201');
    const expected = sandbox.store.enrollmentsInSection(201).filter((e) => e.workflow_state !== 'deleted' && e.workflow_state !== 'rejected');
    expect(sizes.length).toBe(Math.ceil(expected.length / 10));
    expect(enrollments.map((e) => e.id).sort()).toEqual(expected.map((e) => String(e.id)).sort());
    expect(new Set(enrollments.map((e) => e.status))).toEqual(new Set(['active', 'invited', 'inactive', 'completed']));
    const howlett = enrollments.find((e) => e.userId === CANVAS_SEED.howlett && e.role === 'student');
    expect(howlett).toMatchObject({
      provider: 'canvas',
      realmKey: 'sections/201',
      schoolUid: '0000101',
      name: { first: 'James', last: 'Howlett', display: 'James Howlett', sortable: 'Howlett, James' },
      pictureUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/images\//),
    });
    // The source keeps the whole Canvas record: every field of the seeded Enrollment object.
    const record = howlett?.source.provider === 'canvas' ? howlett.source.record : undefined;
    expect(record).toMatchObject({
      course_id: '101',
      course_section_id: '201',
      sis_course_id: 'ALG1-2026',
      sis_section_id: 'ALG1-P3-2026',
      type: 'StudentEnrollment',
      role: 'StudentEnrollment',
      root_account_id: '1',
      html_url: expect.stringContaining('/courses/101/users/101'),
      grades: expect.objectContaining({ html_url: expect.any(String) }),
      user: expect.objectContaining({ id: '101', sortable_name: 'Howlett, James' }),
    });
    for (const field of ['created_at', 'updated_at', 'start_at', 'end_at', 'last_activity_at', 'total_activity_time', 'limit_privileges_to_course_section']) {
      expect(record).toHaveProperty(field);
    }
    const observer = enrollments.find((e) => e.role === 'observer');
    expect(observer?.source.provider === 'canvas' && observer.source.record.associated_user_id).toMatch(/^\d+$/);
  });

  it('pulls a whole course across its sections', async () => {
    const sandbox = await canvasSandboxFor({ perPageMax: 25 });
    const { enrollments, sizes } = await pull(providerFor(sandbox), 'courses/101');
    const expected = sandbox.store.enrollmentsInCourse(101).filter((e) => e.workflow_state !== 'deleted' && e.workflow_state !== 'rejected');
    expect(sizes.length).toBeGreaterThan(1);
    expect(enrollments.map((e) => e.id).sort()).toEqual(expected.map((e) => String(e.id)).sort());
    expect(enrollments.every((e) => e.realmKey === 'courses/101')).toBe(true);
    const states = sandbox.requests.filter((r) => r.path === 'courses/101/enrollments');
    expect(states[0]?.query.per_page).toBe('100');
  });

  it('refuses a realm key that is not a Canvas course or section', async () => {
    const sandbox = await canvasSandboxFor();
    await expect(pull(providerFor(sandbox), 'groups/5')).rejects.toThrow(/not a Canvas realm key/);
  });
});

describe('CanvasProvider pushes', () => {
  const upsert = (opId: string, realmKey: string, userId: string, role: 'student' | 'ta' | 'teacher', status: 'active' | 'invited' | 'inactive' | 'completed' | 'deleted'): PushItem => ({
    kind: 'upsert',
    opId,
    realmKey,
    userId,
    fields: { role, status },
  });

  it('upserts into sections and courses with the type and state, answering the existing enrollment again', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = providerFor(sandbox);
    const batch = {
      kind: 'upsert',
      items: [upsert('a', 'sections/203', CANVAS_SEED.howlett, 'ta', 'active'), upsert('b', 'courses/104', CANVAS_SEED.howlett, 'student', 'invited')],
    } as PushBatch;
    const results = await provider.pushBatch(batch);
    expect(results).toEqual([
      { opId: 'a', outcome: 'applied', enrollmentId: expect.stringMatching(/^\d+$/), realmKey: 'sections/203' },
      { opId: 'b', outcome: 'applied', enrollmentId: expect.stringMatching(/^\d+$/), realmKey: 'courses/104' },
    ]);
    expect(stored(sandbox, '203', CANVAS_SEED.howlett, 'TaEnrollment')).toMatchObject([{ workflow_state: 'active' }]);
    expect(sandbox.store.enrollmentsInCourse(104).filter((e) => e.user_id === 101)).toMatchObject([{ type: 'StudentEnrollment', workflow_state: 'invited' }]);
    // Sent again (a lost reply): the same enrollments, none added.
    const again = await provider.pushBatch(batch);
    expect(again).toEqual(results);
    expect(stored(sandbox, '203', CANVAS_SEED.howlett, 'TaEnrollment')).toHaveLength(1);
  });

  it("changes the role of a person the realm already holds with another role (the engine sends edits as upserts), leaving one enrollment", async () => {
    const sandbox = await canvasSandboxFor();
    const provider = providerFor(sandbox);
    const made = await provider.client.enroll({ section: '203' }, { userId: CANVAS_SEED.howlett, type: 'StudentEnrollment', enrollmentState: 'active' });
    const [result] = await provider.pushBatch({ kind: 'upsert', items: [upsert('a', 'sections/203', CANVAS_SEED.howlett, 'teacher', 'active')] } as PushBatch);
    const teacher = stored(sandbox, '203', CANVAS_SEED.howlett, 'TeacherEnrollment');
    expect(teacher).toMatchObject([{ workflow_state: 'active' }]);
    expect(result).toEqual({ opId: 'a', outcome: 'applied', enrollmentId: String(teacher[0]?.id), realmKey: 'sections/203' });
    expect(sandbox.store.getEnrollment(Number(made.id))?.workflow_state).toBe('deleted');
  });

  it('finishes, from an upsert naming the old enrollment, a role change cut off after its new enrollment was made', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = providerFor(sandbox);
    const old = await provider.client.enroll({ section: '203' }, { userId: CANVAS_SEED.howlett, type: 'StudentEnrollment', enrollmentState: 'active' });
    // The first attempt's first step: the TA enrollment exists, the student one was never deleted.
    await provider.client.enroll({ section: '203' }, { userId: CANVAS_SEED.howlett, type: 'TaEnrollment', enrollmentState: 'active' });
    const item: PushItem = { ...upsert('a', 'sections/203', CANVAS_SEED.howlett, 'ta', 'active'), enrollmentId: old.id } as PushItem;
    const [result] = await provider.pushBatch({ kind: 'upsert', items: [item] } as PushBatch);
    const ta = stored(sandbox, '203', CANVAS_SEED.howlett, 'TaEnrollment');
    expect(ta).toHaveLength(1);
    expect(result).toEqual({ opId: 'a', outcome: 'applied', enrollmentId: String(ta[0]?.id), realmKey: 'sections/203' });
    expect(sandbox.store.getEnrollment(Number(old.id))?.workflow_state).toBe('deleted');
  });

  it('upserts a completed enrollment as an active one concluded', async () => {
    const sandbox = await canvasSandboxFor();
    const [result] = await providerFor(sandbox).pushBatch({ kind: 'upsert', items: [upsert('a', 'sections/203', CANVAS_SEED.alvarez, 'teacher', 'completed')] } as PushBatch);
    expect(result).toMatchObject({ outcome: 'applied' });
    expect(stored(sandbox, '203', CANVAS_SEED.alvarez, 'TeacherEnrollment')).toMatchObject([{ workflow_state: 'completed' }]);
    // The look-up first (Ms. Alvarez is not in Biology yet, so she is enrolled, not given another role).
    expect(canvasRequestLines(sandbox)).toEqual([
      'GET sections/203/enrollments',
      'POST sections/203/enrollments',
      expect.stringMatching(/^DELETE courses\/102\/enrollments\/\d+$/),
    ]);
  });

  it('rejects an upsert to a state Canvas cannot create, and one for an unknown person, item by item', async () => {
    const sandbox = await canvasSandboxFor();
    const results = await providerFor(sandbox).pushBatch({
      kind: 'upsert',
      items: [upsert('a', 'sections/203', CANVAS_SEED.howlett, 'student', 'deleted'), upsert('b', 'sections/203', '99999', 'student', 'active'), upsert('c', 'sections/203', CANVAS_SEED.howlett, 'student', 'active')],
    } as PushBatch);
    expect(results[0]).toEqual({ opId: 'a', outcome: 'rejected', code: 400, reason: expect.stringMatching(/remove the person instead/) });
    expect(results[1]).toEqual({ opId: 'b', outcome: 'not-found', reason: 'HTTP 404 Not Found: The specified resource does not exist.' });
    expect(results[2]).toMatchObject({ opId: 'c', outcome: 'applied' });
  });

  it('updates a status with the call the target state needs', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = providerFor(sandbox);
    const client = provider.client;
    const made = await client.enroll({ section: '203' }, { userId: CANVAS_SEED.howlett, type: 'StudentEnrollment', enrollmentState: 'active' });
    const update = (opId: string, status: 'inactive' | 'active' | 'completed' | 'invited'): PushItem => ({ kind: 'update', opId, realmKey: 'sections/203', enrollmentId: made.id, fields: { status } });
    for (const status of ['inactive', 'active', 'completed', 'active', 'invited'] as const) {
      const [result] = await provider.pushBatch({ kind: 'update', realmKey: 'sections/203', items: [update(status, status)] } as PushBatch);
      expect(result).toEqual({ opId: status, outcome: 'applied', enrollmentId: made.id, realmKey: 'sections/203' });
      expect(sandbox.store.getEnrollment(Number(made.id))?.workflow_state).toBe(status);
    }
    const writes = sandbox.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}${r.query.task ? `?task=${r.query.task}` : ''}`);
    expect(writes).toEqual([
      'POST sections/203/enrollments',
      `DELETE courses/102/enrollments/${made.id}?task=inactivate`,
      `PUT courses/102/enrollments/${made.id}/reactivate`,
      `DELETE courses/102/enrollments/${made.id}?task=conclude`,
      'POST sections/203/enrollments',
      'POST sections/203/enrollments',
    ]);
  });

  it('changes a role by enrolling with the new type and deleting the old enrollment, safely sent twice', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = providerFor(sandbox);
    const made = await provider.client.enroll({ section: '203' }, { userId: CANVAS_SEED.howlett, type: 'StudentEnrollment', enrollmentState: 'inactive' });
    const batch = { kind: 'update', realmKey: 'sections/203', items: [{ kind: 'update', opId: 'r', realmKey: 'sections/203', enrollmentId: made.id, fields: { role: 'ta' } }] } as PushBatch;
    const [result] = await provider.pushBatch(batch);
    const ta = stored(sandbox, '203', CANVAS_SEED.howlett, 'TaEnrollment');
    expect(ta).toMatchObject([{ workflow_state: 'inactive' }]);
    expect(result).toEqual({ opId: 'r', outcome: 'applied', enrollmentId: String(ta[0]?.id), realmKey: 'sections/203' });
    expect(sandbox.store.getEnrollment(Number(made.id))?.workflow_state).toBe('deleted');
    // The retry after a lost reply finds the old one deleted and answers the new one; nothing is added.
    const [retry] = await provider.pushBatch(batch);
    expect(retry).toEqual(result);
    expect(stored(sandbox, '203', CANVAS_SEED.howlett, 'TaEnrollment')).toHaveLength(1);
  });

  it('changes role and status together', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = providerFor(sandbox);
    const made = await provider.client.enroll({ section: '203' }, { userId: CANVAS_SEED.howlett, type: 'StudentEnrollment', enrollmentState: 'active' });
    const [result] = await provider.pushBatch({
      kind: 'update',
      realmKey: 'sections/203',
      items: [{ kind: 'update', opId: 'x', realmKey: 'sections/203', enrollmentId: made.id, fields: { role: 'teacher', status: 'completed' } }],
    } as PushBatch);
    expect(result).toMatchObject({ outcome: 'applied' });
    expect(stored(sandbox, '203', CANVAS_SEED.howlett, 'TeacherEnrollment')).toMatchObject([{ workflow_state: 'completed' }]);
  });

  it('rejects a status Canvas cannot be given, and answers not-found for an enrollment elsewhere or unknown', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = providerFor(sandbox);
    const inP3 = sandbox.store.enrollmentsInSection(201)[0]!;
    const results = await provider.pushBatch({
      kind: 'update',
      realmKey: 'sections/203',
      items: [
        { kind: 'update', opId: 'a', realmKey: 'sections/201', enrollmentId: String(inP3.id), fields: { status: 'requested' } },
        { kind: 'update', opId: 'b', realmKey: 'sections/203', enrollmentId: String(inP3.id), fields: { status: 'active' } },
        { kind: 'update', opId: 'c', realmKey: 'sections/203', enrollmentId: '999999', fields: { status: 'active' } },
      ],
    } as PushBatch);
    expect(results).toEqual([
      { opId: 'a', outcome: 'rejected', code: 400, reason: expect.stringMatching(/no request-pending state/) },
      { opId: 'b', outcome: 'not-found', reason: expect.stringMatching(/is not in sections\/203/) },
      { opId: 'c', outcome: 'not-found', reason: expect.stringMatching(/404/) },
    ]);
  });

  it('removes with DELETE task=delete from courses and sections; a gone enrollment is not-found', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = providerFor(sandbox);
    const inSection = sandbox.store.enrollmentsInSection(203)[0]!;
    const inCourse = sandbox.store.enrollmentsInCourse(101)[0]!;
    const results = await provider.pushBatch({
      kind: 'remove',
      items: [
        { kind: 'remove', opId: 'a', realmKey: 'sections/203', enrollmentId: String(inSection.id) },
        { kind: 'remove', opId: 'b', realmKey: 'courses/101', enrollmentId: String(inCourse.id) },
        { kind: 'remove', opId: 'c', realmKey: 'courses/101', enrollmentId: '999999' },
      ],
    } as PushBatch);
    expect(results).toEqual([
      { opId: 'a', outcome: 'applied', enrollmentId: String(inSection.id) },
      { opId: 'b', outcome: 'applied', enrollmentId: String(inCourse.id) },
      { opId: 'c', outcome: 'not-found', reason: expect.any(String) },
    ]);
    expect(sandbox.store.getEnrollment(inSection.id)?.workflow_state).toBe('deleted');
    expect(sandbox.store.getEnrollment(inCourse.id)?.workflow_state).toBe('deleted');
    expect(sandbox.requests.filter((r) => r.method === 'DELETE').map((r) => r.query.task)).toEqual(['delete', 'delete', 'delete']);
  });

  it('rejects an access-code join, saying Canvas has none through its API', async () => {
    const sandbox = await canvasSandboxFor();
    const results = await providerFor(sandbox).pushBatch({ kind: 'accesscode', items: [{ kind: 'accesscode', opId: 'j', realmKind: 'section', accessCode: 'ABC' }] });
    expect(results).toEqual([{ opId: 'j', outcome: 'rejected', code: 400, reason: expect.stringMatching(/no way to join with a code through its API/) }]);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('keeps results in input order while running up to 4 requests at once', async () => {
    const sandbox = await canvasSandboxFor({ faults: 'latency=5-40,seed=3' });
    const people = sandbox.store.enrollmentsInSection(201).filter((e) => e.type === 'StudentEnrollment').slice(0, 12);
    const items = people.map((e, i): PushItem => upsert(`op${i}`, 'sections/204', String(e.user_id), 'student', 'active'));
    let running = 0;
    let most = 0;
    const counting: typeof globalThis.fetch = async (input, init) => {
      most = Math.max(most, ++running);
      try {
        return await globalThis.fetch(input, init);
      } finally {
        running--;
      }
    };
    const provider = new CanvasProvider(canvasClientFor(sandbox, { transport: { ...FAST, fetch: counting } }));
    const results = await provider.pushBatch({ kind: 'upsert', items } as PushBatch);
    expect(most).toBe(4);
    expect(results.map((r) => r.opId)).toEqual(items.map((i) => i.opId));
    expect(results.every((r) => r.outcome === 'applied')).toBe(true);
    for (const e of people) expect(stored(sandbox, '204', String(e.user_id), 'StudentEnrollment')).toHaveLength(1);
  });

  it('throws the LmsError when the exchange itself keeps failing, reporting no results', async () => {
    const sandbox = await canvasSandboxFor({ faults: 'error503=1,seed=1' });
    const provider = new CanvasProvider(canvasClientFor(sandbox, { transport: { ...FAST, maxAttempts: 2 } }));
    const failure = await provider.pushBatch({ kind: 'upsert', items: [upsert('a', 'sections/203', CANVAS_SEED.howlett, 'student', 'active')] } as PushBatch).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LmsError);
    expect(failure).toMatchObject({ kind: 'server', transient: true });
  });

  it('throws on a refused token rather than rejecting items', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = createCanvasProvider({ baseUrl: sandbox.url, token: 'expired', transport: FAST });
    await expect(provider.pushBatch({ kind: 'upsert', items: [upsert('a', 'sections/203', CANVAS_SEED.howlett, 'student', 'active')] } as PushBatch)).rejects.toMatchObject({ kind: 'unauthorized' });
  });

  it('refuses a batch larger than its capability', async () => {
    const sandbox = await canvasSandboxFor();
    const items = Array.from({ length: 51 }, (_, i) => upsert(`o${i}`, 'sections/203', CANVAS_SEED.howlett, 'student', 'active'));
    await expect(providerFor(sandbox).pushBatch({ kind: 'upsert', items } as PushBatch)).rejects.toThrow(/at most 50/);
  });
});
