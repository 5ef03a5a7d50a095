/**
 * Small things tests do to the page that the browser has no one-liner for: read what a combobox shows, scroll the
 * virtualised roster, and seed caches the way the tests describe them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Locator } from 'playwright-core';
import { createServices, type Services } from '../../electron/services';
import { seedSchool } from '../support/seed-cache';

/** The text of the option a combobox shows (a native select's selected option, or a custom combobox's own text). */
export function shownValue(combobox: Locator): Promise<string> {
  return combobox.evaluate((element) =>
    element instanceof HTMLSelectElement ? (element.selectedOptions[0]?.textContent ?? '').trim() : (element.textContent ?? '').trim(),
  );
}

/**
 * Scrolls the element that scrolls the roster grid (the grid itself or its nearest scrolling ancestor) to the top or
 * the bottom, as a wheel or a scrollbar drag would.
 */
export function scrollRoster(grid: Locator, to: 'top' | 'bottom'): Promise<void> {
  return grid.evaluate((element, where) => {
    let node: HTMLElement | null = element as HTMLElement;
    while (node && !(node.scrollHeight > node.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(node).overflowY))) {
      node = node.parentElement;
    }
    if (!node) throw new Error('nothing scrolls the roster: is it virtualised inside a scrolling container?');
    node.scrollTop = where === 'top' ? 0 : node.scrollHeight;
    node.dispatchEvent(new Event('scroll'));
  }, to);
}

/**
 * A fresh data folder's cache seeded with the small school of test/support/seed-cache.ts (Algebra I · P3 holding
 * Mr. Strickland, James Howlett and `extraStudents` "Student Number NNN"), then `more` run on it before it closes.
 */
export function seededSchool(extraStudents: number, more?: (services: Services) => void) {
  return (dataDir: string): void => {
    const services = createServices({ dataDir, host: 'browser' });
    try {
      seedSchool(services.cache, extraStudents);
      more?.(services);
    } finally {
      services.close();
    }
  };
}

const isFocused = (target: Locator): Promise<boolean> => target.evaluateAll((elements) => elements.some((element) => element === document.activeElement));

/** Presses `key` (e.g. "Tab", "Shift+Tab", "ArrowDown") until `target` has the focus; fails after `max` presses. */
export async function pressUntilFocused(target: Locator, key: string, max = 60): Promise<void> {
  const page = target.page();
  for (let presses = 0; presses < max; presses++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(key);
  }
  if (!(await isFocused(target))) {
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      return element ? `${element.tagName.toLowerCase()} "${element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 60) ?? ''}"` : 'nothing';
    });
    throw new Error(`${max} × ${key} did not reach ${target.toString()}; the focus is on ${focused}`);
  }
}

/** Whether the focused element shows that it has the focus (an outline or a focus ring drawn as a box shadow). */
export function focusIsVisible(target: Locator): Promise<boolean> {
  return target.evaluate((element) => {
    const style = getComputedStyle(element);
    return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  });
}

/**
 * A CSV file (RFC 4180, CRLF, written by the library the app writes its own with) named `name` in `folder`, for a file
 * input to pick; answers its path. Tests put it in the app's data folder, which the harness removes afterwards.
 */
export function csvFile(folder: string, name: string, records: readonly (readonly string[])[]): string {
  const path = join(folder, name);
  writeFileSync(path, stringify(records as string[][], { record_delimiter: 'windows' }));
  return path;
}
