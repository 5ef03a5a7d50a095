import { describe, expect, it } from 'vitest';
import { UI_WAIT, useE2eHarness } from './harness';
import { seededSchool, shownValue } from './page-actions';
import { screens } from './screens';

/**
 * Taking edits back before they sync, over a seeded offline cache (nothing syncs it, so every edit stays queued):
 * undo one, undo all, and a removal taken back from the row itself.
 */
const { openApp, shot } = useE2eHarness(import.meta.url);

const ARCHIVE_HOWLETT = "Set James Howlett's status to archived in Algebra I · P3";
const STRICKLAND_MEMBER = 'Make Mr. Strickland a member of Algebra I · P3';

async function openWithTwoEdits() {
  const { page } = await openApp({ prepare: seededSchool(2) });
  const ui = screens(page);
  await expect.poll(() => ui.row('James Howlett').count(), UI_WAIT).toBe(1);
  await ui.statusOf('James Howlett').selectOption({ label: 'Archived' });
  await ui.roleOf('Mr. Strickland').selectOption({ label: 'Member' });
  await expect.poll(() => ui.pendingButtonWith(2).count(), UI_WAIT).toBe(1);
  await ui.pendingButtonWith(2).click();
  await expect.poll(() => ui.pendingItems.count(), UI_WAIT).toBe(2);
  return { page, ui };
}

describe('taking back unsynced edits', () => {
  it('lists queued edits in words, and Undo takes back one of them', async () => {
    const { page, ui } = await openWithTwoEdits();
    expect(await ui.pendingPanel.getByRole('heading', { name: 'Waiting to sync' }).count()).toBe(1);
    expect(await ui.pendingButtonWith(2).getAttribute('aria-expanded')).toBe('true');
    expect(await ui.row('James Howlett').innerText()).toContain('Changed');
    await shot(page, 'pending-panel');

    await ui.undo(ARCHIVE_HOWLETT).click();
    await expect.poll(() => ui.pendingItems.allInnerTexts(), UI_WAIT).toEqual([expect.stringContaining(STRICKLAND_MEMBER)]);
    await expect.poll(() => shownValue(ui.statusOf('James Howlett')), UI_WAIT).toBe('Active');
    expect(await ui.row('James Howlett').innerText()).not.toContain('Changed');
    expect(await ui.pendingButtonWith(1).count()).toBe(1);
  });

  it('Undo all takes back every queued edit', async () => {
    const { ui } = await openWithTwoEdits();
    await ui.undoAll.click();
    await expect.poll(() => ui.pendingPanel.getByText('Nothing waiting to sync.').count(), UI_WAIT).toBe(1);
    await expect.poll(() => ui.pendingButtonWith(0).count(), UI_WAIT).toBe(1);
    await expect.poll(() => shownValue(ui.roleOf('Mr. Strickland')), UI_WAIT).toBe('Admin');
    expect(await shownValue(ui.statusOf('James Howlett'))).toBe('Active');
  });

  it('marks a removed person until the removal is taken back with Keep', async () => {
    const { page } = await openApp({ prepare: seededSchool(0) });
    const ui = screens(page);
    await ui.removeButton('James Howlett').click();
    await expect.poll(() => ui.keepButton('James Howlett').count(), UI_WAIT).toBe(1);
    expect(await ui.row('James Howlett').innerText()).toContain('To remove');
    const struck = await ui.row('James Howlett').getByRole('rowheader').evaluate((cell) => {
      const lines = [cell, ...cell.querySelectorAll('*')].map((node) => getComputedStyle(node).textDecorationLine);
      return lines.some((line) => line.includes('line-through'));
    });
    expect(struck, 'the name of a person pending removal is struck through').toBe(true);
    await expect.poll(() => ui.pendingButtonWith(1).count(), UI_WAIT).toBe(1);

    await ui.keepButton('James Howlett').click();
    await expect.poll(() => ui.removeButton('James Howlett').count(), UI_WAIT).toBe(1);
    await expect.poll(() => ui.pendingButtonWith(0).count(), UI_WAIT).toBe(1);
    expect(await ui.row('James Howlett').innerText()).not.toContain('To remove');
  });
});
