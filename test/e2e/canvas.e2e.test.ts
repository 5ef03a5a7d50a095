import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startCanvasSandbox, type CanvasSandbox } from '../../electron/sandbox/canvas/canvas-sandbox-server';
import { startSandbox, type Sandbox } from '../../electron/sandbox/sandbox-server';
import { CredentialVault } from '../../electron/vault/credential-vault';
import { axeFindings, blockingFindings } from './axe-scan';
import { SYNC_WAIT, TEST_SCHEDULER, UI_WAIT, useE2eHarness } from './harness';
import { shownValue } from './page-actions';
import { screens } from './screens';

/**
 * Canvas in the app, as staff meet it: the Canvas account added in the Accounts panel with its address and a personal
 * access token (the Canvas sandbox in this process, the real keychain), its courses leading their sections in the
 * sidebar, Canvas's words in the grid, edits queued, worded and synced — and the Canvas sandbox holding each change.
 * Edits wait for "Sync now" (a long debounce), so what is pending can be seen first.
 */
const { openApp, shot } = useE2eHarness(import.meta.url);
const service = `Roster Desk e2e ${randomUUID()}`;
const WAIT_FOR_SYNC_NOW = { ...TEST_SCHEDULER, debounceMs: 120_000 };

/** The small Canvas seed (electron/sandbox/canvas/canvas-seed.ts): Algebra I is course 101, Biology P4 section 204. */
const ALGEBRA = 101;
const SEED = {
  /** Each has one enrollment in Algebra I (section P3), so one row in the course's roster. */
  howlett: { userId: 101, enrollmentId: 1002 },
  rossi: { userId: 165, enrollmentId: 1006 },
  /** In Biology, not in Algebra I: the cache knows her from Biology's roster. */
  sullivan: { userId: 103 },
  /** Biology P4. */
  adeyemi: { enrollmentId: 1076 },
} as const;

let canvas: CanvasSandbox | undefined;
let schoology: Sandbox | undefined;

afterEach(async () => {
  await canvas?.close();
  await schoology?.close();
  canvas = undefined;
  schoology = undefined;
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

const accountItems = (page: Page) => page.getByRole('list', { name: 'Signed-in accounts' }).getByRole('listitem');
const addForm = (page: Page) => page.getByRole('form', { name: 'Add account with an API key' });

/** Adds the Canvas sandbox as an account in the open Accounts panel, and waits for "signed in as". */
async function addCanvasAccount(page: Page, lms: CanvasSandbox): Promise<void> {
  const add = addForm(page);
  await add.getByRole('radio', { name: 'Canvas' }).check();
  await add.getByLabel('Canvas address').fill(lms.url);
  await add.getByLabel('Access token').fill(lms.token);
  await add.getByRole('button', { name: 'Add account' }).click();
  await expect.poll(() => accountItems(page).allInnerTexts(), UI_WAIT).toContainEqual(expect.stringContaining(`Signed in as Mr. Strickland at 127.0.0.1:${lms.port}`));
}

/** Adds the Schoology sandbox as an account with an API key in the open Accounts panel. */
async function addSchoologyAccount(page: Page, lms: Sandbox): Promise<void> {
  const add = addForm(page);
  await add.getByRole('radio', { name: 'Schoology' }).check();
  await add.getByLabel('API base URL').fill(lms.url);
  await add.getByLabel('Consumer key').fill(lms.consumerKey);
  await add.getByLabel('Consumer secret').fill(lms.consumerSecret);
  await add.getByRole('button', { name: 'Add account' }).click();
  await expect.poll(() => accountItems(page).allInnerTexts(), UI_WAIT).toContainEqual(expect.stringContaining(`Signed in as Mr. Strickland at 127.0.0.1:${lms.port}`));
}

/** A Canvas course's row in the sidebar: it opens the course-wide roster. */
const courseButton = (page: Page, title: string) =>
  screens(page).sidebar.getByRole('button', { name: new RegExp(`^${title} \\(whole course\\)`) });

describe('a Canvas account in the app', () => {
  it('is added with its address and token, shows its sections in Canvas words, and syncs a status change to Canvas', async () => {
    canvas = await startCanvasSandbox({ port: 0 });
    // The Sandbox district (Schoology) opens since there is no account yet.
    const { page } = await openApp({ sandbox: 'auto', vault: new CredentialVault({ service }), scheduler: WAIT_FOR_SYNC_NOW });
    const ui = screens(page);

    await ui.manageAccounts.click();
    const add = addForm(page);
    await add.getByRole('radio', { name: 'Canvas' }).check();
    expect(await add.getByText('Create one in Canvas under Account → Settings → Approved Integrations → New access token.').count()).toBe(1);
    await add.getByLabel('Canvas address').fill(canvas.url);
    await add.getByLabel('Access token').fill(canvas.token);
    expect(await add.getByLabel('Access token').getAttribute('type')).toBe('password');
    await add.getByRole('button', { name: 'Add account' }).click();
    expect(await add.getByLabel('Access token').inputValue()).toBe('');
    await expect.poll(() => accountItems(page).allInnerTexts(), UI_WAIT).toContainEqual(expect.stringContaining(`Signed in as Mr. Strickland at 127.0.0.1:${canvas.port}`));
    expect(await accountItems(page).count()).toBe(2);
    await page.getByRole('button', { name: 'Close accounts' }).click();

    // Each Canvas course leads its group, its sections listed under it; the district's Schoology courses stay beside.
    const biologySections = ui.sidebar.getByRole('list', { name: 'Sections of Biology' });
    await expect.poll(() => biologySections.getByRole('button').allInnerTexts(), SYNC_WAIT).toEqual([
      expect.stringMatching(/^Biology P1/),
      expect.stringMatching(/^Biology P4/),
    ]);
    const group = ui.sidebar.locator('section').filter({ has: page.getByRole('list', { name: 'Sections of Biology' }) });
    expect(await group.getByRole('button').allInnerTexts()).toEqual([
      expect.stringMatching(/^Biology \(whole course\)/),
      expect.stringMatching(/^Biology P1/),
      expect.stringMatching(/^Biology P4/),
    ]);
    expect(await ui.realm('Algebra I · P3').count()).toBe(1);

    await ui.realm('Biology P4').click();
    await expect.poll(() => ui.row('Isaiah Adeyemi').count(), SYNC_WAIT).toBe(1);
    expect(await shownValue(ui.roleOf('Isaiah Adeyemi'))).toBe('Student');
    expect(await shownValue(ui.roleOf('Dr. Okafor'))).toBe('Teacher');
    expect(await shownValue(ui.statusOf('Nora Ito'))).toBe('Invited');
    expect(await ui.statusOf('Isaiah Adeyemi').locator('option').allInnerTexts()).toEqual(['Active', 'Invited', 'Inactive', 'Concluded']);
    expect(await ui.roleOf('Isaiah Adeyemi').locator('option').allInnerTexts()).toEqual(['Teacher', 'TA', 'Designer', 'Student', 'Observer']);

    await ui.statusOf('Isaiah Adeyemi').selectOption({ label: 'Inactive' });
    await expect.poll(() => ui.pendingButtonWith(1).count(), UI_WAIT).toBe(1);
    await ui.pendingButton.click();
    await expect.poll(() => ui.pendingItems.allInnerTexts(), UI_WAIT).toEqual([expect.stringContaining("Set Isaiah Adeyemi's status to inactive in Biology P4")]);

    await ui.syncNow.click();
    await expect.poll(() => ui.pendingButtonWith(0).count(), SYNC_WAIT).toBe(1);
    expect(canvas.store.getEnrollment(SEED.adeyemi.enrollmentId)).toMatchObject({ user_id: 115, workflow_state: 'inactive' });
    expect(await shownValue(ui.statusOf('Isaiah Adeyemi'))).toBe('Inactive');
    await shot(page, 'synced');
  });

  it('opens a course as a roster of its own: find someone, change a status and a role, enrol someone, sync it all to Canvas', async () => {
    canvas = await startCanvasSandbox({ port: 0 });
    const { page } = await openApp({ sandbox: false, vault: new CredentialVault({ service }), scheduler: WAIT_FOR_SYNC_NOW });
    const ui = screens(page);
    await ui.manageAccounts.click();
    await addCanvasAccount(page, canvas);
    await page.getByRole('button', { name: 'Close accounts' }).click();

    // The course's row is reached and opened from the keyboard, its sections listed under it.
    const algebra = courseButton(page, 'Algebra I');
    await expect.poll(() => algebra.count(), SYNC_WAIT).toBe(1);
    expect(await ui.sidebar.getByRole('list', { name: 'Sections of Algebra I' }).getByRole('button').allInnerTexts()).toEqual([
      expect.stringMatching(/^Algebra I P3/),
      expect.stringMatching(/^Algebra I P5/),
    ]);
    expect(await ui.exportCheckbox('Algebra I (whole course)').count()).toBe(1);
    await algebra.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => algebra.getAttribute('aria-current'), UI_WAIT).toBe('true');
    await expect.poll(() => page.getByRole('main', { name: 'Roster of Algebra I' }).count(), UI_WAIT).toBe(1);
    // Every section's people: the course's enrollments, one row each (someone in both sections has two).
    const courseRows = canvas.store.enrollmentsInCourse(ALGEBRA).length;
    await expect.poll(() => ui.peopleCount.innerText(), SYNC_WAIT).toBe(`${courseRows} people`);
    await expect.poll(() => algebra.innerText(), UI_WAIT).toMatch(new RegExp(`${courseRows}$`));
    expect(blockingFindings(await axeFindings(page)), 'axe-core on a Canvas course roster').toBe('');
    await shot(page, 'course');

    // Find a person: Nathan Howlett, an observer in the course, is found by "Howlett" too.
    await ui.search.fill('Howlett');
    await expect.poll(() => ui.names(), UI_WAIT).toEqual(['James Howlett', 'Nathan Howlett']);
    await ui.search.fill('James Howlett');
    await expect.poll(() => ui.names(), UI_WAIT).toEqual(['James Howlett']);
    await ui.statusOf('James Howlett').selectOption({ label: 'Inactive' });
    await ui.search.fill('Rossi');
    await expect.poll(() => ui.names(), UI_WAIT).toEqual(['Omar Rossi']);
    await ui.roleOf('Omar Rossi').selectOption({ label: 'TA' });
    await ui.search.fill('');

    await ui.addPeopleButton.click();
    const dialog = ui.dialog('Add people to Algebra I');
    await dialog.getByRole('searchbox', { name: 'Search people you know' }).fill('Sullivan');
    const sullivan = dialog.getByRole('list', { name: 'People found' }).getByRole('button', { name: /^Camila Sullivan/ });
    await expect.poll(() => sullivan.count(), UI_WAIT).toBe(1);
    await sullivan.click();
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => dialog.count(), UI_WAIT).toBe(0);

    await expect.poll(() => ui.pendingButtonWith(3).count(), UI_WAIT).toBe(1);
    await ui.pendingButton.click();
    await expect.poll(() => ui.pendingItems.allInnerTexts(), UI_WAIT).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Set James Howlett's status to inactive in Algebra I"),
        expect.stringContaining('Make Omar Rossi a TA of Algebra I'),
        expect.stringContaining('Add Camila Sullivan to Algebra I'),
      ]),
    );
    await ui.search.fill('Camila Sullivan');
    await expect.poll(() => ui.names(), UI_WAIT).toEqual(['Camila Sullivan']);
    expect(canvas.store.enrollmentsOfUser(SEED.sullivan.userId).filter((e) => e.course_id === ALGEBRA)).toEqual([]);
    await shot(page, 'course-pending');

    await ui.syncNow.click();
    await expect.poll(() => ui.pendingButtonWith(0).count(), SYNC_WAIT).toBe(1);
    expect(await ui.pendingItems.count()).toBe(0);
    const inAlgebra = (userId: number) => canvas!.store.enrollmentsOfUser(userId).filter((e) => e.course_id === ALGEBRA && e.workflow_state !== 'deleted');
    expect(canvas.store.getEnrollment(SEED.howlett.enrollmentId)).toMatchObject({ user_id: SEED.howlett.userId, workflow_state: 'inactive' });
    expect(inAlgebra(SEED.rossi.userId)).toEqual([expect.objectContaining({ type: 'TaEnrollment', workflow_state: 'active' })]);
    expect(inAlgebra(SEED.sullivan.userId)).toEqual([expect.objectContaining({ type: 'StudentEnrollment', workflow_state: 'active' })]);
    expect(await shownValue(ui.statusOf('Camila Sullivan'))).toBe('Active');
    await ui.search.fill('');
    // Omar Rossi's student enrollment is deleted (his TA one replaced it); a roster lists no deleted enrollment.
    const listed = canvas.store.enrollmentsInCourse(ALGEBRA).filter((e) => e.workflow_state !== 'deleted');
    await expect.poll(() => ui.peopleCount.innerText(), UI_WAIT).toBe(`${listed.length} people`);
    expect(listed.length).toBe(courseRows + 1);
    await ui.search.fill('Rossi');
    await expect.poll(() => shownValue(ui.roleOf('Omar Rossi')), SYNC_WAIT).toBe('TA');
    await ui.search.fill('James Howlett');
    await expect.poll(() => shownValue(ui.statusOf('James Howlett')), UI_WAIT).toBe('Inactive');
    await shot(page, 'course-synced');
  });

  it('sits beside a Schoology account: both in the sidebar, an edit in each, one sync, each LMS holds its edit', async () => {
    canvas = await startCanvasSandbox({ port: 0 });
    schoology = await startSandbox({ seed: 'small', rateLimit: null });
    const { page } = await openApp({ sandbox: false, vault: new CredentialVault({ service }), scheduler: WAIT_FOR_SYNC_NOW });
    const ui = screens(page);
    await ui.manageAccounts.click();
    await addSchoologyAccount(page, schoology);
    await addCanvasAccount(page, canvas);
    expect(await accountItems(page).count()).toBe(2);
    await page.getByRole('button', { name: 'Close accounts' }).click();

    // Both LMSs have an Algebra I: two groups, each heading naming its LMS.
    const headings = ui.sidebar.getByRole('heading', { level: 2 });
    await expect.poll(() => headings.allInnerTexts(), SYNC_WAIT).toEqual(expect.arrayContaining([expect.stringMatching(/^Algebra I · Canvas$/i), expect.stringMatching(/^Algebra I · Schoology$/i)]));
    await expect.poll(() => ui.realm('Algebra I · P3').count(), SYNC_WAIT).toBe(1);
    await expect.poll(() => courseButton(page, 'Algebra I').count(), SYNC_WAIT).toBe(1);

    const schoologyHowlett = schoology.store.enrollmentsIn('sections/3719526').find((e) => e.uid === '48289')!;
    await ui.realm('Algebra I · P3').click();
    await expect.poll(() => ui.row('James Howlett').count(), SYNC_WAIT).toBe(1);
    await ui.statusOf('James Howlett').selectOption({ label: 'Archived' });
    await expect.poll(() => ui.pendingButtonWith(1).count(), UI_WAIT).toBe(1);

    await courseButton(page, 'Algebra I').click();
    await expect.poll(() => page.getByRole('main', { name: 'Roster of Algebra I' }).count(), UI_WAIT).toBe(1);
    await expect.poll(() => ui.row('James Howlett').count(), SYNC_WAIT).toBe(1);
    expect(await ui.statusOf('James Howlett').locator('option').allInnerTexts()).toEqual(['Active', 'Invited', 'Inactive', 'Concluded']);
    await ui.statusOf('James Howlett').selectOption({ label: 'Inactive' });
    await expect.poll(() => ui.pendingButtonWith(2).count(), UI_WAIT).toBe(1);
    expect(schoology.store.getEnrollment(schoologyHowlett.id)?.status).toBe(schoologyHowlett.status);
    expect(canvas.store.getEnrollment(SEED.howlett.enrollmentId)?.workflow_state).toBe('active');

    await ui.syncNow.click();
    await expect.poll(() => ui.pendingButtonWith(0).count(), SYNC_WAIT).toBe(1);
    expect(schoology.store.getEnrollment(schoologyHowlett.id)?.status).toBe(5);
    expect(canvas.store.getEnrollment(SEED.howlett.enrollmentId)?.workflow_state).toBe('inactive');
    await expect.poll(() => ui.syncBar.innerText(), UI_WAIT).toMatch(/Synced: 1 applied/);
    await shot(page, 'beside-schoology');
  });
});
