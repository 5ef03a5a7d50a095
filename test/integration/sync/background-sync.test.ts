import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCache, type Cache } from '../../../electron/db/cache';
import { realmIdOf } from '../../../electron/db/realms-repo';
import { SchoologyClient } from '../../../electron/lms/schoology/schoology-client';
import { SchoologyProvider } from '../../../electron/lms/schoology/schoology-provider';
import { Transport } from '../../../electron/lms/transport';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { BackgroundSync } from '../../../electron/sync/background-sync';
import { Outbox } from '../../../electron/sync/outbox';
import { pullAccount } from '../../../electron/sync/pull';

const ACCOUNT = 'school';
const P3 = 'sections/3719526';

let dir: string;
let cache: Cache;
let sandbox: Sandbox;
let provider: SchoologyProvider;
let background: BackgroundSync | null;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-background-'));
  cache = openCache(join(dir, 'cache.sqlite'));
  sandbox = await startSandbox({ rateLimit: null });
  provider = new SchoologyProvider(
    new SchoologyClient({
      baseUrl: sandbox.url,
      credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret },
      transport: new Transport({ baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 }),
    }),
  );
  cache.accounts.save({ id: ACCOUNT, name: 'Sandbox', provider: 'schoology', baseUrl: sandbox.url });
  await pullAccount(cache, ACCOUNT, provider);
  background = null;
});

afterEach(async () => {
  await background?.stop();
  cache.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

function startBackground(options: { pullEveryMs?: number; intervalMs?: number } = {}): BackgroundSync {
  background = new BackgroundSync({
    cache,
    outbox: new Outbox(cache),
    provider: async () => provider,
    pullEveryMs: options.pullEveryMs ?? 60_000,
    scheduler: { debounceMs: 10, probeMs: 20, probeMaxMs: 40, intervalMs: options.intervalMs ?? 60_000 },
  });
  background.start(ACCOUNT);
  return background;
}

describe('background sync in the app', () => {
  it('sends edits left queued from an earlier session as soon as it starts', async () => {
    new Outbox(cache).apply([{ kind: 'update', realmId: realmIdOf(ACCOUNT, P3), enrollmentId: '44783136', fields: { status: 'completed' } }]);
    startBackground();
    await expect.poll(() => sandbox.store.getEnrollment('44783136')?.status).toBe(2);
    await expect.poll(() => new Outbox(cache).sendable(ACCOUNT)).toEqual([]);
  });

  it('syncs shortly after an edit is queued, without anyone asking', async () => {
    const sync = startBackground();
    await expect.poll(() => sync.connectivityOf(ACCOUNT)).toBe('online');
    new Outbox(cache).apply([{ kind: 'update', realmId: realmIdOf(ACCOUNT, P3), enrollmentId: '44783136', fields: { role: 'teacher' } }]);
    sync.editsQueued(ACCOUNT);
    await expect.poll(() => sandbox.store.getEnrollment('44783136')?.admin).toBe(1);
  });

  it('brings another admin’s change in the LMS into the offline cache on its pull schedule', async () => {
    sandbox.store.updateEnrollment('44783136', { status: 5 });
    startBackground({ pullEveryMs: 0, intervalMs: 30 });
    await expect.poll(() => cache.enrollments.get(realmIdOf(ACCOUNT, P3), '44783136')?.status).toBe('inactive');
  });

  it('notices the LMS is gone, keeps the edit, and sends it once the LMS answers again', async () => {
    const port = sandbox.port;
    await sandbox.close();
    const sync = startBackground();
    await expect.poll(() => sync.connectivityOf(ACCOUNT)).toBe('offline');
    new Outbox(cache).apply([{ kind: 'update', realmId: realmIdOf(ACCOUNT, P3), enrollmentId: '44783136', fields: { status: 'completed' } }]);
    sync.editsQueued(ACCOUNT);
    expect(new Outbox(cache).sendable(ACCOUNT)).toHaveLength(1);

    const consumer = { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret };
    sandbox = await startSandbox({ rateLimit: null, port, ...consumer });
    await expect.poll(() => sandbox.store.getEnrollment('44783136')?.status, { timeout: 5_000 }).toBe(2);
    expect(sync.connectivityOf(ACCOUNT)).toBe('online');
  });
});
