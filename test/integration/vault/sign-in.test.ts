import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccountService } from '../../../electron/accounts/account-service';
import { SignInError, type SignInAttempt } from '../../../electron/accounts/sign-in';
import { openCache, type Cache } from '../../../electron/db/cache';
import { realmIdOf } from '../../../electron/db/realms-repo';
import { Transport } from '../../../electron/lms/transport';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { BackgroundSync } from '../../../electron/sync/background-sync';
import { Outbox } from '../../../electron/sync/outbox';
import { pullAccount } from '../../../electron/sync/pull';
import { CredentialVault, VaultUnavailableError, vaultKeyOf } from '../../../electron/vault/credential-vault';
import { answerAuthorizePage } from '../../support/authorize-page';

/**
 * "Sign in with Schoology" through AccountService.beginSignIn, over the real keychain (scripts/with-keyring.sh), a real
 * cache file and the sandbox LMS, whose authorize page this test answers the way a browser would: GET the page, POST
 * its form, follow the redirect to the loopback listener.
 */
const service = `Roster Desk test ${randomUUID()}`;
const P3 = 'sections/3719526';
let sandbox: Sandbox;
let dir: string;
let cache: Cache;
let accounts: AccountService;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: null });
});

afterAll(async () => {
  await sandbox.close();
});

function serviceFor(cacheOf: Cache, vault = new CredentialVault({ service })): AccountService {
  return new AccountService({ cache: cacheOf, vault, transport: () => new Transport({ baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 }) });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-sign-in-'));
  cache = openCache(join(dir, 'cache.sqlite'));
  accounts = serviceFor(cache);
});

afterEach(async () => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

const start = () => ({ baseUrl: sandbox.url, webUrl: sandbox.webUrl, consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret });
const keyOf = () => vaultKeyOf('schoology', sandbox.url, '45552');
const name = () => `127.0.0.1-${sandbox.port}-45552`;
const stored = async () => JSON.parse((await keytar.getPassword(service, keyOf())) ?? 'null') as Record<string, string> | null;

async function visit(url: string): Promise<{ status: number; html: string }> {
  const reply = await fetch(url);
  return { status: reply.status, html: await reply.text() };
}

async function signIn(service_ = accounts): Promise<void> {
  const attempt = await service_.beginSignIn(start());
  const back = await visit(await answerAuthorizePage(attempt.authorizeUrl, 'allow'));
  expect(back.status).toBe(200);
  await attempt.result;
}

describe('signing in with Schoology (three-legged)', () => {
  let attempt: SignInAttempt | null = null;
  afterEach(() => attempt?.cancel());

  it("sends the user to the school's authorize page with a callback on 127.0.0.1 carrying a one-time state", async () => {
    attempt = await accounts.beginSignIn(start());
    const url = new URL(attempt.authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.webUrl}/oauth/authorize`);
    const callback = new URL(url.searchParams.get('oauth_callback')!);
    expect(callback.hostname).toBe('127.0.0.1');
    expect(callback.searchParams.get('state')).toMatch(/^[\w-]{32}$/);
    const other = await accounts.beginSignIn(start());
    expect(new URL(new URL(other.authorizeUrl).searchParams.get('oauth_callback')!).searchParams.get('state')).not.toBe(callback.searchParams.get('state'));
    other.cancel();
  });

  it('on Allow stores the access token in the keychain and the account in the cache, and tells the browser it can close', async () => {
    attempt = await accounts.beginSignIn(start());
    const back = await visit(await answerAuthorizePage(attempt.authorizeUrl, 'allow'));
    expect(back.status).toBe(200);
    expect(back.html).toContain('You can close this tab');
    const account = await attempt.result;
    expect(account).toMatchObject({ id: name(), name: name(), provider: 'schoology', baseUrl: sandbox.url, user: { id: '45552', name: 'Mr. Strickland' } });
    expect(cache.accounts.get(name())).toMatchObject({ user: { id: '45552' } });
    const credentials = await stored();
    expect(credentials).toMatchObject({ consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret, webUrl: sandbox.webUrl });
    expect(credentials?.token).toMatch(/^[\w-]+$/);
    expect(credentials?.tokenSecret).toMatch(/^[\w-]+$/);
    expect(back.html).not.toContain(credentials?.token);
  });

  it('closes the listener once signed in', async () => {
    attempt = await accounts.beginSignIn(start());
    const callback = await answerAuthorizePage(attempt.authorizeUrl, 'allow');
    await visit(callback);
    await attempt.result;
    await expect(fetch(callback)).rejects.toThrow();
  });

  it("signs the account's LMS calls with the access token: revoking the tokens stops them", async () => {
    await signIn();
    const provider = await accounts.providerFor(name());
    await expect(provider.whoAmI()).resolves.toMatchObject({ userId: '45552' });
    sandbox.revokeAccessTokens();
    await expect(provider.whoAmI()).rejects.toMatchObject({ kind: 'unauthorized' });
  });

  it('on Deny rejects with SignInError("denied") and saves nothing', async () => {
    attempt = await accounts.beginSignIn(start());
    const back = await visit(await answerAuthorizePage(attempt.authorizeUrl, 'deny'));
    expect(back.html).toContain('not given access');
    const error = await attempt.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInError);
    expect(error).toMatchObject({ code: 'denied' });
    expect(cache.accounts.list()).toEqual([]);
    expect(await keytar.findCredentials(service)).toEqual([]);
  });

  it('refuses a callback with a wrong or missing state with a small page, and the attempt goes on', async () => {
    attempt = await accounts.beginSignIn(start());
    const callback = await answerAuthorizePage(attempt.authorizeUrl, 'allow');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-the-state');
    const wrong = await visit(forged.href);
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('does not belong to the sign-in');
    forged.searchParams.delete('state');
    expect((await visit(forged.href)).status).toBe(400);
    expect(cache.accounts.list()).toEqual([]);

    expect((await visit(callback)).status).toBe(200);
    await expect(attempt.result).resolves.toMatchObject({ name: name() });
  });

  it('answers only the first callback: a second one gets a small page and changes nothing', async () => {
    attempt = await accounts.beginSignIn(start());
    const callback = await answerAuthorizePage(attempt.authorizeUrl, 'allow');
    const replies = await Promise.all([visit(callback), visit(callback)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(replies.find((r) => r.status === 409)?.html).toContain('already been answered');
    await expect(attempt.result).resolves.toMatchObject({ name: name() });
    expect(accounts.list()).toHaveLength(1);
  });

  it('gives up with SignInError("timeout") when nobody answers in time, and stops listening', async () => {
    attempt = await accounts.beginSignIn(start(), { timeoutMs: 50 });
    const callbackUrl = new URL(attempt.authorizeUrl).searchParams.get('oauth_callback')!;
    await expect(attempt.result).rejects.toMatchObject({ code: 'timeout' });
    await expect(fetch(callbackUrl)).rejects.toThrow();
    expect(cache.accounts.list()).toEqual([]);
  });

  it('cancel() ends the attempt with SignInError("cancelled"); a later callback saves nothing', async () => {
    attempt = await accounts.beginSignIn(start());
    const callback = await answerAuthorizePage(attempt.authorizeUrl, 'allow');
    attempt.cancel();
    await expect(attempt.result).rejects.toMatchObject({ code: 'cancelled' });
    await expect(fetch(callback)).rejects.toThrow();
    expect(await keytar.findCredentials(service)).toEqual([]);
  });

  it('signing in again replaces the credentials of the same account', async () => {
    await signIn();
    const first = await stored();
    await signIn();
    const second = await stored();
    expect(accounts.list().map((a) => a.name)).toEqual([name()]);
    expect(second?.token).not.toBe(first?.token);
  });

  it('refuses a consumer key and secret the LMS rejects, before any page is shown', async () => {
    await expect(accounts.beginSignIn({ ...start(), consumerSecret: 'wrong-secret' })).rejects.toMatchObject({ code: 'refused' });
  });

  it('starts nothing when there is no keychain', async () => {
    const broken = serviceFor(cache, new CredentialVault({ service, platform: 'linux', keychain: () => Promise.reject(new Error('no keytar.node')) }));
    const before = sandbox.requests.filter((r) => r.path === 'oauth/request_token').length;
    const error = await broken.beginSignIn(start()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultUnavailableError);
    expect((error as Error).message).toMatch(/^no Secret Service: install and unlock gnome-keyring or KWallet/);
    expect(sandbox.requests.filter((r) => r.path === 'oauth/request_token').length).toBe(before);
  });
});

describe('an expired sign-in in the app', () => {
  it('BackgroundSync keeps the edits, says how to sign in again, and syncs them once signed in again', async () => {
    await signIn();
    await pullAccount(cache, name(), await accounts.providerFor(name()), { realmKeys: [P3] });
    const outbox = new Outbox(cache);
    outbox.apply([{ kind: 'update', realmId: realmIdOf(name(), P3), enrollmentId: '44783136', fields: { status: 'completed' } }]);
    const background = new BackgroundSync({
      cache,
      outbox,
      provider: (id) => accounts.providerFor(id),
      signInAgainHint: (id) => accounts.signInAgainHint(id),
      scheduler: { debounceMs: 10, probeMs: 20, probeMaxMs: 40, intervalMs: 60_000 },
    });
    try {
      sandbox.revokeAccessTokens();
      background.start(name());
      const refused = await background.syncNow(name());
      expect(refused?.outcome).toBe('unauthorized');
      expect(refused?.message).toContain(
        `roster account login schoology --base-url ${sandbox.url} --web-url ${sandbox.webUrl} --key ${sandbox.consumerKey} --secret-stdin`,
      );
      expect(refused?.message).not.toContain(sandbox.consumerSecret);
      expect(outbox.sendable(name())).toHaveLength(1);

      await signIn();
      const synced = await background.syncNow(name());
      expect(synced?.outcome).toBe('ok');
      expect(sandbox.store.getEnrollment('44783136')?.status).toBe(2);
      expect(outbox.sendable(name())).toEqual([]);
    } finally {
      await background.stop();
    }
  });

  it('tells a two-legged account to add its API credentials again', async () => {
    await accounts.add({ provider: 'schoology', baseUrl: sandbox.url, consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret });
    expect(await accounts.signInAgainHint(name())).toBe(
      `add the account's API credentials again with \`roster account add schoology --base-url ${sandbox.url} --key ${sandbox.consumerKey} --secret-stdin\``,
    );
  });
});

describe('orphaned keychain entries', () => {
  it("cleanOrphans deletes this cache's entries whose account is gone, and keeps live ones and other data folders' entries", async () => {
    const second = await startSandbox({ rateLimit: null });
    const otherDir = mkdtempSync(join(tmpdir(), 'roster-sign-in-other-'));
    const otherCache = openCache(join(otherDir, 'cache.sqlite'));
    try {
      const input = (lms: Sandbox) => ({ provider: 'schoology' as const, baseUrl: lms.url, consumerKey: lms.consumerKey, consumerSecret: lms.consumerSecret });
      await accounts.add(input(sandbox));
      await accounts.add(input(second));
      // The account goes from the cache while its keychain entry stays behind (as when the keychain was locked).
      cache.accounts.remove(`127.0.0.1-${second.port}-45552`);
      // Another data folder's account, at a third place.
      const third = await startSandbox({ rateLimit: null });
      try {
        await serviceFor(otherCache).add(input(third));
        const thirdKey = vaultKeyOf('schoology', third.url, '45552');

        expect(await accounts.cleanOrphans()).toBe(1);
        expect(await keytar.getPassword(service, vaultKeyOf('schoology', second.url, '45552'))).toBeNull();
        expect(await keytar.getPassword(service, keyOf())).not.toBeNull();
        expect(await keytar.getPassword(service, thirdKey)).not.toBeNull();
        expect(await accounts.cleanOrphans()).toBe(0);
      } finally {
        await third.close();
      }
    } finally {
      otherCache.close();
      rmSync(otherDir, { recursive: true, force: true });
      await second.close();
    }
  });
});
