import type { StateCreator } from 'zustand';
import type { Account, AppInfo } from '../../shared/api';
import { getApi } from '../api';
import type { RosterStore } from './index';
import { messageOf } from './error-message';

export interface SessionSlice {
  appInfo: AppInfo | null;
  accounts: Account[];
  /** A problem loading the app itself (no host, host gone); shown as a banner. */
  sessionError: string | null;
  loadSession(): Promise<void>;
}

export const createSessionSlice: StateCreator<RosterStore, [], [], SessionSlice> = (set) => ({
  appInfo: null,
  accounts: [],
  sessionError: null,
  async loadSession() {
    try {
      const api = getApi();
      const [appInfo, accounts] = await Promise.all([api.appInfo(), api.listAccounts()]);
      set({ appInfo, accounts, sessionError: null });
    } catch (error) {
      set({ sessionError: messageOf(error) });
    }
  },
});
