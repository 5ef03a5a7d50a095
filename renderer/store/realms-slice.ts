import type { StateCreator } from 'zustand';
import type { RealmSummary } from '../../shared/api';
import { getApi } from '../api';
import type { RosterStore } from './index';
import { messageOf } from './error-message';

export interface RealmsSlice {
  realms: RealmSummary[];
  realmsLoaded: boolean;
  realmsError: string | null;
  selectedRealmId: string | null;
  loadRealms(): Promise<void>;
  selectRealm(realmId: string): void;
}

export const createRealmsSlice: StateCreator<RosterStore, [], [], RealmsSlice> = (set, get) => ({
  realms: [],
  realmsLoaded: false,
  realmsError: null,
  selectedRealmId: null,
  async loadRealms() {
    try {
      const realms = await getApi().listRealms();
      const selected = get().selectedRealmId;
      const stillThere = realms.some((realm) => realm.id === selected);
      set({ realms, realmsLoaded: true, realmsError: null, selectedRealmId: stillThere ? selected : (realms[0]?.id ?? null) });
      if (!stillThere) get().openRoster();
    } catch (error) {
      set({ realmsLoaded: true, realmsError: messageOf(error) });
    }
  },
  selectRealm(realmId) {
    if (get().selectedRealmId === realmId) return;
    set({ selectedRealmId: realmId });
    get().openRoster();
  },
});
