import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCache } from '../../../electron/db/cache';
import type { Sandbox } from '../../../electron/sandbox/sandbox-server';
import { CACHE_FILE_NAME } from '../../../electron/services';
import { BRIDGE_PATH_PREFIX, BRIDGE_TOKEN_META } from '../../../shared/bridge';
import { VAULT_SERVICE } from '../../../electron/vault/credential-vault';
import {
  accountNameFor,
  addAccount,
  filesHolding,
  forgetKeychain,
  jsonOf,
  KEY_OWNER,
  outcome,
  readKeychain,
  removeDir,
  roster,
  sandboxOf,
  SEED,
  spawnRoster,
  tempDataDir,
  vaultKeyFor,
  type RunOptions,
  type RunResult,
  type Spawned,
} from './cli-kit';
import { answerAuthorizePage } from '../../support/authorize-page';

/**
 * `roster account login schoology …` as staff run it: the real bin in a child process, the sandbox LMS's authorize
 * page answered the way a browser would (GET the page, POST its form, follow the redirect to the CLI's loopback
 * listener), the real keychain (gnome-keyring in a private D-Bus session: scripts/with-keyring.sh).
 */
let sandbox: Sandbox;
let dataDir: string;
/** Every output of every command a test ran, for the leak searches. */
let outputs: string[];

beforeAll(async () => {
  sandbox = await sandboxOf();
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  dataDir = tempDataDir();
  outputs = [];
});

afterEach(async () => {
  await forgetKeychain(sandbox);
  removeDir(dataDir);
});

const loginArgs = (extra: readonly string[] = []) => [
  'account',
  'login',
  'schoology',
  '--base-url',
  sandbox.url,
  '--web-url',
  sandbox.webUrl,
  '--key',
  sandbox.consumerKey,
  '--secret-stdin',
  ...extra,
];

async function run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await roster(dataDir, args, options);
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** The first line the command prints on stdout: the authorize URL. */
function firstLine(spawned: Spawned): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end >= 0) {
        spawned.child.stdout!.off('data', onData);
        resolve(text.slice(0, end));
      }
    };
    spawned.child.stdout!.on('data', onData);
    spawned.result.then((r) => reject(new Error(`roster exited before printing the URL: ${outcome(r)}`)), reject);
  });
}

/** `roster account login …`, answered with `decision` in the "browser"; resolves with the command's result. */
async function login(decision: 'allow' | 'deny', extra: readonly string[] = []): Promise<{ url: string; run: RunResult; page: string }> {
  const spawned = spawnRoster(dataDir, loginArgs(extra), { stdin: `${sandbox.consumerSecret}\n` });
  const url = await firstLine(spawned);
  const back = await fetch(await answerAuthorizePage(url, decision));
  const page = await back.text();
  const result = await spawned.result;
  outputs.push(result.stdout, result.stderr, page);
  return { url, run: result, page };
}

async function accessToken(): Promise<{ token: string; tokenSecret: string }> {
  const stored = JSON.parse((await readKeychain(sandbox)) ?? 'null') as { token?: string; tokenSecret?: string } | null;
  expect(stored?.token).toBeTruthy();
  return { token: stored!.token!, tokenSecret: stored!.tokenSecret! };
}

describe('roster account login', () => {
  it('prints the authorize URL alone on stdout, waits for Allow, stores the access token and says who signed in', async () => {
    const { url, run: result, page } = await login('allow');
    expect(result.code, outcome(result)).toBe(0);
    expect(new URL(url).href.startsWith(`${sandbox.webUrl}/oauth/authorize?oauth_token=`)).toBe(true);
    expect(result.stdout.split('\n')[0]).toBe(url);
    expect(result.stdout).toContain(`Signed in as ${KEY_OWNER.name} at 127.0.0.1:${sandbox.port} (account ${accountNameFor(sandbox)})`);
    expect(result.stderr).toContain('open this address in a browser');
    expect(page).toContain('You can close this tab');
    expect(JSON.parse((await readKeychain(sandbox)) ?? 'null')).toMatchObject({
      consumerKey: sandbox.consumerKey,
      consumerSecret: sandbox.consumerSecret,
      webUrl: sandbox.webUrl,
      token: expect.any(String),
      tokenSecret: expect.any(String),
    });
    expect(jsonOf(await run(['account', 'list', '--json']))).toEqual([
      { name: accountNameFor(sandbox), provider: 'schoology', baseUrl: sandbox.url, user: { id: KEY_OWNER.uid, name: KEY_OWNER.name } },
    ]);
  });

  it('exits 1 saying nothing was saved when the user denies at the school', async () => {
    const { run: result } = await login('deny');
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr).toContain("roster: Sign-in was denied at the school's page; nothing was saved.");
    expect(await readKeychain(sandbox)).toBeNull();
    expect(jsonOf(await run(['account', 'list', '--json']))).toEqual([]);
  });

  it('exits 1 when nobody answers before the timeout', async () => {
    const result = await run(loginArgs(['--timeout', '1']), { stdin: `${sandbox.consumerSecret}\n` });
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr).toMatch(/roster: Nobody answered the school's sign-in page within 1 s; nothing was saved/);
    expect(await readKeychain(sandbox)).toBeNull();
  });

  it('exits 1 naming the missing Secret Service before anything starts, writing no secret anywhere', async () => {
    const before = sandbox.requests.filter((r) => r.path === 'oauth/request_token').length;
    const result = await run(loginArgs(), { stdin: `${sandbox.consumerSecret}\n`, env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' } });
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr).toMatch(/^roster: no Secret Service: install and unlock gnome-keyring or KWallet/);
    expect(result.stdout).toBe('');
    expect(sandbox.requests.filter((r) => r.path === 'oauth/request_token').length).toBe(before);
    expect(filesHolding(dataDir, sandbox.consumerSecret)).toEqual([]);
    expect(result.stderr).not.toContain(sandbox.consumerSecret);
  });

  it('exits 2 without --web-url', async () => {
    const args = loginArgs().filter((arg, i, all) => arg !== '--web-url' && all[i - 1] !== '--web-url');
    const result = await run(args, { stdin: `${sandbox.consumerSecret}\n` });
    expect(result.code, outcome(result)).toBe(2);
    expect(result.stderr).toContain('--web-url is required');
  });
});

describe('an expired sign-in', () => {
  it('fails the sync with how to sign in again, keeps the edits, and syncs them after signing in again', async () => {
    expect((await login('allow')).run.code).toBe(0);
    expect((await run(['pull', SEED.algebraP3])).code).toBe(0);
    const edit = await run(['update', SEED.algebraP3, SEED.howlettEnrollment, '--status', '2']);
    expect(edit.code, outcome(edit)).toBe(0);

    sandbox.revokeAccessTokens();
    const refused = await run(['sync']);
    expect(refused.code, outcome(refused)).toBe(1);
    expect(refused.stderr).toContain(
      `sign in again with \`roster account login schoology --base-url ${sandbox.url} --web-url ${sandbox.webUrl} --key ${sandbox.consumerKey} --secret-stdin\``,
    );
    expect(refused.stderr).toContain('the queued edits are kept');
    expect(jsonOf<{ queued: unknown[] }>(await run(['pending', '--json'])).queued).toHaveLength(1);
    expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)?.status).toBe(1);

    const again = await login('allow');
    expect(again.run.code, outcome(again.run)).toBe(0);
    const synced = await run(['sync']);
    expect(synced.code, outcome(synced)).toBe(0);
    expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)?.status).toBe(2);
    expect(jsonOf<{ queued: unknown[] }>(await run(['pending', '--json'])).queued).toEqual([]);
  });
});

describe('no secret outside the keychain', () => {
  it('after login, add, pull, edits, sync and list, no file of the data folder and no output holds the secret or the token', async () => {
    const first = await login('allow');
    expect(first.run.code, outcome(first.run)).toBe(0);
    const { token, tokenSecret } = await accessToken();
    expect((await run(['pull'])).code).toBe(0);
    expect((await run(['update', SEED.algebraP3, SEED.howlettEnrollment, '--status', '2'])).code).toBe(0);
    expect((await run(['enroll', SEED.algebraP5, '--uid', SEED.howlett])).code).toBe(0);
    const synced = await run(['sync']);
    expect(synced.code, outcome(synced)).toBe(0);
    await run(['account', 'list']);
    await run(['account', 'list', '--json']);
    await run(['realms', '--json']);
    await run(['pending', '--json']);
    // A second data folder with the two-legged key, as a school with both would have.
    const other = tempDataDir();
    try {
      const added = await addAccount(other, sandbox);
      outputs.push(added.stdout, added.stderr);
      expect(filesHolding(other, sandbox.consumerSecret)).toEqual([]);
    } finally {
      removeDir(other);
    }

    for (const secret of [sandbox.consumerSecret, token, tokenSecret]) {
      expect(filesHolding(dataDir, secret)).toEqual([]);
      for (const text of outputs) expect(text).not.toContain(secret);
    }
  });
});

describe('orphaned keychain entries', () => {
  it('account list deletes the keychain entry of an account that is gone from the cache', async () => {
    await addAccount(dataDir, sandbox);
    const cache = openCache(join(dataDir, CACHE_FILE_NAME));
    cache.accounts.remove(accountNameFor(sandbox));
    cache.close();
    expect(await readKeychain(sandbox)).not.toBeNull();
    const listed = await run(['account', 'list']);
    expect(listed.code, outcome(listed)).toBe(0);
    expect(listed.stderr).toContain('deleted 1 keychain entry of accounts no longer here');
    expect(await keytar.getPassword(VAULT_SERVICE, vaultKeyFor(sandbox))).toBeNull();
  });
});

describe('roster web without a keychain', () => {
  it('opens the cache offline with a notice naming what is missing: rosters readable, no sync, no plaintext', async () => {
    await addAccount(dataDir, sandbox);
    expect((await run(['pull', SEED.algebraP3])).code).toBe(0);
    const web = spawnRoster(dataDir, ['web', '--port', '0', '--data-dir', dataDir], { env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        web.child.stdout!.on('data', (chunk: string) => {
          text += chunk;
          const found = /^Roster Desk is running at (\S+)$/m.exec(text);
          if (found) resolve(found[1]!);
        });
        web.result.then((r) => reject(new Error(`roster web exited: ${outcome(r)}`)), reject);
      });
      const html = await (await fetch(url)).text();
      const token = new RegExp(`<meta name="${BRIDGE_TOKEN_META}" content="([0-9a-f]{64})">`).exec(html)![1]!;
      const reply = await fetch(new URL(`${BRIDGE_PATH_PREFIX}queryRoster`, url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ input: { realmIds: [`${accountNameFor(sandbox)}/${SEED.algebraP3}`], search: 'Howlett' } }),
      });
      const envelope = (await reply.json()) as { ok: boolean; value: { rows: Array<{ displayName: string }> } };
      expect(envelope.ok).toBe(true);
      expect(envelope.value.rows).toMatchObject([{ displayName: 'James Howlett' }]);
    } finally {
      process.kill(-web.child.pid!, 'SIGTERM');
    }
    const stopped = await web.result;
    outputs.push(stopped.stdout, stopped.stderr);
    expect(stopped.stderr).toContain(
      'roster: no Secret Service: install and unlock gnome-keyring or KWallet (keychain said:',
    );
    expect(stopped.stderr).toContain('the LMS accounts are offline (rosters readable, edits kept, no sync) until the keychain can be used');
    expect(filesHolding(dataDir, sandbox.consumerSecret)).toEqual([]);
    for (const text of outputs) expect(text).not.toContain(sandbox.consumerSecret);
  });
});
