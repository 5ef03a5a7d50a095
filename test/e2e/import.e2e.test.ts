import { describe, expect, it } from 'vitest';
import { TEST_SCHEDULER, UI_WAIT, useE2eHarness } from './harness';
import { csvFile, shownValue } from './page-actions';
import { seededMember } from './sandbox-people';
import { screens } from './screens';

/**
 * Importing a roster CSV from the renderer into a section of the Sandbox district: the dialog shows what the file
 * would change and every row it cannot use by line, queues nothing until the user says to skip those rows, and then
 * queues the rest as pending edits like any other.
 */
const { openApp, shot } = useE2eHarness(import.meta.url);

/** Queued edits wait for the test: the sync that would send them is due long after it ends. */
const EDITS_WAIT = { ...TEST_SCHEDULER, debounceMs: 600_000 };
const P3_KEY = 'sections/3719526';
/** The plain export's header, which the import reads back. */
const HEADER = ['Realm', 'Course code', 'Section code', 'Section school code', 'User ID', 'School ID', 'First name', 'Last name', 'Name', 'Role', 'Status', 'Pending'];
const P3 = ['Algebra I · P3', 'ALG1', 'P3', 'ALG1-P3'];

async function openP3() {
  const app = await openApp({ sandbox: true, scheduler: EDITS_WAIT });
  const ui = screens(app.page);
  await ui.realm('Algebra I · P3').click();
  await expect.poll(() => ui.row('James Howlett').count(), UI_WAIT).toBe(1);
  await expect.poll(() => ui.pendingButtonWith(0).count(), UI_WAIT).toBe(1);
  return { ...app, ui, store: app.district!.sandbox.store };
}

describe('importing a roster CSV from the renderer', () => {
  it('reports each bad row by its line and queues nothing until told to skip them, then queues the good change', async () => {
    const { page, ui, dataDir, store } = await openP3();
    const member = seededMember(store, P3_KEY);
    const memberUser = store.getUser(member.uid)!;
    const file = csvFile(dataDir, 'p3-changes.csv', [
      HEADER,
      [...P3, '48289', 's1', 'James', 'Howlett', 'James Howlett', 'Member', 'Archived', ''],
      [...P3, '99999901', 'x99901', 'Nobody', 'Known', 'Nobody Known', 'Member', 'Active', ''],
      [...P3, member.uid, memberUser.school_uid, memberUser.name_first, memberUser.name_last, member.name, 'Member', 'Graduated', ''],
    ]);

    await ui.importButton.click();
    const dialog = ui.dialog('Import a CSV into Algebra I · P3');
    await dialog.getByLabel('CSV file').setInputFiles(file);
    const problems = dialog.getByRole('alert', { name: '2 rows cannot be imported' });
    await expect.poll(() => problems.getByRole('listitem').allInnerTexts(), UI_WAIT).toEqual([expect.stringMatching(/^Line 3: /), expect.stringMatching(/^Line 4: /)]);
    expect(await dialog.getByText(/^To enroll \d+ · To change \d+ · To remove \d+ · Unchanged \d+$/).innerText()).toBe('To enroll 0 · To change 1 · To remove 0 · Unchanged 0');
    const changes = dialog.getByRole('table', { name: 'Changes to queue' });
    expect(await changes.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'James Howlett' }) }).getByRole('cell').allInnerTexts()).toEqual([
      '48289',
      'Status: Active → Archived',
      '2',
    ]);
    await shot(page, 'import-dialog');

    // Nothing is queued while the dialog only shows what the file would do.
    expect(await ui.pendingButtonWith(0).count()).toBe(1);
    expect(await shownValue(ui.statusOf('James Howlett'))).toBe('Active');

    await dialog.getByRole('button', { name: 'Skip 2 bad rows and queue 1 change' }).click();
    await expect.poll(() => dialog.count(), UI_WAIT).toBe(0);
    await expect.poll(() => ui.pendingButtonWith(1).count(), UI_WAIT).toBe(1);
    await expect.poll(() => shownValue(ui.statusOf('James Howlett')), UI_WAIT).toBe('Archived');
    expect(await ui.row('James Howlett').innerText()).toContain('Changed');
    expect(await page.getByRole('status').filter({ hasText: /^Queued 1 change from p3-changes\.csv/ }).innerText()).toBe(
      'Queued 1 change from p3-changes.csv; 2 bad rows left out',
    );
    expect(store.getEnrollment('44783136')).toMatchObject({ uid: '48289', status: 1 });
    await shot(page, 'import-queued');
  });

  it('queues a clean file with one click that names how many changes it queues', async () => {
    const { ui, dataDir } = await openP3();
    const file = csvFile(dataDir, 'p3-admin.csv', [HEADER, [...P3, '48289', 's1', 'James', 'Howlett', 'James Howlett', 'Admin', 'Active', '']]);
    await ui.importButton.click();
    const dialog = ui.dialog('Import a CSV into Algebra I · P3');
    await dialog.getByLabel('CSV file').setInputFiles(file);
    const queue = dialog.getByRole('button', { name: 'Queue 1 change' });
    await expect.poll(() => queue.isEnabled(), UI_WAIT).toBe(true);
    expect(await dialog.getByRole('alert').count()).toBe(0);

    await queue.click();
    await expect.poll(() => ui.pendingButtonWith(1).count(), UI_WAIT).toBe(1);
    await expect.poll(() => shownValue(ui.roleOf('James Howlett')), UI_WAIT).toBe('Admin');
  });

  it('shows why a file that is not a roster CSV cannot be imported, with nothing to queue', async () => {
    const { ui, dataDir } = await openP3();
    const file = csvFile(dataDir, 'grades.csv', [
      ['Student', 'Grade'],
      ['James Howlett', 'A'],
    ]);
    await ui.importButton.click();
    const dialog = ui.dialog('Import a CSV into Algebra I · P3');
    await dialog.getByLabel('CSV file').setInputFiles(file);
    await expect.poll(() => dialog.getByRole('alert').count(), UI_WAIT).toBe(1);
    expect(await dialog.getByRole('alert').innerText()).toContain('grades.csv');
    expect(await dialog.getByRole('button', { name: 'Queue 0 changes' }).isDisabled()).toBe(true);

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count(), UI_WAIT).toBe(0);
    expect(await ui.pendingButtonWith(0).count()).toBe(1);
  });

  it('removes the people the file leaves out only with full sync', async () => {
    const { ui, dataDir, store } = await openP3();
    const others = store.enrollmentsIn(P3_KEY).filter((enrollment) => enrollment.uid !== '48289');
    const file = csvFile(dataDir, 'only-howlett.csv', [HEADER, [...P3, '48289', 's1', 'James', 'Howlett', 'James Howlett', 'Member', 'Active', '']]);
    await ui.importButton.click();
    const dialog = ui.dialog('Import a CSV into Algebra I · P3');
    await dialog.getByLabel('CSV file').setInputFiles(file);
    const counts = dialog.getByText(/^To enroll \d+ · To change \d+ · To remove \d+ · Unchanged \d+$/);
    await expect.poll(() => counts.innerText(), UI_WAIT).toBe('To enroll 0 · To change 0 · To remove 0 · Unchanged 1');
    expect(await dialog.getByRole('button', { name: 'Queue 0 changes' }).isDisabled()).toBe(true);

    await dialog.getByRole('checkbox', { name: 'Full sync: remove people the file does not list' }).check();
    await expect.poll(() => counts.innerText(), UI_WAIT).toBe(`To enroll 0 · To change 0 · To remove ${others.length} · Unchanged 1`);
    await dialog.getByRole('button', { name: `Queue ${others.length} changes` }).click();
    await expect.poll(() => ui.pendingButtonWith(others.length).count(), UI_WAIT).toBe(1);
    await expect.poll(() => ui.keepButton('Mr. Strickland').count(), UI_WAIT).toBe(1);
  });
});
