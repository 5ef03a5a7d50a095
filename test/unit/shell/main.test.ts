import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ROSTER_API_METHODS, channelOf } from '../../../shared/api';
import { createWindowOptions } from '../../../electron/window-options';

// A fake of the slice of Electron that main.ts touches: enough to drive startup, second instances, the
// guards on web contents and the IPC wiring without the Electron runtime (which cannot run here).
const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  const state = {
    lock: true,
    packaged: false,
    windows: [] as FakeWindow[],
    ipc: new Map<string, Listener>(),
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    headersReceived: null as Listener | null,
    willDownload: null as Listener | null,
  };

  class Emitter {
    listeners = new Map<string, Listener[]>();
    on(name: string, listener: Listener) {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
      return this;
    }
    once(name: string, listener: Listener) {
      return this.on(name, listener);
    }
    emit(name: string, ...args: unknown[]) {
      for (const listener of this.listeners.get(name) ?? []) listener(...args);
    }
  }

  class FakeWindow extends Emitter {
    static getAllWindows = () => state.windows;
    options: unknown;
    minimized = true;
    loadFile = vi.fn(async (_path: string) => {});
    loadURL = vi.fn(async (_url: string) => {});
    isMinimized = vi.fn(() => this.minimized);
    restore = vi.fn(() => {
      this.minimized = false;
    });
    show = vi.fn();
    focus = vi.fn();
    constructor(options: unknown) {
      super();
      this.options = options;
      state.windows.push(this);
    }
  }

  let ready: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  const app = Object.assign(new Emitter(), {
    requestSingleInstanceLock: vi.fn(() => state.lock),
    quit: vi.fn(),
    exit: vi.fn(),
    whenReady: vi.fn(() => readyPromise),
    isReady: vi.fn(() => true),
    getPath: vi.fn((name: string) => `/fake/${name}`),
  });
  // A live getter (Object.assign would copy its value once).
  Object.defineProperty(app, 'isPackaged', { get: () => state.packaged });

  return {
    state,
    ready: () => ready(),
    FakeWindow,
    module: {
      app,
      BrowserWindow: FakeWindow,
      ipcMain: {
        handle: vi.fn((channel: string, listener: Listener) => state.ipc.set(channel, listener)),
        removeHandler: vi.fn((channel: string) => state.ipc.delete(channel)),
      },
      session: {
        defaultSession: {
          setPermissionRequestHandler: vi.fn((handler: Listener) => (state.permissionRequest = handler)),
          setPermissionCheckHandler: vi.fn((handler: Listener) => (state.permissionCheck = handler)),
          webRequest: { onHeadersReceived: vi.fn((listener: Listener) => (state.headersReceived = listener)) },
          on: vi.fn((name: string, listener: Listener) => {
            if (name === 'will-download') state.willDownload = listener;
          }),
        },
      },
      shell: { openExternal: vi.fn(async (_url: string) => {}) },
      dialog: { showErrorBox: vi.fn() },
    },
  };
});

const services = vi.hoisted(() => ({
  handlers: {
    appInfo: vi.fn(() => ({ version: '0.1.0', host: 'electron' as const, cacheNotice: null })),
    listAccounts: vi.fn(() => []),
    listRealms: vi.fn(() => []),
    queryRoster: vi.fn(() => ({ rows: [], total: 0, offset: 0 })),
  },
}));
const runtime = vi.hoisted(() => ({ services, background: {}, district: null, close: vi.fn(async () => {}) }));

vi.mock('electron', () => fake.module);
vi.mock('../../../electron/app-runtime', () => ({ startAppRuntime: vi.fn(async (_options: unknown) => runtime) }));

// main.ts resolves the build outputs relative to its own file: from electron/main.ts that is the repo root.
const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const PRELOAD = join(repoRoot, 'preload', 'preload.cjs');
const INDEX = join(repoRoot, 'renderer', 'index.html');
const APP_URL = pathToFileURL(INDEX).href;

async function startMain(): Promise<void> {
  vi.resetModules();
  await import('../../../electron/main');
  fake.ready();
  // Let the whenReady().then(...) continuation run.
  await new Promise((resolve) => setImmediate(resolve));
}

function fakeWebContents() {
  const contents = Object.assign(new EventEmitter(), { windowOpenHandler: null as null | ((d: { url: string }) => unknown) });
  return Object.assign(contents, {
    setWindowOpenHandler: (handler: (d: { url: string }) => unknown) => (contents.windowOpenHandler = handler),
  });
}

const navigationEvent = (url: string) => ({ url, preventDefault: vi.fn() });

beforeEach(() => {
  vi.clearAllMocks();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
  fake.state.lock = true;
  fake.state.packaged = false;
  fake.state.windows.length = 0;
  fake.state.ipc.clear();
  fake.module.app.listeners.clear();
  delete process.env.ELECTRON_RENDERER_URL;
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('main process startup', () => {
  it('quits at once when another instance holds the lock', async () => {
    fake.state.lock = false;
    await startMain();
    const { startAppRuntime } = await import('../../../electron/app-runtime');
    expect(fake.module.app.quit).toHaveBeenCalled();
    expect(fake.state.windows).toHaveLength(0);
    expect(fake.module.ipcMain.handle).not.toHaveBeenCalled();
    expect(startAppRuntime).not.toHaveBeenCalled();
  });

  it('builds the app runtime on the user-data dir (the Sandbox district when no account exists) and registers every API channel', async () => {
    await startMain();
    const { startAppRuntime } = await import('../../../electron/app-runtime');
    expect(startAppRuntime).toHaveBeenCalledWith({
      dataDir: '/fake/userData',
      host: 'electron',
      sandbox: 'auto',
      openExternal: expect.any(Function),
      log: expect.any(Function),
    });
    expect([...fake.state.ipc.keys()].sort()).toEqual(ROSTER_API_METHODS.map(channelOf).sort());
  });

  it("gives the services a way to open the school's sign-in page in the user's browser, for http(s) pages only", async () => {
    await startMain();
    const { startAppRuntime } = await import('../../../electron/app-runtime');
    const options = vi.mocked(startAppRuntime).mock.calls.at(-1)?.[0] as { openExternal: (url: string) => void };
    fake.module.shell.openExternal.mockClear();
    options.openExternal('https://district.schoology.com/oauth/authorize?oauth_token=T');
    expect(fake.module.shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://district.schoology.com/oauth/authorize?oauth_token=T');
    fake.module.shell.openExternal.mockClear();
    options.openExternal('file:///etc/passwd');
    expect(fake.module.shell.openExternal).not.toHaveBeenCalled();
  });

  it('creates one window with the hardened options and loads the built renderer', async () => {
    await startMain();
    expect(fake.state.windows).toHaveLength(1);
    const window = fake.state.windows[0]!;
    expect(window.options).toEqual(createWindowOptions(PRELOAD));
    expect(window.loadFile).toHaveBeenCalledWith(INDEX);
    expect(window.loadURL).not.toHaveBeenCalled();
  });

  it('loads the dev server when electron-vite provides one and the app is not packaged', async () => {
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173';
    await startMain();
    expect(fake.state.windows[0]!.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
  });

  it('ignores the dev server variable in a packaged app', async () => {
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173';
    fake.state.packaged = true;
    await startMain();
    expect(fake.state.windows[0]!.loadFile).toHaveBeenCalledWith(INDEX);
  });

  it('focuses the existing window when a second instance starts', async () => {
    await startMain();
    fake.module.app.emit('second-instance');
    const window = fake.state.windows[0]!;
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(fake.state.windows).toHaveLength(1);
  });

  it('denies every permission request and check', async () => {
    await startMain();
    const callback = vi.fn();
    fake.state.permissionRequest?.({}, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect(fake.state.permissionCheck?.({}, 'notifications', 'file://', {})).toBe(false);
  });

  it('adds the CSP header to file responses', async () => {
    await startMain();
    const callback = vi.fn();
    fake.state.headersReceived?.({ url: APP_URL, responseHeaders: {} }, callback);
    expect(callback.mock.calls[0]?.[0].responseHeaders['Content-Security-Policy'][0]).toContain("default-src 'none'");
  });

  it("offers an export's download in the native save dialog, in Documents under its suggested name", async () => {
    await startMain();
    const item = { getFilename: () => 'algebra-i-p3-roster.csv', setSaveDialogOptions: vi.fn(), setSavePath: vi.fn() };
    fake.state.willDownload?.({}, item);
    expect(item.setSaveDialogOptions).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: join('/fake/documents', 'algebra-i-p3-roster.csv') }));
    // A save path set here would skip the dialog.
    expect(item.setSavePath).not.toHaveBeenCalled();
  });

  it('answers IPC from the app page and refuses other frames', async () => {
    await startMain();
    const listener = fake.state.ipc.get('roster:listAccounts')!;
    await expect(listener({ senderFrame: { url: APP_URL, parent: null } }, undefined)).resolves.toEqual({ ok: true, value: [] });
    await expect(listener({ senderFrame: { url: 'https://evil.example/', parent: null } }, undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'untrusted_sender' },
    });
    expect(services.handlers.listAccounts).toHaveBeenCalledTimes(1);
  });

  it('tells staff why and exits when the services cannot be built', async () => {
    const { startAppRuntime } = await import('../../../electron/app-runtime');
    vi.mocked(startAppRuntime).mockRejectedValueOnce(new Error('The cache folder is not writable'));
    await startMain();
    expect(fake.module.dialog.showErrorBox).toHaveBeenCalledWith('Roster Desk could not start', 'The cache folder is not writable');
    expect(fake.module.app.exit).toHaveBeenCalledWith(1);
    expect(fake.state.windows).toHaveLength(0);
    expect(fake.state.ipc.size).toBe(0);
  });

  it('holds the quit until the runtime closed (a running sync finishes), then unregisters the API and exits', async () => {
    await startMain();
    let finishClosing: () => void = () => {};
    runtime.close.mockImplementationOnce(() => new Promise<void>((resolve) => (finishClosing = resolve)));
    const quit = { preventDefault: vi.fn() };
    fake.module.app.emit('will-quit', quit);
    expect(quit.preventDefault).toHaveBeenCalledTimes(1);
    expect(fake.state.ipc.size).toBe(0);
    expect(fake.module.app.exit).not.toHaveBeenCalled();
    finishClosing();
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.module.app.exit).toHaveBeenCalledWith(0);
  });

  it('lets the second will-quit (from app.exit) through without closing again', async () => {
    await startMain();
    fake.module.app.emit('will-quit', { preventDefault: vi.fn() });
    const again = { preventDefault: vi.fn() };
    fake.module.app.emit('will-quit', again);
    await new Promise((resolve) => setImmediate(resolve));
    expect(again.preventDefault).not.toHaveBeenCalled();
    expect(runtime.close).toHaveBeenCalledTimes(1);
  });
});

describe('guards on every web contents', () => {
  async function guarded() {
    await startMain();
    const contents = fakeWebContents();
    fake.module.app.emit('web-contents-created', {}, contents);
    return contents;
  }

  it('blocks navigation away from the app but allows reloading it', async () => {
    const contents = await guarded();
    const away = navigationEvent('https://evil.example/');
    contents.emit('will-navigate', away);
    expect(away.preventDefault).toHaveBeenCalled();
    const redirect = navigationEvent('file:///etc/passwd');
    contents.emit('will-redirect', redirect);
    expect(redirect.preventDefault).toHaveBeenCalled();
    const reload = navigationEvent(`${APP_URL}#/roster`);
    contents.emit('will-navigate', reload);
    expect(reload.preventDefault).not.toHaveBeenCalled();
  });

  it('refuses webviews', async () => {
    const contents = await guarded();
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('denies new windows, opening only http(s) links in the browser', async () => {
    const contents = await guarded();
    expect(contents.windowOpenHandler?.({ url: 'https://district.schoology.com/' })).toEqual({ action: 'deny' });
    expect(fake.module.shell.openExternal).toHaveBeenCalledWith('https://district.schoology.com/');
    fake.module.shell.openExternal.mockClear();
    expect(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'smb://server/share' })).toEqual({ action: 'deny' });
    expect(fake.module.shell.openExternal).not.toHaveBeenCalled();
  });
});
