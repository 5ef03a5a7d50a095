import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authorizationHeader } from '../../../electron/lms/schoology/oauth1';

/** `roster sandbox` as a newcomer or a script runs it: electron/cli/roster-bin.js in a child process. */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const LAUNCHER = join(ROOT, 'electron', 'cli', 'roster-bin.js');
const LINE = /^Sandbox LMS listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1) consumer_key=([A-Za-z0-9_-]+) consumer_secret=([A-Za-z0-9_-]+)$/m;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const runs: Run[] = [];

afterEach(async () => {
  for (const run of runs.splice(0)) {
    try {
      process.kill(-run.child.pid!, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    await run.exited;
  }
});

function roster(...args: string[]): Run {
  const child = spawn(process.execPath, [LAUNCHER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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

function waitForLine(run: Run): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = LINE.exec(run.stdout());
      if (match) {
        run.child.stdout!.off('data', check);
        resolve(match);
      }
      return match;
    };
    if (check()) return;
    run.child.stdout!.on('data', check);
    void run.exited.then(({ code, signal }) => {
      if (!check()) reject(new Error(`roster sandbox exited (${code ?? signal}) first\nstdout: ${run.stdout()}\nstderr: ${run.stderr()}`));
    });
  });
}

describe('roster sandbox', () => {
  it('prints one line with the address and credentials, serves signed requests with them, and stops on SIGTERM with 0', async () => {
    const run = roster('sandbox', '--port', '0', '--rate-limit', '0');
    const [line, base, port, key, secret] = await waitForLine(run);
    expect(Number(port)).toBeGreaterThan(0);
    const url = new URL(`${base}/sections/3719526/enrollments/44783136`);
    const response = await fetch(url, {
      headers: { Authorization: authorizationHeader({ method: 'GET', url, credentials: { consumerKey: key!, consumerSecret: secret! } }) },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ uid: '48289', name_display: 'James Howlett' });

    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toBe(`${line}\n`);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('takes --seed district and --faults', async () => {
    const run = roster('sandbox', '--seed', 'district', '--faults', 'error503=1,seed=3');
    const [, base, , key, secret] = await waitForLine(run);
    const url = new URL(`${base}/users/45552`);
    const response = await fetch(url, {
      headers: { Authorization: authorizationHeader({ method: 'GET', url, credentials: { consumerKey: key!, consumerSecret: secret! } }) },
    });
    expect(response.status).toBe(503);
    expect(run.stderr()).toContain('100000 enrollments');
  });

  it('exits 2 naming --seed when the seed is not one it knows', async () => {
    const run = roster('sandbox', '--seed', 'bogus');
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('--seed must be one of small, district, got "bogus"');
    expect(run.stdout()).toBe('');
  });

  it('exits 2 naming --faults for a fault spec it cannot read', async () => {
    const run = roster('sandbox', '--faults', 'gremlins=1');
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('--faults: unknown fault "gremlins"');
  });

  it('exits 2 naming --rate-limit for a limit it cannot read', async () => {
    const run = roster('sandbox', '--rate-limit', 'fast');
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('--rate-limit');
  });
});
