import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { VAULT_SERVICE, vaultKeyOf } from '../../../electron/vault/credential-vault';
import { answerCanvasAuthorizePage } from '../../support/canvas-authorize-page';
import { filesHolding, jsonOf, outcome, removeDir, roster, spawnRoster, tempDataDir, type RunResult, type Spawned } from './cli-kit';

/**
 * `roster account login canvas …` as staff run it: the real bin in a child process, the Canvas sandbox's authorize page
 * answered the way a browser would (GET the page, POST its form, follow the redirect to the CLI's loopback listener),
 * the real keychain (gnome-keyring in a private D-Bus session: scripts/with-keyring.sh).
 */
let sandbox: CanvasSandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startCanvasSandbox({ throttle: null });
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  dataDir = tempDataDir();
});

afterEach(async () => {
  await keytar.deletePassword(VAULT_SERVICE, vaultKeyOf('canvas', sandbox.url, '1'));
  removeDir(dataDir);
});

const loginArgs = (extra: readonly string[] = []) => [
  'account',
  'login',
  'canvas',
  '--base-url',
  sandbox.url,
  '--client-id',
  sandbox.oauthClient.id,
  '--client-secret-stdin',
  ...extra,
];

/** The first line the command prints on `stream`: the authorize URL. */
function firstLine(spawned: Spawned, stream: 'stdout' | 'stderr', matching = /./): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const source = spawned.child[stream]!;
    const onData = (chunk: string) => {
      text += chunk;
      const line = text.split('\n').slice(0, -1).find((candidate) => matching.test(candidate));
      if (line !== undefined) {
        source.off('data', onData);
        resolve(line);
      }
    };
    source.on('data', onData);
    spawned.result.then((r) => reject(new Error(`roster exited before printing the URL: ${outcome(r)}`)), reject);
  });
}

async function login(decision: 'authorize' | 'cancel', extra: readonly string[] = []): Promise<{ url: string; run: RunResult; page: string }> {
  const spawned = spawnRoster(dataDir, loginArgs(extra), { stdin: `${sandbox.oauthClient.secret}\n` });
  const url = extra.includes('--json') ? await firstLine(spawned, 'stderr', /^http/) : await firstLine(spawned, 'stdout');
  const back = await fetch(await answerCanvasAuthorizePage(url, decision));
  const page = await back.text();
  return { url, run: await spawned.result, page };
}

describe('roster account login canvas', () => {
  it("prints Canvas's authorize URL alone on stdout, waits for Authorize, keeps the tokens in the keychain and says who signed in", async () => {
    const { url, run, page } = await login('authorize');
    expect(run.code, outcome(run)).toBe(0);
    expect(new URL(url).pathname).toBe('/login/oauth2/auth');
    expect(run.stdout).toBe(`${url}\nSigned in as Mr. Strickland at 127.0.0.1:${sandbox.port} (account 127.0.0.1-${sandbox.port}-1)\n`);
    expect(run.stderr).toContain('authorize Roster Desk in Canvas');
    expect(page).toContain('Roster Desk is signed in as Mr. Strickland');
    const stored = JSON.parse((await keytar.getPassword(VAULT_SERVICE, vaultKeyOf('canvas', sandbox.url, '1'))) ?? 'null') as Record<string, unknown>;
    expect(stored).toMatchObject({ provider: 'canvas', clientId: sandbox.oauthClient.id, clientSecret: sandbox.oauthClient.secret, refreshToken: expect.any(String) });
    expect(filesHolding(dataDir, sandbox.oauthClient.secret)).toEqual([]);
    expect(filesHolding(dataDir, stored.refreshToken as string)).toEqual([]);
    expect(`${run.stdout}${run.stderr}`).not.toContain(sandbox.oauthClient.secret);
  });

  it('says only the one command to run when Canvas will not renew the sign-in any more', async () => {
    const { run } = await login('authorize');
    expect(run.code, outcome(run)).toBe(0);
    sandbox.revokeOAuthTokens();
    const pulled = await roster(dataDir, ['pull']);
    expect(pulled.code, outcome(pulled)).toBe(1);
    const command = `roster account login canvas --base-url ${sandbox.url} --client-id ${sandbox.oauthClient.id} --client-secret-stdin`;
    expect(pulled.stderr.trim().split('\n')).toEqual([expect.stringContaining(`sign in again with \`${command}\``)]);
    expect(pulled.stderr).not.toContain('Schoology');
  });

  it('with --json prints the URL on stderr and only the account as JSON on stdout', async () => {
    const { run } = await login('authorize', ['--json']);
    expect(run.code, outcome(run)).toBe(0);
    expect(jsonOf(run)).toEqual({ name: `127.0.0.1-${sandbox.port}-1`, provider: 'canvas', baseUrl: sandbox.url, user: { id: '1', name: 'Mr. Strickland' } });
  });

  it('exits 1 saying nothing was saved when the user cancels at Canvas', async () => {
    const { run } = await login('cancel');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("roster: Sign-in was cancelled at Canvas's authorize page; nothing was saved.");
    const list = await roster(dataDir, ['account', 'list', '--json']);
    expect(jsonOf(list)).toEqual([]);
  });

  it.each([
    ['a client ID that is not a number', ['--client-id', 'abc'], /--client-id is the developer key's number, e.g. 10000000000001/],
    ["Schoology's --key", ['--client-id', '1', '--key', 'k'], /canvas signs in with a developer key's client ID and secret, not --web-url, --key or --secret-stdin/],
    ['no --client-id', [], /--client-id is required, the developer key's ID/],
  ])('exits 2 for %s, saying what to give instead', async (_what, flags, reason) => {
    const run = await roster(dataDir, ['account', 'login', 'canvas', '--base-url', sandbox.url, '--client-secret-stdin', ...flags], { stdin: 'secret\n' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(reason);
  });
});

describe('roster sandbox --provider canvas', () => {
  it('keeps its one stdout line and prints the OAuth2 developer key on stderr', async () => {
    const spawned = spawnRoster(dataDir, ['sandbox', '--provider', 'canvas']);
    const keyLine = await firstLine(spawned, 'stderr', /^OAuth2 developer key:/);
    spawned.child.kill('SIGTERM');
    const run = await spawned.result;
    expect(run.stdout).toMatch(/^Sandbox LMS listening on http:\/\/127\.0\.0\.1:\d+ token=\S+\n$/);
    expect(keyLine).toMatch(/^OAuth2 developer key: client_id=10000000000001 client_secret=[\w-]+$/);
  });
});
