/**
 * The renderer's state: one zustand store built from slices (session, realms, roster view, accounts); later issues add
 * outbox and sync slices. Components read it through narrow selectors so each re-renders only for its part.
 */
import { create } from 'zustand';
import { createSessionSlice, type SessionSlice } from './session-slice';
import { createRealmsSlice, type RealmsSlice } from './realms-slice';
import { createRosterViewSlice, type RosterViewSlice } from './roster-view-slice';
import { createAccountsSlice, type AccountsSlice } from './accounts-slice';

export type RosterStore = SessionSlice & RealmsSlice & RosterViewSlice & AccountsSlice;

export const useRosterStore = create<RosterStore>()((...args) => ({
  ...createSessionSlice(...args),
  ...createRealmsSlice(...args),
  ...createRosterViewSlice(...args),
  ...createAccountsSlice(...args),
}));
