import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../electron/sandbox/sandbox-server';
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
  tempDataDir,
} from './cli-kit';

/**
 * `roster account add|list|remove` as staff run them: the real bin in a child process, a sandbox LMS on 127.0.0.1,
 * the real keychain (gnome-keyring in a private D-Bus session: run under scripts/with-keyring.sh, as `npm test` does).
 */
let sandbox: Sandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await sandboxOf();
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  dataDir = tempDataDir();
});

afterEach(async () => {
  await forgetKeychain(sandbox);
  removeDir(dataDir);
});

const addArgs = () => ['account', 'add', 'schoology', '--base-url', sandbox.url, '--key', sandbox.consumerKey, '--secret-stdin'];
const meRequests = () => sandbox.requests.filter((r) => r.path === 'users/me').length;

describe('roster account add', () => {
  it('checks the key and secret with one users/me, then keeps the secret in the keychain and names the account', async () => {
    const before = meRequests();
    const run = await roster(dataDir, addArgs(), { stdin: `${sandbox.consumerSecret}\n` });
    expect(run.code, outcome(run)).toBe(0);
    expect(meRequests() - before).toBe(1);
    expect(run.stdout).toContain(`Added account ${accountNameFor(sandbox)}: ${KEY_OWNER.name} (uid ${KEY_OWNER.uid})`);
    expect(JSON.parse((await readKeychain(sandbox)) ?? 'null')).toEqual({
      consumerKey: sandbox.consumerKey,
      consumerSecret: sandbox.consumerSecret,
      // Which data folder's cache the entry belongs to, so orphan cleanup elsewhere leaves it alone.
      owner: join(dataDir, 'cache.sqlite'),
    });
  });

  it('writes the secret nowhere but the keychain: not in any file of the data folder, not in any output', async () => {
    const add = await addAccount(dataDir, sandbox);
    const list = await roster(dataDir, ['account', 'list', '--json']);
    expect(filesHolding(dataDir, sandbox.consumerSecret)).toEqual([]);
    for (const run of [add, list]) expect(run.stdout + run.stderr).not.toContain(sandbox.consumerSecret);
  });

  it('prints {name, provider, baseUrl, user} with --json', async () => {
    const run = await addAccount(dataDir, sandbox, ['--json']);
    expect(jsonOf(run)).toEqual({
      name: accountNameFor(sandbox),
      provider: 'schoology',
      baseUrl: sandbox.url,
      user: { id: KEY_OWNER.uid, name: KEY_OWNER.name },
    });
  });

  it('exits 1 with one clear line and saves nothing when the LMS refuses the secret', async () => {
    const run = await roster(dataDir, addArgs(), { stdin: 'not-the-secret\n' });
    expect(run.code, outcome(run)).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/refused this consumer key and secret \(HTTP 401\).*Nothing was saved/);
    expect(run.stderr).not.toContain('not-the-secret');
    expect(await readKeychain(sandbox)).toBeNull();
    expect(jsonOf(await roster(dataDir, ['account', 'list', '--json']))).toEqual([]);
  });

  it('exits 1 naming the missing Secret Service, before asking the LMS anything, when there is no keychain', async () => {
    const before = meRequests();
    const run = await roster(dataDir, addArgs(), {
      stdin: `${sandbox.consumerSecret}\n`,
      env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
    });
    expect(run.code, outcome(run)).toBe(1);
    expect(run.stderr).toMatch(/^roster: no Secret Service: install and unlock gnome-keyring or KWallet/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(meRequests()).toBe(before);
    expect(filesHolding(dataDir, sandbox.consumerSecret)).toEqual([]);
    expect(jsonOf(await roster(dataDir, ['account', 'list', '--json']))).toEqual([]);
  });

  it.each([
    ['without --secret-stdin', ['account', 'add', 'schoology', '--base-url', 'http://127.0.0.1:9/v1', '--key', 'k'], '--secret-stdin'],
    ['for a provider it cannot add', ['account', 'add', 'moodle', '--base-url', 'http://127.0.0.1:9/v1', '--key', 'k', '--secret-stdin'], 'the provider is schoology or canvas'],
    ['with a base URL that is not http(s)', ['account', 'add', 'schoology', '--base-url', 'ftp://x/v1', '--key', 'k', '--secret-stdin'], 'not an http(s) URL'],
    ['with an unknown subcommand', ['account', 'rename'], 'unknown subcommand "rename"'],
  ])('exits 2 with the usage %s', async (_, args, message) => {
    const run = await roster(dataDir, args, { stdin: 'secret\n' });
    expect(run.code, outcome(run)).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: roster <command>');
  });

  it('exits 2 when stdin holds no secret', async () => {
    const run = await roster(dataDir, addArgs(), { stdin: '' });
    expect(run.code, outcome(run)).toBe(2);
    expect(run.stderr).toContain('stdin held no secret');
  });
});

describe('roster account list and remove', () => {
  it('lists the accounts in a table, and as [{name, provider, baseUrl, user}] with --json', async () => {
    await addAccount(dataDir, sandbox);
    const table = await roster(dataDir, ['account', 'list']);
    expect(table.stdout).toMatch(/^NAME\s+PROVIDER\s+USER\s+BASE URL\n/);
    expect(table.stdout).toContain(`${accountNameFor(sandbox)}  schoology  ${KEY_OWNER.name} (${KEY_OWNER.uid})  ${sandbox.url}`);
    expect(jsonOf(await roster(dataDir, ['--json', 'account', 'list']))).toEqual([
      { name: accountNameFor(sandbox), provider: 'schoology', baseUrl: sandbox.url, user: { id: KEY_OWNER.uid, name: KEY_OWNER.name } },
    ]);
  });

  it('says how to add one when there is none', async () => {
    const run = await roster(dataDir, ['account', 'list']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No accounts yet. Add one with: roster account add schoology');
  });

  it('remove deletes the keychain entry and the account', async () => {
    await addAccount(dataDir, sandbox);
    expect(await readKeychain(sandbox)).not.toBeNull();
    const run = await roster(dataDir, ['account', 'remove', accountNameFor(sandbox)]);
    expect(run.code, outcome(run)).toBe(0);
    expect(run.stdout).toContain(`Removed account ${accountNameFor(sandbox)} (its keychain entry deleted)`);
    expect(await readKeychain(sandbox)).toBeNull();
    expect(jsonOf(await roster(dataDir, ['account', 'list', '--json']))).toEqual([]);
  });

  it('remove of a name that is not an account exits 1 and lists the names there are', async () => {
    await addAccount(dataDir, sandbox);
    const run = await roster(dataDir, ['account', 'remove', 'no-such-account']);
    expect(run.code, outcome(run)).toBe(1);
    expect(run.stderr).toBe(`roster: no account named "no-such-account"; the accounts are: ${accountNameFor(sandbox)}\n`);
    expect(await readKeychain(sandbox)).not.toBeNull();
  });
});

describe('choosing the account', () => {
  let second: Sandbox;

  beforeAll(async () => {
    second = await sandboxOf();
  });

  afterAll(async () => {
    await forgetKeychain(second);
    await second.close();
  });

  it('needs --account NAME once there are several (exit 2 naming them), and then works on that one', async () => {
    await addAccount(dataDir, sandbox);
    await addAccount(dataDir, second);
    const ambiguous = await roster(dataDir, ['realms']);
    expect(ambiguous.code, outcome(ambiguous)).toBe(2);
    expect(ambiguous.stderr).toContain(`there are 2 accounts (`);
    expect(ambiguous.stderr).toContain(accountNameFor(second));
    expect(ambiguous.stderr).toContain('choose one with --account NAME');

    const rosterReads = (lms: Sandbox) => lms.requests.filter((r) => r.path.endsWith('/enrollments')).length;
    const [firstBefore, secondBefore] = [rosterReads(sandbox), rosterReads(second)];
    const pulled = await roster(dataDir, ['pull', '--account', accountNameFor(second), '--json']);
    expect(pulled.code, outcome(pulled)).toBe(0);
    expect(rosterReads(second)).toBeGreaterThan(secondBefore);
    expect(rosterReads(sandbox)).toBe(firstBefore);
  });
});
