import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/** `roster sandbox --provider canvas` as a script runs it: electron/cli/roster-bin.js in a child process. */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const LAUNCHER = join(ROOT, 'electron', 'cli', 'roster-bin.js');
const LINE = /^Sandbox LMS listening on (http:\/\/127\.0\.0\.1:(\d+)) token=(\S+)$/m;

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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
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

describe('roster sandbox --provider canvas', () => {
  it('prints exactly one line with the address and token, serves the API with it, and stops on SIGTERM with 0', async () => {
    const run = roster('sandbox', '--provider', 'canvas', '--port', '0');
    const [line, base, port, token] = await waitForLine(run);
    expect(Number(port)).toBeGreaterThan(0);
    const response = await fetch(`${base}/api/v1/users/self`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 1, name: 'Mr. Strickland' });
    expect(run.stderr()).toContain('4 courses, 7 sections');

    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toBe(`${line}\n`);
    await expect(fetch(`${base}/api/v1/users/self`)).rejects.toThrow();
  });

  it('takes --seed district and --faults', async () => {
    const run = roster('sandbox', '--provider', 'canvas', '--seed', 'district', '--faults', 'error503=1,seed=3');
    const [, base, , token] = await waitForLine(run);
    expect((await fetch(`${base}/api/v1/users/self`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(503);
    expect(run.stderr()).toContain('100000 enrollments');
  });

  it('exits 2 for the unwrap fault, which Canvas has no use for', async () => {
    const run = roster('sandbox', '--provider', 'canvas', '--faults', 'unwrap=0.1');
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('--faults: unwrap does not apply to Canvas');
    expect(run.stdout()).toBe('');
  });

  it('exits 2 naming --provider for a provider it does not know', async () => {
    const run = roster('sandbox', '--provider', 'moodle');
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('--provider must be schoology or canvas, got "moodle"');
  });
});
