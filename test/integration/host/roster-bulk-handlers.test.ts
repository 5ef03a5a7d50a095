import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEnvelope, BulkEditResult, EditResult, ExportFile, KnownPerson, RosterPage, RosterRow, RowRef } from '../../../shared/api';
import { dispatch } from '../../../electron/api-dispatch';
import { createServices, type Services } from '../../../electron/services';
import { SchoologyClient } from '../../../electron/lms/schoology/schoology-client';
import { SchoologyProvider } from '../../../electron/lms/schoology/schoology-provider';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { pullAccount } from '../../../electron/sync/pull';

/**
 * The roster editor's bulk methods of RosterApi — findPeople, queryRosterRefs, editFiltered, exportRoster — as the
 * renderer calls them (through dispatch, inputs and outputs checked) over real services on a cache file pulled from the
 * sandbox LMS's small school.
 */
const ACCOUNT = 'school';
const P3 = `${ACCOUNT}/sections/3719526`;
const P5 = `${ACCOUNT}/sections/4318461`;
const HOWLETT = { uid: '48289', enrollmentId: '44783136' } as const;
const STRICKLAND = { uid: '45552', enrollmentId: '43807916' } as const;

let sandbox: Sandbox;
let dir: string;
let services: Services;
let queuedFor: string[];

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: null });
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-bulk-api-'));
  queuedFor = [];
  services = createServices({
    dataDir: join(dir, 'data'),
    host: 'browser',
    // What a host's background sync hears: which accounts have new edits to send.
    sync: {
      syncNow: async () => null,
      editsQueued: (accountId) => queuedFor.push(accountId),
      connectivityOf: () => 'unknown',
      isSyncing: () => false,
      lastRunOf: () => null,
    },
  });
  services.cache.accounts.save({ id: ACCOUNT, name: 'Sandbox', provider: 'schoology', baseUrl: sandbox.url });
  const provider = new SchoologyProvider(
    new SchoologyClient({ baseUrl: sandbox.url, credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret } }),
  );
  // Pulled, never synced: the sandbox is only the source of a real school's rosters here.
  await pullAccount(services.cache, ACCOUNT, provider);
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

const apply = async (...edits: unknown[]) => (await value<{ results: EditResult[] }>('applyEdits', { edits })).results;

/** Every row of a query, page by page, as the roster view would read them. */
async function allRows(query: Record<string, unknown>): Promise<RosterRow[]> {
  const rows: RosterRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await value<RosterPage>('queryRoster', { ...query, offset, limit: 500 });
    rows.push(...page.rows);
    if (rows.length >= page.total) return rows;
  }
}

const refOf = (row: RosterRow): RowRef => ({ realmId: row.realmId, enrollmentId: row.enrollmentId ?? row.pending!.opId });
const rowOf = async (realmId: string, userId: string) => (await allRows({ realmIds: [realmId] })).find((row) => row.userId === userId);

/** Someone in Algebra I · P5 who is not in P3: a person the cache knows, to enroll in P3. */
async function personOnlyInP5(): Promise<RosterRow> {
  const inP3 = new Set((await allRows({ realmIds: [P3] })).map((row) => row.userId));
  const person = (await allRows({ realmIds: [P5], roles: ['student'] })).find((row) => !inP3.has(row.userId));
  if (!person) throw new Error('the sandbox seed has no P5 student outside P3');
  return person;
}

const csv = (file: ExportFile): string[][] => parse(file.content, { record_delimiter: '\r\n' }) as string[][];

const HEADER = ['Realm', 'Course code', 'Section code', 'Section school code', 'User ID', 'School ID', 'First name', 'Last name', 'Name', 'Role', 'Status', 'Pending'];

describe('findPeople', () => {
  it("finds people of the account's cached rosters by part of a name or school uid, whatever the case", async () => {
    expect(await value<KnownPerson[]>('findPeople', { accountId: ACCOUNT, text: 'HOWL' })).toEqual([
      { userId: HOWLETT.uid, schoolUid: 's1', displayName: 'James Howlett', sortableName: 'Howlett, James' },
    ]);
    const bySchoolUid = await value<KnownPerson[]>('findPeople', { accountId: ACCOUNT, text: 's1' });
    expect(bySchoolUid.map((person) => person.schoolUid)).toContain('s1');
    expect(bySchoolUid.every((person) => person.schoolUid.includes('s1'))).toBe(true);
  });

  it('finds people by a name typed "last, first", in the roster and in the directory', async () => {
    services.cache.enrollments.rememberPerson(ACCOUNT, {
      userId: '99001',
      schoolUid: 's9001',
      pictureUrl: '',
      name: { title: '', first: 'Éva', firstPreferred: '', middle: '', last: 'Núñez', display: 'Éva Núñez', sortable: 'Núñez, Éva' },
    });
    expect((await value<KnownPerson[]>('findPeople', { accountId: ACCOUNT, text: 'howlett, j' })).map((person) => person.userId)).toEqual([HOWLETT.uid]);
    expect((await value<KnownPerson[]>('findPeople', { accountId: ACCOUNT, text: 'nunez, e' })).map((person) => person.userId)).toEqual(['99001']);
  });

  it('lists each person once, by name, at most `limit` of them', async () => {
    const people = await value<KnownPerson[]>('findPeople', { accountId: ACCOUNT, text: 'a', limit: 7 });
    expect(people).toHaveLength(7);
    expect(new Set(people.map((person) => person.userId)).size).toBe(7);
    const keys = people.map((person) => person.sortableName.toLowerCase());
    expect(keys).toEqual([...keys].sort());
  });

  it('also finds people known only from the directory of looked-up people, ignoring accents', async () => {
    services.cache.enrollments.rememberPerson(ACCOUNT, {
      userId: '99001',
      schoolUid: 's9001',
      pictureUrl: '',
      name: { title: '', first: 'Éva', firstPreferred: '', middle: '', last: 'Núñez', display: 'Éva Núñez', sortable: 'Núñez, Éva' },
    });
    expect(await value<KnownPerson[]>('findPeople', { accountId: ACCOUNT, text: 'nunez' })).toEqual([
      { userId: '99001', schoolUid: 's9001', displayName: 'Éva Núñez', sortableName: 'Núñez, Éva' },
    ]);
  });

  it('fails with unknown_account for an account the cache does not have', async () => {
    expect((await failure('findPeople', { accountId: 'elsewhere', text: 'howl' })).code).toBe('unknown_account');
  });
});

describe('queryRosterRefs', () => {
  it("answers the refs of a query's rows in the query's order, a queued enroll named by its op id, and the total", async () => {
    const person = await personOnlyInP5();
    await apply({ kind: 'enroll', realmId: P3, userId: person.userId, fields: { role: 'student', status: 'active' } });
    const query = { realmIds: [P3, P5], roles: ['student'], sort: { column: 'status', direction: 'desc' } };

    const answer = await value<{ refs: RowRef[]; total: number }>('queryRosterRefs', query);

    const rows = await allRows(query);
    expect(answer).toEqual({ refs: rows.map(refOf), total: rows.length });
    const enrolled = rows.find((row) => row.realmId === P3 && row.userId === person.userId)!;
    expect(enrolled.enrollmentId).toBeNull();
    expect(answer.refs).toContainEqual({ realmId: P3, enrollmentId: enrolled.pending!.opId });
  });

  it('pages with offset and limit, the total still counting every row', async () => {
    const all = await value<{ refs: RowRef[]; total: number }>('queryRosterRefs', { realmIds: [P3] });
    const page = await value<{ refs: RowRef[]; total: number }>('queryRosterRefs', { realmIds: [P3], offset: 5, limit: 3 });
    expect(page).toEqual({ refs: all.refs.slice(5, 8), total: all.total });
    expect(await value('queryRosterRefs', { realmIds: [P3], offset: all.total + 10 })).toEqual({ refs: [], total: all.total });
  });
});

describe('editFiltered', () => {
  it('queues an update naming only the fields that change for every matching row but the exceptions, and tells the sync', async () => {
    const students = await allRows({ realmIds: [P3], roles: ['student'] });
    const alreadyCompleted = students.filter((row) => row.status === 'completed');
    expect(alreadyCompleted.length).toBeGreaterThan(0);
    const howlett = students.find((row) => row.userId === HOWLETT.uid)!;

    const result = await value<BulkEditResult>('editFiltered', {
      filter: { realmIds: [P3], roles: ['student'] },
      except: [refOf(howlett)],
      change: { kind: 'update', fields: { role: 'student', status: 'completed' } },
    });

    expect(result).toEqual({ queued: students.length - alreadyCompleted.length - 1, merged: 0, cancelled: 0, skipped: 0 });
    expect(queuedFor).toEqual([ACCOUNT]);
    const after = await allRows({ realmIds: [P3], roles: ['student'] });
    for (const row of after) {
      if (row.userId === HOWLETT.uid) expect(row).toMatchObject({ status: 'active', pending: null });
      else if (alreadyCompleted.some((done) => done.userId === row.userId)) expect(row.pending).toBeNull();
      else expect(row).toMatchObject({ status: 'completed', pending: { kind: 'update', fields: ['status'], state: 'queued' } });
    }
    // The teacher was not in the filter.
    expect((await rowOf(P3, STRICKLAND.uid))?.pending).toBeNull();
  });

  it('folds into edits already queued and cancels what sets a row back to the LMS value', async () => {
    const [raised] = await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher' } });
    const [archived] = await apply({ kind: 'update', realmId: P3, enrollmentId: STRICKLAND.enrollmentId, fields: { status: 'inactive' } });

    const result = await value<BulkEditResult>('editFiltered', {
      filter: { realmIds: [P3], search: 'Howlett' },
      change: { kind: 'update', fields: { status: 'completed' } },
    });
    expect(result).toEqual({ queued: 0, merged: 1, cancelled: 0, skipped: 0 });
    expect(await rowOf(P3, HOWLETT.uid)).toMatchObject({ role: 'teacher', status: 'completed', pending: { opId: raised!.opId } });

    const back = await value<BulkEditResult>('editFiltered', {
      filter: { realmIds: [P3], search: 'Strickland' },
      change: { kind: 'update', fields: { status: 'active' } },
    });
    expect(back).toEqual({ queued: 0, merged: 0, cancelled: 1, skipped: 0 });
    expect(services.cache.outbox.get(archived!.opId!)).toBeNull();
  });

  it('removes every matching row once: a row already queued for removal stays as it is, a queued enroll is cancelled', async () => {
    const person = await personOnlyInP5();
    await apply({ kind: 'enroll', realmId: P3, userId: person.userId, fields: { role: 'student', status: 'active' } });
    const [removal] = await apply({ kind: 'remove', realmId: P3, enrollmentId: HOWLETT.enrollmentId });
    const serverRows = (await allRows({ realmIds: [P3] })).filter((row) => row.server !== null);

    const result = await value<BulkEditResult>('editFiltered', { filter: { realmIds: [P3] }, change: { kind: 'remove' } });

    expect(result).toEqual({ queued: serverRows.length - 1, merged: 0, cancelled: 1, skipped: 0 });
    const after = await allRows({ realmIds: [P3] });
    expect(after).toHaveLength(serverRows.length);
    expect(after.every((row) => row.pending?.kind === 'remove')).toBe(true);
    expect((await rowOf(P3, HOWLETT.uid))?.pending?.opId).toBe(removal!.opId);
  });

  it('skips and counts rows whose edit is being sent or is held by the LMS, and leaves their edits alone', async () => {
    const [sending] = await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher' } });
    const [refused] = await apply({ kind: 'update', realmId: P3, enrollmentId: STRICKLAND.enrollmentId, fields: { role: 'student' } });
    services.outbox.markInFlight([sending!.opId!]);
    services.outbox.settleRejected(refused!.opId!, 400, 'The section is locked');
    const rows = await allRows({ realmIds: [P3] });

    const result = await value<BulkEditResult>('editFiltered', { filter: { realmIds: [P3] }, change: { kind: 'update', fields: { status: 'inactive' } } });

    expect(result.skipped).toBe(2);
    expect(result.queued).toBe(rows.filter((row) => row.status !== 'inactive').length - 2);
    expect(services.cache.outbox.get(sending!.opId!)).toMatchObject({ state: 'in_flight', fields: { role: 'teacher' } });
    expect(services.cache.outbox.get(refused!.opId!)).toMatchObject({ state: 'rejected', fields: { role: 'student' } });
    expect(services.cache.outbox.listByTarget(P3, HOWLETT.uid)).toHaveLength(1);
  });

  it('refuses a filter naming a realm the cache does not have, queueing nothing', async () => {
    const error = await failure('editFiltered', { filter: { realmIds: [P3, `${ACCOUNT}/sections/1`] }, change: { kind: 'remove' } });
    expect(error.code).toBe('unknown_realm');
    expect(services.cache.outbox.listByAccount(ACCOUNT)).toEqual([]);
  });
});

describe('exportRoster', () => {
  it("writes one realm's roster as RFC 4180 CSV with CRLF line ends, a header row and the provider's words", async () => {
    // A title with a comma and quotes: the CSV must quote it and the file name must not carry it.
    const realm = services.cache.realms.get(P3)!;
    services.cache.realms.saveMany([{ ...realm, title: 'Algebra I, "Honors" · P3' }]);

    const file = await value<ExportFile>('exportRoster', { realmIds: [P3] });

    expect(file).toMatchObject({ fileName: 'algebra-i-honors-p3-roster.csv', mimeType: 'text/csv;charset=utf-8', rows: realm.enrollmentCount });
    expect(file.content.startsWith(`${HEADER.join(',')}\r\n`)).toBe(true);
    expect(file.content.endsWith('\r\n')).toBe(true);
    expect(file.content.replace(/\r\n/g, '')).not.toContain('\n');
    const records = csv(file);
    expect(records[0]).toEqual(HEADER);
    expect(records).toHaveLength(realm.enrollmentCount + 1);
    expect(records.find((record) => record[4] === HOWLETT.uid)).toEqual([
      'Algebra I, "Honors" · P3', 'ALG1', 'P3', 'ALG1-P3', HOWLETT.uid, 's1', 'James', 'Howlett', 'James Howlett', 'Member', 'Active', '',
    ]);
    expect(records.find((record) => record[4] === STRICKLAND.uid)?.slice(9)).toEqual(['Admin', 'Active', '']);
  });

  it('shows the roster as it will be after sync, saying what is pending; without pending edits, the LMS roster', async () => {
    const person = await personOnlyInP5();
    await apply(
      { kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher' } },
      { kind: 'enroll', realmId: P3, userId: person.userId, fields: { role: 'student', status: 'active' } },
      { kind: 'remove', realmId: P3, enrollmentId: STRICKLAND.enrollmentId },
    );
    const chloe = (await allRows({ realmIds: [P3], statuses: ['completed'] }))[0]!;
    const [refused] = await apply({ kind: 'update', realmId: P3, enrollmentId: chloe.enrollmentId!, fields: { status: 'active' } });
    services.outbox.settleRejected(refused!.opId!, 403, 'Past the end of the grading period');
    const serverCount = services.cache.realms.get(P3)!.enrollmentCount;

    const withPending = await value<ExportFile>('exportRoster', { realmIds: [P3] });
    const byUser = new Map(csv(withPending).slice(1).map((record) => [record[4], record]));
    expect(withPending.rows).toBe(serverCount + 1);
    expect(byUser.get(HOWLETT.uid)?.slice(9)).toEqual(['Admin', 'Active', 'changed']);
    expect(byUser.get(person.userId)?.slice(4)).toEqual([person.userId, person.schoolUid, expect.any(String), expect.any(String), person.displayName, 'Member', 'Active', 'to enroll']);
    expect(byUser.get(STRICKLAND.uid)?.slice(9)).toEqual(['Admin', 'Active', 'to remove']);
    expect(byUser.get(chloe.userId)?.slice(9)).toEqual(['Member', 'Active', 'rejected: Past the end of the grading period (LMS code 403)']);

    const lmsOnly = await value<ExportFile>('exportRoster', { realmIds: [P3], includePending: false });
    const server = new Map(csv(lmsOnly).slice(1).map((record) => [record[4], record]));
    expect(lmsOnly.rows).toBe(serverCount);
    expect(server.has(person.userId)).toBe(false);
    expect(server.get(HOWLETT.uid)?.slice(9)).toEqual(['Member', 'Active', '']);
    expect(server.get(STRICKLAND.uid)?.slice(9)).toEqual(['Admin', 'Active', '']);
    expect(server.get(chloe.userId)?.slice(9)).toEqual(['Member', 'Expired', '']);
  });

  it('exports only the selected rows when given them, and previews the first rows while counting all', async () => {
    const rows = await allRows({ realmIds: [P3] });
    const picked = [rows[3]!, rows[7]!];
    const selection = await value<ExportFile>('exportRoster', { realmIds: [P3], only: picked.map(refOf) });
    expect(selection.rows).toBe(2);
    expect(csv(selection).slice(1).map((record) => record[4])).toEqual(picked.map((row) => row.userId));

    const preview = await value<ExportFile>('exportRoster', { realmIds: [P3], previewRows: 5 });
    expect(preview.rows).toBe(rows.length);
    expect(csv(preview).slice(1).map((record) => record[4])).toEqual(rows.slice(0, 5).map((row) => row.userId));

    // A queued enroll is one more row of the roster after sync, and none of the LMS's.
    await apply({ kind: 'enroll', realmId: P3, userId: (await personOnlyInP5()).userId, fields: { role: 'student', status: 'active' } });
    expect((await value<ExportFile>('exportRoster', { realmIds: [P3], previewRows: 5 })).rows).toBe(rows.length + 1);
    const lmsPreview = await value<ExportFile>('exportRoster', { realmIds: [P3], previewRows: 5, includePending: false });
    expect(lmsPreview.rows).toBe(rows.length);
    expect(csv(lmsPreview)).toHaveLength(6);
  });

  it('names a file of several realms by their number and lists them realm by realm', async () => {
    const file = await value<ExportFile>('exportRoster', { realmIds: [P5, P3] });
    expect(file.fileName).toBe('roster-export-2-realms.csv');
    const realms = csv(file).slice(1).map((record) => record[0]);
    expect(realms).toEqual([...realms].sort());
    expect(new Set(realms)).toEqual(new Set(['Algebra I · P3', 'Algebra I · P5']));
    expect(file.rows).toBe(services.cache.realms.get(P3)!.enrollmentCount + services.cache.realms.get(P5)!.enrollmentCount);
  });

  it('fails with unknown_realm for a realm that is not cached', async () => {
    const error = await failure('exportRoster', { realmIds: [`${ACCOUNT}/sections/1`] });
    expect(error).toEqual({ code: 'unknown_realm', message: expect.stringContaining('pull it first') });
  });
});
