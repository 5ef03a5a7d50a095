import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addAccount, jsonOf, outcome, removeDir, roster, SEED, tempDataDir, usePulledSchool } from './cli-kit';

/**
 * The offline half of the `roster` command line — realms, pull, list, and queueing edits (enroll, update, remove,
 * apply, pending) — as staff run it: the real bin in a child process, a sandbox LMS in this process, the real keychain
 * (run under scripts/with-keyring.sh, as `npm test` does). Every test gets its own copy of a data folder in which the
 * account was added and the district pulled once, so tests share that setup but not their edits.
 */
const school = usePulledSchool();

const run = (...args: string[]) => roster(school.dataDir, args);
const runJson = async <T>(...args: string[]): Promise<T> => {
  const result = await roster(school.dataDir, [...args, '--json']);
  expect(result.code, outcome(result)).toBe(0);
  return jsonOf<T>(result);
};

interface ListedRow {
  id: string | null;
  uid: string;
  school_uid: string;
  name_display: string;
  admin: number;
  status: number;
  pending: { id: string; kind: string; state: string; fields: Record<string, unknown>; error: string | null } | null;
}
interface PendingJson {
  queued: Array<Record<string, unknown>>;
  rejected: Array<Record<string, unknown>>;
  conflicts: Array<Record<string, unknown>>;
}

/** A student of Algebra P3 other than the documented ones, as the sandbox holds them. */
const someStudent = () => school.sandbox.store.enrollmentsIn(SEED.algebraP3).find((e) => e.admin === 0 && e.status === 1 && e.uid !== SEED.howlett)!;
/** A user of the district not enrolled in Algebra P5. */
const outsiderOfP5 = () => {
  const inP5 = new Set(school.sandbox.store.enrollmentsIn(SEED.algebraP5).map((e) => e.uid));
  return school.sandbox.store.enrollmentsIn(SEED.algebraP3).find((e) => !inP5.has(e.uid))!.uid;
};

describe('roster realms and pull', () => {
  it('lists the cached sections and groups in a table, and with --json', async () => {
    const table = await run('realms');
    expect(table.stdout).toMatch(/^REALM\s+TITLE\s+ENROLLED\s+PENDING\s+PULLED\n/);
    expect(table.stdout).toMatch(/sections\/3719526\s+Algebra I · P3\s+\d+\s+0\s+\d{4}-/);
    const realms = await runJson<Array<Record<string, unknown>>>('realms');
    expect(realms).toHaveLength(school.sandbox.store.listSections().length + school.sandbox.store.listGroups().length);
    expect(realms.find((r) => r.realm === SEED.algebraP3)).toMatchObject({
      kind: 'section',
      title: 'Algebra I · P3',
      enrollments: school.sandbox.store.enrollmentsIn(SEED.algebraP3).length,
      pending: 0,
    });
  });

  it('pulls only the realms named', async () => {
    const before = school.sandbox.requests.length;
    const result = await run('pull', SEED.robotics);
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout).toBe(`Pulled 1 section or group: ${school.sandbox.store.enrollmentsIn(SEED.robotics).length} enrollments.\n`);
    const rosterReads = school.sandbox.requests.slice(before).filter((r) => r.path.endsWith('/enrollments'));
    expect(rosterReads.map((r) => r.path)).toEqual([`${SEED.robotics}/enrollments`]);
  });

  it('exits 1 for a realm the account cannot see, and 2 for something that is not a realm', async () => {
    const unseen = await run('pull', 'sections/999');
    expect(unseen.code, outcome(unseen)).toBe(1);
    expect(unseen.stderr).toContain('sections/999 is not a section or group this account can see');
    const wrong = await run('pull', 'courses/1');
    expect(wrong.code, outcome(wrong)).toBe(2);
    expect(wrong.stderr).toContain('write sections/ID or groups/ID');
  });
});

describe('roster list', () => {
  it('prints the roster as a table', async () => {
    const result = await run('list', SEED.algebraP3);
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout).toMatch(/^Algebra I · P3 \(sections\/3719526\)\nID\s+UID\s+SCHOOL UID\s+NAME\s+ROLE\s+STATUS\s+PENDING\n/);
    expect(result.stdout).toMatch(/44783136\s+48289\s+s1\s+James Howlett\s+member\s+1 Active\n/);
  });

  it('prints {id, uid, school_uid, name_display, admin, role, status, pending} per enrollment with --json', async () => {
    const rows = await runJson<ListedRow[]>('list', SEED.algebraP3);
    expect(rows).toHaveLength(school.sandbox.store.enrollmentsIn(SEED.algebraP3).length);
    expect(rows.find((r) => r.uid === SEED.howlett)).toEqual({
      id: SEED.howlettEnrollment,
      uid: SEED.howlett,
      school_uid: 's1',
      name_display: 'James Howlett',
      admin: 0,
      role: 'student',
      status: 1,
      pending: null,
    });
  });

  it('filters by --status, --role and --search', async () => {
    const expired = await runJson<ListedRow[]>('list', SEED.algebraP3, '--status', '2');
    expect(expired.map((r) => r.uid).sort()).toEqual(school.sandbox.store.enrollmentsIn(SEED.algebraP3).filter((e) => e.status === 2).map((e) => e.uid).sort());
    const admins = await runJson<ListedRow[]>('list', SEED.algebraP3, '--role', 'admin');
    expect(admins.map((r) => r.uid).sort()).toEqual(school.sandbox.store.enrollmentsIn(SEED.algebraP3).filter((e) => e.admin === 1).map((e) => e.uid).sort());
    expect((await runJson<ListedRow[]>('list', SEED.algebraP3, '--search', 'howl')).map((r) => r.uid)).toEqual([SEED.howlett]);
  });

  it('exits 1 asking for a pull when the realm is not cached', async () => {
    const result = await run('list', 'sections/999');
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr).toBe('roster: sections/999 is not in the offline cache; run `roster pull` first\n');
  });

  it('exits 2 for a --status or --role it does not know', async () => {
    expect((await run('list', SEED.algebraP3, '--status', '9')).code).toBe(2);
    expect((await run('list', SEED.algebraP3, '--role', 'teacher')).code).toBe(2);
  });
});

describe('queueing edits', () => {
  it('enroll queues the person without touching the network; list shows them with the pending op', async () => {
    const uid = outsiderOfP5();
    const before = school.sandbox.requests.length;
    const result = await run('enroll', SEED.algebraP5, '--uid', uid, '--status', '3');
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Queued [0-9a-f]{8}: enroll uid ${uid} in sections/4318461 admin=0 status=3\\. \`roster sync\` sends it\\.\\n$`));
    expect(school.sandbox.requests.length).toBe(before);
    const row = (await runJson<ListedRow[]>('list', SEED.algebraP5)).find((r) => r.uid === uid);
    expect(row).toMatchObject({ id: null, admin: 0, status: 3, pending: { kind: 'enroll', state: 'queued', fields: { admin: 0, status: 3 }, error: null } });
  });

  it('enroll --admin enrolls as an admin; --json prints the outcome and the op', async () => {
    const uid = outsiderOfP5();
    const result = await runJson<Record<string, unknown>>('enroll', SEED.algebraP5, '--uid', uid, '--admin');
    expect(result).toEqual({
      outcome: 'queued',
      op: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        kind: 'enroll',
        state: 'queued',
        realm: SEED.algebraP5,
        enrollment_id: null,
        uid,
        fields: { admin: 1, status: 1 },
        attempts: 0,
        error: null,
      },
    });
  });

  it('update overlays the new values and a second update merges into the same op', async () => {
    const student = someStudent();
    expect((await run('update', SEED.algebraP3, student.id, '--status', '2')).code).toBe(0);
    const second = await run('update', SEED.algebraP3, student.id, '--admin', '1');
    expect(second.code, outcome(second)).toBe(0);
    expect(second.stdout).toMatch(/^Merged into unsynced edit [0-9a-f]{8}: update enrollment \d+ in sections\/3719526 admin=1 status=2\.\n$/);
    const row = (await runJson<ListedRow[]>('list', SEED.algebraP3)).find((r) => r.id === student.id);
    expect(row).toMatchObject({ admin: 1, status: 2, pending: { kind: 'update', fields: { admin: 1, status: 2 } } });
    const pending = await runJson<PendingJson>('pending');
    expect(pending.queued).toHaveLength(1);
  });

  it('an update back to the server value cancels the queued one', async () => {
    const student = someStudent();
    await run('update', SEED.algebraP3, student.id, '--status', '5');
    const back = await run('update', SEED.algebraP3, student.id, '--status', '1');
    expect(back.code, outcome(back)).toBe(0);
    expect(back.stdout).toContain('Cancelled');
    expect(await runJson<PendingJson>('pending')).toEqual({ queued: [], rejected: [], conflicts: [] });
  });

  it('remove marks the enrollment as pending removal', async () => {
    const result = await run('remove', SEED.algebraP3, SEED.howlettEnrollment);
    expect(result.code, outcome(result)).toBe(0);
    const row = (await runJson<ListedRow[]>('list', SEED.algebraP3)).find((r) => r.uid === SEED.howlett);
    expect(row?.pending).toMatchObject({ kind: 'remove', state: 'queued', fields: {} });
    const table = await run('list', SEED.algebraP3);
    expect(table.stdout).toMatch(/James Howlett .*remove \(queued\) [0-9a-f]{8}/);
  });

  it('pending lists queued edits with op id, kind, realm, enrollment id or uid and Schoology fields', async () => {
    const uid = outsiderOfP5();
    await run('enroll', SEED.algebraP5, '--uid', uid);
    await run('update', SEED.algebraP3, SEED.howlettEnrollment, '--status', '2');
    const pending = await runJson<PendingJson>('pending');
    expect(pending.rejected).toEqual([]);
    expect(pending.conflicts).toEqual([]);
    expect(pending.queued).toEqual([
      expect.objectContaining({ kind: 'enroll', state: 'queued', realm: SEED.algebraP5, uid, enrollment_id: null, fields: { admin: 0, status: 1 } }),
      expect.objectContaining({ kind: 'update', state: 'queued', realm: SEED.algebraP3, uid: SEED.howlett, enrollment_id: SEED.howlettEnrollment, fields: { status: 2 } }),
    ]);
    const table = await run('pending');
    expect(table.stdout).toMatch(/^OP\s+STATE\s+EDIT\s+DETAIL\n/);
    expect(table.stdout).toContain(`update enrollment ${SEED.howlettEnrollment} in ${SEED.algebraP3} status=2`);
    expect(table.stdout).toContain('2 queued edits, 0 rejected, 0 in conflict.');
  });

  it('exits 1 naming the problem for an enrollment id the roster does not hold', async () => {
    const result = await run('remove', SEED.algebraP3, '123456');
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await runJson<PendingJson>('pending')).toEqual({ queued: [], rejected: [], conflicts: [] });
  });

  it.each([
    ['enroll without --uid', ['enroll', SEED.algebraP3], '--uid UID is required'],
    ['update without a field', ['update', SEED.algebraP3, SEED.howlettEnrollment], 'say what changes'],
    ['update --admin 2', ['update', SEED.algebraP3, SEED.howlettEnrollment, '--admin', '2'], '--admin must be 0 (member) or 1 (admin)'],
  ])('exits 2 for %s', async (_, args, message) => {
    const result = await roster(school.dataDir, args);
    expect(result.code, outcome(result)).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('pulls a realm the cache does not know before queueing an edit to it', async () => {
    const fresh = tempDataDir();
    try {
      await addAccount(fresh, school.sandbox);
      const result = await roster(fresh, ['enroll', SEED.algebraP5, '--uid', outsiderOfP5()]);
      expect(result.code, outcome(result)).toBe(0);
      const realms = jsonOf<Array<{ realm: string; enrollments: number; pending: number }>>(await roster(fresh, ['realms', '--json']));
      expect(realms.find((r) => r.realm === SEED.algebraP5)).toMatchObject({ enrollments: school.sandbox.store.enrollmentsIn(SEED.algebraP5).length, pending: 1 });
    } finally {
      removeDir(fresh);
    }
  });
});

describe('roster apply', () => {
  const lines = () => [
    JSON.stringify({ op: 'enroll', realm: SEED.algebraP5, uid: outsiderOfP5(), admin: 0, status: 1 }),
    JSON.stringify({ op: 'update', realm: SEED.algebraP3, id: SEED.howlettEnrollment, status: 2 }),
    '',
    JSON.stringify({ op: 'remove', realm: SEED.algebraP3, id: someStudent().id }),
  ];

  it('queues every line of a file', async () => {
    const file = join(school.dataDir, 'edits.jsonl');
    writeFileSync(file, `${lines().join('\n')}\n`);
    const result = await run('apply', file);
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout).toBe('Queued 3 edits. `roster sync` sends them.\n');
    const pending = await runJson<PendingJson>('pending');
    expect(pending.queued.map((op) => op.kind)).toEqual(['enroll', 'update', 'remove']);
  });

  it('reads the lines from stdin with -, and prints each line\'s outcome with --json', async () => {
    const result = await roster(school.dataDir, ['apply', '-', '--json'], { stdin: lines().join('\n') });
    expect(result.code, outcome(result)).toBe(0);
    expect(jsonOf<Array<{ line: number; outcome: string; op: { kind: string } }>>(result).map((r) => [r.line, r.outcome, r.op.kind])).toEqual([
      [1, 'queued', 'enroll'],
      [2, 'queued', 'update'],
      [4, 'queued', 'remove'],
    ]);
  });

  it('names the bad line and queues nothing when a line does not validate', async () => {
    const bad = [...lines(), JSON.stringify({ op: 'update', realm: SEED.algebraP3, id: SEED.howlettEnrollment, status: 7 })];
    const result = await roster(school.dataDir, ['apply', '-'], { stdin: bad.join('\n') });
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr).toBe(`roster: stdin line 5: status must be 1 to 5 (1 active, 2 expired, 3 invite pending, 4 request pending, 5 archived); nothing was queued\n`);
    expect(await runJson<PendingJson>('pending')).toEqual({ queued: [], rejected: [], conflicts: [] });
  });

  it('reports a line that is not JSON with its line number', async () => {
    const result = await roster(school.dataDir, ['apply', '-'], { stdin: `${lines()[0]}\n{"op":"enroll",\n` });
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr).toContain('stdin line 2: not JSON');
  });

  it('names the line the outbox refuses and rolls back the lines before it', async () => {
    const refused = [lines()[0], JSON.stringify({ op: 'remove', realm: SEED.algebraP3, id: '123456' })];
    const result = await roster(school.dataDir, ['apply', '-'], { stdin: refused.join('\n') });
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr).toMatch(/^roster: line 2: .*; nothing was queued\n$/);
    expect(await runJson<PendingJson>('pending')).toEqual({ queued: [], rejected: [], conflicts: [] });
  });
});
