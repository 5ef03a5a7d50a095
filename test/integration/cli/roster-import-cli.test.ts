import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import type { SandboxUser } from '../../../electron/sandbox/sandbox-store';
import { jsonOf, KEY_OWNER, outcome, roster, SEED, usePulledSchool } from './cli-kit';

/**
 * `roster import REALM --in FILE [--dry-run] [--full-sync] [--yes]` as staff run it: the real bin in a child process
 * (stdin a pipe, never a terminal, as in a script), on a copy of a data folder where the sandbox's small school was
 * pulled once. Import reads and writes only the cache, so the sandbox is only the source of a real school's rosters.
 */
const school = usePulledSchool();

const run = (...args: string[]) => roster(school.dataDir, args);

/** Writes a CSV (header first, missing cells blank) into the data folder and returns its path. */
function csvFile(header: readonly string[], rows: ReadonlyArray<Record<string, string>>, name = 'roster.csv'): string {
  const path = join(school.dataDir, name);
  writeFileSync(path, stringify([header, ...rows.map((row) => header.map((column) => row[column] ?? ''))], { record_delimiter: 'windows' }));
  return path;
}

const userOf = (uid: string): SandboxUser => school.sandbox.store.getUser(uid)!;
const nameOf = (uid: string): string => userOf(uid).name_display;
/** An active member of Algebra P3 other than James Howlett. */
const p3Member = () => school.sandbox.store.enrollmentsIn(SEED.algebraP3).find((e) => e.admin === 0 && e.status === 1 && e.uid !== SEED.howlett)!.uid;
/** Someone enrolled in Algebra P5 but not in P3: known to the cache, enrollable into P3. */
const outsiderOfP3 = () => {
  const inP3 = new Set(school.sandbox.store.enrollmentsIn(SEED.algebraP3).map((e) => e.uid));
  return school.sandbox.store.enrollmentsIn(SEED.algebraP5).find((e) => !inP3.has(e.uid) && userOf(e.uid).school_uid !== '')!.uid;
};

interface PendingJson {
  queued: Array<{ kind: string; uid: string | null }>;
}
const queuedEdits = async () => {
  const result = await run('pending', '--json');
  expect(result.code, outcome(result)).toBe(0);
  return jsonOf<PendingJson>(result).queued;
};

describe('roster import --dry-run', () => {
  it('prints the rows, the counts and each change, queues nothing, and exits 0', async () => {
    const outsider = outsiderOfP3();
    const file = csvFile(['User ID', 'Role', 'Status'], [
      { 'User ID': SEED.howlett, Role: 'Admin', Status: 'Expired' },
      { 'User ID': outsider },
      { 'User ID': p3Member(), Role: 'Member', Status: 'Active' },
    ]);
    const result = await run('import', SEED.algebraP3, '--in', file, '--dry-run');
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout).toBe(
      [
        `${file}: 3 rows, plain layout, for ${SEED.algebraP3} (Algebra I · P3)`,
        '  to enroll: 1',
        '  to change: 1',
        '  to remove: 0 (people not in the file stay; --full-sync removes them)',
        '  unchanged: 1',
        `  change James Howlett (${SEED.howlett}): role Member → Admin, status Active → Expired`,
        `  enroll ${nameOf(outsider)} (${outsider}) as Member, Active`,
        'Dry run: nothing was queued.',
        '',
      ].join('\n'),
    );
    expect(await queuedEdits()).toEqual([]);
  });

  it('lists every bad row by line and exits 1', async () => {
    const file = csvFile(['User ID', 'Status'], [{ 'User ID': SEED.howlett, Status: 'Gone' }, { 'User ID': '999999' }, { 'User ID': SEED.howlett }]);
    const result = await run('import', SEED.algebraP3, '--in', file, '--dry-run');
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stdout).toContain(
      [
        'line 2: status "Gone" is not a Schoology status; use Active, Expired, Invite pending, Request pending or Archived',
        'line 3: no one with User ID 999999 is in the offline cache; check the ID, or pull a roster they are on',
        `line 4: James Howlett (${SEED.howlett}) is listed again: duplicate of line 2`,
        'Dry run: nothing was queued.',
      ].join('\n'),
    );
  });

  it('lists, with --full-sync, the people the file leaves out as removals', async () => {
    const file = csvFile(['User ID'], [{ 'User ID': SEED.howlett }]);
    const result = await run('import', SEED.algebraP3, '--in', file, '--dry-run', '--full-sync');
    expect(result.code, outcome(result)).toBe(0);
    const others = school.sandbox.store.enrollmentsIn(SEED.algebraP3).filter((e) => e.uid !== SEED.howlett);
    expect(result.stdout).toContain(`  to remove: ${others.length}\n`);
    expect(result.stdout).toContain(`  remove Mr. Strickland (${KEY_OWNER.uid})\n`);
  });
});

describe('roster import', () => {
  it('queues a clean file and says how to send it', async () => {
    const file = csvFile(['User ID', 'Status'], [{ 'User ID': SEED.howlett, Status: 'Archived' }, { 'User ID': outsiderOfP3() }]);
    const result = await run('import', SEED.algebraP3, '--in', file);
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout.split('\n').at(-2)).toBe(`Queued 2 edits for ${SEED.algebraP3}; \`roster sync\` sends them.`);
    expect((await queuedEdits()).map((op) => op.kind).sort()).toEqual(['enroll', 'update']);
  });

  it('refuses a file with bad rows when not told --yes, queuing nothing', async () => {
    const file = csvFile(['User ID', 'Status'], [{ 'User ID': SEED.howlett, Status: 'Archived' }, { 'User ID': '999999' }]);
    const result = await run('import', SEED.algebraP3, '--in', file);
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stdout).toContain('line 3: no one with User ID 999999');
    expect(result.stderr).toBe('roster: 1 row cannot be imported; nothing was queued. Fix them, or run again with --yes to queue the other 1 change\n');
    expect(await queuedEdits()).toEqual([]);
  });

  it('queues the other rows with --yes', async () => {
    const file = csvFile(['User ID', 'Status'], [{ 'User ID': SEED.howlett, Status: 'Archived' }, { 'User ID': '999999' }, { 'User ID': p3Member(), Status: 'Nope' }]);
    const result = await run('import', SEED.algebraP3, '--in', file, '--yes');
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout).toContain(`Queued 1 edit for ${SEED.algebraP3}; \`roster sync\` sends them.`);
    expect(await queuedEdits()).toEqual([expect.objectContaining({ kind: 'update', uid: SEED.howlett })]);
  });

  it('says so when the roster already matches the file', async () => {
    const file = csvFile(['User ID', 'Role'], [{ 'User ID': SEED.howlett, Role: 'Member' }]);
    const result = await run('import', SEED.algebraP3, '--in', file);
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout.split('\n').at(-2)).toBe(`Nothing to change: the roster already matches ${file}.`);
  });

  it("reads Schoology's course-enrollment layout", async () => {
    const outsider = outsiderOfP3();
    const file = csvFile(['Course Code', 'Section Code', 'Section School Code', 'User Unique ID', 'Enrollment Type'], [
      { 'Course Code': 'ALG1', 'Section Code': 'P3', 'Section School Code': 'ALG1-P3', 'User Unique ID': userOf(outsider).school_uid, 'Enrollment Type': '1' },
    ]);
    const realm = school.sandbox.store.listSections().find((s) => `sections/${s.id}` === SEED.algebraP3)!;
    expect([realm.course_code, realm.section_school_code]).toEqual(['ALG1', 'ALG1-P3']);
    const result = await run('import', SEED.algebraP3, '--in', file, '--dry-run');
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout).toContain(`1 row, schoology layout, for ${SEED.algebraP3}`);
    expect(result.stdout).toContain(`  enroll ${nameOf(outsider)} (${outsider}) as Admin, Active\n`);
  });

  it('prints one JSON document with --json, queued null while nothing was queued', async () => {
    const file = csvFile(['User ID', 'Status'], [{ 'User ID': SEED.howlett, Status: 'Expired' }, { 'User ID': '999999' }]);
    const result = await run('import', SEED.algebraP3, '--in', file, '--json');
    expect(result.code, outcome(result)).toBe(1);
    expect(jsonOf(result)).toEqual({
      file,
      layout: 'plain',
      realm: SEED.algebraP3,
      rows: 2,
      toEnroll: 0,
      toChange: 1,
      toRemove: 0,
      unchanged: 0,
      changes: [{ kind: 'change', line: 2, userId: SEED.howlett, schoolUid: 's1', name: 'James Howlett', role: 'student', status: 'completed', before: { role: 'student', status: 'active' } }],
      problems: [{ line: 3, message: 'no one with User ID 999999 is in the offline cache; check the ID, or pull a roster they are on' }],
      problemCount: 1,
      queued: null,
    });
    const confirmed = await run('import', SEED.algebraP3, '--in', file, '--json', '--yes');
    expect(confirmed.code, outcome(confirmed)).toBe(0);
    expect(jsonOf<{ queued: unknown }>(confirmed).queued).toEqual({ queued: 1, merged: 0, cancelled: 0, skippedRows: 1 });
  });

  it('exits 1 naming a file it cannot read, and 2 without --in', async () => {
    const missing = await run('import', SEED.algebraP3, '--in', join(school.dataDir, 'nope.csv'));
    expect(missing.code, outcome(missing)).toBe(1);
    expect(missing.stderr).toBe(`roster: cannot read ${join(school.dataDir, 'nope.csv')}: no such file\n`);
    const usage = await run('import', SEED.algebraP3);
    expect(usage.code, outcome(usage)).toBe(2);
    expect(usage.stderr).toContain('import: missing --in FILE');
  });

  it('exits 1 for a file that is not CSV, naming the line', async () => {
    const path = join(school.dataDir, 'broken.csv');
    writeFileSync(path, 'User ID,Name\r\n48289,"James\r\n');
    const result = await run('import', SEED.algebraP3, '--in', path);
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr).toContain(`${path} cannot be read as CSV: line 2: a quoted cell that starts on this row is never closed`);
  });

  it('exits 1 for a realm the cache does not hold, asking to pull it first', async () => {
    const file = csvFile(['User ID'], [{ 'User ID': SEED.howlett }]);
    const result = await run('import', 'sections/999', '--in', file);
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr).toBe('roster: sections/999 is not in the offline cache; pull it first (`roster pull sections/999`)\n');
  });
});
