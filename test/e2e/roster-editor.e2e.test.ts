import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createServices, CACHE_FILE_NAME, type Services } from '../../electron/services';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browser-host';
import { ACCOUNT_ID, SECTION_ID, seedSchool } from '../support/seed-cache';
import { launchChromium } from './chromium';

const RENDERER_DIR = join(import.meta.dirname, '..', '..', 'out', 'renderer');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

interface Running {
  services: Services;
  host: BrowserHost;
  page: Page;
  dataDir: string;
  /** Uncaught errors and console errors (a CSP violation shows up here). */
  pageErrors: string[];
}
const running: Running[] = [];

/** The built renderer in Chromium, served by the browser host over real services on a fresh data folder. */
async function openApp(prepare: (dataDir: string) => void): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-e2e-'));
  prepare(dataDir);
  const services = createServices({ dataDir, host: 'browser' });
  const host = await startBrowserHost({ handlers: services.handlers, rendererDir: RENDERER_DIR });
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(host.url);
  const app = { services, host, page, dataDir, pageErrors };
  running.push(app);
  return app;
}

function seeded(extraStudents: number, pending?: (services: Services) => void) {
  return (dataDir: string) => {
    const services = createServices({ dataDir, host: 'browser' });
    seedSchool(services.cache, extraStudents);
    pending?.(services);
    services.close();
  };
}

afterEach(async () => {
  for (const app of running.splice(0)) {
    const errors = [...app.pageErrors];
    await app.page.close();
    await app.host.close();
    app.services.close();
    rmSync(app.dataDir, { recursive: true, force: true });
    expect(errors, 'errors in the page').toEqual([]);
  }
});

const rosterRows = (page: Page) => page.getByRole('table').locator('tbody tr');

describe('the roster editor in Chromium over the browser host', () => {
  it('opens on the first cached section and lists its people from the offline cache', async () => {
    const { page } = await openApp(seeded(0));
    await expect.poll(() => page.getByRole('heading', { level: 2, name: 'Algebra I · P3' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('rowheader', { name: 'James Howlett' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('rowheader', { name: 'Mr. Strickland' }).count()).toBe(1);
    const howlett = page.getByRole('row', { name: /James Howlett/ });
    expect(await howlett.innerText()).toMatch(/s1\s+Member\s+Active/);
  });

  it('groups sections under their course in the sidebar, with head counts', async () => {
    const { page } = await openApp(seeded(3));
    const nav = page.getByRole('navigation', { name: 'Courses and groups' });
    await expect.poll(() => nav.getByRole('heading', { name: 'Algebra I' }).count()).toBe(1);
    await expect.poll(() => nav.getByRole('button', { name: /Algebra I · P3/ }).innerText()).toContain('5');
  });

  it('finds a person by text search and by school ID', async () => {
    const { page } = await openApp(seeded(30));
    await expect.poll(() => page.getByText('1–32 of 32').count()).toBe(1);
    const search = page.getByRole('searchbox', { name: 'Search people by name or school ID' });
    await search.fill('howl');
    await expect.poll(() => rosterRows(page).allInnerTexts()).toEqual([expect.stringContaining('James Howlett')]);
    await search.fill('s9007');
    await expect.poll(() => rosterRows(page).allInnerTexts()).toEqual([expect.stringContaining('Student Number 007')]);
  });

  it('filters by role and sorts by a column header (names sort by surname)', async () => {
    const { page } = await openApp(seeded(2));
    await expect.poll(() => rosterRows(page).count()).toBe(4);
    await page.getByRole('combobox', { name: 'Filter by role' }).selectOption({ label: 'Admin' });
    await expect.poll(() => rosterRows(page).allInnerTexts()).toEqual([expect.stringContaining('Mr. Strickland')]);
    await page.getByRole('combobox', { name: 'Filter by role' }).selectOption({ label: 'Any role' });
    const names = () => page.getByRole('rowheader').allInnerTexts();
    await expect.poll(names).toEqual(['James Howlett', 'Student Number 001', 'Student Number 002', 'Mr. Strickland']);
    await page.getByRole('button', { name: 'Name' }).click();
    await expect.poll(() => page.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('descending');
    await expect.poll(names).toEqual(['Mr. Strickland', 'Student Number 002', 'Student Number 001', 'James Howlett']);
  });

  it('pages through a long roster a page at a time', async () => {
    const { page } = await openApp(seeded(148));
    await expect.poll(() => page.getByText('1–100 of 150').count()).toBe(1);
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.getByText('101–150 of 150').count()).toBe(1);
    expect(await rosterRows(page).count()).toBe(50);
  });

  it('shows a queued edit overlaid on the server state, marked as pending', async () => {
    const { page } = await openApp(
      seeded(0, (services) =>
        services.cache.outbox.enqueue({ accountId: ACCOUNT_ID, realmId: SECTION_ID, kind: 'update', enrollmentId: '44783136', fields: { status: 'inactive' }, base: { status: 'active' } }),
      ),
    );
    const howlett = page.getByRole('row', { name: /James Howlett/ });
    await expect.poll(() => howlett.innerText()).toMatch(/Archived\s+Changed/);
    await expect.poll(() => page.getByRole('button', { name: /Algebra I · P3/ }).getByLabel('1 pending edits').count()).toBe(1);
  });

  it('tells staff when a damaged cache was moved aside, and opens empty', async () => {
    const { page } = await openApp((dataDir) => writeFileSync(join(dataDir, CACHE_FILE_NAME), 'this is not a database'.repeat(300)));
    await expect.poll(() => page.getByRole('status').innerText()).toMatch(/moved aside/i);
    await expect.poll(() => page.getByText(/No rosters cached yet/).count()).toBe(1);
  });
});
