import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeFindings, blockingFindings } from './axe-scan';
import { SYNC_WAIT, UI_WAIT, useE2eHarness } from './harness';
import { csvFile, seededSchool } from './page-actions';
import { screens } from './screens';

/**
 * Every screen passes axe-core's WCAG 2 A/AA rules with no serious or critical finding, and leaves a screenshot in
 * test-results/screenshots for review.
 */
const { openApp, shot } = useE2eHarness(import.meta.url);

async function expectAccessible(page: Page, screen: string): Promise<void> {
  await shot(page, screen);
  const blocking = blockingFindings(await axeFindings(page));
  expect(blocking, `axe-core on the ${screen} screen:\n${blocking}`).toBe('');
}

async function openSchool() {
  const { page, dataDir } = await openApp({ prepare: seededSchool(12) });
  const ui = screens(page);
  await expect.poll(() => ui.row('James Howlett').count(), UI_WAIT).toBe(1);
  return { page, ui, dataDir };
}

describe('accessibility of every screen (axe-core, WCAG 2 A and AA)', () => {
  it('the roster', async () => {
    const { page } = await openSchool();
    await expectAccessible(page, 'roster');
  });

  it('the accounts panel', async () => {
    const { page, ui } = await openSchool();
    await ui.manageAccounts.click();
    await expect.poll(() => page.getByRole('heading', { name: 'Accounts', level: 2 }).count(), UI_WAIT).toBe(1);
    await expectAccessible(page, 'accounts-panel');
  });

  it('the pending panel with queued edits', async () => {
    const { page, ui } = await openSchool();
    await ui.statusOf('James Howlett').selectOption({ label: 'Archived' });
    await ui.removeButton('Mr. Strickland').click();
    await expect.poll(() => ui.pendingButtonWith(2).count(), UI_WAIT).toBe(1);
    await ui.pendingButtonWith(2).click();
    await expect.poll(() => ui.pendingItems.count(), UI_WAIT).toBe(2);
    await expectAccessible(page, 'pending-panel');
  });

  it('the add-people dialog with search results', async () => {
    const { page, ui } = await openSchool();
    await ui.addPeopleButton.click();
    const dialog = ui.dialog('Add people to Algebra I · P3');
    await dialog.getByRole('searchbox', { name: 'Search people you know' }).fill('Number');
    const result = dialog.getByRole('option', { name: 'Student Number 001 (s9001)' }).or(dialog.getByRole('button', { name: 'Student Number 001 (s9001)' }));
    await expect.poll(() => result.count(), UI_WAIT).toBe(1);
    await expectAccessible(page, 'add-people-dialog');
  });

  it('the access-code dialog', async () => {
    const { page, ui } = await openSchool();
    await ui.accessCodeButton.click();
    await expect.poll(() => ui.dialog('Join with an access code').count(), UI_WAIT).toBe(1);
    await expectAccessible(page, 'access-code-dialog');
  });

  it('the export dialog with its preview', async () => {
    const { page, ui } = await openSchool();
    await ui.exportButton.click();
    await expect.poll(() => ui.dialog('Export roster').getByRole('table', { name: 'Preview' }).count(), UI_WAIT).toBe(1);
    await expectAccessible(page, 'export-dialog');
  });

  it('the export dialog with an interchange format refusing the roster', async () => {
    const { page, ui } = await openSchool();
    await ui.exportButton.click();
    const dialog = ui.dialog('Export roster');
    await dialog.getByRole('combobox', { name: 'Format' }).selectOption({ label: 'Schoology import' });
    // Mr. Strickland has no school ID, which Schoology's import layout names people by.
    await expect.poll(() => dialog.getByRole('alert').count(), UI_WAIT).toBe(1);
    await expectAccessible(page, 'export-dialog-refused');
  });

  it('the import dialog with changes and bad rows', async () => {
    const { page, ui, dataDir } = await openSchool();
    const realm = ['Algebra I · P3', 'ALG1', 'P3', 'ALG1-P3'];
    const file = csvFile(dataDir, 'p3.csv', [
      ['Realm', 'Course code', 'Section code', 'Section school code', 'User ID', 'School ID', 'First name', 'Last name', 'Name', 'Role', 'Status', 'Pending'],
      [...realm, '48289', 's1', 'James', 'Howlett', 'James Howlett', 'Member', 'Archived', ''],
      [...realm, '99999901', 'x1', 'Nobody', 'Known', 'Nobody Known', 'Member', 'Active', ''],
    ]);
    await ui.importButton.click();
    const dialog = ui.dialog('Import a CSV into Algebra I · P3');
    await dialog.getByLabel('CSV file').setInputFiles(file);
    await expect.poll(() => dialog.getByRole('alert', { name: '1 row cannot be imported' }).count(), UI_WAIT).toBe(1);
    expect(await dialog.getByRole('table', { name: 'Changes to queue' }).getByRole('row').count()).toBe(2);
    await expectAccessible(page, 'import-dialog');
  });

  it('the bulk bar over a selection', async () => {
    const { page, ui } = await openSchool();
    await ui.selectRow('James Howlett').click();
    await ui.selectRow('Student Number 002').click();
    await expect.poll(() => ui.selection.innerText(), UI_WAIT).toContain('2 selected');
    await expectAccessible(page, 'bulk-bar');
  });

  it('the offline banner', async () => {
    const { page, district } = await openApp({ sandbox: 'auto', beforeLoad: ({ district: d }) => d!.sandbox.setFaults({ drop: 1 }) });
    const ui = screens(page);
    await ui.syncNow.click();
    await expect.poll(() => ui.offlineBanner.count(), SYNC_WAIT).toBe(1);
    expect(district).not.toBeNull();
    await expectAccessible(page, 'offline-banner');
  });
});
