import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../../electron/sandbox/sandbox-server';
import { axeFindings, blockingFindings } from './axe-scan';
import { SYNC_WAIT, UI_WAIT, useE2eHarness } from './harness';
import { shownValue } from './page-actions';
import { screens, type Screens } from './screens';

/**
 * What a sync can answer besides "done", against the Sandbox district: an edit someone else overtook in the LMS
 * (a conflict, settled either way) and an edit the LMS refuses (shown with its reason, then discarded).
 */
const { openApp, shot } = useE2eHarness(import.meta.url);

const HOWLETT_ENROLLMENT = '44783136';

async function openOnAlgebra(): Promise<{ page: Page; ui: Screens; sandbox: Sandbox }> {
  const { page, district } = await openApp({ sandbox: 'auto' });
  const ui = screens(page);
  await ui.realm('Algebra I · P3').click();
  await expect.poll(() => ui.row('James Howlett').count(), UI_WAIT).toBe(1);
  return { page, ui, sandbox: district!.sandbox };
}

/** Sets Howlett's status in the app while the LMS is unreachable, and meanwhile someone sets it otherwise in the LMS. */
async function overtakenStatusEdit(ui: Screens, sandbox: Sandbox, mine: string, theirs: 1 | 2 | 3 | 4 | 5): Promise<void> {
  sandbox.setFaults({ drop: 1 });
  await ui.statusOf('James Howlett').selectOption({ label: mine });
  await expect.poll(() => ui.offlineBanner.count(), SYNC_WAIT).toBe(1);
  sandbox.store.updateEnrollment(HOWLETT_ENROLLMENT, { status: theirs });
  sandbox.setFaults(null);
}

describe('sync outcomes in the pending panel', () => {
  it('shows a conflict side by side and settles it both ways: keep mine, then take theirs', async () => {
    const { page, ui, sandbox } = await openOnAlgebra();
    await ui.pendingButton.click();

    // Mine: Archived; the LMS meanwhile: Expired.
    await overtakenStatusEdit(ui, sandbox, 'Archived', 2);
    const archive = "Set James Howlett's status to archived in Algebra I · P3";
    await expect.poll(() => ui.keepMine(archive).count(), SYNC_WAIT).toBe(1);
    await expect.poll(() => ui.pendingPanel.getByRole('heading', { name: 'Conflicts' }).count(), UI_WAIT).toBe(1);
    const table = ui.pendingPanel.getByRole('table');
    expect(await table.getByRole('columnheader').allInnerTexts()).toEqual(['Field', 'Yours', "Server's"]);
    expect(await table.getByRole('row').filter({ hasText: /status/i }).innerText()).toMatch(/Archived|inactive/i);
    expect(await table.getByRole('row').filter({ hasText: /status/i }).innerText()).toMatch(/Expired|completed/i);
    await shot(page, 'conflict');
    expect(blockingFindings(await axeFindings(page)), 'axe-core on the pending panel with a conflict').toBe('');
    await ui.keepMine(archive).click();
    await expect.poll(() => sandbox.store.getEnrollment(HOWLETT_ENROLLMENT)?.status, SYNC_WAIT).toBe(5);
    await expect.poll(() => ui.pendingButtonWith(0).count(), SYNC_WAIT).toBe(1);

    // Mine: Active again; the LMS meanwhile: Invite pending. This time the LMS's value stands.
    await overtakenStatusEdit(ui, sandbox, 'Active', 3);
    const activate = "Set James Howlett's status to active in Algebra I · P3";
    await expect.poll(() => ui.takeTheirs(activate).count(), SYNC_WAIT).toBe(1);
    await ui.takeTheirs(activate).click();
    await expect.poll(() => ui.pendingButtonWith(0).count(), UI_WAIT).toBe(1);
    await expect.poll(() => shownValue(ui.statusOf('James Howlett')), UI_WAIT).toBe('Invite pending');
    await expect.poll(() => ui.pendingItems.count(), UI_WAIT).toBe(0);
    expect(sandbox.store.getEnrollment(HOWLETT_ENROLLMENT)?.status).toBe(3);
  });

  it('shows an edit the LMS rejected with its reason, and discards it', async () => {
    const { page, ui } = await openOnAlgebra();
    await ui.addPeopleButton.click();
    const dialog = ui.dialog('Add people to Algebra I · P3');
    await dialog.getByRole('textbox', { name: 'User ID' }).fill('999999');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => dialog.count(), UI_WAIT).toBe(0);

    await ui.pendingButton.click();
    const discard = ui.pendingPanel.getByRole('button', { name: /^Discard: Add user 999999 to Algebra I · P3/ });
    await expect.poll(() => discard.count(), SYNC_WAIT).toBe(1);
    expect(await ui.pendingPanel.getByRole('heading', { name: 'Rejected by the LMS' }).count()).toBe(1);
    const item = ui.pendingItems.filter({ hasText: 'user 999999' });
    expect(await item.innerText()).toContain('User 999999 not found');
    await shot(page, 'rejected');
    expect(blockingFindings(await axeFindings(page)), 'axe-core on the pending panel with a rejected edit').toBe('');

    await discard.click();
    await expect.poll(() => ui.pendingItems.count(), UI_WAIT).toBe(0);
    await expect.poll(() => ui.pendingButtonWith(0).count(), UI_WAIT).toBe(1);
    await expect.poll(() => ui.grid.innerText(), UI_WAIT).not.toContain('999999');
  });
});
