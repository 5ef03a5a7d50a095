/**
 * The one set-up every end-to-end file shares: one Chromium per file, and per test a fresh data folder, the app's own
 * runtime (startAppRuntime: services, the Sandbox district when asked, background sync), the browser host serving the
 * built renderer over those services, and a page on it. After each test everything is closed and the page must not
 * have logged an error (a CSP violation or an uncaught exception shows up there).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startAppRuntime, type AppRuntime, type AppRuntimeOptions } from '../../electron/app-runtime';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browser-host';
import type { SandboxDistrict } from '../../electron/sandbox-district';
import type { Services } from '../../electron/services';
import { launchChromium } from './chromium';

const ROOT = join(import.meta.dirname, '..', '..');
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

/**
 * Sync timings short enough that "it syncs by itself" happens within a test: a probe every few hundred ms while the
 * LMS is unreachable, edits sent half a second after the last one. The periodic sync stays long so a test that wants
 * its edits to wait is not overtaken by a timer.
 */
export const TEST_SCHEDULER = { intervalMs: 120_000, probeMs: 300, probeMaxMs: 1_000, debounceMs: 500 } as const;

/** How long to wait for what a background sync does: a dropped request is retried with backoff before it counts. */
export const SYNC_WAIT = { timeout: 30_000, interval: 100 } as const;
/** How long to wait for what the page does by itself (renders, refetches, the sync bar's poll). */
export const UI_WAIT = { timeout: 5_000, interval: 50 } as const;

export interface AppUnderTest {
  runtime: AppRuntime;
  services: Services;
  /** The Sandbox district, when the runtime opened one (sandbox: 'auto' with no account, or true). */
  district: SandboxDistrict | null;
  host: BrowserHost;
  page: Page;
  dataDir: string;
  /** Uncaught errors and console errors of the page. */
  pageErrors: string[];
  /** What the runtime would have printed (start-up notices). */
  log: string[];
}

export interface OpenAppOptions extends Partial<Pick<AppRuntimeOptions, 'sandbox' | 'vault' | 'scheduler' | 'signInTimeoutMs'>> {
  /** Fills the fresh data folder before the runtime opens it (a seeded cache, a damaged file). */
  prepare?: (dataDir: string) => void;
  /** Runs after the runtime started and before the page loads (e.g. make the sandbox unreachable). */
  beforeLoad?: (app: Omit<AppUnderTest, 'page' | 'host'>) => void | Promise<void>;
  /** Listeners the test needs from the first request on (bridge replies, popups). */
  onPage?: (page: Page) => void;
  /** Viewport of the page; default 1280×800. */
  viewport?: { width: number; height: number };
}

export interface E2eHarness {
  browser(): Browser;
  /** The built renderer over a fresh app runtime; sandbox defaults to false (a seeded cache), scheduler to TEST_SCHEDULER. */
  openApp(options?: OpenAppOptions): Promise<AppUnderTest>;
  /** A full-page PNG at test-results/screenshots/<file>-<name>.png (kept by CI as an artifact). */
  shot(page: Page, name: string): Promise<void>;
}

/** Call once at the top of a test file with import.meta.url: it registers the file's hooks and answers its helpers. */
export function useE2eHarness(fileUrl: string): E2eHarness {
  const file = basename(fileURLToPath(fileUrl)).replace(/\.e2e\.test\.ts$/, '');
  let browser: Browser | undefined;
  const running: AppUnderTest[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const app of running.splice(0)) {
      const errors = [...app.pageErrors];
      await app.page.context().close();
      await app.host.close();
      await app.runtime.close();
      rmSync(app.dataDir, { recursive: true, force: true });
      expect(errors, 'errors in the page').toEqual([]);
    }
  });

  async function openApp(options: OpenAppOptions = {}): Promise<AppUnderTest> {
    if (!browser) throw new Error('openApp runs inside a test: the browser starts in beforeAll');
    const dataDir = mkdtempSync(join(tmpdir(), `roster-e2e-${file}-`));
    options.prepare?.(dataDir);
    const log: string[] = [];
    const runtime = await startAppRuntime({
      dataDir,
      host: 'browser',
      sandbox: options.sandbox ?? false,
      scheduler: options.scheduler ?? TEST_SCHEDULER,
      log: (line) => log.push(line),
      ...(options.vault ? { vault: options.vault } : {}),
      ...(options.signInTimeoutMs === undefined ? {} : { signInTimeoutMs: options.signInTimeoutMs }),
    });
    let host: BrowserHost | undefined;
    try {
      const base = { runtime, services: runtime.services, district: runtime.district, dataDir, pageErrors: [] as string[], log };
      await options.beforeLoad?.(base);
      host = await startBrowserHost({ handlers: runtime.services.handlers, rendererDir: RENDERER_DIR });
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, acceptDownloads: true });
      const page = await context.newPage();
      const app: AppUnderTest = { ...base, host, page };
      running.push(app);
      page.on('pageerror', (error) => app.pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') app.pageErrors.push(message.text());
      });
      options.onPage?.(page);
      await page.goto(host.url);
      return app;
    } catch (error) {
      if (!running.some((app) => app.runtime === runtime)) {
        await host?.close();
        await runtime.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
      throw error;
    }
  }

  async function shot(page: Page, name: string): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${file}-${name}.png`), fullPage: true });
  }

  return {
    browser: () => {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
    openApp,
    shot,
  };
}
