import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEnvelope, ExportFile, ImportPreview, ImportResult, PendingView, RosterPage } from '../../../shared/api';
import { dispatch } from '../../../electron/api-dispatch';
import { createServices, type Services } from '../../../electron/services';
import { ACCOUNT_ID, SECTION_ID, seedSchool } from '../../support/seed-cache';

/**
 * previewImport and applyImport as the renderer calls them (through dispatch, inputs and outputs checked) over real
 * services on a cache file seeded with a small Schoology school: Algebra I · P3 holds Mr. Strickland (admin, no school
 * id), James Howlett (48289, s1) and five generated students (6000001…, s9001…); Algebra I · P5 is empty; Ana Ortiz
 * (70001, s70001) is known from the people directory but enrolled nowhere.
 */
const P5 = `${ACCOUNT_ID}/sections/4318461`;
const HOWLETT = { uid: '48289', schoolUid: 's1', enrollmentId: '44783136' } as const;
const STRICKLAND = { uid: '45552', enrollmentId: '43807916' } as const;
const ORTIZ = { uid: '70001', schoolUid: 's70001' } as const;
const student = (n: number) => ({ uid: `600000${n}`, schoolUid: `s900${n}`, enrollmentId: `500000${n}`, name: `Student Number 00${n}` });

const P3_ROW = { Realm: 'Algebra I · P3', 'Course code': 'ALG1', 'Section code': 'P3', 'Section school code': 'ALG1-P3' };

let dir: string;
let services: Services;
let queuedFor: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-import-'));
  queuedFor = [];
  services = createServices({
    dataDir: join(dir, 'data'),
    host: 'browser',
    sync: { syncNow: async () => null, editsQueued: (accountId) => queuedFor.push(accountId), connectivityOf: () => 'unknown', isSyncing: () => false, lastRunOf: () => null },
  });
  seedSchool(services.cache, 5);
  services.cache.enrollments.rememberPerson(ACCOUNT_ID, {
    userId: ORTIZ.uid,
    schoolUid: ORTIZ.schoolUid,
    pictureUrl: '',
    name: { title: '', first: 'Ana', firstPreferred: '', middle: '', last: 'Ortiz', display: 'Ana Ortiz', sortable: 'Ortiz, Ana' },
  });
});

afterEach(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, input?: unknown): Promise<ApiEnvelope> {
  return dispatch(services.handlers, method, input);
}

async function value<T>(method: string, input?: unknown): Promise<T> {
  const envelope = await call(method, input);
  if (!envelope.ok) throw new Error(`${method} failed: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

async function failure(method: string, input?: unknown): Promise<{ code: string; message: string }> {
  const envelope = await call(method, input);
  if (envelope.ok) throw new Error(`${method} succeeded; expected a failure`);
  return envelope.error;
}

/**
 * A CSV file as csv-stringify writes it: the header, then one record per row (missing cells blank). A cell with a line
 * break is quoted, as RFC 4180 and spreadsheets do.
 */
function csvOf(header: readonly string[], rows: ReadonlyArray<Record<string, string>>): string {
  return stringify([header, ...rows.map((row) => header.map((name) => row[name] ?? ''))], { record_delimiter: 'windows', quote_record_delimiter: true });
}

const PLAIN = ['Realm', 'Course code', 'Section code', 'Section school code', 'User ID', 'School ID', 'Name', 'Role', 'Status'];
const plainFile = (rows: ReadonlyArray<Record<string, string>>) => csvOf(PLAIN, rows.map((row) => ({ ...P3_ROW, ...row })));

const preview = (content: string, extra: object = {}) => value<ImportPreview>('previewImport', { realmId: SECTION_ID, content, fileName: 'roster.csv', ...extra });
const apply = (content: string, extra: object = {}) => value<ImportResult>('applyImport', { realmId: SECTION_ID, content, fileName: 'roster.csv', ...extra });
const pending = () => value<PendingView>('listPending', {});
const rosterOf = async (realmId = SECTION_ID) => (await value<RosterPage>('queryRoster', { realmIds: [realmId], limit: 500 })).rows;

describe('previewing an import', () => {
  it('counts enrolls, changes and unchanged rows against the cached roster, and lists each change', async () => {
    const result = await preview(
      plainFile([
        { 'User ID': HOWLETT.uid, 'School ID': HOWLETT.schoolUid, Name: 'James Howlett', Role: 'Admin', Status: 'Expired' },
        { 'User ID': STRICKLAND.uid, Name: 'Mr. Strickland', Role: 'Admin', Status: 'Active' },
        { 'User ID': student(1).uid, Role: 'Member', Status: 'Active' },
        { 'User ID': ORTIZ.uid },
      ]),
    );
    expect(result).toEqual({
      realmId: SECTION_ID,
      layout: 'plain',
      rows: 4,
      toEnroll: 1,
      toChange: 1,
      toRemove: 0,
      unchanged: 2,
      changes: [
        { kind: 'change', line: 2, userId: HOWLETT.uid, schoolUid: 's1', name: 'James Howlett', role: 'teacher', status: 'completed', before: { role: 'student', status: 'active' } },
        { kind: 'enroll', line: 5, userId: ORTIZ.uid, schoolUid: ORTIZ.schoolUid, name: 'Ana Ortiz', role: 'student', status: 'active', before: null },
      ],
      problems: [],
      problemCount: 0,
    });
  });

  it('finds people by School ID when the file has no User ID', async () => {
    const result = await preview(csvOf(['School ID', 'Status'], [{ 'School ID': student(2).schoolUid, Status: 'Archived' }, { 'School ID': ORTIZ.schoolUid }]));
    expect(result.changes.map((c) => [c.kind, c.userId, c.status])).toEqual([
      ['change', student(2).uid, 'inactive'],
      ['enroll', ORTIZ.uid, 'active'],
    ]);
  });

  it('reports every bad row with its line, in file order, and counts only the good ones', async () => {
    const content = plainFile([
      { 'User ID': HOWLETT.uid, Status: 'Expired' },
      { 'User ID': '999999', Name: 'Nobody Known' },
      { 'User ID': student(1).uid, Status: 'Gone' },
      { 'User ID': HOWLETT.uid, Status: 'Active' },
      { Realm: 'Biology · P2', 'Course code': 'BIO', 'Section code': 'P2', 'Section school code': 'BIO-P2', 'User ID': student(2).uid },
      { Name: 'No Ids' },
    ]).concat('"Algebra I · P3",ALG1,P3\r\n');
    const result = await preview(content);
    expect(result.problems).toEqual([
      { line: 3, message: 'no one with User ID 999999 is in the offline cache; check the ID, or pull a roster they are on' },
      { line: 4, message: 'status "Gone" is not a Schoology status; use Active, Expired, Invite pending, Request pending or Archived' },
      { line: 5, message: 'James Howlett (48289) is listed again: duplicate of line 2' },
      { line: 6, message: 'row is for Biology · P2, not Algebra I · P3' },
      { line: 7, message: 'no User ID or School ID' },
      { line: 8, message: 'the row has 3 cells, the header 9 (a missing or extra comma?)' },
    ]);
    expect(result).toMatchObject({ rows: 7, toChange: 1, unchanged: 0, problemCount: 6 });
  });

  it('reads the line a row starts on when a quoted cell spans several lines', async () => {
    const result = await preview(plainFile([{ 'User ID': HOWLETT.uid, Name: 'James\nHowlett', Status: 'Expired' }, { 'User ID': '999999' }]));
    expect(result.changes[0]?.line).toBe(2);
    expect(result.problems[0]?.line).toBe(4);
  });

  it('makes a person with a School ID other than the cached one a problem', async () => {
    const result = await preview(plainFile([{ 'User ID': HOWLETT.uid, 'School ID': 's2', Status: 'Expired' }]));
    expect(result.problems).toEqual([{ line: 2, message: 'User ID 48289 is James Howlett, whose School ID is s1, not s2; correct one of them' }]);
  });

  it('makes a person whose edit the LMS rejected a problem until it is settled', async () => {
    const [done] = services.outbox.apply([{ kind: 'update', realmId: SECTION_ID, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'inactive' } }]);
    services.outbox.markInFlight([done!.op!.id]);
    services.outbox.settleRejected(done!.op!.id, 403, 'Not allowed');
    const result = await preview(plainFile([{ 'User ID': HOWLETT.uid, Status: 'Expired' }]));
    expect(result.problems).toEqual([
      { line: 2, message: 'James Howlett (48289) has an edit the LMS rejected (Not allowed (LMS code 403)); settle the pending edit first' },
    ]);
  });

  it('makes a person whose edit is being sent right now a problem', async () => {
    const [done] = services.outbox.apply([{ kind: 'update', realmId: SECTION_ID, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'inactive' } }]);
    services.outbox.markInFlight([done!.op!.id]);
    const result = await preview(plainFile([{ 'User ID': HOWLETT.uid, Status: 'Expired' }]));
    expect(result.problems).toEqual([{ line: 2, message: 'James Howlett (48289) has an edit being sent to the LMS right now; import again after the sync' }]);
  });

  it('lists at most 1,000 problems, counting them all', async () => {
    const result = await preview(csvOf(['User ID'], Array.from({ length: 1_200 }, (_, i) => ({ 'User ID': `9${i}` }))));
    expect(result.problems).toHaveLength(1_000);
    expect(result.problems.at(-1)?.line).toBe(1_001);
    expect(result.problemCount).toBe(1_200);
  });

  it('fails for a realm that is not cached', async () => {
    const error = await failure('previewImport', { realmId: `${ACCOUNT_ID}/sections/1`, content: 'User ID\n1\n' });
    expect(error.code).toBe('unknown_realm');
  });

  it('fails for a file that is not CSV, naming the line', async () => {
    const error = await failure('previewImport', { realmId: SECTION_ID, content: 'User ID,Name\n1,"Ana\n', fileName: 'roster.csv' });
    expect(error).toMatchObject({ code: 'invalid_file', message: expect.stringMatching(/^roster\.csv cannot be read as CSV: line 2: a quoted cell that starts on this row is never closed/) });
  });

  it("reads Schoology's layout: codes must name the section, Enrollment Type 1 is admin, enrolls are active", async () => {
    const header = ['Course Code', 'Section Code', 'Section School Code', 'User Unique ID', 'Enrollment Type', 'Grading Periods'];
    const result = await preview(
      csvOf(header, [
        { 'Course Code': 'ALG1', 'Section School Code': 'ALG1-P3', 'User Unique ID': HOWLETT.schoolUid, 'Enrollment Type': '1' },
        { 'Course Code': 'ALG1', 'Section Code': 'P3', 'User Unique ID': ORTIZ.schoolUid, 'Enrollment Type': '2', 'Grading Periods': '435' },
        { 'Course Code': 'alg1', 'Section Code': 'P3', 'User Unique ID': student(1).schoolUid, 'Enrollment Type': '2' },
        { 'Course Code': 'ALG1', 'Section Code': 'P3', 'User Unique ID': student(2).schoolUid },
      ]),
    );
    expect(result).toMatchObject({ layout: 'schoology', rows: 4, toEnroll: 1, toChange: 1, unchanged: 1, problemCount: 1 });
    expect(result.changes.map((c) => [c.kind, c.userId, c.role, c.status])).toEqual([
      ['change', HOWLETT.uid, 'teacher', 'active'],
      ['enroll', ORTIZ.uid, 'student', 'active'],
    ]);
    expect(result.problems[0]).toEqual({ line: 4, message: expect.stringContaining('row is for course alg1, section P3, not Algebra I · P3') });
  });
});

describe('applying an import', () => {
  const withBadRows = () =>
    plainFile([
      { 'User ID': HOWLETT.uid, Role: 'Admin' },
      { 'User ID': '999999' },
      { 'User ID': ORTIZ.uid },
      { 'User ID': student(3).uid, Status: 'Gone' },
    ]);

  it('queues nothing while the file has bad rows, and says which', async () => {
    const error = await failure('applyImport', { realmId: SECTION_ID, content: withBadRows(), fileName: 'roster.csv' });
    expect(error).toEqual({
      code: 'import_problems',
      message:
        '2 rows of roster.csv cannot be imported (line 3: no one with User ID 999999 is in the offline cache; check the ID, or pull a roster they are on; line 5: status "Gone" is not a Schoology status; use Active, Expired, Invite pending, Request pending or Archived); nothing was queued. Fix them, or confirm to queue the other 2 changes',
    });
    expect(await pending()).toEqual({ queued: [], rejected: [], conflicts: [] });
    expect(queuedFor).toEqual([]);
  });

  it('queues the other rows once the user confirms skipping the bad ones', async () => {
    expect(await apply(withBadRows(), { skipProblems: true })).toEqual({ queued: 2, merged: 0, cancelled: 0, skippedRows: 2 });
    const rows = await rosterOf();
    expect(rows.find((r) => r.userId === HOWLETT.uid)).toMatchObject({ role: 'teacher', pending: { kind: 'update', state: 'queued' } });
    // The enrolled person is named from the people directory, as a pending enroll made in the roster editor is.
    expect(rows.find((r) => r.userId === ORTIZ.uid)).toMatchObject({ displayName: 'Ana Ortiz', schoolUid: ORTIZ.schoolUid, role: 'student', status: 'active', pending: { kind: 'enroll' } });
    expect(rows.find((r) => r.userId === student(3).uid)?.pending).toBeNull();
    expect(queuedFor).toEqual([ACCOUNT_ID]);
  });

  it('queues a clean file without confirmation, and the same file then has nothing to change', async () => {
    const content = plainFile([{ 'User ID': HOWLETT.uid, Status: 'Expired' }, { 'User ID': ORTIZ.uid, Role: 'Admin' }]);
    expect(await apply(content)).toEqual({ queued: 2, merged: 0, cancelled: 0, skippedRows: 0 });
    expect(await preview(content)).toMatchObject({ toEnroll: 0, toChange: 0, toRemove: 0, unchanged: 2 });
  });

  it('folds a change into the edit already queued for that person', async () => {
    services.outbox.apply([{ kind: 'update', realmId: SECTION_ID, enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher' } }]);
    expect(await apply(plainFile([{ 'User ID': HOWLETT.uid, Status: 'Expired' }]))).toMatchObject({ queued: 0, merged: 1 });
    expect((await pending()).queued).toEqual([expect.objectContaining({ userId: HOWLETT.uid, fields: { role: 'teacher', status: 'completed' } })]);
  });

  it('leaves people the file does not list on the roster without a full sync', async () => {
    const content = plainFile([{ 'User ID': HOWLETT.uid }]);
    expect(await preview(content)).toMatchObject({ toRemove: 0, unchanged: 1 });
  });

  it('removes, with a full sync, everyone the file does not list, but not people named in its bad rows', async () => {
    const content = plainFile([{ 'User ID': HOWLETT.uid }, { 'User ID': student(1).uid, Status: 'Gone' }, { 'School ID': student(2).schoolUid }]);
    const result = await preview(content, { fullSync: true });
    expect(result.changes.map((c) => [c.kind, c.line, c.userId])).toEqual([
      ['remove', null, student(3).uid],
      ['remove', null, student(4).uid],
      ['remove', null, student(5).uid],
      ['remove', null, STRICKLAND.uid],
    ]);
    expect(result).toMatchObject({ toRemove: 4, unchanged: 2, problemCount: 1 });
    expect(await apply(content, { fullSync: true, skipProblems: true })).toEqual({ queued: 4, merged: 0, cancelled: 0, skippedRows: 1 });
    const removed = (await rosterOf()).filter((r) => r.pending?.kind === 'remove').map((r) => r.userId);
    expect(removed.sort()).toEqual([student(3).uid, student(4).uid, student(5).uid, STRICKLAND.uid].sort());
  });

  it('brings back, from the file, someone queued for removal', async () => {
    services.outbox.apply([{ kind: 'remove', realmId: SECTION_ID, enrollmentId: HOWLETT.enrollmentId }]);
    const content = plainFile([{ 'User ID': HOWLETT.uid }]);
    expect((await preview(content)).changes).toEqual([expect.objectContaining({ kind: 'enroll', userId: HOWLETT.uid, role: 'student', status: 'active' })]);
    expect(await apply(content)).toEqual({ queued: 0, merged: 0, cancelled: 1, skippedRows: 0 });
    expect(await pending()).toEqual({ queued: [], rejected: [], conflicts: [] });
  });

  it('enrolls into an empty section everyone a file names', async () => {
    const content = csvOf(['User ID', 'Role'], [{ 'User ID': HOWLETT.uid, Role: 'Member' }, { 'User ID': STRICKLAND.uid, Role: 'Admin' }]);
    expect(await value<ImportResult>('applyImport', { realmId: P5, content })).toEqual({ queued: 2, merged: 0, cancelled: 0, skippedRows: 0 });
    expect((await rosterOf(P5)).map((r) => [r.displayName, r.role])).toEqual([
      ['James Howlett', 'student'],
      ['Mr. Strickland', 'teacher'],
    ]);
  });

  it('previews 10,000 rows listing the first 1,000 changes, and queues them all in one transaction', async () => {
    services.close();
    rmSync(dir, { recursive: true, force: true });
    services = createServices({ dataDir: join(dir, 'data'), host: 'browser' });
    seedSchool(services.cache, 10_000);
    const rows = services.cache.enrollments.statesOf(SECTION_ID);
    expect(rows).toHaveLength(10_002);
    const content = csvOf(['User ID', 'Status'], rows.map((row) => ({ 'User ID': row.userId, Status: 'Expired' })));
    const shown = await preview(content);
    expect([shown.toChange, shown.changes.length]).toEqual([10_002, 1_000]);
    expect(await apply(content)).toEqual({ queued: 10_002, merged: 0, cancelled: 0, skippedRows: 0 });
    expect(services.cache.outbox.listByAccount(ACCOUNT_ID)).toHaveLength(10_002);
  });
});

describe('a round trip', () => {
  it('imports the plain export of a roster with pending edits as nothing to change, even as a full sync', async () => {
    services.outbox.apply([
      { kind: 'update', realmId: SECTION_ID, enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher' } },
      { kind: 'remove', realmId: SECTION_ID, enrollmentId: student(1).enrollmentId },
      { kind: 'enroll', realmId: SECTION_ID, userId: ORTIZ.uid, fields: { role: 'student', status: 'invited' } },
    ]);
    const file = await value<ExportFile>('exportRoster', { realmIds: [SECTION_ID], format: 'plain' });
    const result = await preview(file.content, { fullSync: true });
    expect(result).toMatchObject({ layout: 'plain', rows: 8, toEnroll: 0, toChange: 0, toRemove: 0, unchanged: 8, problemCount: 0 });
  });

  it('imports the export as the LMS last had it as undoing the pending edits', async () => {
    services.outbox.apply([{ kind: 'update', realmId: SECTION_ID, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'completed' } }]);
    const file = await value<ExportFile>('exportRoster', { realmIds: [SECTION_ID], format: 'plain', includePending: false });
    expect(await apply(file.content)).toEqual({ queued: 0, merged: 0, cancelled: 1, skippedRows: 0 });
    expect(await pending()).toEqual({ queued: [], rejected: [], conflicts: [] });
  });
});
