import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../electron/sandbox/sandbox-server';
import { CredentialVault, vaultKeyOf } from '../../electron/vault/credential-vault';
import { BRIDGE_PATH_PREFIX } from '../../shared/bridge';
import { SYNC_WAIT, useE2eHarness, type OpenAppOptions } from './harness';

/**
 * The Accounts panel in Chromium over the browser host, the app runtime on a fresh data folder, the real keychain
 * (scripts/with-keyring.sh) and the sandbox LMS in this process: adding an account with an API key, signing in with
 * Schoology (a second page plays the user's browser on the school's authorize page), a denied sign-in, signing out
 * — and not one reply crossing the bridge carries the consumer secret or an access token.
 */
const harness = useE2eHarness(import.meta.url);
const service = `Roster Desk e2e ${randomUUID()}`;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'small', rateLimit: null });
});

afterAll(async () => {
  await sandbox?.close();
});

afterEach(async () => {
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

/**
 * The app with no account (so no Sandbox district) and the test's own keychain service; with keepReplies, the body of
 * every bridge reply (read as it arrives: a reload would make the earlier ones unreadable).
 */
async function openApp(options: OpenAppOptions = {}, keepReplies = false) {
  const replies: Array<Promise<string>> = [];
  const app = await harness.openApp({
    sandbox: false,
    vault: new CredentialVault({ service }),
    ...options,
    onPage: (page) => {
      // The app opens the school's page in a new tab itself (browser host); the tests play that tab separately.
      page.on('popup', (popup) => void popup.close());
      page.on('response', (response) => {
        if (keepReplies && new URL(response.url()).pathname.startsWith(BRIDGE_PATH_PREFIX)) replies.push(response.text());
      });
    },
  });
  return { ...app, replies };
}

async function openPanel(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Manage accounts' }).click();
  await expect.poll(() => page.getByRole('heading', { name: 'Accounts', level: 2 }).count()).toBe(1);
}

async function addTwoLegged(page: Page): Promise<void> {
  const add = page.getByRole('form', { name: 'Add account with an API key' });
  await add.getByLabel('API base URL').fill(sandbox.url);
  await add.getByLabel('Consumer key').fill(sandbox.consumerKey);
  await add.getByLabel('Consumer secret').fill(sandbox.consumerSecret);
  await add.getByRole('button', { name: 'Add account' }).click();
  expect(await add.getByLabel('Consumer secret').inputValue()).toBe('');
  await expect.poll(() => accountItems(page).allInnerTexts()).toEqual([expect.stringContaining(`Signed in as Mr. Strickland at ${sandboxHost()}`)]);
}

const accountItems = (page: Page) => page.getByRole('list', { name: 'Signed-in accounts' }).getByRole('listitem');
const sandboxHost = () => `127.0.0.1:${sandbox.port}`;

async function fillSignIn(page: Page): Promise<void> {
  const form = page.getByRole('form', { name: 'Sign in with Schoology' });
  await form.getByLabel('API base URL').fill(sandbox.url);
  await form.getByLabel('School web address').fill(sandbox.webUrl);
  await form.getByLabel('App consumer key').fill(sandbox.consumerKey);
  await form.getByLabel('App consumer secret').fill(sandbox.consumerSecret);
  await form.getByRole('button', { name: 'Sign in with Schoology' }).click();
}

/** The user's browser on the school's page: the link the app shows while it waits, answered with Allow or Deny. */
async function answerSchoolPage(page: Page, decision: 'Allow' | 'Deny'): Promise<string> {
  await expect.poll(() => page.getByText("Waiting for you to allow Roster Desk at the school's page…").count()).toBe(1);
  const authorizeUrl = await page.getByRole('link', { name: "open the school's sign-in page" }).getAttribute('href');
  expect(authorizeUrl?.startsWith(`${sandbox.webUrl}/oauth/authorize?`)).toBe(true);
  const school = await harness.browser().newPage();
  try {
    await school.goto(authorizeUrl!);
    await school.getByRole('button', { name: decision }).click();
    await expect.poll(() => school.getByRole('heading', { level: 1 }).innerText()).toMatch(decision === 'Allow' ? /Signed in/ : /denied/);
    return await school.getByRole('heading', { level: 1 }).innerText();
  } finally {
    await school.close();
  }
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: `Sign out of Mr. Strickland at ${sandboxHost()}` }).click();
  const dialog = page.getByRole('dialog', { name: `Sign out of Mr. Strickland at ${sandboxHost()}?` });
  await expect.poll(() => dialog.count()).toBe(1);
  await dialog.getByRole('button', { name: 'Sign out' }).click();
  await expect.poll(() => page.getByRole('status').filter({ hasText: 'Signed out of Mr. Strickland' }).count()).toBe(1);
  await expect.poll(() => accountItems(page).count()).toBe(0);
  expect(await keytar.findCredentials(service)).toEqual([]);
}

describe('accounts in Chromium over the browser host', () => {
  it('adds, signs in (allowed and denied) and signs out, and no bridge reply carries a secret', async () => {
    const { page, replies } = await openApp({}, true);
    await openPanel(page);
    await expect.poll(() => page.getByText('No LMS account yet. Add one').count()).toBe(1);

    // Two-legged: the key and secret from the school's /api page.
    await addTwoLegged(page);
    await signOut(page);

    // Three-legged: allowed on the school's page.
    await fillSignIn(page);
    expect(await answerSchoolPage(page, 'Allow')).toMatch(/Signed in/);
    await expect.poll(() => accountItems(page).allInnerTexts()).toEqual([expect.stringContaining(`Signed in as Mr. Strickland at ${sandboxHost()}`)]);
    await expect.poll(() => page.getByRole('status').filter({ hasText: `Signed in as Mr. Strickland at ${sandboxHost()}` }).count()).toBe(1);
    const stored = await new CredentialVault({ service }).load(vaultKeyOf('schoology', sandbox.url, '45552'));
    expect(stored?.token && stored.tokenSecret).toBeTruthy();

    // Three-legged: denied on the school's page.
    await fillSignIn(page);
    await answerSchoolPage(page, 'Deny');
    const denied = page.getByRole('alert').filter({ hasText: 'Sign-in was denied' });
    await expect.poll(() => denied.count()).toBe(1);
    expect(await denied.innerText()).toMatch(/choose Allow/);

    await signOut(page);

    const bodies = await Promise.all(replies);
    expect(bodies.length).toBeGreaterThan(5);
    for (const secret of [sandbox.consumerSecret, stored!.token!, stored!.tokenSecret!]) {
      for (const body of bodies) expect(body.includes(secret), `a bridge reply holds a secret: ${body}`).toBe(false);
    }
  });

  it('warns before signing out that unsynced edits will be lost, operated by keyboard alone', async () => {
    const { page, services, runtime } = await openApp();
    await openPanel(page);
    await addTwoLegged(page);
    const accountId = `127.0.0.1-${sandbox.port}-45552`;
    // The new account syncs and pulls at once; the edit is queued after that run, so it stays unsynced.
    await expect.poll(() => runtime.background.lastRunOf(accountId)?.report.outcome, SYNC_WAIT).toBe('ok');
    await expect.poll(() => runtime.background.isSyncing(accountId), SYNC_WAIT).toBe(false);
    services.cache.outbox.enqueue({
      accountId,
      realmId: `${accountId}/sections/3719526`,
      kind: 'update',
      enrollmentId: '44783136',
      fields: { status: 'inactive' },
      base: { status: 'active' },
    });
    await page.reload();

    await page.getByRole('button', { name: 'Manage accounts' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: 'Accounts', level: 2 }).count()).toBe(1);
    const signOutButton = page.getByRole('button', { name: `Sign out of Mr. Strickland at ${sandboxHost()}` });
    await signOutButton.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Sign out of Mr. Strickland at ${sandboxHost()}?` });
    await expect.poll(() => dialog.count()).toBe(1);
    expect(await dialog.innerText()).toMatch(/1 unsynced edit will be lost/);
    // Escape keeps the account.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await accountItems(page).count()).toBe(1);

    await signOutButton.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(1);
    // Focus starts on the safe choice; Tab reaches the one that discards.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Stay signed in');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Sign out and discard edits');
    await page.keyboard.press('Enter');
    const banner = page.getByRole('status').filter({ hasText: 'Signed out of Mr. Strickland' });
    await expect.poll(() => banner.count()).toBe(1);
    expect(await banner.innerText()).toMatch(/1 unsynced edit was discarded/);
    await expect.poll(() => accountItems(page).count()).toBe(0);
    expect(services.cache.outbox.listByAccount(accountId)).toEqual([]);
  });

  it('says the sign-in timed out and how to try again when nobody answers the school page', async () => {
    const { page } = await openApp({ signInTimeoutMs: 500 });
    await openPanel(page);
    await fillSignIn(page);
    const timedOut = page.getByRole('alert').filter({ hasText: 'Sign-in timed out' });
    await expect.poll(() => timedOut.count()).toBe(1);
    expect(await timedOut.innerText()).toMatch(/Sign in with Schoology.* again and choose Allow/);
    expect(await page.getByText("Waiting for you to allow Roster Desk at the school's page…").count()).toBe(0);
    expect(await accountItems(page).count()).toBe(0);
  });

  it('shows what to install when there is no Secret Service, and offers no way to type a secret into nowhere', async () => {
    const { page } = await openApp({
      vault: new CredentialVault({ service, platform: 'linux', keychain: () => Promise.reject(new Error('Cannot find module keytar.node')) }),
    });
    const banner = page.getByRole('alert').filter({ hasText: 'no Secret Service' });
    await expect.poll(() => banner.count()).toBe(1);
    expect(await banner.innerText()).toMatch(/install and unlock gnome-keyring or KWallet/);
    await openPanel(page);
    expect(await page.getByRole('button', { name: 'Add account' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign in with Schoology' }).isDisabled()).toBe(true);
  });
});
