import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Account, ApiEnvelope, SignInAttempt } from '../../../shared/api';
import { dispatch } from '../../../electron/api-dispatch';
import { createServices, type Services, type ServicesOptions } from '../../../electron/services';
import { Transport } from '../../../electron/lms/transport';
import { SANDBOX_ACCOUNT_ID } from '../../../electron/sandbox-district';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { pullAccount } from '../../../electron/sync/pull';
import { CredentialVault, vaultKeyOf } from '../../../electron/vault/credential-vault';
import { answerAuthorizePage } from '../../support/authorize-page';

/**
 * The account methods of RosterApi as the renderer calls them — through dispatch (input checked, output checked,
 * failures folded into envelopes) — over real services: a cache file, the real keychain (scripts/with-keyring.sh)
 * and the sandbox LMS, whose authorize page a plain HTTP client answers the way a user's browser would.
 */
const service = `Roster Desk test ${randomUUID()}`;
let sandbox: Sandbox;
let dir: string;
let services: Services;
let opened: string[];
let changes: Array<{ kind: string; accountId: string }>;
/** Every envelope any call answered, to search for secrets afterwards. */
let replies: string[];

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: null });
});
afterAll(async () => {
  await sandbox.close();
});

function start(options: Partial<ServicesOptions> = {}): Services {
  services?.close();
  services = createServices({
    dataDir: join(dir, 'data'),
    host: 'electron',
    vault: new CredentialVault({ service }),
    transport: () => new Transport({ baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 }),
    openExternal: (url) => opened.push(url),
    onAccountChange: (change) => changes.push(change),
    ...options,
  });
  return services;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-account-api-'));
  opened = [];
  changes = [];
  replies = [];
  start();
});

afterEach(async () => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

async function call(method: string, input?: unknown): Promise<ApiEnvelope> {
  const envelope = await dispatch(services.handlers, method, input);
  replies.push(JSON.stringify(envelope));
  return envelope;
}

async function value<T>(method: string, input?: unknown): Promise<T> {
  const envelope = await call(method, input);
  if (!envelope.ok) throw new Error(`${method} failed: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

const twoLegged = (secret = sandbox.consumerSecret) => ({ provider: 'schoology', baseUrl: sandbox.url, consumerKey: sandbox.consumerKey, consumerSecret: secret });
const threeLegged = () => ({ ...twoLegged(), webUrl: sandbox.webUrl });
const accountName = () => `127.0.0.1-${sandbox.port}-45552`;
const vaultKey = () => vaultKeyOf('schoology', sandbox.url, '45552');

const STRICKLAND = () => ({
  id: accountName(),
  name: accountName(),
  provider: 'schoology',
  baseUrl: sandbox.url,
  user: { id: '45552', name: 'Mr. Strickland' },
});

/** The browser on the school's page: Allow or Deny, then following the school back to the callback. */
async function answerAndReturn(authorizeUrl: string, decision: 'allow' | 'deny'): Promise<Response> {
  return fetch(await answerAuthorizePage(authorizeUrl, decision));
}

/** Every secret the test knows of: the consumer secret, and the access token and its secret once stored. */
async function knownSecrets(): Promise<string[]> {
  const stored = await new CredentialVault({ service }).load(vaultKey());
  return [sandbox.consumerSecret, stored?.token, stored?.tokenSecret].filter((s): s is string => !!s);
}

function expectNoSecretIn(texts: string[], secrets: string[]): void {
  for (const secret of secrets) {
    for (const text of texts) expect(text.includes(secret), `a reply holds a secret: ${text}`).toBe(false);
  }
}

describe('keychainStatus', () => {
  it('answers ok when the Secret Service is there', async () => {
    expect(await value('keychainStatus')).toEqual({ ok: true });
  });

  it('names what is missing when there is no usable keychain, and then nothing can be added', async () => {
    start({
      vault: new CredentialVault({ service, platform: 'linux', keychain: () => Promise.reject(new Error('Cannot find module keytar.node')) }),
    });
    const status = await value<{ ok: boolean; message: string }>('keychainStatus');
    expect(status.ok).toBe(false);
    expect(status.message).toMatch(/^no Secret Service: install and unlock gnome-keyring or KWallet/);

    const added = await call('addAccount', twoLegged());
    expect(added).toMatchObject({ ok: false, error: { code: 'keychain_unavailable', message: expect.stringMatching(/gnome-keyring or KWallet/) } });
    const signIn = await call('beginSignIn', threeLegged());
    expect(signIn).toMatchObject({ ok: false, error: { code: 'keychain_unavailable' } });
    expect(await value('listAccounts')).toEqual([]);
    expect(opened).toEqual([]);
  });
});

describe('addAccount (two-legged)', () => {
  it('checks the key and secret with the LMS, answers who they belong to, and lists the account', async () => {
    expect(await value('addAccount', twoLegged())).toEqual(STRICKLAND());
    expect(await value('listAccounts')).toEqual([STRICKLAND()]);
    expect(changes).toEqual([{ kind: 'added', accountId: accountName() }]);
    expect(await new CredentialVault({ service }).load(vaultKey())).toMatchObject({ consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret });
    expectNoSecretIn(replies, await knownSecrets());
  });

  it('says the LMS refused a wrong secret and saves nothing', async () => {
    const reply = await call('addAccount', twoLegged('not-the-secret'));
    expect(reply).toMatchObject({ ok: false, error: { code: 'refused', message: expect.stringMatching(/refused this consumer key and secret/) } });
    expect(await value('listAccounts')).toEqual([]);
    expect(await keytar.findCredentials(service)).toEqual([]);
    expect(changes).toEqual([]);
    expectNoSecretIn(replies, ['not-the-secret']);
  });

  it('refuses an address that is not an http(s) URL, naming the field', async () => {
    const reply = await call('addAccount', { ...twoLegged(), baseUrl: 'ftp://school.example/v1' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/^API base URL: .*not an http\(s\) URL/) } });
  });

  it('refuses input with fields the contract does not know, and an empty secret', async () => {
    expect(await call('addAccount', { ...twoLegged(), token: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call('addAccount', { ...twoLegged(), consumerSecret: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('consumerSecret') },
    });
  });
});

describe('signing in with Schoology (three-legged)', () => {
  it("opens the school's authorize page, and once the user allows, lists the account signed in with its own token", async () => {
    const attempt = await value<SignInAttempt>('beginSignIn', threeLegged());
    expect(attempt.authorizeUrl.startsWith(`${sandbox.webUrl}/oauth/authorize?oauth_token=`)).toBe(true);
    expect(opened).toEqual([attempt.authorizeUrl]);

    const finishing = value<Account>('finishSignIn', { attemptId: attempt.attemptId });
    const browser = await answerAndReturn(attempt.authorizeUrl, 'allow');
    expect(browser.status).toBe(200);
    expect(await finishing).toEqual(STRICKLAND());
    expect(await value('listAccounts')).toEqual([STRICKLAND()]);
    expect(changes).toEqual([{ kind: 'added', accountId: accountName() }]);

    const stored = await new CredentialVault({ service }).load(vaultKey());
    expect(stored?.token).toBeTruthy();
    expect(stored?.tokenSecret).toBeTruthy();
    expectNoSecretIn(replies, await knownSecrets());
  });

  it('fails with code denied when the user denies, and saves nothing', async () => {
    const attempt = await value<SignInAttempt>('beginSignIn', threeLegged());
    const finishing = call('finishSignIn', { attemptId: attempt.attemptId });
    await answerAndReturn(attempt.authorizeUrl, 'deny');
    expect(await finishing).toMatchObject({ ok: false, error: { code: 'denied', message: expect.stringMatching(/denied/) } });
    expect(await value('listAccounts')).toEqual([]);
    expect(changes).toEqual([]);
    expect(await keytar.findCredentials(service)).toEqual([]);
  });

  it('fails with code cancelled when the user cancels, after which the attempt is gone', async () => {
    const attempt = await value<SignInAttempt>('beginSignIn', threeLegged());
    const finishing = call('finishSignIn', { attemptId: attempt.attemptId });
    expect(await value('cancelSignIn', { attemptId: attempt.attemptId })).toEqual({ cancelled: true });
    expect(await finishing).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await value('cancelSignIn', { attemptId: attempt.attemptId })).toEqual({ cancelled: false });
    expect(await call('finishSignIn', { attemptId: attempt.attemptId })).toMatchObject({ ok: false, error: { code: 'unknown_attempt' } });
    expect(await value('listAccounts')).toEqual([]);
  });

  it('fails with code timeout when nobody answers the page in time', async () => {
    start({ signInTimeoutMs: 50 });
    const attempt = await value<SignInAttempt>('beginSignIn', threeLegged());
    expect(await call('finishSignIn', { attemptId: attempt.attemptId })).toMatchObject({
      ok: false,
      error: { code: 'timeout', message: expect.stringMatching(/Sign in again/) },
    });
  });

  it('answers finishSignIn for an attempt that was never started with unknown_attempt', async () => {
    expect(await call('finishSignIn', { attemptId: 'no-such-attempt' })).toMatchObject({ ok: false, error: { code: 'unknown_attempt' } });
  });

  it('leaves opening the page to the renderer when no openExternal was given (the browser host)', async () => {
    start({ host: 'browser', openExternal: undefined });
    const attempt = await value<SignInAttempt>('beginSignIn', threeLegged());
    expect(opened).toEqual([]);
    await value('cancelSignIn', { attemptId: attempt.attemptId });
  });
});

describe('signOut', () => {
  it('removes the keychain entry, the account and its cached rosters and unsynced edits', async () => {
    const account = await value<Account>('addAccount', twoLegged());
    await pullAccount(services.cache, account.id, await services.accounts.providerFor(account.id));
    const realms = await value<Array<{ id: string }>>('listRealms', { accountId: account.id });
    expect(realms.length).toBeGreaterThan(0);
    const realmId = realms.find((realm) => realm.id.endsWith('/sections/3719526'))?.id ?? realms[0]!.id;
    services.cache.outbox.enqueue({ accountId: account.id, realmId, kind: 'update', enrollmentId: '44783136', fields: { status: 'inactive' }, base: { status: 'active' } });

    expect(await value('signOut', { accountId: account.id })).toEqual({ accountId: account.id, droppedEdits: 1 });
    expect(changes).toEqual([
      { kind: 'added', accountId: account.id },
      { kind: 'removed', accountId: account.id },
    ]);
    expect(await value('listAccounts')).toEqual([]);
    expect(await value('listRealms', { accountId: account.id })).toEqual([]);
    expect(await keytar.getPassword(service, vaultKey())).toBeNull();
  });

  it('refuses the built-in Sandbox district and an unknown account, changing nothing', async () => {
    expect(await call('signOut', { accountId: SANDBOX_ACCOUNT_ID })).toMatchObject({ ok: false, error: { code: 'not_usable' } });
    expect(await call('signOut', { accountId: 'nobody-1' })).toMatchObject({ ok: false, error: { code: 'unknown_account' } });
  });
});
