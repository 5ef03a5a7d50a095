/**
 * The roster on screen: the query (search, filters, sort), the blocks of rows fetched for it, the selection, and the
 * edits made from the table and its bulk bar.
 *
 * The roster itself stays in the main process. The table tells this slice which rows it shows (showRosterRange) and
 * the slice fetches the blocks around them (roster-page-cache.ts), at most a few requests at a time, newest query
 * first: every fetch carries the generation it was asked in, and an answer from an older generation (a query typed
 * over, a refresh since) never reaches the screen.
 */
import type { StateCreator } from 'zustand';
import {
  RosterApiError,
  type ApiInput,
  type BulkChange,
  type Edit,
  type RosterFilter,
  type RosterPage,
  type RosterQuery,
  type RosterRow,
  type RosterSortColumn,
  type RowRef,
} from '../../shared/api';
import type { Role, Status } from '../../shared/domain/roles';
import { getApi } from '../api';
import type { RosterStore } from './index';
import { messageOf } from './error-message';
import { BLOCK_SIZE, aheadBlocks, blockOf, rowAt, visibleBlocks, withoutFarBlocks, type RosterBlocks, type RowRange } from './roster-page-cache';
import { NO_SELECTION, keyOf, refOf, selectAll, setSelected, toggle, type RosterSelection } from './roster-selection';
import { EMPTY_TALLY, addTallies, describeTally, tallyOfBulk, tallyOfResults, type EditTally } from './roster-edit-outcome';

export interface RosterViewQuery {
  search: string;
  statuses: Status[];
  roles: Role[];
  sort: { column: RosterSortColumn; direction: 'asc' | 'desc' };
}

export type EditFilteredInput = ApiInput<'editFiltered'>;

export interface RosterViewSlice {
  rosterQuery: RosterViewQuery;
  /** Bumps when the rows' order or set changes (realm, search, filter, sort): the table scrolls back to the top. */
  rosterQueryKey: number;
  /** Blocks of rows of the current query around what is on screen; never the whole roster. */
  rosterBlocks: RosterBlocks;
  /** Rows the query matches; null until its first answer. */
  rosterTotal: number | null;
  /** Rows of the realm with no search or filter, for "N of M people"; null until known. */
  rosterUnfilteredTotal: number | null;
  /** Whether rosterTotal counts a searched or filtered query (it changes with the answer, not with the typing). */
  rosterTotalFiltered: boolean;
  rosterError: string | null;
  rosterSelection: RosterSelection;
  /** The row a shift+click or shift+Space selects a range from: the last row ticked on its own. */
  rosterAnchor: number | null;
  /** Why the last edit failed, shown as an alert until dismissed. */
  editError: string | null;
  /** What the last bulk edit did ("Queued 12 changes; …"). */
  rosterNotice: string | null;
  /** A bulk edit or a selection of a range is on its way. */
  rosterBusy: boolean;

  /** Starts the selected realm's roster afresh: no search, no filter, nothing selected, the same sort. */
  openRoster(): void;
  setRosterQuery(change: Partial<Omit<RosterViewQuery, 'sort'>>): void;
  toggleSort(column: RosterSortColumn): void;
  /** The rows the table shows now; fetches what they need. */
  showRosterRange(range: RowRange): void;
  /** Refetches the rows on screen (after edits or a sync), keeping the scroll position and the selection. */
  refreshRoster(): Promise<void>;
  applyEdits(edits: Edit[]): Promise<boolean>;
  editFiltered(input: EditFilteredInput): Promise<boolean>;
  /** Takes back a row's queued edit (the "Keep" of a row pending removal). */
  keepRow(row: RosterRow): Promise<void>;
  dismissEditError(): void;
  dismissRosterNotice(): void;

  toggleRowSelection(index: number, row: RosterRow): void;
  /** Selects the rows from the anchor to this one, fetching the refs of rows not loaded. */
  selectRowRange(index: number): Promise<void>;
  /** Everything the query matches, or nothing if that was already so. */
  toggleSelectAll(): void;
  clearSelection(): void;
  /** One change for every selected row; the outcome goes to rosterNotice. */
  editSelected(change: BulkChange): Promise<void>;
  /** Opens the export dialog for the realm, offering the selection when there is one. */
  exportRosterView(): Promise<void>;
}

const DEFAULT_QUERY: RosterViewQuery = { search: '', statuses: [], roles: [], sort: { column: 'name', direction: 'asc' } };
/** Blocks being fetched at once: more would only queue in the main process behind each other. */
const MAX_IN_FLIGHT = 2;
/** applyEdits takes at most this many edits a call. */
const EDITS_PER_CALL = 5000;
/** Refusals of one edit in a batch (the whole call fails): split the batch and keep the others. */
const REFUSALS = new Set(['held', 'invalid', 'unknown_enrollment']);
const FIRST_SCREEN: RowRange = { first: 0, last: 40 };
/**
 * A range that jumped more than a block since the last one is a fling or a scrollbar drag: fetching each passing
 * position would only queue requests in front of the one for where the scroll stops, so fetches wait this long for it.
 */
const SETTLE_MS = 60;
/**
 * Blocks ahead are fetched only once the visible ones are in, nothing else is on its way and the query has held this
 * long: the main process answers one query at a time, and a prefetch queued in front of the next key press's query
 * would delay the answer staff are waiting for.
 */
const AHEAD_AFTER_MS = 250;

function filterOf(realmId: string, query: RosterViewQuery): RosterFilter {
  const search = query.search.trim();
  return {
    realmIds: [realmId],
    search: search || undefined,
    statuses: query.statuses.length ? query.statuses : undefined,
    roles: query.roles.length ? query.roles : undefined,
  };
}

const isFiltered = (filter: RosterFilter): boolean => Boolean(filter.search || filter.statuses || filter.roles);
const sameFilter = (a: RosterFilter, b: RosterFilter): boolean => JSON.stringify(a) === JSON.stringify(b);

export const createRosterViewSlice: StateCreator<RosterStore, [], [], RosterViewSlice> = (set, get) => {
  // Fetch bookkeeping stays out of the store: components never render from it.
  /** Bumps on every new query and every refresh; a block is fresh when its generation is this one. */
  let generation = 0;
  /** The generation that started the current query: blocks older than it show another query's rows. */
  let queryGeneration = 0;
  /** The query generation whose blocks are in the store (the old query's stay on screen until the new one answers). */
  let shownQueryGeneration = 0;
  const inFlight = new Map<number, number>();
  const failed = new Set<number>();
  let running = 0;
  let range: RowRange = FIRST_SCREEN;
  let settling: ReturnType<typeof setTimeout> | null = null;
  /** When the current query started (performance.now), for AHEAD_AFTER_MS. */
  let queryStartedAt = 0;
  let aheadTimer: ReturnType<typeof setTimeout> | null = null;

  const currentQuery = (): RosterQuery | null => {
    const realmId = get().selectedRealmId;
    return realmId ? { ...filterOf(realmId, get().rosterQuery), sort: get().rosterQuery.sort } : null;
  };

  function land(block: number, asked: number, page: RosterPage): void {
    const fresh = shownQueryGeneration === queryGeneration;
    shownQueryGeneration = queryGeneration;
    set((s) => {
      const blocks = withoutFarBlocks({ ...(fresh ? s.rosterBlocks : {}), [block]: { generation: asked, rows: page.rows } }, range);
      const filtered = isFiltered(filterOf(s.selectedRealmId ?? '', s.rosterQuery));
      const unfiltered = filtered ? s.rosterUnfilteredTotal : page.total;
      return { rosterBlocks: blocks, rosterTotal: page.total, rosterUnfilteredTotal: unfiltered, rosterTotalFiltered: filtered, rosterError: null };
    });
  }

  function fetchBlock(block: number): Promise<void> {
    const query = currentQuery();
    if (!query) return Promise.resolve();
    const asked = generation;
    inFlight.set(block, asked);
    running++;
    return getApi()
      .queryRoster({ ...query, offset: block * BLOCK_SIZE, limit: BLOCK_SIZE })
      .then((page) => {
        if (asked === generation) land(block, asked, page);
      })
      .catch((error: unknown) => {
        if (asked !== generation) return;
        failed.add(block);
        set({ rosterError: `The roster could not be read: ${messageOf(error)}` });
      })
      .finally(() => {
        running--;
        if (inFlight.get(block) === asked) inFlight.delete(block);
        pump();
      });
  }

  /** A visible block is fetched when missing or stale (older than a refresh); one ahead only when missing. */
  const needsFetch = (block: number, visible: boolean): boolean => {
    if (inFlight.get(block) === generation || failed.has(block)) return false;
    const held = get().rosterBlocks[block];
    return !held || (visible && held.generation !== generation);
  };

  /** Starts fetches for the blocks the visible range wants, the visible ones first, while there is room. */
  function pump(): void {
    // Until the new query's first answer, its total is unknown: the old total would ask for blocks past its end.
    const total = shownQueryGeneration === queryGeneration ? get().rosterTotal : null;
    for (const block of visibleBlocks(range, total)) {
      if (running >= MAX_IN_FLIGHT) return;
      if (needsFetch(block, true)) void fetchBlock(block);
    }
    if (running > 0 || total === null) return;
    const wait = queryStartedAt + AHEAD_AFTER_MS - performance.now();
    if (wait > 0) {
      if (aheadTimer) clearTimeout(aheadTimer);
      aheadTimer = setTimeout(() => {
        aheadTimer = null;
        pump();
      }, wait);
      return;
    }
    for (const block of aheadBlocks(range, total)) {
      if (running >= MAX_IN_FLIGHT) return;
      if (needsFetch(block, false)) void fetchBlock(block);
    }
  }

  function startQuery(change: Partial<RosterViewQuery>, options: { clear: boolean; keepSelection: boolean }): void {
    generation++;
    queryGeneration = generation;
    queryStartedAt = performance.now();
    inFlight.clear();
    failed.clear();
    range = FIRST_SCREEN;
    set((s) => ({
      rosterQuery: { ...s.rosterQuery, ...change },
      rosterQueryKey: s.rosterQueryKey + 1,
      rosterAnchor: null,
      rosterError: null,
      ...(options.keepSelection ? {} : { rosterSelection: NO_SELECTION }),
      ...(options.clear ? { rosterBlocks: {}, rosterTotal: null, rosterUnfilteredTotal: null, rosterTotalFiltered: false, rosterNotice: null } : {}),
    }));
    if (options.clear) shownQueryGeneration = queryGeneration;
    pump();
  }

  /** "N of M people" needs M when a filter is on and M may have changed (after an edit or a sync). */
  async function recountUnfiltered(): Promise<void> {
    const realmId = get().selectedRealmId;
    if (!realmId) return;
    const asked = queryGeneration;
    try {
      const page = await getApi().queryRoster({ realmIds: [realmId], limit: 1 });
      if (asked === queryGeneration) set({ rosterUnfilteredTotal: page.total });
    } catch {
      // The roster fetch itself reports a cache that cannot be read; an old M is better than none meanwhile.
    }
  }

  async function afterEdits(): Promise<void> {
    await Promise.all([get().refreshPending(), get().loadRealms(), get().refreshRoster()]);
  }

  /** Queues edits; a batch one edit of which is refused is split until the refused ones are alone, and they are left. */
  async function queueSplitting(edits: Edit[]): Promise<EditTally> {
    try {
      const { results } = await getApi().applyEdits({ edits });
      return tallyOfResults(results);
    } catch (error) {
      if (!(error instanceof RosterApiError) || !REFUSALS.has(error.code)) throw error;
      if (edits.length === 1) return { ...EMPTY_TALLY, refused: 1, refusedBecause: error.message.replace(/^Edit \d+: /, '') };
      const half = Math.ceil(edits.length / 2);
      return addTallies(await queueSplitting(edits.slice(0, half)), await queueSplitting(edits.slice(half)));
    }
  }

  async function selectedRefs(): Promise<RowRef[]> {
    const selection = get().rosterSelection;
    if (!selection.all) return [...selection.picked.values()];
    const query = currentQuery();
    if (!query) return [];
    const { refs } = await getApi().queryRosterRefs({ ...query, offset: 0, limit: 100_000 });
    return refs.filter((ref) => !selection.except.has(keyOf(ref)));
  }

  return {
    rosterQuery: DEFAULT_QUERY,
    rosterQueryKey: 0,
    rosterBlocks: {},
    rosterTotal: null,
    rosterUnfilteredTotal: null,
    rosterTotalFiltered: false,
    rosterError: null,
    rosterSelection: NO_SELECTION,
    rosterAnchor: null,
    editError: null,
    rosterNotice: null,
    rosterBusy: false,

    openRoster() {
      startQuery({ search: '', statuses: [], roles: [] }, { clear: true, keepSelection: false });
    },

    setRosterQuery(change) {
      const realmId = get().selectedRealmId;
      const next = { ...get().rosterQuery, ...change };
      if (realmId && sameFilter(filterOf(realmId, next), filterOf(realmId, get().rosterQuery))) {
        // Only the box's text changed (a trailing space): same rows, nothing to fetch.
        set({ rosterQuery: next });
        return;
      }
      startQuery(change, { clear: false, keepSelection: false });
    },

    toggleSort(column) {
      const { sort } = get().rosterQuery;
      const direction = sort.column === column && sort.direction === 'asc' ? 'desc' : 'asc';
      // The same rows in another order: what is selected stays selected.
      startQuery({ sort: { column, direction } }, { clear: false, keepSelection: true });
    },

    showRosterRange(next) {
      const jumped = Math.abs(blockOf(next.first) - blockOf(range.first)) > 1;
      range = next;
      const blocks = get().rosterBlocks;
      const kept = withoutFarBlocks(blocks, range);
      if (kept !== blocks) set({ rosterBlocks: kept });
      if (settling) clearTimeout(settling);
      settling = null;
      if (jumped) {
        settling = setTimeout(() => {
          settling = null;
          pump();
        }, SETTLE_MS);
      } else {
        pump();
      }
    },

    async refreshRoster() {
      if (!get().selectedRealmId) return;
      generation++;
      inFlight.clear();
      failed.clear();
      const total = get().rosterTotal;
      const query = currentQuery();
      const recount = query && isFiltered(query) ? recountUnfiltered() : Promise.resolve();
      // The blocks on screen are fetched now, past the in-flight limit: the caller waits for exactly these. Those
      // ahead stay as they are until they come into view.
      await Promise.all([...visibleBlocks(range, total).map(fetchBlock), recount]);
    },

    async applyEdits(edits) {
      if (edits.length === 0) return true;
      try {
        for (let start = 0; start < edits.length; start += EDITS_PER_CALL) {
          await getApi().applyEdits({ edits: edits.slice(start, start + EDITS_PER_CALL) });
        }
        set({ editError: null });
        return true;
      } catch (error) {
        set({ editError: messageOf(error) });
        return false;
      } finally {
        await afterEdits();
      }
    },

    async editFiltered(input) {
      try {
        const result = await getApi().editFiltered(input);
        set({ editError: null, rosterNotice: describeTally(tallyOfBulk(result)) });
        return true;
      } catch (error) {
        set({ editError: messageOf(error) });
        return false;
      } finally {
        await afterEdits();
      }
    },

    async keepRow(row) {
      if (!row.pending) return;
      try {
        await getApi().undoEdit({ opId: row.pending.opId });
        set({ editError: null });
      } catch (error) {
        set({ editError: messageOf(error) });
      } finally {
        await afterEdits();
      }
    },

    dismissEditError() {
      set({ editError: null });
    },

    dismissRosterNotice() {
      set({ rosterNotice: null });
    },

    toggleRowSelection(index, row) {
      set((s) => ({ rosterSelection: toggle(s.rosterSelection, refOf(row)), rosterAnchor: index }));
    },

    async selectRowRange(index) {
      const anchor = get().rosterAnchor ?? index;
      const low = Math.min(anchor, index);
      const high = Math.max(anchor, index);
      const blocks = get().rosterBlocks;
      const loaded: RowRef[] = [];
      for (let i = low; i <= high; i++) {
        const row = rowAt(blocks, i);
        if (!row) break;
        loaded.push(refOf(row));
      }
      let refs = loaded;
      if (loaded.length < high - low + 1) {
        const query = currentQuery();
        if (!query) return;
        const asked = queryGeneration;
        set({ rosterBusy: true });
        try {
          ({ refs } = await getApi().queryRosterRefs({ ...query, offset: low, limit: high - low + 1 }));
        } catch (error) {
          set({ rosterError: `The rows between could not be selected: ${messageOf(error)}` });
          return;
        } finally {
          set({ rosterBusy: false });
        }
        // Another search or filter since: these rows are not the ones on screen any more.
        if (asked !== queryGeneration) return;
      }
      set((s) => ({ rosterSelection: setSelected(s.rosterSelection, refs, true), rosterAnchor: index }));
    },

    toggleSelectAll() {
      const { rosterSelection: selection, rosterTotal } = get();
      const everything = selection.all ? selection.except.size === 0 : rosterTotal !== null && rosterTotal > 0 && selection.picked.size >= rosterTotal;
      set({ rosterSelection: everything ? NO_SELECTION : selectAll(), rosterAnchor: null });
    },

    clearSelection() {
      set({ rosterSelection: NO_SELECTION, rosterAnchor: null });
    },

    async editSelected(change) {
      const realmId = get().selectedRealmId;
      const selection = get().rosterSelection;
      if (!realmId) return;
      set({ rosterBusy: true, rosterNotice: null });
      try {
        if (selection.all) {
          await get().editFiltered({ filter: filterOf(realmId, get().rosterQuery), except: [...selection.except.values()], change });
          return;
        }
        const edits: Edit[] = [...selection.picked.values()].map((ref) =>
          change.kind === 'remove' ? { kind: 'remove', ...ref } : { kind: 'update', ...ref, fields: change.fields },
        );
        let tally = EMPTY_TALLY;
        try {
          for (let start = 0; start < edits.length; start += EDITS_PER_CALL) {
            tally = addTallies(tally, await queueSplitting(edits.slice(start, start + EDITS_PER_CALL)));
          }
          set({ editError: null, rosterNotice: describeTally(tally) });
        } catch (error) {
          const done = tally.queued > 0 ? ` (${describeTally(tally)} before it stopped.)` : '';
          set({ editError: `${messageOf(error)}${done}` });
        } finally {
          await afterEdits();
        }
      } finally {
        set({ rosterBusy: false });
      }
    },

    async exportRosterView() {
      const realm = get().realms.find((r) => r.id === get().selectedRealmId);
      if (!realm) return;
      const selection = get().rosterSelection;
      const filter = filterOf(realm.id, get().rosterQuery);
      const nothingPicked = selection.all ? false : selection.picked.size === 0;
      // Everything selected with no filter and no exception is the whole realm: no need to list it.
      const whole = selection.all && selection.except.size === 0 && !isFiltered(filter);
      if (nothingPicked || whole) return get().openExport([realm.id], realm.title);
      try {
        const only = await selectedRefs();
        get().openExport([realm.id], realm.title, only);
      } catch (error) {
        set({ editError: `The selection could not be exported: ${messageOf(error)}` });
      }
    },
  };
};

// Stable selectors: each returns a value already in the store (or a primitive), so a component re-renders only
// when that value changes.
export const selectRosterQuery = (s: RosterStore) => s.rosterQuery;
export const selectRosterBlocks = (s: RosterStore) => s.rosterBlocks;
export const selectRosterTotal = (s: RosterStore) => s.rosterTotal;
export const selectRosterSelection = (s: RosterStore) => s.rosterSelection;
export const selectEditError = (s: RosterStore) => s.editError;
export const selectRosterNotice = (s: RosterStore) => s.rosterNotice;
