/**
 * The shell's security policy as plain data and pure functions: the window's options, which URLs count as the
 * app, which navigations and links are allowed. Kept apart from main.ts so it runs (and is unit-tested) under
 * plain Node — only main.ts, preload.ts and ipc.ts may load the 'electron' module.
 */
import { pathToFileURL } from 'node:url';

// Type-only, erased from the build: this module still runs under plain Node. The lint rule cannot tell type
// imports from value imports, hence the one exception.
// eslint-disable-next-line no-restricted-imports -- type-only import, nothing from 'electron' loads at runtime
import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The header twin of the meta CSP in renderer/index.html (a test keeps the two identical). The meta tag is what
 * protects the page; the header is belt and braces for responses that pass through the session.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'";

export function createWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'Roster Desk',
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    // Shown on 'ready-to-show' so staff never see a white flash of an unstyled window.
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadPath,
      // The renderer displays data from the LMS (names, picture URLs): should any of it ever execute, it must
      // find no Node, no Electron internals and no way out of Chromium's sandbox.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      // Dropping a file on the window would otherwise navigate away from the app to that file.
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}

/**
 * Where the renderer comes from. The dev server URL is honoured only in an unpackaged app: a packaged build
 * always loads its own files, whatever the environment says.
 */
export function resolveAppUrl(options: { rendererIndexPath: string; devServerUrl?: string | undefined; packaged: boolean }): string {
  if (!options.packaged && options.devServerUrl) {
    const dev = parseUrl(options.devServerUrl);
    if (dev && (dev.protocol === 'http:' || dev.protocol === 'https:')) return dev.href;
  }
  return pathToFileURL(options.rendererIndexPath).href;
}

/**
 * Whether a URL is the app's own page. For the built app that is exactly the one index.html (any file:// URL
 * would otherwise let a navigated frame read local files with the app's rights); for the dev server, its origin.
 * Query and hash are ignored: the renderer may use them for its own routing.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  const candidate = parseUrl(url);
  const app = parseUrl(appUrl);
  if (!candidate || !app) return false;
  if (app.protocol === 'file:') {
    return candidate.protocol === 'file:' && candidate.host === app.host && samePath(candidate.pathname, app.pathname);
  }
  return candidate.origin === app.origin;
}

/** will-navigate / will-redirect: the window only ever shows the app itself (reloads included). */
export const isAllowedNavigation = (url: string, appUrl: string): boolean => isAppUrl(url, appUrl);

/** Whether an IPC message may be answered: it must come from the app page in a top-level frame, not an iframe. */
export function isTrustedSenderFrame(frame: { url: string; parent: unknown } | null | undefined, appUrl: string): boolean {
  if (!frame || frame.parent) return false;
  return isAppUrl(frame.url, appUrl);
}

/**
 * The link a window.open / target=_blank should open in the user's browser, or null to drop it. Only http(s):
 * handing file:, smb: or custom schemes to the OS could run programs or leak credentials.
 */
export function externalLinkTarget(url: string): string | null {
  const parsed = parseUrl(url);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return null;
  // Credentials in a link (https://user:pass@host) are a phishing trick, never something the app emits.
  if (parsed.username || parsed.password) return null;
  return parsed.href;
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function samePath(a: string, b: string): boolean {
  const left = safeDecode(a);
  const right = safeDecode(b);
  if (left === null || right === null) return false;
  // Windows drive letters and paths are case-insensitive, and Chromium may report "c:" where Node wrote "C:".
  if (/^\/[A-Za-z]:\//.test(right)) return left.toLowerCase() === right.toLowerCase();
  return left === right;
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
