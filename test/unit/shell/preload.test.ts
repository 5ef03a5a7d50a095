import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type RosterApiTransport, ROSTER_API_METHODS, channelOf } from '../../../shared/api';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), send: vi.fn(), on: vi.fn() },
}));
vi.mock('electron', () => electron);

let api: RosterApiTransport;
let exposed: unknown[][] = [];

beforeAll(async () => {
  await import('../../../electron/preload');
  // Copied now: the spy's call log does not outlive this hook if mocks are cleared between tests.
  exposed = electron.contextBridge.exposeInMainWorld.mock.calls.map((call) => [...call]);
  api = exposed[0]?.[1] as RosterApiTransport;
});

beforeEach(() => {
  electron.ipcRenderer.invoke.mockReset();
});

describe('preload', () => {
  it('exposes exactly one global, window.roster', () => {
    expect(exposed).toHaveLength(1);
    expect(exposed[0]?.[0]).toBe('roster');
  });

  it('exposes exactly the RosterApi methods, all functions, and nothing else', () => {
    expect(Object.keys(api).sort()).toEqual([...ROSTER_API_METHODS].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it.each(ROSTER_API_METHODS)('%s invokes its own channel with the input and returns the envelope', async (method) => {
    electron.ipcRenderer.invoke.mockResolvedValue({ ok: true, value: { marker: method } });
    const input = { probe: method };
    const call = api[method] as (input: unknown) => Promise<unknown>;
    await expect(call(input)).resolves.toEqual({ ok: true, value: { marker: method } });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(channelOf(method), input);
  });

  it('forwards only the first argument', async () => {
    electron.ipcRenderer.invoke.mockResolvedValue({ ok: true, value: [] });
    await (api.listRealms as (...args: unknown[]) => Promise<unknown>)({ accountId: 'a' }, 'extra', { more: 1 });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('roster:listRealms', { accountId: 'a' });
    expect(electron.ipcRenderer.invoke.mock.calls[0]).toHaveLength(2);
  });

  it('hands an error envelope back as data, since contextBridge would strip the code from a thrown error', async () => {
    const envelope = { ok: false, error: { code: 'invalid_input', message: 'queryRoster: limit: too big' } };
    electron.ipcRenderer.invoke.mockResolvedValue(envelope);
    await expect(api.queryRoster({ realmIds: ['r'] })).resolves.toEqual(envelope);
  });

  it('switches zod to jitless (the page CSP forbids eval)', () => {
    expect(z.config().jitless).toBe(true);
  });
});
