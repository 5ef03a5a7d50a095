/**
 * Pushing through a Canvas SIS import against the sandbox (lms-api-notes §2.6): one enrollments.csv per batch,
 * polled to the end, each processing error mapped back to the op whose row it names; and the provider built with
 * `sisImport` turning push items into those rows.
 */
import { describe, expect, it } from 'vitest';
import { CanvasProvider, createCanvasProvider } from '../../../electron/lms/canvas/canvas-provider';
import { pushViaSisImport, type SisEnrollmentRow } from '../../../electron/lms/canvas/canvas-sis-import';
import type { PushBatch } from '../../../electron/lms/provider';
import type { CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { CANVAS_SEED, canvasClientFor, canvasRequestLines, canvasSandboxFor, FAST } from './canvas-kit';

const QUICK = { pollIntervalMs: 1 };

/** Someone with a SIS id who holds no enrollment in the section. */
function notIn(sandbox: CanvasSandbox, sectionId: number): string {
  const there = new Set(sandbox.store.enrollmentsInSection(sectionId).map((e) => e.user_id));
  const found = sandbox.store.enrollmentsInCourse(101).find((e) => e.type === 'StudentEnrollment' && !there.has(e.user_id) && sandbox.store.getUser(e.user_id)?.sis_user_id);
  return String(found!.user_id);
}

const row = (opId: string, userId: string, role: SisEnrollmentRow['role'], status: SisEnrollmentRow['status'], sectionId = 'BIO1-P1-2026'): SisEnrollmentRow => ({
  opId,
  courseId: 'BIO1-2026',
  sectionId,
  userId,
  role,
  status,
});

describe('pushViaSisImport', () => {
  it('posts one enrollments.csv, polls it to the end and maps a bad row to its op', async () => {
    const sandbox = await canvasSandboxFor({ sisImportTicks: 3 });
    const client = canvasClientFor(sandbox);
    const results = await pushViaSisImport(
      client,
      '1',
      [row('a', '0000101', 'ta', 'active'), row('b', 'NO-SUCH-PERSON', 'student', 'active'), row('c', 'T102', 'observer', 'inactive')],
      QUICK,
    );
    expect(results).toEqual([
      { opId: 'a', outcome: 'applied' },
      { opId: 'b', outcome: 'rejected', code: 422, reason: expect.stringMatching(/^Canvas SIS import \d+: User not found for enrollment.*row 3/) },
      { opId: 'c', outcome: 'applied' },
    ]);
    const inSection = sandbox.store.enrollmentsInSection(Number(CANVAS_SEED.biologyP1));
    expect(inSection.filter((e) => e.user_id === 101 && e.type === 'TaEnrollment')).toMatchObject([{ workflow_state: 'active' }]);
    expect(inSection.filter((e) => e.user_id === 2 && e.type === 'ObserverEnrollment')).toMatchObject([{ workflow_state: 'inactive' }]);
    const calls = sandbox.requests.map((r) => `${r.method} ${r.path.replace(/\d+$/, 'N')}`);
    expect(calls).toEqual(['POST accounts/1/sis_imports', 'GET accounts/1/sis_imports/N', 'GET accounts/1/sis_imports/N', 'GET accounts/1/sis_imports/N']);
  });

  it("answers one result per op even when an op owns several rows, taking the first problem among them", async () => {
    const sandbox = await canvasSandboxFor();
    const results = await pushViaSisImport(
      canvasClientFor(sandbox),
      '1',
      [row('a', '0000101', 'teacher', 'active'), row('a', '0000101', 'student', 'deleted', 'NO-SUCH-SECTION'), row('b', 'T102', 'ta', 'completed')],
      QUICK,
    );
    expect(results).toEqual([
      { opId: 'a', outcome: 'rejected', code: 422, reason: expect.stringMatching(/non-existent section/) },
      { opId: 'b', outcome: 'applied' },
    ]);
  });

  it('throws a forbidden LmsError when the account may not run SIS imports', async () => {
    const sandbox = await canvasSandboxFor({ sisImports: false });
    await expect(pushViaSisImport(canvasClientFor(sandbox), '1', [row('a', '0000101', 'ta', 'active')], QUICK)).rejects.toMatchObject({ kind: 'forbidden' });
  });

  it('stops waiting at its deadline with a timeout LmsError saying the rows can be sent again', async () => {
    const sandbox = await canvasSandboxFor({ sisImportTicks: 50 });
    let clock = 0;
    const failure = pushViaSisImport(canvasClientFor(sandbox), '1', [row('a', '0000101', 'ta', 'active')], {
      pollIntervalMs: 1,
      maxWaitMs: 3,
      now: () => clock++,
    });
    await expect(failure).rejects.toMatchObject({ kind: 'timeout', message: expect.stringMatching(/safe to send again/) });
  });
});

describe('CanvasProvider with sisImport', () => {
  it('sends what SIS rows can express as one import and the rest as single requests, results in input order', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = new CanvasProvider(canvasClientFor(sandbox), { sisImport: { accountId: '1', ...QUICK } });
    const invitee = notIn(sandbox, 203);
    const results = await provider.pushBatch({
      kind: 'upsert',
      items: [
        { kind: 'upsert', opId: 'a', realmKey: 'sections/203', userId: CANVAS_SEED.howlett, fields: { role: 'ta', status: 'active' } },
        { kind: 'upsert', opId: 'b', realmKey: 'sections/203', userId: invitee, fields: { role: 'student', status: 'invited' } },
        { kind: 'upsert', opId: 'c', realmKey: 'sections/203', userId: CANVAS_SEED.noSisStudent, fields: { role: 'student', status: 'active' } },
        { kind: 'upsert', opId: 'd', realmKey: 'courses/104', userId: CANVAS_SEED.howlett, fields: { role: 'student', status: 'active' } },
        { kind: 'upsert', opId: 'e', realmKey: 'courses/102', userId: CANVAS_SEED.alvarez, fields: { role: 'designer', status: 'completed' } },
        { kind: 'upsert', opId: 'f', realmKey: 'sections/203', userId: CANVAS_SEED.howlett, fields: { role: 'student', status: 'rejected' } },
      ],
    } as PushBatch);
    expect(results).toEqual([
      { opId: 'a', outcome: 'applied' },
      { opId: 'b', outcome: 'applied', enrollmentId: expect.any(String), realmKey: 'sections/203' },
      { opId: 'c', outcome: 'applied', enrollmentId: expect.any(String), realmKey: 'sections/203' },
      { opId: 'd', outcome: 'applied', enrollmentId: expect.any(String), realmKey: 'courses/104' },
      { opId: 'e', outcome: 'applied' },
      { opId: 'f', outcome: 'rejected', code: 400, reason: 'only the invited person can reject an invitation in Canvas' },
    ]);
    expect(sandbox.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      'accounts/1/sis_imports',
      'sections/203/enrollments',
      'sections/203/enrollments',
      'courses/104/enrollments',
    ]);
    expect(sandbox.store.enrollmentsInSection(203).filter((e) => e.user_id === 101 && e.type === 'TaEnrollment')).toMatchObject([{ workflow_state: 'active' }]);
    expect(sandbox.store.enrollmentsInSection(203).filter((e) => e.user_id === Number(invitee))).toMatchObject([{ workflow_state: 'invited' }]);
    expect(sandbox.store.enrollmentsInSection(203).filter((e) => e.user_id === 108)).toMatchObject([{ workflow_state: 'active' }]);
    expect(sandbox.store.enrollmentsInCourse(102).filter((e) => e.user_id === 2 && e.type === 'DesignerEnrollment')).toMatchObject([{ workflow_state: 'completed' }]);
  });

  it('turns an upsert of someone enrolled with another role into a role change, and of the same role into a status change in their section', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = new CanvasProvider(canvasClientFor(sandbox), { sisImport: { accountId: '1', ...QUICK } });
    const [first, second] = sandbox.store.enrollmentsInSection(204).filter((e) => e.type === 'StudentEnrollment' && e.workflow_state === 'active' && sandbox.store.getUser(e.user_id)?.sis_user_id);
    const results = await provider.pushBatch({
      kind: 'upsert',
      items: [
        { kind: 'upsert', opId: 'r', realmKey: 'courses/102', userId: String(first!.user_id), fields: { role: 'ta', status: 'active' } },
        { kind: 'upsert', opId: 's', realmKey: 'courses/102', userId: String(second!.user_id), fields: { role: 'student', status: 'inactive' } },
      ],
    });
    expect(results).toEqual([
      { opId: 'r', outcome: 'applied' },
      { opId: 's', outcome: 'applied' },
    ]);
    expect(sandbox.store.getEnrollment(first!.id)?.workflow_state).toBe('deleted');
    expect(sandbox.store.enrollmentsOfUser(first!.user_id).filter((e) => e.course_id === 102 && e.workflow_state !== 'deleted')).toMatchObject([{ type: 'TaEnrollment', course_section_id: 204 }]);
    expect(sandbox.store.getEnrollment(second!.id)).toMatchObject({ workflow_state: 'inactive', course_section_id: 204 });
    expect(sandbox.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['accounts/1/sis_imports']);
  });

  it('changes a role as two rows (new role, old one deleted) and removes as a deleted row', async () => {
    const sandbox = await canvasSandboxFor();
    const client = canvasClientFor(sandbox);
    const provider = new CanvasProvider(client, { sisImport: { accountId: '1', ...QUICK } });
    const student = await client.enroll({ section: '203' }, { userId: CANVAS_SEED.howlett, type: 'StudentEnrollment', enrollmentState: 'active' });
    const other = sandbox.store.enrollmentsInSection(203).find((e) => e.type === 'StudentEnrollment' && e.user_id !== 101 && sandbox.store.getUser(e.user_id)?.sis_user_id)!;
    const updated = await provider.pushBatch({
      kind: 'update',
      realmKey: 'sections/203',
      items: [{ kind: 'update', opId: 'r', realmKey: 'sections/203', enrollmentId: student.id, fields: { role: 'ta' } }],
    } as PushBatch);
    const removed = await provider.pushBatch({ kind: 'remove', items: [{ kind: 'remove', opId: 'x', realmKey: 'sections/203', enrollmentId: String(other.id) }] } as PushBatch);
    expect(updated).toEqual([{ opId: 'r', outcome: 'applied' }]);
    expect(removed).toEqual([{ opId: 'x', outcome: 'applied' }]);
    expect(sandbox.store.getEnrollment(Number(student.id))?.workflow_state).toBe('deleted');
    expect(sandbox.store.enrollmentsInSection(203).filter((e) => e.user_id === 101 && e.type === 'TaEnrollment')).toMatchObject([{ workflow_state: 'active' }]);
    expect(sandbox.store.getEnrollment(other.id)?.workflow_state).toBe('deleted');
  });

  it('answers not-found for an enrollment Canvas does not know or has deleted, without an import for it', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = new CanvasProvider(canvasClientFor(sandbox), { sisImport: { accountId: '1', ...QUICK } });
    const results = await provider.pushBatch({ kind: 'remove', items: [{ kind: 'remove', opId: 'x', realmKey: 'sections/203', enrollmentId: '999999' }] } as PushBatch);
    expect(results).toEqual([{ opId: 'x', outcome: 'not-found', reason: 'HTTP 404 Not Found: The specified resource does not exist.' }]);
    const gone = sandbox.store.enrollmentsInSection(203)[0]!;
    sandbox.store.updateEnrollment(gone.id, { workflow_state: 'deleted' });
    const update = { kind: 'update', opId: 'u', realmKey: 'sections/203', enrollmentId: String(gone.id), fields: { status: 'active' } } as const;
    expect(await provider.pushBatch({ kind: 'update', realmKey: 'sections/203', items: [update] })).toEqual([
      { opId: 'u', outcome: 'not-found', reason: `enrollment ${gone.id} was deleted` },
    ]);
    expect(sandbox.requests.some((r) => r.path.includes('sis_imports'))).toBe(false);
  });
});

/** A fetch that answers every permissions call itself with `status`, as a Canvas that will not tell a teacher. */
function refusingPermissions(status: number): typeof globalThis.fetch {
  return (input, init) =>
    new URL(String(input)).pathname.endsWith('/permissions')
      ? Promise.resolve(new Response(JSON.stringify({ status: 'unauthorized', errors: [{ message: 'user not authorized to perform that action' }] }), { status, headers: { 'Content-Type': 'application/json' } }))
      : globalThis.fetch(input, init);
}

const upsert = (opId: string, userId: string, status: 'active' | 'inactive' = 'active') =>
  ({ kind: 'upsert', items: [{ kind: 'upsert', opId, realmKey: 'sections/203', userId, fields: { role: 'ta', status } }] }) as PushBatch;

describe('CanvasClient.accountPermissions', () => {
  it('answers each permission asked, true or false', async () => {
    const sandbox = await canvasSandboxFor();
    expect(await canvasClientFor(sandbox).accountPermissions('1', ['import_sis', 'manage_courses'])).toEqual({ import_sis: true, manage_courses: false });
    expect(canvasRequestLines(sandbox)).toEqual(['GET accounts/1/permissions']);
  });

  it.each([403, 401])('takes a %i as no permission at all (a teacher), not as a failure', async (status) => {
    const sandbox = await canvasSandboxFor();
    const client = canvasClientFor(sandbox, { transport: { ...FAST, fetch: refusingPermissions(status) } });
    expect(await client.accountPermissions('1', ['import_sis'])).toEqual({ import_sis: false });
  });
});

describe("CanvasProvider with sisImport 'auto'", () => {
  it('asks once whether the user may import, then sends every batch as a SIS import', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = new CanvasProvider(canvasClientFor(sandbox), { sisImport: { accountId: 'auto', ...QUICK } });
    expect(await provider.pushBatch(upsert('a', CANVAS_SEED.howlett))).toEqual([{ opId: 'a', outcome: 'applied' }]);
    expect(await provider.pushBatch(upsert('b', CANVAS_SEED.howlett, 'inactive'))).toEqual([{ opId: 'b', outcome: 'applied' }]);
    const lines = canvasRequestLines(sandbox);
    expect(lines.filter((line) => line.endsWith('/permissions'))).toEqual(['GET accounts/1/permissions']);
    expect(lines.filter((line) => line.startsWith('POST'))).toEqual(['POST accounts/1/sis_imports', 'POST accounts/1/sis_imports']);
    expect(sandbox.store.enrollmentsInSection(203).filter((e) => e.user_id === 101 && e.type === 'TaEnrollment')).toMatchObject([{ workflow_state: 'inactive' }]);
  });

  it('asks once also for batches pushed side by side', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = new CanvasProvider(canvasClientFor(sandbox), { sisImport: { accountId: 'auto', ...QUICK } });
    const results = await Promise.all([provider.pushBatch(upsert('a', CANVAS_SEED.howlett)), provider.pushBatch(upsert('b', CANVAS_SEED.alvarez))]);
    expect(results.flat()).toEqual([
      { opId: 'a', outcome: 'applied' },
      { opId: 'b', outcome: 'applied' },
    ]);
    expect(canvasRequestLines(sandbox).filter((line) => line.endsWith('/permissions'))).toHaveLength(1);
  });

  it('sends single requests where Canvas says the user may not import', async () => {
    const sandbox = await canvasSandboxFor({ sisImports: false });
    const provider = createCanvasProvider({ baseUrl: sandbox.url, token: sandbox.token, transport: FAST, sisImport: 'auto' });
    expect(await provider.pushBatch(upsert('a', CANVAS_SEED.howlett))).toMatchObject([{ opId: 'a', outcome: 'applied', enrollmentId: expect.any(String) }]);
    await provider.pushBatch(upsert('b', CANVAS_SEED.howlett, 'inactive'));
    const lines = canvasRequestLines(sandbox);
    expect(lines.filter((line) => line.endsWith('/permissions'))).toHaveLength(1);
    expect(lines.some((line) => line.includes('sis_imports'))).toBe(false);
    expect(lines).toContain('POST sections/203/enrollments');
  });

  it('sends single requests where the permissions call is refused with 403', async () => {
    const sandbox = await canvasSandboxFor();
    const client = canvasClientFor(sandbox, { transport: { ...FAST, fetch: refusingPermissions(403) } });
    const provider = new CanvasProvider(client, { sisImport: 'auto' });
    expect(await provider.pushBatch(upsert('a', CANVAS_SEED.howlett))).toMatchObject([{ opId: 'a', outcome: 'applied' }]);
    expect(canvasRequestLines(sandbox).some((line) => line.includes('sis_imports'))).toBe(false);
  });

  it('asks again on the next push when the rights check could not be answered', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = new CanvasProvider(canvasClientFor(sandbox), { sisImport: { accountId: 'auto', ...QUICK } });
    sandbox.setFaults({ error503: 1 });
    await expect(provider.pushBatch(upsert('a', CANVAS_SEED.howlett))).rejects.toMatchObject({ kind: 'server' });
    sandbox.setFaults(null);
    expect(await provider.pushBatch(upsert('a', CANVAS_SEED.howlett))).toEqual([{ opId: 'a', outcome: 'applied' }]);
    expect(canvasRequestLines(sandbox)).toContain('POST accounts/1/sis_imports');
  });

  it('falls back to single requests for good when Canvas refuses the import itself with 403', async () => {
    const sandbox = await canvasSandboxFor({ sisImports: false });
    const provider = new CanvasProvider(canvasClientFor(sandbox), { sisImport: { accountId: '1', ...QUICK } });
    expect(await provider.pushBatch(upsert('a', CANVAS_SEED.howlett))).toMatchObject([{ opId: 'a', outcome: 'applied', enrollmentId: expect.any(String) }]);
    expect(await provider.pushBatch(upsert('b', CANVAS_SEED.howlett, 'inactive'))).toMatchObject([{ opId: 'b', outcome: 'applied' }]);
    expect(canvasRequestLines(sandbox).filter((line) => line.includes('sis_imports'))).toEqual(['POST accounts/1/sis_imports']);
    expect(sandbox.store.enrollmentsInSection(203).filter((e) => e.user_id === 101 && e.type === 'TaEnrollment')).toMatchObject([{ workflow_state: 'inactive' }]);
  });
});
