/**
 * The app's screens as staff (and screen readers) find them: every locator goes by role and accessible name, exactly
 * as the UI contract for the roster editor names them, so a renamed control fails here in one place.
 */
import type { Locator, Page } from 'playwright-core';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function screens(page: Page) {
  const sidebar = page.getByRole('navigation', { name: 'Courses and groups' });
  const roster = page.getByRole('main', { name: /^Roster of / });
  const grid = page.getByRole('grid', { name: 'Roster' }).or(page.getByRole('table', { name: 'Roster' }));
  const pendingPanel = page.getByRole('complementary', { name: 'Pending changes' });
  const rowOf = (name: string): Locator => grid.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });

  return {
    sidebar,
    /** The realm's select button in the sidebar (its name starts with the title, then counts). */
    realm: (title: string) => sidebar.getByRole('button', { name: new RegExp(`^${escapeRegExp(title)}`) }),
    exportCheckbox: (title: string) => sidebar.getByRole('checkbox', { name: `Include ${title} in export` }),

    roster,
    search: page.getByRole('searchbox', { name: 'Search people by name or school ID' }),
    roleFilter: page.getByRole('combobox', { name: 'Filter by role' }),
    statusFilter: page.getByRole('combobox', { name: 'Filter by status' }),
    addPeopleButton: page.getByRole('button', { name: 'Add people' }),
    accessCodeButton: page.getByRole('button', { name: 'Join with access code' }),
    exportButton: page.getByRole('button', { name: 'Export roster' }),
    importButton: page.getByRole('button', { name: 'Import CSV…' }),
    /** "<N> people" or "<N> of <M> people". */
    peopleCount: page.getByRole('status').filter({ hasText: /^\d[\d,]* (of [\d,]+ )?(people|person)$/ }),
    grid,
    /** The display names in the rows on screen, top to bottom. */
    names: () => grid.getByRole('rowheader').allInnerTexts(),
    row: rowOf,
    selectRow: (name: string) => page.getByRole('checkbox', { name: `Select ${name}`, exact: true }),
    selectAll: page.getByRole('checkbox', { name: /^Select all [\d,]+ matching people$/ }),
    roleOf: (name: string) => page.getByRole('combobox', { name: `Role of ${name}`, exact: true }),
    statusOf: (name: string) => page.getByRole('combobox', { name: `Status of ${name}`, exact: true }),
    removeButton: (name: string) => page.getByRole('button', { name: `Remove ${name}`, exact: true }),
    keepButton: (name: string) => page.getByRole('button', { name: `Keep ${name}`, exact: true }),
    sortButton: (column: 'Name' | 'School ID' | 'Role' | 'Status' | 'Pending') => grid.getByRole('button', { name: column, exact: true }),
    columnHeader: (column: string) => grid.getByRole('columnheader', { name: new RegExp(`^${escapeRegExp(column)}`) }),
    editError: roster.getByRole('alert'),

    selection: page.getByRole('region', { name: 'Selection' }),
    setRoleForSelected: page.getByRole('combobox', { name: 'Set role for selected' }),
    setStatusForSelected: page.getByRole('combobox', { name: 'Set status for selected' }),
    removeSelected: page.getByRole('button', { name: 'Remove selected' }),
    clearSelection: page.getByRole('button', { name: 'Clear selection' }),

    /** "Pending changes (N)" in the header: toggles the pending panel. */
    pendingButton: page.getByRole('button', { name: /^Pending changes \(\d+\)$/ }),
    pendingButtonWith: (count: number) => page.getByRole('button', { name: `Pending changes (${count})`, exact: true }),
    pendingPanel,
    /** Sentences of the panel's items under one of its headings. */
    pendingItems: pendingPanel.getByRole('listitem'),
    undo: (sentence: string) => pendingPanel.getByRole('button', { name: `Undo: ${sentence}`, exact: true }),
    undoAll: pendingPanel.getByRole('button', { name: 'Undo all' }),
    discard: (sentence: string) => pendingPanel.getByRole('button', { name: `Discard: ${sentence}`, exact: true }),
    keepMine: (sentence: string) => pendingPanel.getByRole('button', { name: `Keep mine: ${sentence}`, exact: true }),
    takeTheirs: (sentence: string) => pendingPanel.getByRole('button', { name: `Take theirs: ${sentence}`, exact: true }),
    closePending: page.getByRole('button', { name: 'Close pending changes' }),

    syncBar: page.getByRole('region', { name: 'Sync' }),
    syncNow: page.getByRole('region', { name: 'Sync' }).getByRole('button', { name: 'Sync now' }),
    offlineBanner: page.getByRole('status').filter({ hasText: /^Offline:/ }),

    dialog: (name: string | RegExp) => page.getByRole('dialog', { name }),
    manageAccounts: page.getByRole('button', { name: 'Manage accounts' }),
  };
}

export type Screens = ReturnType<typeof screens>;
