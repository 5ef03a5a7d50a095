import type { StateCreator } from 'zustand';
import type { RosterPage, RosterSortColumn } from '../../shared/api';
import type { Role, Status } from '../../shared/domain/roles';
import { getApi } from '../api';
import type { RosterStore } from './index';
import { messageOf } from './error-message';

export const ROSTER_PAGE_SIZE = 100;

export interface RosterViewQuery {
  search: string;
  statuses: Status[];
  roles: Role[];
  sort: { column: RosterSortColumn; direction: 'asc' | 'desc' };
  offset: number;
}

export interface RosterViewSlice {
  rosterQuery: RosterViewQuery;
  /** The page on screen; the roster itself stays in the main process and is fetched a page at a time. */
  rosterPage: RosterPage | null;
  rosterLoading: boolean;
  rosterError: string | null;
  loadRosterPage(change?: Partial<RosterViewQuery>): Promise<void>;
  toggleSort(column: RosterSortColumn): void;
}

let latestRequest = 0;

export const createRosterViewSlice: StateCreator<RosterStore, [], [], RosterViewSlice> = (set, get) => ({
  rosterQuery: { search: '', statuses: [], roles: [], sort: { column: 'name', direction: 'asc' }, offset: 0 },
  rosterPage: null,
  rosterLoading: false,
  rosterError: null,
  async loadRosterPage(change = {}) {
    const rosterQuery = { ...get().rosterQuery, ...change };
    set({ rosterQuery });
    const realmId = get().selectedRealmId;
    if (!realmId) return set({ rosterPage: null });
    // Typing in the search box fires a query per key; only the newest answer may reach the screen.
    const request = ++latestRequest;
    set({ rosterLoading: true });
    try {
      const page = await getApi().queryRoster({
        realmIds: [realmId],
        search: rosterQuery.search.trim() || undefined,
        statuses: rosterQuery.statuses.length ? rosterQuery.statuses : undefined,
        roles: rosterQuery.roles.length ? rosterQuery.roles : undefined,
        sort: rosterQuery.sort,
        offset: rosterQuery.offset,
        limit: ROSTER_PAGE_SIZE,
      });
      if (request === latestRequest) set({ rosterPage: page, rosterLoading: false, rosterError: null });
    } catch (error) {
      if (request === latestRequest) set({ rosterLoading: false, rosterError: messageOf(error) });
    }
  },
  toggleSort(column) {
    const { sort } = get().rosterQuery;
    const direction = sort.column === column && sort.direction === 'asc' ? 'desc' : 'asc';
    void get().loadRosterPage({ sort: { column, direction }, offset: 0 });
  },
});
