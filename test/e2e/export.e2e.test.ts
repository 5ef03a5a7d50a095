import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ACCOUNT_ID, SECTION_ID } from '../support/seed-cache';
import { UI_WAIT, useE2eHarness } from './harness';
import { seededSchool } from './page-actions';
import { screens } from './screens';

/** The plain roster CSV, downloaded from the renderer as staff get it: a file with the realm's name. */
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
