/**
 * The outbox in the renderer: the pending-changes panel's view of unsynced edits (queued, rejected, in conflict) and
 * the actions that take them back or settle them. Every action ends by refreshing what it changed: the panel, the
 * sidebar's pending counts and the rows on screen.
 */
import type { StateCreator } from 'zustand';
import type { PendingView } from '../../shared/api';
import { getApi } from '../api';
import type { RosterStore } from './index';
import { messageOf } from './error-message';

export type ConflictChoice = 'keep-mine' | 'take-theirs';

export interface OutboxSlice {
  /** null until first loaded. */
  pendingView: PendingView | null;
  pendingPanelOpen: boolean;
  /** Why loading the panel or the last action in it failed; shown in the panel as an alert. */
  pendingError: string | null;
  /** The op (or "all:<accountId>") whose action is running, so its button can be disabled meanwhile. */
  pendingBusy: string | null;
  openPendingPanel(): void;
  closePendingPanel(): void;
  togglePendingPanel(): void;
  refreshPending(): Promise<void>;
  undoEdit(opId: string): Promise<void>;
  undoAll(accountId: string): Promise<void>;
  discardEdit(opId: string): Promise<void>;
  resolveConflict(opId: string, choice: ConflictChoice): Promise<void>;
}

/** Unsynced edits of every account: what the header's "Pending changes (N)" counts. */
export function pendingTotal(view: PendingView | null): number {
  if (!view) return 0;
  return view.queued.length + view.rejected.length + view.conflicts.length;
}

export const createOutboxSlice: StateCreator<RosterStore, [], [], OutboxSlice> = (set, get) => {
  /** Runs one outbox action, then refreshes the panel, the sidebar counts and the rows on screen. */
  async function act(busyKey: string, call: () => Promise<unknown>): Promise<void> {
    set({ pendingBusy: busyKey, pendingError: null });
    try {
      await call();
    } catch (error) {
      set({ pendingError: messageOf(error) });
    } finally {
      set({ pendingBusy: null });
    }
    await Promise.all([get().refreshPending(), get().loadRealms(), get().refreshRoster()]);
  }

  return {
    pendingView: null,
    pendingPanelOpen: false,
    pendingError: null,
    pendingBusy: null,

    openPendingPanel() {
      set({ pendingPanelOpen: true });
      void get().refreshPending();
    },
    closePendingPanel() {
      set({ pendingPanelOpen: false });
    },
    togglePendingPanel() {
      if (get().pendingPanelOpen) get().closePendingPanel();
      else get().openPendingPanel();
    },

    async refreshPending() {
      try {
        set({ pendingView: await getApi().listPending() });
      } catch (error) {
        set({ pendingError: messageOf(error) });
      }
    },

    undoEdit(opId) {
      return act(opId, () => getApi().undoEdit({ opId }));
    },
    undoAll(accountId) {
      return act(`all:${accountId}`, () => getApi().undoAll({ accountId }));
    },
    discardEdit(opId) {
      return act(opId, () => getApi().discardEdit({ opId }));
    },
    resolveConflict(opId, choice) {
      return act(opId, () => getApi().resolveConflict({ opId, choice }));
    },
  };
};

export const selectPendingPanelOpen = (s: RosterStore) => s.pendingPanelOpen;
export const selectPendingView = (s: RosterStore) => s.pendingView;
export const selectPendingTotal = (s: RosterStore) => pendingTotal(s.pendingView);
