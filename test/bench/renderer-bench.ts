/**
 * Renderer benchmark: `tsx test/bench/renderer-bench.ts` (npm run bench, after the cache and sync benchmarks; needs the
 * renderer built, `electron-vite build`, and Debian's Chromium).
 *
 * A cache with one section of 100,000 enrollments (and a small one to start on), served by the browser host over
 * createServices (no sync), in headless Chromium at 1280×800. Every figure is measured inside the page with
 * performance.now() and requestAnimationFrame, so the bridge round trips and React's work count and Playwright's own
 * round trips do not. Under each figure: the main-process handler time it included (where a miss comes from).
 *   idle   — frame rate of requestAnimationFrame on the idle page (no target: it shows the display rate the scroll
 *            figure is held against; Chromium's frame pacing is left at its 60 Hz default on purpose).
 *   open   — from clicking the 100,000-row section in the sidebar to its first row painted (the first frame after a
 *            rowheader of that roster is in the DOM). Target ≤ 500 ms on the first open; the median of the re-opens
 *            that follow is printed beside it.
 *   scroll — the list scrolled from top to bottom in 600 animation frames (one step per frame, at least a viewport
 *            each); frame times from requestAnimationFrame. Target median ≥ 55 fps; printed beside it: p95 frame time,
 *            long tasks (> 50 ms), the share of frames with rows still loading in view, the main process's calls,
 *            and the page's CPU profile (self time per function).
 *   search — a name typed into the search box (one input event) until the status line shows the filtered count.
 *            Target median ≤ 100 ms over several names; the slowest is printed beside it.
 * Exits 1 when a target is missed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createServices } from '../../electron/services';
import { startBrowserHost } from '../../electron/host/browser-host';
import { realmIdOf } from '../../electron/db/realms-repo';
import { launchChromium } from '../e2e/chromium';
import { profiled } from './cpu-profile';
import { generateDistrict } from './generate-district';
import { timedHandlers } from './timed-handlers';

const ROOT = join(import.meta.dirname, '..', '..');
const BIG_ROWS = 100_000;
const REOPENS = 4;
const SCROLL_FRAMES = 600;
const SEARCHES = ['James Howlett', 'Priya Nguyen', 'Kenji Rossi', 'Amara Chen', 'Tomás Walker'];
const TARGETS = { openMs: 500, fps: 55, searchMs: 100 };

const verdict = (ok: boolean): string => (ok ? 'OK' : 'MISSED');
const ms = (value: number): string => `${value.toFixed(0)} ms`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The cache: a 100,000-row section ("Biology · Period 1") and a five-person one ("Algebra I · Period 2") to open on. */
function seedCache(dataDir: string): { bigTitle: string; bigRealmId: string; smallTitle: string } {
  const services = createServices({ dataDir, host: 'browser' });
  try {
    const district = generateDistrict({ sections: 1, perSection: BIG_ROWS, accountId: 'bench' });
    const roster = [...district.rosters.values()][0]!;
    const bigRealm = { ...district.realms[0]!, title: 'Biology · Period 1', courseTitle: 'Biology' };
    const smallRealm = { ...district.realms[0]!, key: 'sections/9100002', remoteId: '9100002', title: 'Algebra I · Period 2', courseTitle: 'Algebra I' };
    services.cache.accounts.save(district.account);
    services.cache.realms.saveMany([bigRealm, smallRealm]);
    services.cache.enrollments.replaceRealmSnapshot(realmIdOf('bench', bigRealm.key), roster);
    // Five of the same people in another section: a roster that opens at once, to start on and to switch back to.
    const seats = roster.slice(0, 5).map((enrollment, i) => ({ ...enrollment, id: String(49000000 + i), realmKey: smallRealm.key }));
    services.cache.enrollments.replaceRealmSnapshot(realmIdOf('bench', smallRealm.key), seats);
    return { bigTitle: bigRealm.title, bigRealmId: realmIdOf('bench', bigRealm.key), smallTitle: smallRealm.title };
  } finally {
    services.close();
  }
}

/** Frames per second of requestAnimationFrame on the page as it is, over `frames` frames. */
function idleFps(page: Page, frames: number): Promise<number> {
  return page.evaluate(
    (count) =>
      new Promise<number>((resolve) => {
        const times: number[] = [];
        const tick = (time: number) => {
          times.push(time);
          if (times.length <= count) requestAnimationFrame(tick);
          else resolve((1000 * count) / (times[count]! - times[0]!));
        };
        requestAnimationFrame(tick);
      }),
    frames,
  );
}

/** Clicks the realm's sidebar button inside the page and answers the ms until the first frame showing its rows. */
function timeOpen(page: Page, title: string): Promise<number> {
  return page.evaluate(
    (realmTitle) =>
      new Promise<number>((resolve, reject) => {
        const nav = document.querySelector('nav[aria-label="Courses and groups"]');
        const button = [...(nav?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim().startsWith(realmTitle));
        if (!button) return reject(new Error(`no sidebar button for ${realmTitle}`));
        const shown = () => {
          const main = document.querySelector(`main[aria-label="Roster of ${CSS.escape(realmTitle)}"]`);
          const cell = main?.querySelector('[role="rowheader"]');
          if (!cell) return false;
          const box = cell.getBoundingClientRect();
          return box.height > 0 && box.bottom > 0 && box.top < innerHeight && (cell.textContent ?? '').trim() !== '';
        };
        const started = performance.now();
        const observer = new MutationObserver(() => {
          if (!shown()) return;
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - started));
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
        button.click();
        setTimeout(() => {
          observer.disconnect();
          reject(new Error(`the rows of ${realmTitle} did not show within 30 s`));
        }, 30_000);
      }),
    title,
  );
}

interface ScrollFigures {
  frames: number[];
  /** Frames in which a row in view was still a loading placeholder (its block not fetched yet). */
  loadingFrames: number;
  longTasks: number[];
  reachedBottom: boolean;
  scrollHeight: number;
}

/** Scrolls the element that scrolls the roster grid from top to bottom, one step per frame, recording frame times. */
function timeScroll(page: Page, frames: number): Promise<ScrollFigures> {
  return page.evaluate(
    (frameCount) =>
      new Promise<ScrollFigures>((resolve, reject) => {
        const grid = document.querySelector('[role="grid"][aria-label="Roster"], [role="table"][aria-label="Roster"]');
        let node = grid as HTMLElement | null;
        while (node && !(node.scrollHeight > node.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(node).overflowY))) {
          node = node.parentElement;
        }
        if (!node) return reject(new Error('nothing scrolls the roster grid'));
        const scroller = node;
        scroller.scrollTop = 0;
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => longTasks.push(entry.duration)));
        observer.observe({ type: 'longtask', buffered: false });
        const bottom = scroller.scrollHeight - scroller.clientHeight;
        const height = scroller.clientHeight;
        const step = Math.max(height, bottom / frameCount);
        // Rows are placed by index at a fixed height: which are in view follows from the position the loop set, so a
        // frame is checked for loading rows without reading layout (a forced layout per frame would skew its time).
        const rowHeight = scroller.querySelector('[role="row"][data-index]')?.getBoundingClientRect().height || 40;
        const headerHeight = scroller.querySelector('[role="columnheader"]')?.getBoundingClientRect().height ?? 0;
        const times: number[] = [];
        let loadingFrames = 0;
        let position = 0;
        const tick = (time: number) => {
          times.push(time);
          const first = Math.floor(Math.max(0, position - headerHeight) / rowHeight);
          const last = Math.ceil((position + height) / rowHeight);
          const loading = [...scroller.querySelectorAll<HTMLElement>('[role="row"][aria-busy="true"][data-index]')].some((row) => {
            const index = Number(row.dataset.index);
            return index >= first && index <= last;
          });
          if (loading) loadingFrames++;
          if (position >= bottom || times.length > frameCount * 2) {
            observer.disconnect();
            const frameTimes = times.slice(1).map((t, i) => t - times[i]!);
            resolve({ frames: frameTimes, loadingFrames, longTasks, reachedBottom: scroller.scrollTop >= bottom - 1, scrollHeight: scroller.scrollHeight });
            return;
          }
          position = Math.min(bottom, position + step);
          scroller.scrollTop = position;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    frames,
  );
}

/**
 * Puts `text` in the roster's search box (one input event) and answers the ms until the status line shows `expected`,
 * the filtered count the cache gives for that search.
 */
function timeSearch(page: Page, text: string, expected: string): Promise<number> {
  return page.evaluate(
    ({ query, want }) =>
      new Promise<number>((resolve, reject) => {
        const box = document.querySelector<HTMLInputElement>('input[aria-label="Search people by name or school ID"]');
        if (!box) return reject(new Error('no search box named "Search people by name or school ID"'));
        const shown = () => [...document.querySelectorAll('[role="status"]')].some((el) => (el.textContent ?? '').trim() === want);
        const started = performance.now();
        const observer = new MutationObserver(() => {
          if (!shown()) return;
          observer.disconnect();
          resolve(performance.now() - started);
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true });
        // React listens for the native input event; the value must be set through the prototype's setter for it to see it.
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(box, query);
        box.dispatchEvent(new Event('input', { bubbles: true }));
        setTimeout(() => {
          observer.disconnect();
          reject(new Error(`the status line did not show "${want}" for "${query}" within 30 s`));
        }, 30_000);
      }),
    { query: text, want: expected },
  );
}

async function clearSearch(page: Page): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search people by name or school ID' }).fill('');
  await page.getByRole('status').filter({ hasText: /^100,?000 people$/ }).waitFor();
}

async function main(): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-renderer-bench-'));
  const { bigTitle, bigRealmId, smallTitle } = seedCache(dataDir);
  const services = createServices({ dataDir, host: 'browser' });
  const timed = timedHandlers(services.handlers);
  const host = await startBrowserHost({ handlers: timed.handlers, rendererDir: join(ROOT, 'out', 'renderer') });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // tsx compiles with esbuild's keepNames, which wraps the functions declared inside the measuring callbacks in a
    // __name() helper that exists only in Node; the page gets an identity one.
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Courses and groups' }).getByRole('button', { name: new RegExp(`^${smallTitle}`) }).click();
    await page.getByRole('main', { name: `Roster of ${smallTitle}` }).getByRole('rowheader').first().waitFor();
    console.log(`renderer: one section of ${BIG_ROWS.toLocaleString('en')} enrollments, headless Chromium 1280×800, browser host`);

    timed.take();
    const idle = await idleFps(page, 120);
    console.log(`idle requestAnimationFrame: ${idle.toFixed(1)} fps (the display rate scrolling is measured against; no target)`);

    const firstOpen = await timeOpen(page, bigTitle);
    const firstOpenCalls = timed.take();
    const reopens: number[] = [];
    for (let i = 0; i < REOPENS; i++) {
      await timeOpen(page, smallTitle);
      reopens.push(await timeOpen(page, bigTitle));
    }
    const openOk = firstOpen <= TARGETS.openMs;
    console.log(
      `open ${BIG_ROWS.toLocaleString('en')}-row roster → first rows: ${ms(firstOpen)} (re-opens median ${ms(percentile(reopens, 50))}, ` +
        `max ${ms(Math.max(...reopens))}) (target ≤ ${TARGETS.openMs} ms) ${verdict(openOk)}`,
    );
    console.log(`  main process during the first open: ${firstOpenCalls}`);
    timed.take();

    await page.waitForTimeout(1000); // the re-opens' last fetches settle
    timed.take();
    const { result: scroll, hotspots } = await profiled(page, () => timeScroll(page, SCROLL_FRAMES));
    const scrollCalls = timed.take();
    const medianFrame = percentile(scroll.frames, 50);
    const fps = 1000 / medianFrame;
    const scrollOk = fps >= TARGETS.fps && scroll.reachedBottom;
    console.log(
      `scroll top → bottom (${scroll.frames.length} frames over ${Math.round(scroll.scrollHeight).toLocaleString('en')} px): median ${fps.toFixed(1)} fps, ` +
        `p95 frame ${percentile(scroll.frames, 95).toFixed(1)} ms, worst ${Math.max(...scroll.frames).toFixed(1)} ms, ` +
        `${scroll.longTasks.length} long tasks (${scroll.longTasks.reduce((a, b) => a + b, 0).toFixed(0)} ms), ` +
        `rows still loading in view in ${Math.round((100 * scroll.loadingFrames) / Math.max(1, scroll.frames.length + 1))}% of frames` +
        `${scroll.reachedBottom ? '' : ', did NOT reach the bottom'} (target median ≥ ${TARGETS.fps} fps) ${verdict(scrollOk)}`,
    );
    console.log(`  main process during the scroll: ${scrollCalls}`);
    console.log(`  page main thread during the scroll (CPU profile, self time): ${hotspots}`);
    await page.evaluate(() => document.querySelector('[role="grid"][aria-label="Roster"], [role="table"][aria-label="Roster"]')?.scrollIntoView());

    await clearSearch(page);
    timed.take();
    const searches: Array<{ text: string; ms: number; status: string }> = [];
    const searchCalls: string[] = [];
    for (const text of SEARCHES) {
      const matches = services.cache.roster.query({ realmIds: [bigRealmId], search: text, sort: { column: 'name', direction: 'asc' }, offset: 0, limit: 1 }).total;
      const status = `${matches.toLocaleString('en')} of ${BIG_ROWS.toLocaleString('en')} people`;
      searches.push({ text, ms: await timeSearch(page, text, status), status });
      searchCalls.push(timed.take());
      await clearSearch(page);
      timed.take();
    }
    const searchMedian = percentile(searches.map((s) => s.ms), 50);
    const slowest = searches.reduce((a, b) => (b.ms > a.ms ? b : a));
    const searchOk = searchMedian <= TARGETS.searchMs;
    console.log(
      `search ${BIG_ROWS.toLocaleString('en')} rows → filtered count shown: median ${ms(searchMedian)} over ${searches.length} names ` +
        `(slowest "${slowest.text}": ${ms(slowest.ms)}, "${slowest.status}") (target ≤ ${TARGETS.searchMs} ms) ${verdict(searchOk)}`,
    );
    console.log(`  main process during the slowest search (calls until its count showed): ${searchCalls[searches.indexOf(slowest)]}`);
    if (errors.length > 0) console.log(`errors in the page: ${errors.join(' | ')}`);
    const ok = openOk && scrollOk && searchOk && errors.length === 0;
    console.log(ok ? 'renderer bench: all targets met' : 'renderer bench: some targets missed');
    return ok;
  } finally {
    await browser.close();
    await host.close();
    services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = (await main()) ? 0 : 1;
