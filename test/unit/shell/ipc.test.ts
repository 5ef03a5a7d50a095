import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Electron cannot run here; ipc.ts only needs types from it, and this makes sure nothing loads the real module.
vi.mock('electron', () => ({}));

import type { IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { type ApiEnvelope, ROSTER_API_METHODS, RosterApiError, channelOf } from '../../../shared/api';
import type { RosterApiHandlers } from '../../../electron/api-handlers';
import { type IpcMainLike, registerIpcHandlers } from '../../../electron/ipc';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

const APP_URL = 'file:///app/out/renderer/index.html';

function fakeIpcMain() {
  const listeners = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: vi.fn((channel: string, listener: Listener) => {
      if (listeners.has(channel)) throw new Error(`second handler for ${channel}`);
      listeners.set(channel, listener);
    }),
    removeHandler: vi.fn((channel: string) => {
      listeners.delete(channel);
    }),
  };
  return { ipcMain, listeners };
}

function fakeHandlers(): RosterApiHandlers {
  return {
    appInfo: vi.fn(() => ({ version: '0.1.0', host: 'electron' as const, cacheNotice: null })),
    listAccounts: vi.fn(() => []),
    listRealms: vi.fn(() => []),
    queryRoster: vi.fn(() => ({ rows: [], total: 0, offset: 0 })),
    keychainStatus: vi.fn(() => ({ ok: true as const })),
    addAccount: vi.fn(() => ACCOUNT),
    beginSignIn: vi.fn(() => ({ attemptId: 'a1', authorizeUrl: 'https://district.schoology.com/oauth/authorize?oauth_token=T' })),
    finishSignIn: vi.fn(() => ACCOUNT),
    cancelSignIn: vi.fn(() => ({ cancelled: true })),
    signOut: vi.fn(() => ({ accountId: ACCOUNT.id, droppedEdits: 0 })),
    applyEdits: vi.fn(() => ({ results: [] })),
    listPending: vi.fn(() => ({ queued: [], rejected: [], conflicts: [] })),
    undoEdit: vi.fn(() => ({ opId: 'op1' })),
    undoAll: vi.fn(() => ({ accountId: ACCOUNT.id, undone: 0 })),
    discardEdit: vi.fn(() => ({ opId: 'op1' })),
    resolveConflict: vi.fn(() => ({ opId: 'op1', choice: 'keep-mine' as const })),
    syncNow: vi.fn(() => ({ outcome: 'ok' as const, applied: 0, done: 0, rejected: 0, conflicts: 0, requeued: 0, requests: { reads: 0, writes: 0 }, refreshedRealms: 0, message: null, runId: null })),
    syncStatus: vi.fn(() => []),
    findPeople: vi.fn(() => []),
    queryRosterRefs: vi.fn(() => ({ refs: [], total: 0 })),
    editFiltered: vi.fn(() => ({ queued: 0, merged: 0, cancelled: 0, skipped: 0 })),
    exportRoster: vi.fn(() => ({ fileName: 'roster.csv', mimeType: 'text/csv;charset=utf-8', content: '', encoding: 'utf8' as const, rows: 0 })),
    previewImport: vi.fn(() => ({
      realmId: 'sandbox/sections/1',
      layout: 'plain' as const,
      rows: 0,
      toEnroll: 0,
      toChange: 0,
      toRemove: 0,
      unchanged: 0,
      changes: [],
      problems: [],
      problemCount: 0,
    })),
    applyImport: vi.fn(() => ({ queued: 0, merged: 0, cancelled: 0, skippedRows: 0 })),
  };
}

const ACCOUNT = {
  id: 'api.schoology.com-45552',
  name: 'api.schoology.com-45552',
  provider: 'schoology' as const,
  baseUrl: 'https://api.schoology.com/v1',
  user: { id: '45552', name: 'Mr. Strickland' },
};

const frame = (url: string, parent: unknown = null) => ({ url, parent }) as unknown as WebFrameMain;
const eventFrom = (senderFrame: WebFrameMain | null) => ({ senderFrame }) as unknown as IpcMainInvokeEvent;
const trustAppOnly = (f: WebFrameMain | null) => f !== null && f.url === APP_URL;

describe('registerIpcHandlers', () => {
  let handlers: RosterApiHandlers;
  let listeners: Map<string, Listener>;
  let ipcMain: IpcMainLike;
  let unregister: () => void;

  const call = async (method: string, input: unknown, from: WebFrameMain | null = frame(APP_URL)) => {
    const listener = listeners.get(`roster:${method}`);
    if (!listener) throw new Error(`no handler for ${method}`);
    return (await listener(eventFrom(from), input)) as ApiEnvelope;
  };

  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    handlers = fakeHandlers();
    ({ ipcMain, listeners } = fakeIpcMain());
    unregister = registerIpcHandlers(ipcMain, handlers, trustAppOnly);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('registers one channel per RosterApi method and removes them all again', () => {
    expect([...listeners.keys()].sort()).toEqual(ROSTER_API_METHODS.map(channelOf).sort());
    unregister();
    expect(listeners.size).toBe(0);
  });

  it('passes a valid call to its handler with the parsed input (defaults applied)', async () => {
    const reply = await call('queryRoster', { realmIds: ['acct/sections/1'] });
    expect(reply).toEqual({ ok: true, value: { rows: [], total: 0, offset: 0 } });
    expect(handlers.queryRoster).toHaveBeenCalledWith({
      realmIds: ['acct/sections/1'],
      sort: { column: 'name', direction: 'asc' },
      offset: 0,
      limit: 100,
    });
  });

  it('accepts a method without input', async () => {
    expect(await call('appInfo', undefined)).toEqual({ ok: true, value: { version: '0.1.0', host: 'electron', cacheNotice: null } });
  });

  it('rejects an invalid payload with invalid_input naming the field, without reaching the handler', async () => {
    const reply = await call('queryRoster', { realmIds: ['r1'], limit: 100_000 });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid_input');
    expect(reply.error.message).toContain('limit');
    expect(handlers.queryRoster).not.toHaveBeenCalled();
  });

  it('rejects unknown keys on strict inputs', async () => {
    const reply = await call('listRealms', { accountId: 'a', sneaky: true });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(handlers.listRealms).not.toHaveBeenCalled();
  });

  it('refuses a call from an untrusted frame without reaching the handler', async () => {
    const reply = await call('listAccounts', undefined, frame('https://evil.example/'));
    expect(reply).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    expect(handlers.listAccounts).not.toHaveBeenCalled();
  });

  it('refuses a call whose frame is gone', async () => {
    const reply = await call('listAccounts', undefined, null);
    expect(reply).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    expect(handlers.listAccounts).not.toHaveBeenCalled();
  });

  it('refuses the call when the sender check itself throws', async () => {
    ({ ipcMain, listeners } = fakeIpcMain());
    registerIpcHandlers(ipcMain, handlers, () => {
      throw new Error('frame disposed');
    });
    expect(await call('listAccounts', undefined)).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
  });

  it('passes the code and message of a RosterApiError through', async () => {
    vi.mocked(handlers.listRealms).mockImplementation(() => {
      throw new RosterApiError('not_found', 'No such account: a1');
    });
    expect(await call('listRealms', { accountId: 'a1' })).toEqual({ ok: false, error: { code: 'not_found', message: 'No such account: a1' } });
  });

  it('turns any other error into internal, without its message or stack', async () => {
    vi.mocked(handlers.listAccounts).mockRejectedValue(new Error('SQLITE_CORRUPT at /home/teacher/.config/Roster Desk/cache.db token=abc'));
    const reply = await call('listAccounts', undefined);
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('internal');
    expect(Object.keys(reply.error).sort()).toEqual(['code', 'message']);
    expect(reply.error.message).not.toMatch(/SQLITE|home|token|\bat\b.*:\d+/);
  });

  it('catches a handler reply of the wrong shape instead of sending it', async () => {
    vi.mocked(handlers.listAccounts).mockReturnValue([{ id: 'a1', secret: 'x' }] as never);
    const reply = await call('listAccounts', undefined);
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('refuses an account to add with a key the contract does not know, without reaching the handler', async () => {
    const input = { provider: 'schoology', baseUrl: 'https://api.schoology.com/v1', consumerKey: 'k', consumerSecret: 's', password: 'p' };
    const reply = await call('addAccount', input);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(handlers.addAccount).not.toHaveBeenCalled();
  });

  it('never sends a secret back in an account reply, even if a handler put one there', async () => {
    vi.mocked(handlers.addAccount).mockReturnValue({ ...ACCOUNT, consumerSecret: 'SECRET', token: 'TOKEN' } as never);
    const input = { provider: 'schoology', baseUrl: 'https://api.schoology.com/v1', consumerKey: 'k', consumerSecret: 'SECRET' };
    const reply = await call('addAccount', input);
    expect(reply).toEqual({ ok: true, value: ACCOUNT });
    expect(JSON.stringify(reply)).not.toMatch(/SECRET|TOKEN/);
  });

  it('strips fields the contract does not know from a valid reply', async () => {
    vi.mocked(handlers.appInfo).mockReturnValue({ version: '1', host: 'electron', cacheNotice: null, dbPath: '/secret' } as never);
    expect(await call('appInfo', undefined)).toEqual({ ok: true, value: { version: '1', host: 'electron', cacheNotice: null } });
  });
});
