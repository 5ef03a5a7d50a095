import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startCanvasSandbox, type CanvasSandbox } from '../../electron/sandbox/canvas/canvas-sandbox-server';
import { CredentialVault, vaultKeyOf, type CanvasCredentials } from '../../electron/vault/credential-vault';
import { BRIDGE_PATH_PREFIX } from '../../shared/bridge';
import { axeFindings, blockingFindings } from './axe-scan';
import { SYNC_WAIT, UI_WAIT, useE2eHarness } from './harness';
import { screens } from './screens';

/**
 * "Sign in with Canvas" in Chromium over the browser host: the Accounts panel's sign-in form switched to Canvas, the
 * Canvas sandbox's authorize page answered in a second page (the user's browser), the real keychain holding the access
 * and refresh tokens with the developer key — and not one bridge reply carrying any of them. The new account then
 * pulls its courses through the signed-in token.
 */
const harness = useE2eHarness(import.meta.url);
const service = `Roster Desk e2e ${randomUUID()}`;

let canvas: CanvasSandbox | undefined;

afterEach(async () => {
  await canvas?.close();
  canvas = undefined;
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

const accountItems = (page: Page) => page.getByRole('list', { name: 'Signed-in accounts' }).getByRole('listitem');

/** Canvas's authorize page in a page of its own, answered with Authorize or Cancel; the heading the browser ends on. */
async function answerCanvasPage(page: Page, lms: CanvasSandbox, decision: 'Authorize' | 'Cancel'): Promise<string> {
  await expect.poll(() => page.getByText("Waiting for you to allow Roster Desk at the school's page…").count(), UI_WAIT).toBe(1);
  const authorizeUrl = await page.getByRole('link', { name: "open the school's sign-in page" }).getAttribute('href');
  expect(authorizeUrl?.startsWith(`${lms.url}/login/oauth2/auth?`)).toBe(true);
  const browser = await harness.browser().newPage();
  try {
    await browser.goto(authorizeUrl!);
    expect(await browser.getByRole('heading', { level: 1 }).innerText()).toBe('Roster Desk is requesting access to your Canvas account, Mr. Strickland.');
    await browser.getByRole('button', { name: decision }).click();
    await expect.poll(() => browser.getByRole('heading', { level: 1 }).innerText(), UI_WAIT).toMatch(decision === 'Authorize' ? /Signed in/ : /denied/);
    return await browser.getByRole('heading', { level: 1 }).innerText();
  } finally {
    await browser.close();
  }
}

async function fillCanvasSignIn(page: Page, lms: CanvasSandbox): Promise<void> {
  // The form is named for the LMS chosen in it: Schoology at first, Canvas once chosen (kept for the next sign-in).
  const form = page.getByRole('form', { name: /^Sign in with (Schoology|Canvas)$/ });
  await form.getByRole('radio', { name: 'Canvas' }).check();
  const canvasForm = page.getByRole('form', { name: 'Sign in with Canvas' });
  await canvasForm.getByLabel('Canvas address').fill(lms.url);
  await canvasForm.getByLabel('Client ID').fill(lms.oauthClient.id);
  await canvasForm.getByLabel('Client secret').fill(lms.oauthClient.secret);
  expect(await canvasForm.getByLabel('Client secret').getAttribute('type')).toBe('password');
  await canvasForm.getByRole('button', { name: 'Sign in with Canvas' }).click();
}

describe('Sign in with Canvas in the app', () => {
  it('signs in on the Canvas page, keeps the tokens in the keychain only, and pulls the courses', async () => {
    canvas = await startCanvasSandbox({ port: 0 });
    const replies: Array<Promise<string>> = [];
    const { page } = await harness.openApp({
      sandbox: false,
      vault: new CredentialVault({ service }),
      onPage: (opened) => {
        // The app opens Canvas's page in a new tab itself (browser host); the test plays that tab separately.
        opened.on('popup', (popup) => void popup.close());
        opened.on('response', (response) => {
          if (new URL(response.url()).pathname.startsWith(BRIDGE_PATH_PREFIX)) replies.push(response.text());
        });
      },
    });
    await page.getByRole('button', { name: 'Manage accounts' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Accounts', level: 2 }).count()).toBe(1);

    // Cancelled on Canvas's page first: nothing saved, and the banner says how to start again.
    await fillCanvasSignIn(page, canvas);
    await answerCanvasPage(page, canvas, 'Cancel');
    const denied = page.getByRole('alert').filter({ hasText: 'Sign-in was denied' });
    await expect.poll(() => denied.count(), UI_WAIT).toBe(1);
    expect(await denied.innerText()).toMatch(/start “Sign in with Canvas” again and choose Authorize/);
    expect(await accountItems(page).count()).toBe(0);

    await fillCanvasSignIn(page, canvas);
    expect(await answerCanvasPage(page, canvas, 'Authorize')).toMatch(/Signed in/);
    await expect.poll(() => accountItems(page).allInnerTexts(), UI_WAIT).toEqual([expect.stringContaining(`Signed in as Mr. Strickland at 127.0.0.1:${canvas.port}`)]);
    await harness.shot(page, 'canvas-signed-in');
    expect(blockingFindings(await axeFindings(page)), 'axe-core on the Accounts panel after a Canvas sign-in').toBe('');

    const stored = (await new CredentialVault({ service }).load(vaultKeyOf('canvas', canvas.url, '1'))) as CanvasCredentials | null;
    expect(stored).toMatchObject({ provider: 'canvas', clientId: canvas.oauthClient.id, clientSecret: canvas.oauthClient.secret });
    expect(stored?.refreshToken).toBeTruthy();

    // The signed-in token is what the account pulls with.
    await page.getByRole('button', { name: 'Close accounts' }).click();
    const biologySections = screens(page).sidebar.getByRole('list', { name: 'Sections of Biology' });
    await expect.poll(() => biologySections.getByRole('button').count(), SYNC_WAIT).toBe(2);

    const bodies = await Promise.all(replies);
    expect(bodies.length).toBeGreaterThan(5);
    for (const secret of [canvas.oauthClient.secret, stored!.token, stored!.refreshToken!]) {
      for (const body of bodies) expect(body.includes(secret), `a bridge reply holds a secret: ${body}`).toBe(false);
    }
  });
});
