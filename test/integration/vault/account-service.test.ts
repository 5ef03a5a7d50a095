import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccountError, AccountService } from '../../../electron/accounts/account-service';
import { accountNameOf, normalizeBaseUrl } from '../../../electron/accounts/account-name';
import { openCache, type Cache } from '../../../electron/db/cache';
import { Transport } from '../../../electron/lms/transport';
import { SANDBOX_ACCOUNT_ID } from '../../../electron/sandbox-district';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { pullAccount } from '../../../electron/sync/pull';
import { CredentialVault, vaultKeyOf } from '../../../electron/vault/credential-vault';

/**
 * Accounts over the real keychain (scripts/with-keyring.sh), a real cache file and the sandbox LMS: what is checked
 * before an account is saved, where each part of it lands, and what removing it takes away.
 */
const service = `Roster Desk test ${randomUUID()}`;
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

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-accounts-'));
  cache = openCache(join(dir, 'cache.sqlite'));
  accounts = new AccountService({
    cache,
    vault: new CredentialVault({ service }),
    transport: () => new Transport({ baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 }),
  });
});

afterEach(async () => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

const input = (secret = sandbox.consumerSecret) => ({
  provider: 'schoology' as const,
  baseUrl: sandbox.url,
  consumerKey: sandbox.consumerKey,
  consumerSecret: secret,
});
const keyOf = () => vaultKeyOf('schoology', sandbox.url, '45552');
const name = () => `127.0.0.1-${sandbox.port}-45552`;

describe('naming an account', () => {
  it('joins the API host, an explicit port, any path before v1 and the user id', () => {
    expect(accountNameOf('https://api.schoology.com/v1', '45552')).toBe('api.schoology.com-45552');
    expect(accountNameOf('http://127.0.0.1:41234/v1', '45552')).toBe('127.0.0.1-41234-45552');
    expect(accountNameOf('https://lms.example.org/schoology/v1', '7')).toBe('lms.example.org-schoology-7');
  });

  it('keeps only characters a shell prints without quoting', () => {
    expect(accountNameOf('http://[::1]:8080/v1', '7')).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('stores base URLs without a trailing slash and refuses what is not a bare http(s) URL', () => {
    expect(normalizeBaseUrl('https://api.schoology.com/v1/')).toBe('https://api.schoology.com/v1');
    expect(() => normalizeBaseUrl('api.schoology.com')).toThrow(/not a URL/);
    expect(() => normalizeBaseUrl('https://api.schoology.com/v1?x=1')).toThrow(/query or fragment/);
  });

  it('takes a bare host as the API under /v1, where Schoology serves it', () => {
    expect(normalizeBaseUrl('https://api.schoology.com')).toBe('https://api.schoology.com/v1');
    expect(normalizeBaseUrl('http://127.0.0.1:41234/')).toBe('http://127.0.0.1:41234/v1');
  });
});

describe('adding an account', () => {
  it('checks the credentials with users/me, then saves who they belong to in the cache and the secrets in the keychain', async () => {
    const account = await accounts.add(input());
    expect(account).toMatchObject({ id: name(), name: name(), provider: 'schoology', baseUrl: sandbox.url, user: { id: '45552', name: 'Mr. Strickland' } });
    expect(cache.accounts.get(name())).toMatchObject({ user: { id: '45552' } });
    expect(JSON.parse((await keytar.getPassword(service, keyOf())) ?? 'null')).toEqual({
      consumerKey: sandbox.consumerKey,
      consumerSecret: sandbox.consumerSecret,
      // Which cache the entry belongs to, so orphan cleanup in another data folder leaves it alone.
      owner: join(dir, 'cache.sqlite'),
    });
  });

  it('keeps no secret in the cache file', async () => {
    await accounts.add(input());
    cache.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(join(dir, 'cache.sqlite')).includes(Buffer.from(sandbox.consumerSecret))).toBe(false);
  });

  it('refuses credentials the LMS rejects, saving nothing', async () => {
    const error = await accounts.add(input('wrong-secret')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountError);
    expect(error).toMatchObject({ code: 'refused' });
    expect((error as Error).message).not.toContain('wrong-secret');
    expect(cache.accounts.list()).toEqual([]);
    expect(await keytar.findCredentials(service)).toEqual([]);
  });

  it('refuses a URL that is not an LMS API', async () => {
    const error = await accounts.add({ ...input(), baseUrl: `${sandbox.webUrl}/nothing-here` }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'not-an-api' });
    expect(cache.accounts.list()).toEqual([]);
  });

  it('updates the one account when the same user is added again', async () => {
    await accounts.add(input());
    await accounts.add(input());
    expect(accounts.list().map((a) => a.name)).toEqual([name()]);
  });
});

describe('using and removing an account', () => {
  it('builds the provider from the keychain, so the account can pull', async () => {
    await accounts.add(input());
    const provider = await accounts.providerFor(name());
    const pulled = await pullAccount(cache, name(), provider, { realmKeys: ['sections/3719526'] });
    expect(pulled).toEqual({ realms: 1, enrollments: sandbox.store.enrollmentsIn('sections/3719526').length });
  });

  it('says to add the account again when the keychain lost its credentials', async () => {
    await accounts.add(input());
    await keytar.deletePassword(service, keyOf());
    await expect(accounts.providerFor(name())).rejects.toMatchObject({ code: 'no-credentials' });
  });

  it('does not offer the Sandbox district: it is not listed and has no provider here', async () => {
    cache.accounts.save({ id: SANDBOX_ACCOUNT_ID, name: 'Sandbox district', provider: 'schoology', baseUrl: sandbox.url });
    expect(accounts.list()).toEqual([]);
    expect(accounts.get(SANDBOX_ACCOUNT_ID)).toBeNull();
    await expect(accounts.providerFor(SANDBOX_ACCOUNT_ID)).rejects.toMatchObject({ code: 'not-usable' });
  });

  it('removes the keychain entry together with the account and everything cached for it', async () => {
    await accounts.add(input());
    await pullAccount(cache, name(), await accounts.providerFor(name()), { realmKeys: ['sections/3719526'] });
    const removed = await accounts.remove(name());
    expect(removed).toMatchObject({ droppedEdits: 0, keychainEntryDeleted: true });
    expect(await keytar.getPassword(service, keyOf())).toBeNull();
    expect(cache.accounts.list()).toEqual([]);
    expect(cache.realms.list()).toEqual([]);
  });

  it('refuses to remove an account that does not exist, naming the ones that do', async () => {
    await accounts.add(input());
    await expect(accounts.remove('nope')).rejects.toThrow(`no account named "nope"; the accounts are: ${name()}`);
  });
});
