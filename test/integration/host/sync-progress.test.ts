import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEnvelope, BulkEditResult, SyncReportShape, SyncStatus } from '../../../shared/api';
import { dispatch } from '../../../electron/api-dispatch';
import { createServices, deferredSyncHook, type Services } from '../../../electron/services';
import { SchoologyClient } from '../../../electron/lms/schoology/schoology-client';
import { SchoologyProvider } from '../../../electron/lms/schoology/schoology-provider';
import { Transport } from '../../../electron/lms/transport';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { BackgroundSync } from '../../../electron/sync/background-sync';
import { pullAccount } from '../../../electron/sync/pull';

/**
 * syncStatus's progress, watched the way the sync bar watches it (polling through dispatch) while a real sync runs
 * against a sandbox LMS that answers slowly, so the run's phases last long enough to be seen.
 */
const ACCOUNT = 'school';
const SECTIONS = ['sections/3719526', 'sections/4318461', 'sections/3719531'].map((key) => `${ACCOUNT}/${key}`);

let sandbox: Sandbox;
let dir: string;
let services: Services;
let background: BackgroundSync;

beforeEach(async () => {
  sandbox = await startSandbox({ rateLimit: null, faults: { latency: [60, 90], seed: 6 } });
  dir = mkdtempSync(join(tmpdir(), 'roster-progress-'));
  const provider = new SchoologyProvider(
    new SchoologyClient({
      baseUrl: sandbox.url,
      credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret },
      transport: new Transport({ baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 }),
    }),
  );
  services = createServices({
    dataDir: join(dir, 'data'),
    host: 'browser',
    sync: deferredSyncHook(() => background),
  });
  services.cache.accounts.save({ id: ACCOUNT, name: 'Sandbox', provider: 'schoology', baseUrl: sandbox.url });
  await pullAccount(services.cache, ACCOUNT, provider);
  background = new BackgroundSync({
    cache: services.cache,
    outbox: services.outbox,
    provider: async () => provider,
    // Only "sync now" syncs; its pull of every realm is not due again within the test.
    pullEveryMs: 3_600_000,
    scheduler: { debounceMs: 3_600_000, intervalMs: 3_600_000, probeMs: 3_600_000, probeMaxMs: 3_600_000 },
  });
  background.start(ACCOUNT);
  await background.syncNow(ACCOUNT);
});

afterEach(async () => {
  await background.stop();
  services.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

async function value<T>(method: string, input?: unknown): Promise<T> {
  const envelope: ApiEnvelope = await dispatch(services.handlers, method, input);
  if (!envelope.ok) throw new Error(`${method} failed: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

const statusOf = async (): Promise<SyncStatus> => (await value<SyncStatus[]>('syncStatus')).find((status) => status.accountId === ACCOUNT)!;

describe('syncStatus progress', () => {
  it('reports the running sync’s phase and how many of its edits are sent, and nothing once it is over', async () => {
    const { queued } = await value<BulkEditResult>('editFiltered', {
      filter: { realmIds: SECTIONS, roles: ['student'], statuses: ['active'] },
      change: { kind: 'update', fields: { status: 'inactive' } },
    });
    expect(queued).toBeGreaterThan(50);
    expect((await statusOf()).progress).toBeNull();

    const seen: Array<NonNullable<SyncStatus['progress']>> = [];
    let finished = false;
    const run = value<SyncReportShape>('syncNow', { accountId: ACCOUNT }).finally(() => (finished = true));
    while (!finished) {
      const status = await statusOf();
      if (status.progress) seen.push(status.progress);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const report = await run;

    expect(report).toMatchObject({ outcome: 'ok', applied: queued });
    expect(seen.map((progress) => progress.phase)).toContain('checking');
    expect(seen).toContainEqual({ phase: 'pushing', done: 0, total: queued });
    expect(seen.every((progress) => progress.done <= progress.total)).toBe(true);
    expect(await statusOf()).toMatchObject({ syncing: false, progress: null, pending: 0 });
  });
});
