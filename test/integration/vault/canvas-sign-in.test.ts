import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountService } from '../../../electron/accounts/account-service';
import { SignInError, type SignInAttempt } from '../../../electron/accounts/sign-in';
import { openCache, type Cache } from '../../../electron/db/cache';
import { LmsError } from '../../../electron/lms/lms-error';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { CredentialVault, vaultKeyOf, type CanvasCredentials } from '../../../electron/vault/credential-vault';
import { answerCanvasAuthorizePage } from '../../support/canvas-authorize-page';

/**
 * "Sign in with Canvas" through AccountService: the loopback listener, the Canvas sandbox's authorize page answered the
 * way a browser would, the real keychain (scripts/with-keyring.sh) and a real cache file; then an access token that
 * expires on the sandbox's clock, renewed by the account's provider and written back to the keychain.
 */
const service = `Roster Desk test ${randomUUID()}`;
const LIFETIME_MS = 60_000;

let sandbox: CanvasSandbox;
let clock: number;
let dir: string;
let cache: Cache;
let vault: CredentialVault;
let accounts: AccountService;
let attempt: SignInAttempt | undefined;

beforeEach(async () => {
  clock = Date.UTC(2026, 8, 1, 12);
  sandbox = await startCanvasSandbox({ throttle: null, now: () => clock, oauthTokenLifetimeMs: LIFETIME_MS });
  dir = mkdtempSync(join(tmpdir(), 'roster-canvas-sign-in-'));
  cache = openCache(join(dir, 'cache.sqlite'));
  vault = new CredentialVault({ service });
  accounts = new AccountService({ cache, vault, canvasTransport: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } });
});

afterEach(async () => {
  attempt?.cancel();
  attempt = undefined;
  cache.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

const keyOf = () => vaultKeyOf('canvas', sandbox.url, '1');
const loginCommand = () => `roster account login canvas --base-url ${sandbox.url} --client-id ${sandbox.oauthClient.id} --client-secret-stdin`;

async function begin(secret = sandbox.oauthClient.secret): Promise<SignInAttempt> {
  attempt = await accounts.beginCanvasSignIn({ baseUrl: sandbox.url, clientId: sandbox.oauthClient.id, clientSecret: secret });
  return attempt;
}

async function visit(url: string): Promise<{ status: number; html: string }> {
  const reply = await fetch(url);
  return { status: reply.status, html: await reply.text() };
}

async function stored(): Promise<CanvasCredentials> {
  const credentials = await vault.load(keyOf());
  expect(credentials?.provider).toBe('canvas');
  return credentials as CanvasCredentials;
}

async function signIn() {
  const started = await begin();
  const back = await visit(await answerCanvasAuthorizePage(started.authorizeUrl, 'authorize'));
  return { account: await started.result, back };
}

describe('Sign in with Canvas', () => {
  it("sends the user to Canvas's authorize page with the developer key, a loopback redirect_uri and a one-time state", async () => {
    const url = new URL((await begin()).authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.url}/login/oauth2/auth`);
    expect(url.searchParams.get('client_id')).toBe(sandbox.oauthClient.id);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{32}$/);
    expect(url.href).not.toContain(sandbox.oauthClient.secret);
  });

  it('on Authorize keeps the tokens and the developer key in the keychain, the account in the cache, and tells the browser', async () => {
    const { account, back } = await signIn();
    expect(account).toMatchObject({ name: `127.0.0.1-${sandbox.port}-1`, provider: 'canvas', baseUrl: sandbox.url, user: { id: '1', name: 'Mr. Strickland' } });
    expect(cache.accounts.get(account.id)).toMatchObject({ provider: 'canvas' });
    expect(back.status).toBe(200);
    expect(back.html).toContain('Roster Desk is signed in as Mr. Strickland. You can close this tab.');
    expect(await stored()).toEqual({
      provider: 'canvas',
      token: expect.stringMatching(/^1~/),
      refreshToken: expect.any(String),
      clientId: sandbox.oauthClient.id,
      clientSecret: sandbox.oauthClient.secret,
      expiresAt: expect.any(Number),
      owner: expect.any(String),
    });
  });

  it('on Cancel rejects with SignInError("denied") and saves nothing', async () => {
    const started = await begin();
    const back = await visit(await answerCanvasAuthorizePage(started.authorizeUrl, 'cancel'));
    const error = await started.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInError);
    expect(error).toMatchObject({ code: 'denied', message: "Sign-in was cancelled at Canvas's authorize page; nothing was saved." });
    expect(back.html).toContain('Sign-in denied');
    expect(accounts.list()).toEqual([]);
    expect(await vault.keys()).toEqual([]);
  });

  it('fails naming the developer key when Canvas refuses its secret, and saves nothing', async () => {
    const started = await begin('not-the-secret');
    const back = await visit(await answerCanvasAuthorizePage(started.authorizeUrl, 'authorize'));
    const error = await started.result.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'failed' });
    expect((error as Error).message).toContain('refused to issue an access token (HTTP 401 Unauthorized: invalid_client (unknown client))');
    expect((error as Error).message).toContain("check the developer key's client ID and secret");
    expect(back.status).toBe(502);
    expect(back.html).not.toContain('not-the-secret');
    expect(accounts.list()).toEqual([]);
  });
});

describe("a signed-in Canvas account's expired access token", () => {
  it('is renewed by the provider, and the keychain then holds the new token with the same refresh token', async () => {
    const { account } = await signIn();
    const before = await stored();
    clock += LIFETIME_MS;
    const provider = await accounts.providerFor(account.id);
    expect(await provider.whoAmI()).toMatchObject({ userId: '1', name: 'Mr. Strickland' });
    const after = await stored();
    expect(after.token).not.toBe(before.token);
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(after.expiresAt).toBeGreaterThanOrEqual(before.expiresAt!);
    expect({ ...after, token: before.token, expiresAt: before.expiresAt }).toEqual(before);
  });

  it('ends, when Canvas no longer knows the refresh token, in an unauthorized error with the exact command; the hint says the same', async () => {
    const { account } = await signIn();
    sandbox.revokeOAuthTokens();
    const provider = await accounts.providerFor(account.id);
    const error = await provider.whoAmI().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LmsError);
    expect(error).toMatchObject({ kind: 'unauthorized' });
    expect((error as Error).message).toContain(`sign in again with \`${loginCommand()}\``);
    expect(await accounts.signInAgainHint(account.id)).toBe(`sign in again with \`${loginCommand()}\``);
  });

  it('signing in again replaces the credentials of the same account', async () => {
    const first = (await signIn()).account;
    const before = await stored();
    const again = (await signIn()).account;
    expect(again.id).toBe(first.id);
    expect(accounts.list()).toHaveLength(1);
    expect((await stored()).refreshToken).not.toBe(before.refreshToken);
  });
});

describe('Canvas keychain entries', () => {
  it('written before OAuth2 sign-in (a token alone) keep reading; a client ID is never stored without its secret', async () => {
    await keytar.setPassword(service, 'canvas|https://old.example|7', JSON.stringify({ provider: 'canvas', token: '7~old', owner: '/x' }));
    expect(await vault.load('canvas|https://old.example|7')).toEqual({ provider: 'canvas', token: '7~old', owner: '/x' });
    await expect(vault.save('canvas|https://old.example|7', { provider: 'canvas', token: 't', refreshToken: 'r', clientId: '1' })).rejects.toThrow(
      'A client ID goes only with its secret.',
    );
  });
});
