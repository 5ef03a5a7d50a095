import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACHE_FILE_NAME } from '../../electron/services';
import { ACCOUNT_ID, SECTION_ID } from '../support/seed-cache';
import { UI_WAIT, useE2eHarness } from './harness';
import { scrollRoster, seededSchool, shownValue } from './page-actions';
import { screens } from './screens';

/** The roster editor over a seeded offline cache: no LMS, nothing syncs; what staff read and find. */
const { openApp, shot } = useE2eHarness(import.meta.url);

describe('the roster editor over the offline cache', () => {
  it('opens on the first cached section and lists its people', async () => {
    const { page } = await openApp({ prepare: seededSchool(0) });
    const ui = screens(page);
    await expect.poll(() => ui.roster.getAttribute('aria-label'), UI_WAIT).toBe('Roster of Algebra I · P3');
    await expect.poll(() => ui.names(), UI_WAIT).toEqual(['James Howlett', 'Mr. Strickland']);
    expect(await ui.row('James Howlett').innerText()).toContain('s1');
    expect(await shownValue(ui.roleOf('James Howlett'))).toBe('Member');
    expect(await shownValue(ui.statusOf('James Howlett'))).toBe('Active');
    expect(await shownValue(ui.roleOf('Mr. Strickland'))).toBe('Admin');
    await expect.poll(() => ui.peopleCount.innerText(), UI_WAIT).toBe('2 people');
    await shot(page, 'roster');
  });

  it('groups sections under their course in the sidebar, with head counts', async () => {
    const { page } = await openApp({ prepare: seededSchool(3) });
    const ui = screens(page);
    await expect.poll(() => ui.sidebar.getByRole('heading', { name: 'Algebra I' }).count(), UI_WAIT).toBe(1);
    await expect.poll(() => ui.realm('Algebra I · P3').innerText(), UI_WAIT).toContain('5');
    await expect.poll(() => ui.realm('Algebra I · P5').count(), UI_WAIT).toBe(1);
  });

  it('finds a person by name and by school ID, and says how many of how many match', async () => {
    const { page } = await openApp({ prepare: seededSchool(30) });
    const ui = screens(page);
    await expect.poll(() => ui.peopleCount.innerText(), UI_WAIT).toBe('32 people');
    await ui.search.fill('howl');
    await expect.poll(() => ui.names(), UI_WAIT).toEqual(['James Howlett']);
    await expect.poll(() => ui.peopleCount.innerText(), UI_WAIT).toBe('1 of 32 people');
    await ui.search.fill('s9007');
    await expect.poll(() => ui.names(), UI_WAIT).toEqual(['Student Number 007']);
  });

  it('filters by role and sorts by a column header (names sort by surname)', async () => {
    const { page } = await openApp({ prepare: seededSchool(2) });
    const ui = screens(page);
    await expect.poll(() => ui.names(), UI_WAIT).toEqual(['James Howlett', 'Student Number 001', 'Student Number 002', 'Mr. Strickland']);
    await ui.roleFilter.selectOption({ label: 'Admin' });
    await expect.poll(() => ui.names(), UI_WAIT).toEqual(['Mr. Strickland']);
    await ui.roleFilter.selectOption({ index: 0 });
    await expect.poll(() => ui.names(), UI_WAIT).toHaveLength(4);
    await ui.sortButton('Name').click();
    await expect.poll(() => ui.columnHeader('Name').getAttribute('aria-sort'), UI_WAIT).toBe('descending');
    await expect.poll(() => ui.names(), UI_WAIT).toEqual(['Mr. Strickland', 'Student Number 002', 'Student Number 001', 'James Howlett']);
  });

  it('keeps only the rows on screen in the page and reaches the last of a long roster by scrolling', async () => {
    const { page } = await openApp({ prepare: seededSchool(1998) });
    const ui = screens(page);
    await expect.poll(() => ui.peopleCount.innerText(), UI_WAIT).toMatch(/^2,?000 people$/);
    await expect.poll(async () => (await ui.names())[0], UI_WAIT).toBe('James Howlett');
    const rendered = await ui.grid.getByRole('rowheader').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(200);
    await scrollRoster(ui.grid, 'bottom');
    await expect.poll(async () => (await ui.names()).at(-1), UI_WAIT).toBe('Mr. Strickland');
  });

  it('shows a queued edit overlaid on the server state, marked as pending', async () => {
    const { page } = await openApp({
      prepare: seededSchool(0, (services) =>
        services.cache.outbox.enqueue({ accountId: ACCOUNT_ID, realmId: SECTION_ID, kind: 'update', enrollmentId: '44783136', fields: { status: 'inactive' }, base: { status: 'active' } }),
      ),
    });
    const ui = screens(page);
    await expect.poll(() => shownValue(ui.statusOf('James Howlett')), UI_WAIT).toBe('Archived');
    expect(await ui.row('James Howlett').innerText()).toContain('Changed');
    await expect.poll(() => ui.realm('Algebra I · P3').getByLabel('1 pending edits').count(), UI_WAIT).toBe(1);
    await expect.poll(() => ui.pendingButtonWith(1).count(), UI_WAIT).toBe(1);
  });

  it('tells staff when a damaged cache was moved aside, and opens empty', async () => {
    const { page } = await openApp({ prepare: (dataDir) => writeFileSync(join(dataDir, CACHE_FILE_NAME), 'this is not a database'.repeat(300)) });
    await expect.poll(() => page.getByRole('status').filter({ hasText: /moved aside/i }).count(), UI_WAIT).toBe(1);
    await expect.poll(() => page.getByText(/No rosters cached yet/).count(), UI_WAIT).toBe(1);
  });
});
