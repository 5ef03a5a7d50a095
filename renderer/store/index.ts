/**
 * The renderer's state: one zustand store built from slices — session, realms, roster view (with its selection),
 * accounts, outbox (pending changes), sync, export and import. Components read it through narrow selectors so each
 * re-renders only for its part; the roster itself stays in the main process and is fetched a page at a time.
 */
import { create } from 'zustand';
import { createSessionSlice, type SessionSlice } from './session-slice';
import { createRealmsSlice, type RealmsSlice } from './realms-slice';
import { createRosterViewSlice, type RosterViewSlice } from './roster-view-slice';
import { createAccountsSlice, type AccountsSlice } from './accounts-slice';
import { createOutboxSlice, type OutboxSlice } from './outbox-slice';
import { createSyncSlice, type SyncSlice } from './sync-slice';
import { createExportSlice, type ExportSlice } from './export-slice';
import { createImportSlice, type ImportSlice } from './import-slice';

export type RosterStore = SessionSlice & RealmsSlice & RosterViewSlice & AccountsSlice & OutboxSlice & SyncSlice & ExportSlice & ImportSlice;

export const useRosterStore = create<RosterStore>()((...args) => ({
  ...createSessionSlice(...args),
  ...createRealmsSlice(...args),
  ...createRosterViewSlice(...args),
  ...createAccountsSlice(...args),
  ...createOutboxSlice(...args),
  ...createSyncSlice(...args),
  ...createExportSlice(...args),
  ...createImportSlice(...args),
}));
