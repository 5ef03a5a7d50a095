import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import { afterEach, describe, expect, it } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox } from '../../electron/sandbox/canvas/canvas-sandbox-server';
import { CredentialVault } from '../../electron/vault/credential-vault';
import { SYNC_WAIT, TEST_SCHEDULER, UI_WAIT, useE2eHarness } from './harness';
import { shownValue } from './page-actions';
import { screens } from './screens';

/**
 * A Canvas course in the app, as staff meet it: the Canvas account added in the Accounts panel with its address and
 * a personal access token (the Canvas sandbox in this process, the real keychain), its courses and sections in the
 * sidebar next to the Sandbox district's Schoology ones, Canvas's words in the grid, one status change queued, worded
 * and synced — and the Canvas sandbox holding the new state.
 */
const { openApp, shot } = useE2eHarness(import.meta.url);
const service = `Roster Desk e2e ${randomUUID()}`;

let canvas: CanvasSandbox | undefined;

afterEach(async () => {
  await canvas?.close();
  canvas = undefined;
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

describe('a Canvas account in the app', () => {
  it('is added with its address and token, shows its sections in Canvas words, and syncs a status change to Canvas', async () => {
    canvas = await startCanvasSandbox({ port: 0 });
    // The Sandbox district (Schoology) opens since there is no account yet; edits wait for "Sync now".
    const { page } = await openApp({
      sandbox: 'auto',
      vault: new CredentialVault({ service }),
      scheduler: { ...TEST_SCHEDULER, debounceMs: 120_000 },
    });
    const ui = screens(page);

    await ui.manageAccounts.click();
    const add = page.getByRole('form', { name: 'Add account with an API key' });
    await add.getByRole('radio', { name: 'Canvas' }).check();
    expect(await add.getByText('Create one in Canvas under Account → Settings → Approved Integrations → New access token.').count()).toBe(1);
    await add.getByLabel('Canvas address').fill(canvas.url);
    await add.getByLabel('Access token').fill(canvas.token);
    expect(await add.getByLabel('Access token').getAttribute('type')).toBe('password');
    await add.getByRole('button', { name: 'Add account' }).click();
    expect(await add.getByLabel('Access token').inputValue()).toBe('');
    const accounts = page.getByRole('list', { name: 'Signed-in accounts' }).getByRole('listitem');
    await expect.poll(() => accounts.allInnerTexts(), UI_WAIT).toContainEqual(expect.stringContaining(`Signed in as Mr. Strickland at 127.0.0.1:${canvas.port}`));
    expect(await accounts.count()).toBe(2);
    await page.getByRole('button', { name: 'Close accounts' }).click();

    // Each Canvas course leads its sections; the district's Schoology courses stay listed beside them.
    const biology = ui.sidebar.getByRole('listitem').filter({ has: page.getByRole('button', { name: /^Biology P4/ }) });
    await expect.poll(() => biology.count(), SYNC_WAIT).toBe(1);
    const group = ui.sidebar.locator('section').filter({ has: page.getByRole('button', { name: /^Biology P4/ }) });
    await expect
      .poll(() => group.getByRole('button').allInnerTexts(), SYNC_WAIT)
      .toEqual([expect.stringMatching(/^Biology/), expect.stringMatching(/^Biology P1/), expect.stringMatching(/^Biology P4/)]);
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
    expect(canvas.store.getEnrollment(1076)).toMatchObject({ user_id: 115, workflow_state: 'inactive' });
    expect(await shownValue(ui.statusOf('Isaiah Adeyemi'))).toBe('Inactive');
    await shot(page, 'synced');
  });
});
