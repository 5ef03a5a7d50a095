import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addLmsMember } from '../export/export-kit';
import { jsonOf, KEY_OWNER, outcome, removeDir, roster, SEED, usePulledSchool } from './cli-kit';

/**
 * `roster export` as staff run it: the real bin in a child process, on a data folder where the account was added and
 * the sandbox's small school pulled once (each test works on its own copy). The sandbox school has one more Algebra P3
 * student, whose first name is a spreadsheet formula (so the refusals of the interchange formats can be seen), and its
 * key owner, Mr. Strickland, has a school ID (so the SIS layouts can name him).
 */
const FORMULA_PERSON = { uid: '99000666', schoolUid: '000666', first: '=HYPERLINK("http://x")', last: 'Formula' } as const;
/** The seed leaves the key owner's school ID blank; the SIS layouts need one, so this school has given him one. */
const STRICKLAND_SCHOOL_UID = 'T045552';

let outDir: string;
/** Enrollments of Algebra P3 as the LMS has them (the seed's plus the formula person). */
let p3Size: number;
const school = usePulledSchool((sandbox) => {
  addLmsMember(sandbox.store, SEED.algebraP3, FORMULA_PERSON);
  sandbox.store.updateUser(KEY_OWNER.uid, { school_uid: STRICKLAND_SCHOOL_UID });
  p3Size = sandbox.store.enrollmentsIn(SEED.algebraP3).length;
});

beforeEach(() => {
  outDir = mkdtempSync(join(tmpdir(), 'roster-export-out-'));
});

afterEach(() => {
  removeDir(outDir);
});

const run = (...args: string[]) => roster(school.dataDir, args);
const records = (file: string): string[][] => parse(readFileSync(file, 'utf8'), { record_delimiter: '\r\n', bom: true }) as string[][];

describe('roster export', () => {
  it('writes the plain roster CSV of a realm and prints one line saying what it wrote', async () => {
    const out = join(outDir, 'p3.csv');
    const result = await run('export', SEED.algebraP3, '--out', out);
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout).toBe(`Exported ${p3Size} rows from 1 realm(s) to ${out}\n`);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('Realm,Course code,Section code,Section school code,User ID,School ID,First name,Last name,Name,Role,Status,Pending\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const rows = records(out);
    expect(rows).toHaveLength(p3Size + 1);
    // Without Excel mode, values are the LMS's, leading zeros and all.
    expect(rows.find((row) => row[4] === FORMULA_PERSON.uid)?.slice(5, 8)).toEqual([FORMULA_PERSON.schoolUid, FORMULA_PERSON.first, FORMULA_PERSON.last]);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('with --excel adds the BOM and neutralises formula-like cells', async () => {
    const out = join(outDir, 'p3.csv');
    const result = await run('export', SEED.algebraP3, '--out', out, '--excel');
    expect(result.code, outcome(result)).toBe(0);
    expect(readFileSync(out).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(records(out).find((row) => row[4] === FORMULA_PERSON.uid)?.[6]).toBe(`'${FORMULA_PERSON.first}`);
  });

  it('writes OneRoster as a zip when FILE ends in .zip, else as a folder of the four files', async () => {
    const zip = join(outDir, 'p5.zip');
    const zipped = await run('export', SEED.algebraP5, '--format', 'oneroster', '--out', zip);
    expect(zipped.code, outcome(zipped)).toBe(0);
    const p5Size = school.sandbox.store.enrollmentsIn(SEED.algebraP5).length;
    expect(zipped.stdout).toBe(`Exported ${p5Size} rows from 1 realm(s) to ${zip}\n`);
    const entries = unzipSync(readFileSync(zip));
    expect(Object.keys(entries).sort()).toEqual(['classes.csv', 'enrollments.csv', 'manifest.csv', 'users.csv']);

    const folder = join(outDir, 'p5-oneroster');
    const unzippedFolder = await run('export', SEED.algebraP5, '--format', 'oneroster', '--out', folder);
    expect(unzippedFolder.code, outcome(unzippedFolder)).toBe(0);
    expect(readdirSync(folder).sort()).toEqual(['classes.csv', 'enrollments.csv', 'manifest.csv', 'users.csv']);
    for (const name of ['classes.csv', 'enrollments.csv', 'users.csv']) {
      // The same rows either way; only dateLastModified (the export's time) differs between the two runs.
      const strip = (text: string) => text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T');
      expect(strip(readFileSync(join(folder, name), 'utf8'))).toBe(strip(strFromU8(entries[name]!)));
    }
    expect(records(join(folder, 'enrollments.csv'))).toHaveLength(p5Size + 1);
    expect(readdirSync(outDir).sort()).toEqual(['p5-oneroster', 'p5.zip']);
  });

  it('writes the Canvas SIS and Schoology layouts, with school IDs as they are', async () => {
    const canvas = join(outDir, 'canvas.csv');
    const canvasRun = await run('export', SEED.algebraP3, SEED.algebraP5, '--format', 'canvas-sis', '--out', canvas);
    expect(canvasRun.code, outcome(canvasRun)).toBe(0);
    const both = p3Size + school.sandbox.store.enrollmentsIn(SEED.algebraP5).length;
    expect(canvasRun.stdout).toBe(`Exported ${both} rows from 2 realm(s) to ${canvas}\n`);
    const canvasRows = records(canvas);
    expect(canvasRows[0]).toEqual(['course_id', 'user_id', 'role', 'section_id', 'status']);
    expect(canvasRows).toContainEqual(['ALG1', FORMULA_PERSON.schoolUid, 'student', 'ALG1-P3', 'active']);
    expect(canvasRows).toContainEqual(['ALG1', STRICKLAND_SCHOOL_UID, 'teacher', 'ALG1-P5', 'active']);

    const schoology = join(outDir, 'schoology.csv');
    const schoologyRun = await run('export', SEED.algebraP3, '--format', 'schoology', '--out', schoology);
    expect(schoologyRun.code, outcome(schoologyRun)).toBe(0);
    const schoologyRows = records(schoology);
    expect(schoologyRows[0]).toEqual(['Course Code', 'Section Code', 'Section School Code', 'User Unique ID', 'Enrollment Type']);
    expect(schoologyRows).toHaveLength(p3Size + 1);
    expect(schoologyRows).toContainEqual(['ALG1', 'P3', 'ALG1-P3', STRICKLAND_SCHOOL_UID, '1']);
    expect(schoologyRows).toContainEqual(['ALG1', 'P3', 'ALG1-P3', 's1', '2']);
  });

  it('refuses a group in the Schoology layout, naming it, and leaves no file behind', async () => {
    const out = join(outDir, 'robotics.csv');
    const refused = await run('export', SEED.robotics, '--format', 'schoology', '--out', out);
    expect(refused.code, outcome(refused)).toBe(1);
    expect(refused.stderr).toMatch(/^roster: Schoology import file row 1, line 2 \(.+, groups\/65371\): .+ is a group; Schoology imports group enrollments one group at a time; export groups as plain CSV\n$/);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('refuses a formula-like value in OneRoster, naming the row, and leaves no file behind', async () => {
    const out = join(outDir, 'p3.zip');
    writeFileSync(`${out}.partial`, 'left over from a crash');
    const result = await run('export', SEED.algebraP3, '--format', 'oneroster', '--out', out);
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr).toMatch(
      /^roster: users\.csv row \d+, line \d+ \(=HYPERLINK\("http:\/\/x"\) Formula, user 99000666\): first name "=HYPERLINK\("http:\/\/x"\)" starts with "=", which spreadsheets run as a formula; OneRoster files cannot alter it/,
    );
    expect(result.stdout).toBe('');
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('exports every cached realm with `all`, and says so with --json', async () => {
    const out = join(outDir, 'all.csv');
    const result = await run('export', 'all', '--out', out, '--json');
    expect(result.code, outcome(result)).toBe(0);
    const realms = school.sandbox.store.listSections().length + school.sandbox.store.listGroups().length;
    const rows = school.sandbox.store.countEnrollments();
    expect(jsonOf(result)).toEqual({ file: out, format: 'plain', rows, realms });
    expect(records(out)).toHaveLength(rows + 1);
  });

  it('shows queued edits, or with --without-pending the roster as the LMS last had it', async () => {
    const removed = await run('remove', SEED.algebraP3, SEED.howlettEnrollment);
    expect(removed.code, outcome(removed)).toBe(0);
    const withPending = join(outDir, 'with.csv');
    const without = join(outDir, 'without.csv');
    expect((await run('export', SEED.algebraP3, '--out', withPending)).code).toBe(0);
    expect((await run('export', SEED.algebraP3, '--out', without, '--without-pending')).code).toBe(0);
    expect(records(withPending).find((row) => row[4] === SEED.howlett)?.[11]).toBe('to remove');
    expect(records(without).find((row) => row[4] === SEED.howlett)?.[11]).toBe('');
  });

  it('fails with exit 1 naming a realm that is not cached, and exit 2 for a wrong command line', async () => {
    const out = join(outDir, 'x.csv');
    const unknown = await run('export', 'sections/1', '--out', out);
    expect(unknown.code, outcome(unknown)).toBe(1);
    expect(unknown.stderr).toBe('roster: sections/1 is not in the offline cache; run `roster pull` first (`roster realms` lists what is cached)\n');

    const excel = await run('export', SEED.algebraP3, '--format', 'oneroster', '--excel', '--out', out);
    expect(excel.code, outcome(excel)).toBe(2);
    expect(excel.stderr).toMatch(/^roster: export: --excel is for the plain format/);

    const format = await run('export', SEED.algebraP3, '--format', 'xlsx', '--out', out);
    expect(format.code, outcome(format)).toBe(2);
    const noOut = await run('export', SEED.algebraP3);
    expect(noOut.code, outcome(noOut)).toBe(2);
    expect(noOut.stderr).toMatch(/^roster: export: --out FILE is required/);
    expect(readdirSync(outDir)).toEqual([]);
  });
});
