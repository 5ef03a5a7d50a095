import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEnvelope, EditResult, PendingView, RosterPage, SyncReportShape, SyncStatus } from '../../../shared/api';
import { dispatch } from '../../../electron/api-dispatch';
import { createServices, deferredSyncHook, type Services } from '../../../electron/services';
import { SchoologyClient } from '../../../electron/lms/schoology/schoology-client';
import { SchoologyProvider } from '../../../electron/lms/schoology/schoology-provider';
import { Transport } from '../../../electron/lms/transport';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { BackgroundSync } from '../../../electron/sync/background-sync';
import { pullAccount } from '../../../electron/sync/pull';
import { CredentialVault } from '../../../electron/vault/credential-vault';

/**
 * The edit, pending-changes and sync methods of RosterApi as the renderer calls them — through dispatch (input checked,
 * output checked, failures folded into envelopes) — over real services: a cache file pulled from the sandbox LMS, the
 * outbox, and a BackgroundSync against that sandbox as `roster web` runs it.
 */
const ACCOUNT = 'school';
const P3 = `${ACCOUNT}/sections/3719526`;
const HOWLETT = { uid: '48289', enrollmentId: '44783136' } as const;
const STRICKLAND = { uid: '45552', enrollmentId: '43807916' } as const;

let sandbox: Sandbox;
let dir: string;
let services: Services;
let background: BackgroundSync;
let replies: string[];

beforeEach(async () => {
  // A fresh sandbox per test: the tests change its enrollments.
  sandbox = await startSandbox({ rateLimit: null });
  dir = mkdtempSync(join(tmpdir(), 'roster-edit-api-'));
  replies = [];
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
    vault: new CredentialVault({ service: `Roster Desk test ${randomUUID()}` }),
    // As roster web does: the background sync is built once the services (and their cache) exist.
    sync: deferredSyncHook(() => background),
  });
  services.cache.accounts.save({ id: ACCOUNT, name: 'Sandbox', provider: 'schoology', baseUrl: sandbox.url });
  await pullAccount(services.cache, ACCOUNT, provider);
  background = new BackgroundSync({
    cache: services.cache,
    outbox: services.outbox,
    provider: async () => provider,
    // Only "sync now" syncs in these tests, so each sync's effect is the test's.
    scheduler: { debounceMs: 3_600_000, intervalMs: 3_600_000, probeMs: 3_600_000, probeMaxMs: 3_600_000 },
  });
  // Starting syncs at once (and pulls every realm); that first run is over before a test edits anything.
  background.start(ACCOUNT);
  await background.syncNow(ACCOUNT);
});

afterEach(async () => {
  await background.stop();
  services.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
  // No reply, successful or not, ever carries the LMS credentials.
  const all = replies.join('\n');
  expect(all).not.toContain(sandbox.consumerSecret);
  expect(all).not.toContain(sandbox.consumerKey);
});

async function call(method: string, input?: unknown): Promise<ApiEnvelope> {
  const envelope = await dispatch(services.handlers, method, input);
  replies.push(JSON.stringify(envelope));
  return envelope;
}

async function value<T>(method: string, input?: unknown): Promise<T> {
  const envelope = await call(method, input);
  if (!envelope.ok) throw new Error(`${method} failed: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

async function failure(method: string, input?: unknown): Promise<{ code: string; message: string }> {
  const envelope = await call(method, input);
  if (envelope.ok) throw new Error(`${method} succeeded; expected a failure`);
  return envelope.error;
}

const apply = async (...edits: unknown[]) => (await value<{ results: EditResult[] }>('applyEdits', { edits })).results;
const pending = (accountId?: string) => value<PendingView>('listPending', accountId === undefined ? undefined : { accountId });
const howlettRow = async () => {
  const page = await value<RosterPage>('queryRoster', { realmIds: [P3], search: 'Howlett' });
  return page.rows.find((row) => row.userId === HOWLETT.uid);
};

describe('applyEdits', () => {
  it('queues edits, coalesces a second edit of the same person, and the roster overlay and pending list show them', async () => {
    const [first] = await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher' } });
    expect(first).toMatchObject({ outcome: 'queued', opId: expect.any(String) });

    const [second] = await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'completed' } });
    expect(second).toEqual({ outcome: 'merged', opId: first!.opId });

    expect(await howlettRow()).toMatchObject({
      role: 'teacher',
      status: 'completed',
      server: { role: 'student', status: 'active' },
      pending: { opId: first!.opId, kind: 'update', state: 'queued' },
    });

    const [removal] = await apply({ kind: 'remove', realmId: P3, enrollmentId: STRICKLAND.enrollmentId });
    const view = await pending(ACCOUNT);
    expect(view.rejected).toEqual([]);
    expect(view.conflicts).toEqual([]);
    expect(view.queued.map((op) => [op.id, op.sentence])).toEqual([
      [first!.opId, 'Make James Howlett an admin of Algebra I · P3 and set their status to expired'],
      [removal!.opId, 'Remove Mr. Strickland from Algebra I · P3'],
    ]);
    expect(view.queued[0]).toMatchObject({ accountId: ACCOUNT, realmId: P3, kind: 'update', state: 'queued', fields: { role: 'teacher', status: 'completed' } });
    // Without an account: every account's edits.
    expect((await pending()).queued).toHaveLength(2);
  });

  it('words a status change and a role change on their own', async () => {
    await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'completed' } });
    await apply({ kind: 'update', realmId: P3, enrollmentId: STRICKLAND.enrollmentId, fields: { role: 'student' } });
    expect((await pending(ACCOUNT)).queued.map((op) => op.sentence)).toEqual([
      "Set James Howlett's status to expired in Algebra I · P3",
      'Make Mr. Strickland a member of Algebra I · P3',
    ]);
  });

  it('answers cancelled when an edit sets everything back to what the LMS has, and no op remains', async () => {
    const [first] = await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'inactive' } });
    const [back] = await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'active' } });
    expect(first!.outcome).toBe('queued');
    expect(back).toEqual({ outcome: 'cancelled', opId: null });
    expect((await pending(ACCOUNT)).queued).toEqual([]);
    expect((await howlettRow())?.pending).toBeNull();
  });

  it('rejects the whole list when one edit is bad, with the edit error code, and queues none of it', async () => {
    const error = await failure('applyEdits', {
      edits: [
        { kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher' } },
        { kind: 'remove', realmId: P3, enrollmentId: '999999999' },
      ],
    });
    expect(error.code).toBe('unknown_enrollment');
    expect(error.message).toMatch(/^Edit 2: Enrollment 999999999 is not in the cached roster/);
    expect((await pending(ACCOUNT)).queued).toEqual([]);

    expect((await failure('applyEdits', { edits: [{ kind: 'remove', realmId: `${ACCOUNT}/sections/1`, enrollmentId: '1' }] })).code).toBe('unknown_realm');
  });

  it('refuses edits that do not fit the contract before they reach the outbox', async () => {
    const bad = [
      { edits: [] },
      { edits: [{ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { role: 'principal' } }] },
      { edits: [{ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher', admin: 1 } }] },
      { edits: [{ kind: 'enroll', realmId: P3, userId: '87942', fields: { role: 'student' } }] },
    ];
    for (const input of bad) expect((await failure('applyEdits', input)).code).toBe('invalid_input');
    // The outbox's own checks still answer with its code: an update that changes nothing it can name.
    expect((await failure('applyEdits', { edits: [{ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: {} }] })).code).toBe('invalid');
  });
});

describe('undo and discard', () => {
  it('undoEdit takes one queued edit back and the roster shows the server values again', async () => {
    const [result] = await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'completed' } });
    expect(await value('undoEdit', { opId: result!.opId })).toEqual({ opId: result!.opId });
    expect(await howlettRow()).toMatchObject({ status: 'active', pending: null });
    const again = await failure('undoEdit', { opId: result!.opId });
    expect(again.code).toBe('invalid');
    expect(again.message).toMatch(/already synced, undone or discarded/);
  });

  it('undoAll takes back every queued edit of the account', async () => {
    await apply(
      { kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'completed' } },
      { kind: 'remove', realmId: P3, enrollmentId: STRICKLAND.enrollmentId },
    );
    expect(await value('undoAll', { accountId: ACCOUNT })).toEqual({ accountId: ACCOUNT, undone: 2 });
    expect((await pending(ACCOUNT)).queued).toEqual([]);
  });

  it('discardEdit drops only held edits; a queued one must be undone instead', async () => {
    const [result] = await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'inactive' } });
    const queued = await failure('discardEdit', { opId: result!.opId });
    expect(queued).toMatchObject({ code: 'invalid', message: expect.stringMatching(/undo it instead/) });

    sandbox.store.updateEnrollment(HOWLETT.enrollmentId, { status: 2 });
    await value('syncNow', { accountId: ACCOUNT });
    expect((await pending(ACCOUNT)).conflicts.map((op) => op.id)).toEqual([result!.opId]);
    // A held edit blocks new edits of the same person, with the code the UI acts on and the fix in the app's terms.
    expect(await failure('applyEdits', { edits: [{ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher' } }] })).toMatchObject({
      code: 'held',
      message: expect.stringMatching(/^Edit 1: This person has an edit in conflict with the LMS \(.+\)\. Settle it first under Pending changes: Keep mine or Take theirs\.$/),
    });

    expect(await value('discardEdit', { opId: result!.opId })).toEqual({ opId: result!.opId });
    expect(await pending(ACCOUNT)).toEqual({ queued: [], rejected: [], conflicts: [] });
    expect(await howlettRow()).toMatchObject({ status: 'completed', pending: null });
  });
});

describe('conflicts', () => {
  /** Howlett's status set to inactive here, and to completed (2) on the LMS by someone else before the sync. */
  async function conflict(): Promise<string> {
    const [result] = await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'inactive' } });
    sandbox.store.updateEnrollment(HOWLETT.enrollmentId, { status: 2 });
    const report = await value<SyncReportShape>('syncNow', { accountId: ACCOUNT });
    expect(report).toMatchObject({ outcome: 'partial', conflicts: 1, applied: 0 });
    const view = await pending(ACCOUNT);
    expect(view.conflicts).toEqual([
      expect.objectContaining({
        id: result!.opId,
        state: 'conflict',
        sentence: "Set James Howlett's status to archived in Algebra I · P3",
        conflicts: [{ field: 'status', mine: 'inactive', theirs: 'completed' }],
      }),
    ]);
    return result!.opId!;
  }

  it('keep-mine queues the edit again and the next sync puts it on the LMS', async () => {
    const opId = await conflict();
    expect(await value('resolveConflict', { opId, choice: 'keep-mine' })).toEqual({ opId, choice: 'keep-mine' });
    expect((await pending(ACCOUNT)).queued.map((op) => op.id)).toEqual([opId]);
    expect(await value<SyncReportShape>('syncNow', { accountId: ACCOUNT })).toMatchObject({ outcome: 'ok', applied: 1 });
    expect(sandbox.store.getEnrollment(HOWLETT.enrollmentId)?.status).toBe(5);
    expect(await pending(ACCOUNT)).toEqual({ queued: [], rejected: [], conflicts: [] });
  });

  it("take-theirs lets the LMS's value stand and leaves nothing to sync", async () => {
    const opId = await conflict();
    expect(await value('resolveConflict', { opId, choice: 'take-theirs' })).toEqual({ opId, choice: 'take-theirs' });
    expect(await pending(ACCOUNT)).toEqual({ queued: [], rejected: [], conflicts: [] });
    expect(await howlettRow()).toMatchObject({ status: 'completed', pending: null });
    expect(sandbox.store.getEnrollment(HOWLETT.enrollmentId)?.status).toBe(2);
  });

  it('refuses to resolve an edit that is not in conflict', async () => {
    const [result] = await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'inactive' } });
    const error = await failure('resolveConflict', { opId: result!.opId, choice: 'keep-mine' });
    expect(error).toMatchObject({ code: 'invalid', message: expect.stringMatching(/not in conflict/) });
    expect((await failure('resolveConflict', { opId: result!.opId, choice: 'mine' })).code).toBe('invalid_input');
  });
});

describe('syncNow and syncStatus', () => {
  it('syncs the edits to the LMS and the status shows the run', async () => {
    const [before] = await value<SyncStatus[]>('syncStatus');
    expect(before).toMatchObject({ accountId: ACCOUNT, connectivity: 'online', syncing: false, pending: 0, lastRun: { outcome: 'ok', counts: { applied: 0 } } });

    await apply(
      { kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { role: 'teacher', status: 'inactive' } },
      { kind: 'remove', realmId: P3, enrollmentId: STRICKLAND.enrollmentId },
    );
    expect((await value<SyncStatus[]>('syncStatus'))[0]).toMatchObject({ pending: 2 });

    const report = await value<SyncReportShape>('syncNow', { accountId: ACCOUNT });
    expect(report).toMatchObject({ outcome: 'ok', applied: 2, rejected: 0, conflicts: 0 });
    expect(sandbox.store.getEnrollment(HOWLETT.enrollmentId)).toMatchObject({ admin: 1, status: 5 });
    expect(sandbox.store.getEnrollment(STRICKLAND.enrollmentId)).toBeFalsy();

    const [status] = await value<SyncStatus[]>('syncStatus');
    expect(status).toMatchObject({
      accountId: ACCOUNT,
      connectivity: 'online',
      syncing: false,
      pending: 0,
      lastRun: { outcome: 'ok', counts: { applied: 2, done: 0, rejected: 0, conflicts: 0, requeued: 0 }, message: report.message },
    });
    expect(Number.isNaN(Date.parse(status!.lastRun!.finishedAt))).toBe(false);
    expect(await howlettRow()).toMatchObject({ role: 'teacher', status: 'inactive', server: { role: 'teacher', status: 'inactive' }, pending: null });
  });

  it('an edit makes the app sync soon by itself', async () => {
    await background.stop();
    background = new BackgroundSync({
      cache: services.cache,
      outbox: services.outbox,
      provider: async () =>
        new SchoologyProvider(
          new SchoologyClient({ baseUrl: sandbox.url, credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret } }),
        ),
      scheduler: { debounceMs: 10, intervalMs: 3_600_000, probeMs: 20, probeMaxMs: 40 },
    });
    background.start(ACCOUNT);
    await background.syncNow(ACCOUNT);
    expect((await value<SyncStatus[]>('syncStatus'))[0]).toMatchObject({ syncing: false, lastRun: { outcome: 'ok' } });
    await apply({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.enrollmentId, fields: { status: 'completed' } });
    await expect.poll(() => sandbox.store.getEnrollment(HOWLETT.enrollmentId)?.status, { timeout: 10_000 }).toBe(2);
    await expect.poll(async () => (await pending(ACCOUNT)).queued.length, { timeout: 10_000 }).toBe(0);
  });

  it('says so when nothing syncs the account, and names an unknown account', async () => {
    // The account is not synced here (as in a host without a keychain).
    background.stopAccount(ACCOUNT);
    expect(await value<SyncStatus[]>('syncStatus')).toEqual([{ accountId: ACCOUNT, connectivity: 'unknown', syncing: false, lastRun: null, pending: 0, progress: null }]);
    expect(await failure('syncNow', { accountId: ACCOUNT })).toMatchObject({ code: 'sync_unavailable' });
    expect(await failure('syncNow', { accountId: 'nobody' })).toMatchObject({ code: 'unknown_account' });
  });
});
