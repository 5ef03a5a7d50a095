import { describe, expect, it } from 'vitest';
import { UI_WAIT, useE2eHarness } from './harness';
import { seededSchool, shownValue } from './page-actions';
import { screens } from './screens';

/** One change for many people at once, over a seeded offline cache of Algebra I · P3 with 30 extra students. */
const { openApp, shot } = useE2eHarness(import.meta.url);

async function openSchool() {
  const { page } = await openApp({ prepare: seededSchool(30) });
  const ui = screens(page);
  await expect.poll(() => ui.peopleCount.innerText(), UI_WAIT).toBe('32 people');
  return { page, ui };
}

describe('bulk edits of a selection', () => {
  it('selects a range with Shift and sets the status of exactly those people', async () => {
    const { page, ui } = await openSchool();
    await ui.selectRow('Student Number 003').click();
    await ui.selectRow('Student Number 007').click({ modifiers: ['Shift'] });
    await expect.poll(() => ui.selection.innerText(), UI_WAIT).toContain('5 selected');
    await shot(page, 'bulk-bar');

    await ui.setStatusForSelected.selectOption({ label: 'Expired' });
    await expect.poll(() => ui.pendingButtonWith(5).count(), UI_WAIT).toBe(1);
    for (const n of ['003', '004', '005', '006', '007']) {
      await expect.poll(() => shownValue(ui.statusOf(`Student Number ${n}`)), UI_WAIT).toBe('Expired');
    }
    expect(await shownValue(ui.statusOf('Student Number 002'))).toBe('Active');
    expect(await shownValue(ui.statusOf('Student Number 008'))).toBe('Active');
  });

  it('selects everyone the search matches and makes them admins', async () => {
    const { ui } = await openSchool();
    await ui.search.fill('Student Number 01');
    await expect.poll(() => ui.peopleCount.innerText(), UI_WAIT).toBe('10 of 32 people');
    await ui.selectAll.click();
    expect(await ui.selectAll.getAttribute('aria-label')).toBe('Select all 10 matching people');
    await expect.poll(() => ui.selection.innerText(), UI_WAIT).toContain('10 selected');
    await ui.setRoleForSelected.selectOption({ label: 'Admin' });
    await expect.poll(() => ui.pendingButtonWith(10).count(), UI_WAIT).toBe(1);
    await ui.search.fill('Student Number 0');
    await expect.poll(() => shownValue(ui.roleOf('Student Number 019')), UI_WAIT).toBe('Admin');
    expect(await shownValue(ui.roleOf('Student Number 009'))).toBe('Member');
  });

  it('asks before removing the selection, and removes only after Remove', async () => {
    const { page, ui } = await openSchool();
    await ui.selectRow('Student Number 001').click();
    await ui.selectRow('Student Number 002').click();
    await ui.removeSelected.click();
    const confirm = ui.dialog('Remove 2 people?');
    await expect.poll(() => confirm.count(), UI_WAIT).toBe(1);
    await shot(page, 'remove-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => confirm.count(), UI_WAIT).toBe(0);
    expect(await ui.pendingButtonWith(0).count()).toBe(1);

    await ui.removeSelected.click();
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => ui.pendingButtonWith(2).count(), UI_WAIT).toBe(1);
    // The pending count and the roster refresh side by side after an edit: either may show first.
    await expect.poll(() => ui.keepButton('Student Number 001').count(), UI_WAIT).toBe(1);
    await expect.poll(() => ui.keepButton('Student Number 002').count(), UI_WAIT).toBe(1);
  });
});
