/**
 * The Electron main process: one hardened window onto the renderer, the RosterApi served over IPC, and the app
 * runtime (cache, keychain, background sync, the Sandbox district when no account exists) built by app-runtime.ts
 * for the user-data dir, exactly as `roster web` builds it. Everything security-relevant that
 * can be expressed as data lives in window-options.ts, where it is unit-tested without Electron.
 */
import { app, BrowserWindow, dialog, ipcMain, session, shell, type WebContents } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAppRuntime } from './app-runtime';
import { registerIpcHandlers } from './ipc';
import {
  CONTENT_SECURITY_POLICY,
  createWindowOptions,
  externalLinkTarget,
  isAllowedNavigation,
  isAppUrl,
  isTrustedSenderFrame,
  resolveAppUrl,
} from './window-options';

// The bundle lands in out/main/; the preload and renderer builds sit next to it (electron.vite.config.ts).
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const PRELOAD_PATH = join(outDir, 'preload', 'preload.cjs');
const RENDERER_INDEX = join(outDir, 'renderer', 'index.html');

export function startShell(): void {
  // A second copy would open the same SQLite cache and race the first one's sync; it hands over to the first.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  const appUrl = resolveAppUrl({
    rendererIndexPath: RENDERER_INDEX,
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    packaged: app.isPackaged,
  });
  const isDevServer = !appUrl.startsWith('file:');
  let mainWindow: BrowserWindow | null = null;
  let shutdown: (() => Promise<void>) | null = null;
  let quitting = false;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });

  // Applies to every web contents the app ever creates, not just our window, so nothing can slip past
  // (a devtools-opened page, a window created by a future feature).
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, appUrl));

  const createWindow = (): void => {
    const window = new BrowserWindow(createWindowOptions(PRELOAD_PATH));
    mainWindow = window;
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    const loading = isDevServer ? window.loadURL(appUrl) : window.loadFile(RENDERER_INDEX);
    loading.catch((error: unknown) => console.error('Roster Desk: the window could not load the app', error));
  };

  app.on('window-all-closed', () => {
    // macOS apps stay in the Dock until Cmd+Q; everywhere else closing the window ends the app.
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0 && shutdown) createWindow();
  });

  // Quitting waits for a sync in flight: its results must reach the cache, or its ops would be sent again next time
  // (safe, but slower and confusing). The first will-quit is held while everything closes; app.exit then ends it.
  let starting = true;
  const closeAndExit = (close: () => Promise<void>): void => {
    close()
      .catch((error: unknown) => console.error('Roster Desk: closing the cache failed', error))
      .finally(() => app.exit(0));
  };
  app.on('will-quit', (event) => {
    if (quitting) return;
    quitting = true;
    if (!shutdown && !starting) return;
    event.preventDefault();
    // Still starting: the start-up below sees `quitting` and closes what it built.
    if (shutdown) closeAndExit(shutdown);
  });

  app
    .whenReady()
    .then(async () => {
      hardenSession(isDevServer);
      const runtime = await startAppRuntime({
        dataDir: app.getPath('userData'),
        host: 'electron',
        sandbox: 'auto',
        // "Sign in with Schoology" opens the school's authorize page in the user's own browser, where they are
        // signed in to Schoology already; the app never shows that page itself.
        openExternal: (url) => {
          if (!externalLinkTarget(url)) return;
          shell.openExternal(url).catch((error: unknown) => console.warn('Roster Desk: could not open the sign-in page', error));
        },
        log: (line) => console.warn(`Roster Desk: ${line}`),
      });
      starting = false;
      const unregister = registerIpcHandlers(ipcMain, runtime.services.handlers, (frame) => isTrustedSenderFrame(frame, appUrl));
      const close = async (): Promise<void> => {
        unregister();
        await runtime.close();
      };
      if (quitting) {
        closeAndExit(close);
        return;
      }
      shutdown = close;
      createWindow();
    })
    .catch((error: unknown) => {
      starting = false;
      // Without services there is nothing to show: say why (staff rarely see a console) and leave, not hang.
      console.error('Roster Desk could not start', error);
      dialog.showErrorBox('Roster Desk could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}

function hardenSession(isDevServer: boolean): void {
  const ses = session.defaultSession;
  // A roster manager needs no camera, notifications, geolocation, USB…: refuse every request and every check.
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // An export reaches the main process as the renderer's download; leaving the save path unset makes Electron show
  // the native save dialog, which we only point at the user's Documents folder with the export's suggested name.
  ses.on('will-download', (_event, item) => {
    item.setSaveDialogOptions({ title: 'Save the roster export', defaultPath: join(app.getPath('documents'), item.getFilename()) });
  });
  // The dev server needs inline scripts and a websocket for hot reload, which this policy forbids.
  if (isDevServer) return;
  ses.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = { ...details.responseHeaders };
    if (details.url.startsWith('file:')) responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
}

function guardWebContents(contents: WebContents, appUrl: string): void {
  const refuseNavigation = (event: { preventDefault(): void }, url: string): void => {
    if (isAllowedNavigation(url, appUrl)) return;
    event.preventDefault();
    console.warn(`Roster Desk: blocked navigation away from the app (${safeOrigin(url)})`);
  };
  contents.on('will-navigate', (event) => refuseNavigation(event, event.url));
  contents.on('will-redirect', (event) => refuseNavigation(event, event.url));
  // No <webview>: it would be a second, unguarded browser inside the window.
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the LMS or help pages open in the user's browser; the app never opens a second window.
    const external = externalLinkTarget(url);
    if (external && !isAppUrl(url, appUrl)) {
      shell.openExternal(external).catch((error: unknown) => console.warn('Roster Desk: could not open a link', error));
    }
    return { action: 'deny' };
  });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'unparseable URL';
  }
}

startShell();
