/**
 * Pushing through a Canvas SIS import against the sandbox (lms-api-notes §2.6): one enrollments.csv per batch,
 * polled to the end, each processing error mapped back to the op whose row it names; and the provider built with
 * `sisImport` turning push items into those rows.
 */
import { describe, expect, it } from 'vitest';
import { CanvasProvider } from '../../../electron/lms/canvas/canvas-provider';
import { pushViaSisImport, type SisEnrollmentRow } from '../../../electron/lms/canvas/canvas-sis-import';
import type { PushBatch } from '../../../electron/lms/provider';
import { CANVAS_SEED, canvasClientFor, canvasSandboxFor } from './canvas-kit';

const QUICK = { pollIntervalMs: 1 };

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
  it('sends a whole batch as one SIS import, refusing the items a SIS import cannot express, results in input order', async () => {
    const sandbox = await canvasSandboxFor();
    const provider = new CanvasProvider(canvasClientFor(sandbox), { sisImport: { accountId: '1', ...QUICK } });
    const results = await provider.pushBatch({
      kind: 'upsert',
      items: [
        { kind: 'upsert', opId: 'a', realmKey: 'sections/203', userId: CANVAS_SEED.howlett, fields: { role: 'ta', status: 'active' } },
        { kind: 'upsert', opId: 'b', realmKey: 'sections/203', userId: CANVAS_SEED.howlett, fields: { role: 'student', status: 'invited' } },
        { kind: 'upsert', opId: 'c', realmKey: 'sections/203', userId: CANVAS_SEED.noSisStudent, fields: { role: 'student', status: 'active' } },
        { kind: 'upsert', opId: 'd', realmKey: 'courses/104', userId: CANVAS_SEED.howlett, fields: { role: 'student', status: 'active' } },
        { kind: 'upsert', opId: 'e', realmKey: 'courses/102', userId: CANVAS_SEED.alvarez, fields: { role: 'designer', status: 'completed' } },
      ],
    } as PushBatch);
    expect(results).toEqual([
      { opId: 'a', outcome: 'applied' },
      { opId: 'b', outcome: 'rejected', code: 400, reason: expect.stringMatching(/cannot invite/) },
      { opId: 'c', outcome: 'rejected', code: 400, reason: expect.stringMatching(/user 108 has no SIS id/) },
      { opId: 'd', outcome: 'rejected', code: 400, reason: expect.stringMatching(/courses\/104 has no SIS id/) },
      { opId: 'e', outcome: 'applied' },
    ]);
    expect(sandbox.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['accounts/1/sis_imports']);
    expect(sandbox.store.enrollmentsInSection(203).filter((e) => e.user_id === 101 && e.type === 'TaEnrollment')).toMatchObject([{ workflow_state: 'active' }]);
    expect(sandbox.store.enrollmentsInCourse(102).filter((e) => e.user_id === 2 && e.type === 'DesignerEnrollment')).toMatchObject([{ workflow_state: 'completed' }]);
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
