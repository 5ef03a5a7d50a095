import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCache, type Cache } from '../../../electron/db/cache';
import { processAlive, SyncLock } from '../../../electron/sync/sync-lock';
import { deadPid } from './engine-kit';

let dir: string;
let first: Cache;
let second: Cache;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-lock-'));
  first = openCache(join(dir, 'cache.sqlite'));
  second = openCache(join(dir, 'cache.sqlite'));
});

afterEach(() => {
  first.close();
  second.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the cross-process sync lock', () => {
  it('is taken when nobody holds it', () => {
    const lock = new SyncLock(first.db, { owner: 'app' });
    expect(lock.acquire()).toEqual({ acquired: true, tookOverFrom: null });
    expect(lock.holder()).toMatchObject({ owner: 'app', pid: process.pid, host: hostname() });
  });

  it('keeps a second holder out while the first is alive and its lease runs, even through another connection', () => {
    new SyncLock(first.db, { owner: 'app' }).acquire();
    const result = new SyncLock(second.db, { owner: 'cli' }).acquire();
    expect(result).toMatchObject({ acquired: false, holder: { owner: 'app', pid: process.pid } });
  });

  it('is free again once released', () => {
    const app = new SyncLock(first.db, { owner: 'app' });
    app.acquire();
    app.release();
    expect(new SyncLock(second.db, { owner: 'cli' }).acquire()).toMatchObject({ acquired: true, tookOverFrom: null });
  });

  it('is taken over from a process of this machine that no longer exists (a SIGKILLed sync)', () => {
    const pid = deadPid();
    expect(processAlive(pid)).toBe(false);
    new SyncLock(first.db, { owner: 'killed cli', pid }).acquire();
    const result = new SyncLock(second.db, { owner: 'app' }).acquire();
    expect(result).toMatchObject({ acquired: true, tookOverFrom: { owner: 'killed cli', pid } });
    expect(new SyncLock(second.db, { owner: 'app' }).holder()).toMatchObject({ owner: 'app', pid: process.pid });
  });

  it.runIf(process.platform === 'linux')('counts a killed process its parent has not reaped yet (a zombie) as gone', async () => {
    // The short sleep outlives the shell's exec, so it ends as a child of the long sleep, which never waits for it:
    // it stays a zombie while the long sleep runs.
    const shell = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => shell.stdout.once('data', (chunk: Buffer) => resolve(String(chunk)))));
      await expect.poll(() => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0]).toBe('Z');
      expect(processAlive(pid)).toBe(false);
    } finally {
      shell.kill('SIGKILL');
    }
  });

  it('is taken over once its lease expired, whoever held it', () => {
    let now = new Date('2026-11-20T08:00:00Z');
    new SyncLock(first.db, { owner: 'other machine', host: 'elsewhere', pid: 1, now: () => now }).acquire();
    const app = new SyncLock(second.db, { owner: 'app', now: () => now });
    expect(app.acquire()).toMatchObject({ acquired: false });
    now = new Date('2026-11-20T08:01:00.001Z');
    expect(app.acquire()).toMatchObject({ acquired: true, tookOverFrom: { owner: 'other machine' } });
  });

  it('does not judge a holder on another machine by pids here: only its lease can end it', () => {
    new SyncLock(first.db, { owner: 'other machine', host: 'elsewhere', pid: deadPid() }).acquire();
    expect(new SyncLock(second.db, { owner: 'app' }).acquire()).toMatchObject({ acquired: false });
  });

  it('extends the lease on renewal, so a long sync is not taken over', () => {
    let now = new Date('2026-11-20T08:00:00Z');
    const app = new SyncLock(first.db, { owner: 'app', now: () => now, host: 'elsewhere' });
    app.acquire();
    now = new Date('2026-11-20T08:00:45Z');
    expect(app.renew()).toBe(true);
    now = new Date('2026-11-20T08:01:30Z');
    expect(new SyncLock(second.db, { owner: 'cli', now: () => now }).acquire()).toMatchObject({ acquired: false });
  });

  it('tells a holder whose lease was taken over that the lock is no longer its own', () => {
    let now = new Date('2026-11-20T08:00:00Z');
    const slow = new SyncLock(first.db, { owner: 'slow', now: () => now, host: 'elsewhere' });
    slow.acquire();
    now = new Date('2026-11-20T08:02:00Z');
    new SyncLock(second.db, { owner: 'app', now: () => now }).acquire();
    expect(slow.renew()).toBe(false);
    slow.release();
    expect(new SyncLock(second.db, { owner: 'app' }).holder()).toMatchObject({ owner: 'app' });
  });
});
