import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ROSTER_API_METHODS, type RosterApiTransport, type RosterRow } from '../../../shared/api';
import { dispatch } from '../../../electron/api-dispatch';
import { createServices, type Services } from '../../../electron/services';
import { SECTION_ID, seedSchool } from '../../support/seed-cache';
import type { useRosterStore as RosterStoreHook } from '../../../renderer/store';
import { BLOCK_SIZE } from '../../../renderer/store/roster-page-cache';
import { selectedCount } from '../../../renderer/store/roster-selection';

/**
 * The roster view slice of the renderer's store over real services: the renderer's RosterApi is wired to the same
 * dispatch the browser bridge and IPC use (input and output checked), on a cache file seeded with the small school of
 * test/support/seed-cache.ts (James Howlett, Mr. Strickland and "Student Number NNN"s).
 */
let services: Services;
let dir: string;
let useRosterStore: typeof RosterStoreHook;
let pristine: ReturnType<typeof RosterStoreHook.getState>;

beforeAll(async () => {
  // renderer/api.ts takes window.roster (what the preload exposes); each call goes to the current test's services.
  const transport = Object.fromEntries(
    ROSTER_API_METHODS.map((method) => [method, (input?: unknown) => dispatch(services.handlers, method, input)]),
  ) as RosterApiTransport;
  vi.stubGlobal('window', { roster: transport });
  ({ useRosterStore } = await import('../../../renderer/store'));
  pristine = useRosterStore.getState();
});

beforeEach(() => {
  useRosterStore.setState(pristine, true);
  dir = mkdtempSync(join(tmpdir(), 'roster-view-slice-'));
});

afterEach(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

const store = () => useRosterStore.getState();

/** The rows the store holds, in roster order. */
const heldRows = (): RosterRow[] =>
  Object.entries(store().rosterBlocks)
    .sort(([a], [b]) => Number(a) - Number(b))
    .flatMap(([, block]) => block.rows);
const heldNames = () => heldRows().map((row) => row.displayName);
const rowNamed = (name: string): RosterRow => {
  const row = heldRows().find((candidate) => candidate.displayName === name);
  if (!row) throw new Error(`${name} is not among the rows held`);
  return row;
};

/** Opens Algebra I · P3 of a school with `extraStudents` more students and waits for its first rows. */
async function openSchool(extraStudents: number): Promise<void> {
  services = createServices({ dataDir: dir, host: 'browser' });
  seedSchool(services.cache, extraStudents);
  await store().loadRealms();
  store().selectRealm(SECTION_ID);
  await vi.waitFor(() => expect(store().rosterTotal).toBe(extraStudents + 2));
}

describe('the roster view slice', () => {
  it('holds blocks of rows around what the table shows, never the whole roster', async () => {
    await openSchool(2998);
    store().showRosterRange({ first: 2000, last: 2030 });
    await vi.waitFor(() => expect(Object.keys(store().rosterBlocks).map(Number)).toContain(10));
    const held = Object.keys(store().rosterBlocks).map(Number);
    expect(held.every((block) => block >= 10 - 4 && block <= 10 + 4)).toBe(true);
    expect(heldRows().length).toBeLessThanOrEqual(9 * BLOCK_SIZE);
  });

  it('shows the answer of the newest search only, however the answers arrive', async () => {
    await openSchool(30);
    store().setRosterQuery({ search: 'howl' });
    store().setRosterQuery({ search: 's9007' });
    await vi.waitFor(() => expect(store().rosterTotal).toBe(1));
    expect(heldNames()).toEqual(['Student Number 007']);
    expect(store().rosterTotalFiltered).toBe(true);
    expect(store().rosterUnfilteredTotal).toBe(32);
  });

  it('clears the selection when the search changes, and keeps it when only the sort does', async () => {
    await openSchool(3);
    store().toggleRowSelection(0, rowNamed('James Howlett'));
    store().toggleSort('schoolUid');
    expect(selectedCount(store().rosterSelection, 5)).toBe(1);
    store().setRosterQuery({ search: 'student' });
    expect(selectedCount(store().rosterSelection, 5)).toBe(0);
  });

  it('selects a range reaching rows that were never loaded, by their refs', async () => {
    await openSchool(998);
    const first = heldRows()[0]!;
    store().toggleRowSelection(0, first);
    await store().selectRowRange(900);
    expect(selectedCount(store().rosterSelection, 1000)).toBe(901);
  });

  it('changes the status of each selected row and leaves alone a row that cannot take it, saying why', async () => {
    await openSchool(3);
    expect(await store().applyEdits([{ kind: 'remove', realmId: SECTION_ID, enrollmentId: '44783136' }])).toBe(true);
    for (const name of ['James Howlett', 'Student Number 001', 'Student Number 002']) store().toggleRowSelection(0, rowNamed(name));
    await store().editSelected({ kind: 'update', fields: { status: 'inactive' } });
    expect(store().rosterNotice).toMatch(/^Queued 2 changes; 1 was left alone: .*queued for removal/);
    expect(rowNamed('Student Number 001').status).toBe('inactive');
    expect(rowNamed('Student Number 002').pending?.kind).toBe('update');
    expect(store().pendingView?.queued).toHaveLength(3);
  });

  it('edits everything a search matches except the rows unticked, without listing them', async () => {
    await openSchool(12);
    store().setRosterQuery({ search: 'Student Number 00' });
    await vi.waitFor(() => expect(store().rosterTotal).toBe(9));
    store().toggleSelectAll();
    store().toggleRowSelection(0, rowNamed('Student Number 004'));
    expect(selectedCount(store().rosterSelection, 9)).toBe(8);
    await store().editSelected({ kind: 'remove' });
    expect(store().rosterNotice).toBe('Queued 8 changes');
    expect(heldRows().filter((row) => row.pending?.kind === 'remove')).toHaveLength(8);
    expect(rowNamed('Student Number 004').pending).toBeNull();
  });

  it('keeps a row pending removal when asked (Keep), by taking back the removal', async () => {
    await openSchool(0);
    await store().applyEdits([{ kind: 'remove', realmId: SECTION_ID, enrollmentId: '44783136' }]);
    expect(rowNamed('James Howlett').pending?.kind).toBe('remove');
    await store().keepRow(rowNamed('James Howlett'));
    expect(rowNamed('James Howlett').pending).toBeNull();
    expect(store().pendingView?.queued).toEqual([]);
  });

  it('shows an edit on refresh and keeps what was selected', async () => {
    await openSchool(2);
    store().toggleRowSelection(0, rowNamed('James Howlett'));
    await store().applyEdits([{ kind: 'update', realmId: SECTION_ID, enrollmentId: '44783136', fields: { role: 'teacher' } }]);
    expect(rowNamed('James Howlett').role).toBe('teacher');
    expect(selectedCount(store().rosterSelection, 4)).toBe(1);
    expect(store().realms.find((realm) => realm.id === SECTION_ID)?.pendingCount).toBe(1);
  });

  it('says why an edit could not be queued, until dismissed', async () => {
    await openSchool(0);
    expect(await store().applyEdits([{ kind: 'remove', realmId: SECTION_ID, enrollmentId: '999' }])).toBe(false);
    expect(store().editError).toMatch(/999/);
    store().dismissEditError();
    expect(store().editError).toBeNull();
  });
});
