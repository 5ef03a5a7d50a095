import { describe, expect, it } from 'vitest';
import { UI_WAIT, useE2eHarness } from './harness';
import { focusIsVisible, pressUntilFocused, seededSchool, shownValue } from './page-actions';
import { screens } from './screens';

/** The main flow with the keyboard alone (page.keyboard only, never the mouse), over a seeded offline cache. */
const { openApp, shot } = useE2eHarness(import.meta.url);

describe('the roster editor by keyboard alone', () => {
  it('searches, moves through the grid, changes a status, and undoes it from the pending panel', async () => {
    const { page } = await openApp({ prepare: seededSchool(5) });
    const ui = screens(page);
    await expect.poll(() => ui.peopleCount.innerText(), UI_WAIT).toBe('7 people');

    await pressUntilFocused(ui.search, 'Tab');
    expect(await focusIsVisible(ui.search), 'the search box shows its focus').toBe(true);
    await page.keyboard.type('Number');
    await expect.poll(() => ui.peopleCount.innerText(), UI_WAIT).toBe('5 of 7 people');

    // Tab enters the grid on its first row; the arrows move between rows.
    await pressUntilFocused(ui.row('Student Number 001'), 'Tab', 20);
    expect(await focusIsVisible(ui.row('Student Number 001')), 'the row shows its focus').toBe(true);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => ui.row('Student Number 003').evaluate((row) => row === document.activeElement), UI_WAIT).toBe(true);

    // Within the row Tab reaches its controls; a select's own arrow keys change its value, which queues the edit.
    await pressUntilFocused(ui.statusOf('Student Number 003'), 'Tab', 5);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => shownValue(ui.statusOf('Student Number 003')), UI_WAIT).not.toBe('Active');
    await expect.poll(() => ui.pendingButtonWith(1).count(), UI_WAIT).toBe(1);
    await shot(page, 'status-changed');

    await pressUntilFocused(ui.pendingButtonWith(1), 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => ui.pendingButtonWith(1).getAttribute('aria-expanded'), UI_WAIT).toBe('true');
    const undo = ui.pendingPanel.getByRole('button', { name: /^Undo: Set Student Number 003's status to / });
    await expect.poll(() => undo.count(), UI_WAIT).toBe(1);
    await pressUntilFocused(undo, 'Tab');
    expect(await focusIsVisible(undo), 'the Undo button shows its focus').toBe(true);
    await page.keyboard.press('Enter');

    await expect.poll(() => ui.pendingButtonWith(0).count(), UI_WAIT).toBe(1);
    await expect.poll(() => shownValue(ui.statusOf('Student Number 003')), UI_WAIT).toBe('Active');
  });
});
