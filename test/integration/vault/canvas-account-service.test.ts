import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccountError, AccountService } from '../../../electron/accounts/account-service';
import { accountNameOf, normalizeCanvasBaseUrl } from '../../../electron/accounts/account-name';
import { openCache, type Cache } from '../../../electron/db/cache';
import { LmsError } from '../../../electron/lms/lms-error';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { pullAccount } from '../../../electron/sync/pull';
import { CredentialVault, vaultKeyOf } from '../../../electron/vault/credential-vault';

/**
 * Canvas accounts over the real keychain (scripts/with-keyring.sh), a real cache file and the Canvas sandbox LMS: the
 * access token is checked with users/self before anything is saved, lands in the keychain only, and builds the Canvas
 * provider the account pulls through.
 */
const service = `Roster Desk test ${randomUUID()}`;
/** The Canvas sandbox's token user (electron/sandbox/canvas/canvas-seed.ts). */
const STRICKLAND = { id: '1', name: 'Mr. Strickland' } as const;
/** States a roster shows (the Canvas provider pulls them all); deleted and rejected enrollments are not on it. */
const ROSTER_STATES = new Set(['active', 'invited', 'inactive', 'completed', 'creation_pending']);

let sandbox: CanvasSandbox;
let notCanvas: Server;
let notCanvasUrl: string;
let dir: string;
let cache: Cache;
let accounts: AccountService;

beforeAll(async () => {
  sandbox = await startCanvasSandbox({ port: 0, throttle: null });
  // A web server that is not Canvas: every path is a 404 page.
  notCanvas = createServer((_req, res) => {
    res.writeHead(404, { 'Content-Type': 'text/html' });
    res.end('<h1>Not Found</h1>');
  });
  await new Promise<void>((resolve) => notCanvas.listen(0, '127.0.0.1', resolve));
  notCanvasUrl = `http://127.0.0.1:${(notCanvas.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => notCanvas.close(resolve));
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-canvas-accounts-'));
  cache = openCache(join(dir, 'cache.sqlite'));
  accounts = new AccountService({
    cache,
    vault: new CredentialVault({ service }),
    canvasTransport: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 },
  });
});

afterEach(async () => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

const input = (token = sandbox.token, baseUrl = sandbox.url) => ({ provider: 'canvas' as const, baseUrl, token });
const name = () => `127.0.0.1-${new URL(sandbox.url).port}-${STRICKLAND.id}`;
const keyOf = () => vaultKeyOf('canvas', sandbox.url, STRICKLAND.id);
const selfRequests = () => sandbox.requests.filter((r) => r.path.endsWith('users/self')).length;

describe('a Canvas base URL', () => {
  it('is the instance: a pasted API base (/api/v1) and trailing slashes are dropped', () => {
    expect(normalizeCanvasBaseUrl('https://school.instructure.com')).toBe('https://school.instructure.com');
    expect(normalizeCanvasBaseUrl('https://school.instructure.com/api/v1/')).toBe('https://school.instructure.com');
    expect(normalizeCanvasBaseUrl('http://127.0.0.1:41234/')).toBe('http://127.0.0.1:41234');
  });

  it('refuses what is not a bare http(s) URL, with a Canvas example', () => {
    expect(() => normalizeCanvasBaseUrl('school.instructure.com')).toThrow(/not a URL; .*https:\/\/school\.instructure\.com/);
    expect(() => normalizeCanvasBaseUrl('ftp://school.instructure.com')).toThrow(/not an http\(s\) URL/);
    expect(() => normalizeCanvasBaseUrl('https://school.instructure.com/?access_token=x')).toThrow(/query or fragment/);
  });

  it('names the account host[-port]-uid like a Schoology one', () => {
    expect(accountNameOf('https://school.instructure.com', '17')).toBe('school.instructure.com-17');
    expect(accountNameOf('http://127.0.0.1:41234', '1')).toBe('127.0.0.1-41234-1');
  });
});

describe('adding a Canvas account', () => {
  it('checks the token with one users/self, then saves the user in the cache and the token in the keychain', async () => {
    const before = selfRequests();
    const account = await accounts.add(input());
    expect(selfRequests() - before).toBe(1);
    expect(account).toMatchObject({ id: name(), name: name(), provider: 'canvas', baseUrl: sandbox.url, user: STRICKLAND });
    expect(JSON.parse((await keytar.getPassword(service, keyOf())) ?? 'null')).toEqual({
      provider: 'canvas',
      token: sandbox.token,
      owner: join(dir, 'cache.sqlite'),
    });
  });

  it('takes the API base staff paste (…/api/v1/) as the same instance and the same account', async () => {
    await accounts.add(input(sandbox.token, `${sandbox.url}/api/v1/`));
    await accounts.add(input());
    expect(accounts.list().map((a) => [a.name, a.baseUrl])).toEqual([[name(), sandbox.url]]);
  });

  it('keeps no token in the cache file', async () => {
    await accounts.add(input());
    cache.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(join(dir, 'cache.sqlite')).includes(Buffer.from(sandbox.token))).toBe(false);
  });

  it('refuses a token Canvas rejects with the way to a new one, saving nothing', async () => {
    const error = await accounts.add(input('not-a-token')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountError);
    expect(error).toMatchObject({ code: 'refused' });
    expect((error as Error).message).toMatch(/refused this access token \(HTTP 401\); create a new access token under Account → Settings → Approved Integrations/);
    expect((error as Error).message).not.toContain('not-a-token');
    expect(cache.accounts.list()).toEqual([]);
    expect(await keytar.findCredentials(service)).toEqual([]);
  });

  it('refuses an address that is not a Canvas API, saving nothing', async () => {
    const error = await accounts.add(input(sandbox.token, notCanvasUrl)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'not-an-api' });
    expect((error as Error).message).toMatch(/did not answer users\/self as a Canvas API \(HTTP 404\)/);
    expect(cache.accounts.list()).toEqual([]);
    expect(await keytar.findCredentials(service)).toEqual([]);
  });

  it('fails as unreachable (transient) when nothing answers, saving nothing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const error = await accounts.add(input(sandbox.token, url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LmsError);
    expect((error as LmsError).transient).toBe(true);
    expect(cache.accounts.list()).toEqual([]);
    expect(await keytar.findCredentials(service)).toEqual([]);
  });

  it('will not take over an account of the other LMS that has the same name', async () => {
    cache.accounts.save({ id: name(), name: name(), provider: 'schoology', baseUrl: `${sandbox.url}/v1`, user: STRICKLAND });
    const error = await accounts.add(input()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'name-taken' });
    expect((error as Error).message).toContain(`the account name ${name()} already belongs to a schoology account at ${sandbox.url}/v1; remove it first`);
    expect(cache.accounts.get(name())?.provider).toBe('schoology');
    expect(await keytar.findCredentials(service)).toEqual([]);
  });
});

describe('using and removing a Canvas account', () => {
  it('builds the Canvas provider from the keychain, so the account pulls a course', async () => {
    await accounts.add(input());
    const provider = await accounts.providerFor(name());
    expect(provider.provider).toBe('canvas');
    const pulled = await pullAccount(cache, name(), provider, { realmKeys: ['courses/101'] });
    const expected = sandbox.store.enrollmentsInCourse(101).filter((e) => ROSTER_STATES.has(e.workflow_state)).length;
    expect(pulled).toEqual({ realms: 1, enrollments: expected });
  });

  it('says how to add the token again when the keychain lost it', async () => {
    await accounts.add(input());
    await keytar.deletePassword(service, keyOf());
    const error = await accounts.providerFor(name()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'no-credentials' });
    expect((error as Error).message).toContain(`roster account add canvas --base-url ${sandbox.url} --token-stdin`);
  });

  it('refuses a keychain entry of the other LMS under a Canvas account', async () => {
    await accounts.add(input());
    await keytar.setPassword(service, keyOf(), JSON.stringify({ consumerKey: 'k', consumerSecret: 's' }));
    await expect(accounts.providerFor(name())).rejects.toMatchObject({ code: 'no-credentials' });
  });

  it('tells a refused Canvas account to make a new access token', async () => {
    await accounts.add(input());
    expect(await accounts.signInAgainHint(name())).toBe(
      `create a new access token under Account → Settings → Approved Integrations in Canvas, then add it with \`roster account add canvas --base-url ${sandbox.url} --token-stdin\``,
    );
  });

  it('removes the keychain entry together with the account', async () => {
    await accounts.add(input());
    expect(await accounts.remove(name())).toMatchObject({ droppedEdits: 0, keychainEntryDeleted: true });
    expect(await keytar.getPassword(service, keyOf())).toBeNull();
    expect(cache.accounts.list()).toEqual([]);
  });

  it('cleans up an orphaned Canvas entry of this cache like a Schoology one', async () => {
    await accounts.add(input());
    cache.accounts.remove(name());
    expect(await accounts.cleanOrphans()).toBe(1);
    expect(await keytar.findCredentials(service)).toEqual([]);
  });
});
