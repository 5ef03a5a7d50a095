import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { SandboxStore } from '../../electron/sandbox/sandbox-server';
import { ACCOUNT_ID, SECTION_ID } from '../support/seed-cache';
import { UI_WAIT, useE2eHarness } from './harness';
import { seededSchool } from './page-actions';
import { screens } from './screens';

/**
 * Rosters downloaded from the renderer as staff get them, in every format, parsed back with the library the app
 * writes them with and checked against the roster the page shows and the LMS (the sandbox) holds.
 */
const { openApp, shot } = useE2eHarness(import.meta.url);

const HEADER = ['Realm', 'Course code', 'Section code', 'Section school code', 'User ID', 'School ID', 'First name', 'Last name', 'Name', 'Role', 'Status', 'Pending'];

async function downloadCsv(page: Page, dialogName: string): Promise<{ fileName: string; rows: string[][] }> {
  const dialog = page.getByRole('dialog', { name: dialogName });
  await expect.poll(() => dialog.getByRole('table', { name: 'Preview' }).count(), UI_WAIT).toBe(1);
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Download CSV' }).click();
  const file = await download;
  const content = await readFile(await file.path(), 'utf8');
  expect(content, 'RFC 4180 line ends').toMatch(/\r\n/);
  return { fileName: file.suggestedFilename(), rows: parse(content) as string[][] };
}

describe('exporting rosters from the renderer', () => {
  it('downloads the roster of the open section as CSV, pending edits included', async () => {
    const { page } = await openApp({
      prepare: seededSchool(2, (services) =>
        services.cache.outbox.enqueue({ accountId: ACCOUNT_ID, realmId: SECTION_ID, kind: 'update', enrollmentId: '44783136', fields: { status: 'inactive' }, base: { status: 'active' } }),
      ),
    });
    const ui = screens(page);
    await expect.poll(() => ui.row('James Howlett').count(), UI_WAIT).toBe(1);
    await ui.exportButton.click();
    const dialog = page.getByRole('dialog', { name: 'Export roster' });
    await expect.poll(() => dialog.getByRole('checkbox', { name: 'Include pending edits' }).isChecked(), UI_WAIT).toBe(true);
    await shot(page, 'export-dialog');

    const { fileName, rows } = await downloadCsv(page, 'Export roster');
    expect(fileName).toBe('algebra-i-p3-roster.csv');
    expect(rows[0]).toEqual(HEADER);
    expect(rows).toHaveLength(1 + 4);
    const howlett = rows.find((row) => row[8] === 'James Howlett');
    expect(howlett).toEqual(['Algebra I · P3', 'ALG1', 'P3', 'ALG1-P3', '48289', 's1', 'James', 'Howlett', 'James Howlett', 'Member', 'Archived', 'changed']);
  });

  it('downloads only the selected people when the selection is chosen', async () => {
    const { page } = await openApp({ prepare: seededSchool(5) });
    const ui = screens(page);
    await ui.selectRow('James Howlett').click();
    await ui.selectRow('Student Number 003').click();
    await ui.exportButton.click();
    const dialog = page.getByRole('dialog', { name: 'Export roster' });
    await expect.poll(() => dialog.getByRole('radio', { name: 'Selected people (2)' }).isChecked(), UI_WAIT).toBe(true);
    expect(await dialog.getByRole('radio', { name: 'Everyone' }).isChecked()).toBe(false);

    const { rows } = await downloadCsv(page, 'Export roster');
    expect(rows.slice(1).map((row) => row[8])).toEqual(['James Howlett', 'Student Number 003']);
  });

  it('exports several rosters chosen in the sidebar into one file', async () => {
    const { page } = await openApp({ prepare: seededSchool(1) });
    const ui = screens(page);
    await ui.exportCheckbox('Algebra I · P3').check();
    await ui.exportCheckbox('Algebra I · P5').check();
    await ui.sidebar.getByRole('button', { name: 'Export 2 rosters' }).click();
    const { fileName, rows } = await downloadCsv(page, 'Export 2 rosters');
    expect(fileName).toBe('roster-export-2-realms.csv');
    expect(rows.slice(1).map((row) => row[0])).toEqual(['Algebra I · P3', 'Algebra I · P3', 'Algebra I · P3']);
  });
});

const P3_KEY = 'sections/3719526';
const SCHOOLOGY_STATUS_WORDS: Record<number, string> = { 1: 'Active', 2: 'Expired', 3: 'Invite pending', 4: 'Request pending', 5: 'Archived' };
/** OneRoster 1.1 enrollment status: the LMS's active and invite-pending rows are active, the rest on their way out. */
const ONEROSTER_STATUS: Record<number, string> = { 1: 'active', 2: 'tobedeleted', 3: 'active', 4: 'tobedeleted', 5: 'tobedeleted' };
/** Canvas SIS enrollment status: an invite cannot be imported (active), a request or an archived one is inactive. */
const CANVAS_STATUS: Record<number, string> = { 1: 'active', 2: 'completed', 3: 'active', 4: 'inactive', 5: 'inactive' };

interface LmsEnrollment {
  enrollmentId: string;
  uid: string;
  schoolUid: string;
  name: string;
  admin: boolean;
  status: number;
}

/** The realm's roster as the sandbox LMS holds it. */
function lmsRoster(store: SandboxStore, realmKey: string): LmsEnrollment[] {
  return store.enrollmentsIn(realmKey).map((enrollment) => {
    const user = store.getUser(enrollment.uid)!;
    return { enrollmentId: enrollment.id, uid: enrollment.uid, schoolUid: user.school_uid, name: user.name_display, admin: enrollment.admin === 1, status: enrollment.status };
  });
}

const csvRecords = (text: string): string[][] => parse(text, { bom: true }) as string[][];
const byFirst = (records: string[][]): string[][] => [...records].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));

/** Opens Algebra I · P3 of the Sandbox district; answers how many people the page says it holds. */
async function openSandboxP3() {
  const app = await openApp({ sandbox: true });
  const ui = screens(app.page);
  await ui.realm('Algebra I · P3').click();
  await expect.poll(() => ui.row('James Howlett').count(), UI_WAIT).toBe(1);
  const shown = Number(/^(\d+) people$/.exec(await ui.peopleCount.innerText())?.[1]);
  return { ...app, ui, store: app.district!.sandbox.store, shown };
}

/** Clicks the dialog's download button once its preview is on screen; answers the file as the browser saved it. */
async function download(page: Page, dialog: Locator, button: 'Download CSV' | 'Download zip'): Promise<{ fileName: string; bytes: Buffer }> {
  await expect.poll(() => dialog.getByRole('table', { name: 'Preview' }).count(), UI_WAIT).toBe(1);
  const saved = page.waitForEvent('download');
  await dialog.getByRole('button', { name: button }).click();
  const file = await saved;
  return { fileName: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

describe('exporting a Sandbox district section in each format', () => {
  it('Plain CSV: every person of the roster shown, with roles and statuses in the LMS\'s words', async () => {
    const { page, ui, store, shown } = await openSandboxP3();
    await ui.exportButton.click();
    const dialog = ui.dialog('Export roster');
    expect(await dialog.getByRole('combobox', { name: 'Format' }).inputValue()).toBe('plain');
    const { fileName, bytes } = await download(page, dialog, 'Download CSV');

    expect(fileName).toBe('algebra-i-p3-roster.csv');
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'no BOM outside Excel mode').toBe(false);
    const [header, ...rows] = csvRecords(bytes.toString('utf8'));
    expect(header).toEqual(HEADER);
    expect(rows).toHaveLength(shown);
    expect(byFirst(rows.map((row) => [row[4]!, row[5]!, row[8]!, row[9]!, row[10]!]))).toEqual(
      byFirst(lmsRoster(store, P3_KEY).map((e) => [e.uid, e.schoolUid, e.name, e.admin ? 'Admin' : 'Member', SCHOOLOGY_STATUS_WORDS[e.status]!])),
    );
    expect(new Set(rows.map((row) => row.slice(0, 4).join('|')))).toEqual(new Set(['Algebra I · P3|ALG1|P3|ALG1-P3']));
    await expect.poll(() => page.getByRole('status').filter({ hasText: /^Exported / }).innerText(), UI_WAIT).toBe(`Exported ${shown} rows to algebra-i-p3-roster.csv`);
  });

  it('Plain CSV for Excel starts with the UTF-8 BOM and holds the same rows', async () => {
    const { page, ui, shown } = await openSandboxP3();
    await ui.exportButton.click();
    const dialog = ui.dialog('Export roster');
    await dialog.getByRole('checkbox', { name: 'For Excel (adds a BOM, neutralises formulas)' }).check();
    const { bytes } = await download(page, dialog, 'Download CSV');

    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = csvRecords(bytes.toString('utf8'));
    expect(header).toEqual(HEADER);
    expect(rows).toHaveLength(shown);
  });

  it('OneRoster 1.1: a zip of enrollments, users, classes and a manifest, previewed by its enrollments.csv', async () => {
    const { page, ui, store, shown } = await openSandboxP3();
    await ui.exportButton.click();
    const dialog = ui.dialog('Export roster');
    await dialog.getByRole('combobox', { name: 'Format' }).selectOption({ label: 'OneRoster 1.1 (zip)' });
    await expect.poll(() => dialog.getByRole('region', { name: 'Preview of enrollments.csv' }).count(), UI_WAIT).toBe(1);
    expect(await dialog.getByRole('checkbox', { name: 'For Excel (adds a BOM, neutralises formulas)' }).isDisabled()).toBe(true);
    await shot(page, 'export-dialog-oneroster');
    const { fileName, bytes } = await download(page, dialog, 'Download zip');

    expect(fileName).toBe('algebra-i-p3-oneroster.zip');
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual(['classes.csv', 'enrollments.csv', 'manifest.csv', 'users.csv']);
    const table = (name: string): string[][] => csvRecords(strFromU8(files[name]!));

    const manifest = new Map(table('manifest.csv').map(([property, value]) => [property, value]));
    expect(manifest.get('propertyName')).toBe('value');
    expect(manifest.get('manifest.version')).toBe('1.0');
    expect(manifest.get('oneroster.version')).toBe('1.1');
    for (const file of ['enrollments', 'users', 'classes']) expect(manifest.get(`file.${file}`), file).toMatch(/^(bulk|delta)$/);
    expect(manifest.get('file.orgs')).toBe('absent');

    const [header, ...enrollments] = table('enrollments.csv');
    expect(header).toEqual(['sourcedId', 'status', 'dateLastModified', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role', 'primary', 'beginDate', 'endDate']);
    expect(enrollments).toHaveLength(shown);
    expect(byFirst(enrollments.map((row) => [row[0]!, row[1]!, row[3]!, row[5]!, row[6]!]))).toEqual(
      byFirst(lmsRoster(store, P3_KEY).map((e) => [e.enrollmentId, ONEROSTER_STATUS[e.status]!, '3719526', e.uid, e.admin ? 'teacher' : 'student'])),
    );
    const [usersHeader, ...users] = table('users.csv');
    expect(usersHeader?.slice(0, 3)).toEqual(['sourcedId', 'status', 'dateLastModified']);
    expect(users.map((row) => row[0]).sort()).toEqual(lmsRoster(store, P3_KEY).map((e) => e.uid).sort());
    const [classesHeader, ...classes] = table('classes.csv');
    expect(classesHeader?.slice(0, 4)).toEqual(['sourcedId', 'status', 'dateLastModified', 'title']);
    expect(classes.map((row) => [row[0], row[3]])).toEqual([['3719526', 'Algebra I · P3']]);
  });

  it('Schoology import: refuses the roster, naming the person with no school ID, and downloads the people selected', async () => {
    const { page, ui, store } = await openSandboxP3();
    const picked = (await ui.names()).filter((name) => name !== 'Mr. Strickland').slice(0, 2);
    for (const name of picked) await ui.selectRow(name).click();
    await ui.exportButton.click();
    const dialog = ui.dialog('Export roster');
    await dialog.getByRole('combobox', { name: 'Format' }).selectOption({ label: 'Schoology import' });
    await dialog.getByRole('radio', { name: 'Everyone' }).check();
    const refusal = dialog.getByRole('alert');
    await expect.poll(() => refusal.count(), UI_WAIT).toBe(1);
    expect(await refusal.innerText()).toContain('Mr. Strickland');
    expect(await refusal.innerText()).toContain('school ID');
    expect(await dialog.getByRole('button', { name: 'Download CSV' }).isDisabled(), 'a refused file cannot be downloaded').toBe(true);
    await shot(page, 'export-dialog-refused');

    await dialog.getByRole('radio', { name: 'Selected people (2)' }).check();
    await expect.poll(() => refusal.count(), UI_WAIT).toBe(0);
    const { fileName, bytes } = await download(page, dialog, 'Download CSV');
    expect(fileName).toBe('algebra-i-p3-schoology.csv');
    const [header, ...rows] = csvRecords(bytes.toString('utf8'));
    expect(header).toEqual(['Course Code', 'Section Code', 'Section School Code', 'User Unique ID', 'Enrollment Type']);
    const people = lmsRoster(store, P3_KEY).filter((e) => picked.includes(e.name));
    expect(byFirst(rows.map((row) => [row[3]!, ...row.slice(0, 3), row[4]!]))).toEqual(
      byFirst(people.map((e) => [e.schoolUid, 'ALG1', 'P3', 'ALG1-P3', e.admin ? '1' : '2'])),
    );
  });

  it('Canvas SIS Import: the selected people by school ID, with Canvas roles and statuses', async () => {
    const { page, ui, store } = await openSandboxP3();
    const picked = (await ui.names()).filter((name) => name !== 'Mr. Strickland').slice(0, 3);
    for (const name of picked) await ui.selectRow(name).click();
    await ui.exportButton.click();
    const dialog = ui.dialog('Export roster');
    await dialog.getByRole('combobox', { name: 'Format' }).selectOption({ label: 'Canvas SIS Import' });
    const { fileName, bytes } = await download(page, dialog, 'Download CSV');

    expect(fileName).toBe('algebra-i-p3-canvas-sis.csv');
    const [header, ...rows] = csvRecords(bytes.toString('utf8'));
    expect(header).toEqual(['course_id', 'user_id', 'role', 'section_id', 'status']);
    const people = lmsRoster(store, P3_KEY).filter((e) => picked.includes(e.name));
    expect(byFirst(rows.map((row) => [row[1]!, row[0]!, row[2]!, row[3]!, row[4]!]))).toEqual(
      byFirst(people.map((e) => [e.schoolUid, 'ALG1', e.admin ? 'teacher' : 'student', 'ALG1-P3', CANVAS_STATUS[e.status]!])),
    );
  });

  it('a formula-like name: refused by OneRoster naming its row, neutralised by Plain CSV for Excel', async () => {
    const formula = '=HYPERLINK("http://x")';
    const { page } = await openApp({
      sandbox: true,
      beforeLoad: async ({ district, services }) => {
        const store = district!.sandbox.store;
        store.addUser({ ...store.getUser('48289')!, uid: '77001', school_uid: 's77001', name_first: 'Eve', name_last: formula, name_display: `Eve ${formula}`, username: 'eve001' });
        store.addEnrollment(P3_KEY, { uid: '77001', admin: 0, status: 1 });
        await services.handlers.syncNow({ accountId: 'sandbox' });
      },
    });
    const ui = screens(page);
    await ui.realm('Algebra I · P3').click();
    await expect.poll(() => ui.row(`Eve ${formula}`).count(), UI_WAIT).toBe(1);
    await ui.exportButton.click();
    const dialog = ui.dialog('Export roster');
    await dialog.getByRole('combobox', { name: 'Format' }).selectOption({ label: 'OneRoster 1.1 (zip)' });
    const refusal = dialog.getByRole('alert');
    await expect.poll(() => refusal.count(), UI_WAIT).toBe(1);
    expect(await refusal.innerText()).toContain(`Eve ${formula}`);
    expect(await dialog.getByRole('button', { name: 'Download zip' }).isDisabled()).toBe(true);

    await dialog.getByRole('combobox', { name: 'Format' }).selectOption({ label: 'Plain CSV' });
    await dialog.getByRole('checkbox', { name: 'For Excel (adds a BOM, neutralises formulas)' }).check();
    await expect.poll(() => refusal.count(), UI_WAIT).toBe(0);
    const { bytes } = await download(page, dialog, 'Download CSV');
    const eve = csvRecords(bytes.toString('utf8')).find((row) => row[4] === '77001');
    expect(eve?.slice(6, 8)).toEqual(['Eve', `'${formula}`]);
  });

  it('All cached rosters: one file with every realm the sidebar lists', async () => {
    const { page, ui, store } = await openSandboxP3();
    const realms = await ui.sidebar.getByRole('button', { name: /\d/ }).count();
    await ui.exportButton.click();
    const dialog = ui.dialog('Export roster');
    await dialog.getByRole('radio', { name: `All cached rosters (${realms})` }).check();
    await expect.poll(() => dialog.getByText(`All ${realms} cached rosters as a CSV file.`).count(), UI_WAIT).toBe(1);
    const { fileName, bytes } = await download(page, dialog, 'Download CSV');

    expect(fileName).toBe(`roster-export-${realms}-realms.csv`);
    const [header, ...rows] = csvRecords(bytes.toString('utf8'));
    expect(header).toEqual(HEADER);
    expect(rows).toHaveLength(store.countEnrollments());
    expect(new Set(rows.map((row) => row[0])).size).toBe(realms);
  });
});
