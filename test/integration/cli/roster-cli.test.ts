import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BRIDGE_PATH_PREFIX, BRIDGE_TOKEN_META } from '../../../shared/bridge';

/**
 * The `roster` command as staff run it: electron/cli/roster-bin.js in a child process, on the Node running the tests (22).
 * `roster web` serves the built renderer, so that case needs out/renderer (the test command builds it first).
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const LAUNCHER = join(ROOT, 'electron', 'cli', 'roster-bin.js');
const BUILT_INDEX = join(ROOT, 'out', 'renderer', 'index.html');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let dataDir: string;
const runs: Run[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'roster-cli-'));
});

afterEach(async () => {
  for (const run of runs.splice(0)) {
    // The launcher runs the CLI in a child of its own; both share the process group started for this run.
    try {
      process.kill(-run.child.pid!, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    await run.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function roster(...args: string[]): Run {
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    cwd: ROOT,
    env: { ...process.env, ROSTER_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const run = { child, stdout: () => stdout, stderr: () => stderr, exited };
  runs.push(run);
  return run;
}

/** Resolves with the first match of pattern on stdout; rejects if the process ends first. */
function waitForStdout(run: Run, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(run.stdout());
      if (!match) return false;
      run.child.stdout!.off('data', check);
      resolve(match);
      return true;
    };
    if (check()) return;
    run.child.stdout!.on('data', check);
    void run.exited.then(({ code, signal }) => {
      if (!check()) reject(new Error(`roster exited (${code ?? signal}) before printing ${pattern}\nstdout: ${run.stdout()}\nstderr: ${run.stderr()}`));
    });
  });
}

/** `roster web --port 0` on the test's data folder, once it has said where it listens. */
async function startWeb(): Promise<{ run: Run; url: string }> {
  if (!existsSync(BUILT_INDEX)) throw new Error(`The renderer is not built (no ${BUILT_INDEX}); run \`npm run build\` before these tests.`);
  const run = roster('web', '--port', '0', '--data-dir', dataDir);
  const [, url, port] = await waitForStdout(run, /^Roster Desk is running at (http:\/\/127\.0\.0\.1:(\d+)\/)$/m);
  expect(Number(port)).toBeGreaterThan(0);
  return { run, url: url! };
}

describe('roster (the command line)', () => {
  it('prints the usage for `help` and exits 0', async () => {
    const run = roster('help');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toMatch(/^Usage: roster <command>/);
    expect(run.stdout()).toContain('web [--port N] [--data-dir DIR]');
  });

  it('finishes quietly when its reader has gone (`roster account list | head -1`)', async () => {
    const run = roster('account', 'list', '--data-dir', dataDir);
    run.child.stdout!.destroy();
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toBe('');
  });

  it('exits 2 with the usage on stderr for an unknown command', async () => {
    const run = roster('frobnicate');
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('unknown command "frobnicate"');
    expect(run.stderr()).toContain('Usage: roster <command>');
    expect(run.stdout()).toBe('');
  });

  it('exits 2 naming --port when `web --port` is not a number', async () => {
    const run = roster('web', '--port', 'abc', '--data-dir', dataDir);
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('--port');
    expect(run.stderr()).toContain('"abc"');
    expect(run.stdout()).not.toContain('is running at');
  });

  it('serves the editor with its bridge token at the address `web --port 0` prints', async () => {
    const { url } = await startWeb();
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(new RegExp(`<meta name="${BRIDGE_TOKEN_META}" content="[0-9a-f]{64}">`));
    expect(existsSync(join(dataDir, 'cache.sqlite'))).toBe(true);
  });

  it('opens a newcomer (no LMS account) on the Sandbox district, pulled into the offline cache', async () => {
    const { run, url } = await startWeb();
    expect(run.stderr()).toMatch(/Sandbox district at http:\/\/127\.0\.0\.1:\d+\/v1: \d+ sections and groups, \d+ enrollments/);
    const html = await (await fetch(url)).text();
    const token = new RegExp(`<meta name="${BRIDGE_TOKEN_META}" content="([0-9a-f]{64})">`).exec(html)![1]!;
    const response = await fetch(new URL(`${BRIDGE_PATH_PREFIX}queryRoster`, url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ input: { realmIds: ['sandbox/sections/3719526'], search: 'Howlett' } }),
    });
    const envelope = (await response.json()) as { ok: boolean; value: { rows: Array<{ displayName: string; schoolUid: string }> } };
    expect(envelope.ok).toBe(true);
    expect(envelope.value.rows).toMatchObject([{ displayName: 'James Howlett', schoolUid: 's1' }]);
  });

  it('stops `web` on SIGTERM with exit code 0', async () => {
    const { run, url } = await startWeb();
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(url)).rejects.toThrow();
  });
});
