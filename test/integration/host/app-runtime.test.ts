import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAppRuntime, type AppRuntime, type AppRuntimeOptions } from '../../../electron/app-runtime';
import { createServices } from '../../../electron/services';
import { SANDBOX_ACCOUNT_ID } from '../../../electron/sandbox-district';
import { CredentialVault } from '../../../electron/vault/credential-vault';

/**
 * The stack `roster web`, the desktop app and the end-to-end tests all start: real cache files, the real keychain (a
 * throwaway service name) and the built-in Sandbox district.
 */
let dir: string;
let lines: string[];
const started: AppRuntime[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-runtime-'));
  lines = [];
});

afterEach(async () => {
  for (const runtime of started.splice(0)) await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: Partial<AppRuntimeOptions> = {}): Promise<AppRuntime> {
  const runtime = await startAppRuntime({
    dataDir: join(dir, 'data'),
    host: 'browser',
    sandbox: 'auto',
    vault: new CredentialVault({ service: `Roster Desk test ${randomUUID()}` }),
    scheduler: { debounceMs: 3_600_000, intervalMs: 3_600_000, probeMs: 3_600_000, probeMaxMs: 3_600_000 },
    log: (line) => lines.push(line),
    ...options,
  });
  started.push(runtime);
  return runtime;
}

describe('startAppRuntime', () => {
  it('opens a cache without accounts on the Sandbox district, pulled and syncing in the background', async () => {
    const runtime = await start();

    expect(runtime.district).not.toBeNull();
    expect(lines).toEqual([expect.stringMatching(/^Sandbox district at http:\/\/127\.0\.0\.1:\d+\/v1: 10 sections and groups, \d+ enrollments pulled into the offline cache\.$/)]);
    expect((await runtime.services.handlers.listAccounts(undefined)).map((account) => account.id)).toEqual([SANDBOX_ACCOUNT_ID]);
    expect(await runtime.services.handlers.listRealms(undefined)).toHaveLength(10);
    // Started at once: its first run reaches the sandbox.
    await expect.poll(() => runtime.background.lastRunOf(SANDBOX_ACCOUNT_ID)?.report.outcome).toBe('ok');
  });

  it('leaves the Sandbox district out when told to, and when the user has an LMS account of their own', async () => {
    const never = await start({ sandbox: false });
    expect(never.district).toBeNull();
    expect(never.services.cache.accounts.list()).toEqual([]);
    await never.close();

    const services = createServices({ dataDir: join(dir, 'data'), host: 'browser' });
    services.cache.accounts.save({ id: 'school', name: 'Schoology · school', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' });
    services.close();
    const withAccount = await start();
    expect(withAccount.district).toBeNull();
    expect(withAccount.services.cache.accounts.list().map((account) => account.id)).toEqual(['school']);
  });

  it('drops the Sandbox district an earlier run left once the user has an LMS account of their own', async () => {
    await (await start()).close();
    const services = createServices({ dataDir: join(dir, 'data'), host: 'browser' });
    services.cache.accounts.save({ id: 'school', name: 'Schoology · school', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' });
    services.close();

    const runtime = await start();

    expect(runtime.services.cache.accounts.list().map((account) => account.id)).toEqual(['school']);
    expect(await runtime.services.handlers.listRealms(undefined)).toEqual([]);
  });

  it('keeps the Sandbox district while it is the only account, even on a run without it', async () => {
    await (await start()).close();
    const runtime = await start({ sandbox: false });
    expect(runtime.services.cache.accounts.list().map((account) => account.id)).toEqual([SANDBOX_ACCOUNT_ID]);
    expect(await runtime.services.handlers.listRealms(undefined)).toHaveLength(10);
  });

  it('keeps a left-over Sandbox district that still has unsynced edits, and says why', async () => {
    const first = await start();
    const [realm] = await first.services.handlers.listRealms(undefined);
    const { rows } = first.services.cache.roster.query({ realmIds: [realm!.id], sort: { column: 'name', direction: 'asc' }, offset: 0, limit: 1 });
    await first.background.stop();
    await first.services.handlers.applyEdits({ edits: [{ kind: 'remove', realmId: realm!.id, enrollmentId: rows[0]!.enrollmentId! }] });
    await first.close();
    const services = createServices({ dataDir: join(dir, 'data'), host: 'browser' });
    services.cache.accounts.save({ id: 'school', name: 'Schoology · school', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' });
    services.close();
    lines = [];

    const runtime = await start();

    expect(runtime.services.cache.accounts.list().map((account) => account.id).sort()).toEqual(['sandbox', 'school']);
    expect(lines).toContain('the Sandbox district has 1 unsynced edit; it stays until they are synced (start with --sandbox) or discarded in Pending changes.');
  });

  it('starts the Sandbox district beside an LMS account when asked to (--sandbox)', async () => {
    const services = createServices({ dataDir: join(dir, 'data'), host: 'browser' });
    services.cache.accounts.save({ id: 'school', name: 'Schoology · school', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' });
    services.close();
    const runtime = await start({ sandbox: true });
    expect(runtime.district).not.toBeNull();
    expect(runtime.services.cache.accounts.list().map((account) => account.id).sort()).toEqual(['sandbox', 'school']);
  });

  it('closes once however often it is asked: sync stopped, the sandbox LMS down, the cache closed', async () => {
    const runtime = await start();
    const url = runtime.district!.sandbox.url;

    await Promise.all([runtime.close(), runtime.close()]);
    await runtime.close();

    expect(runtime.services.cache.db.open).toBe(false);
    expect(runtime.background.isSyncing(SANDBOX_ACCOUNT_ID)).toBe(false);
    await expect(fetch(url)).rejects.toThrow();
  });
});
