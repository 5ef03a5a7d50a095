import type { Edit } from '../../../shared/api';
import { useRosterStore } from '../../store';

/**
 * Queues edits from a dialog through the roster view's applyEdits (which also refreshes pending changes, realm counts
 * and the roster). Answers null on success, or the reason it failed: a dialog shows that itself, next to what the user
 * typed, so the roster's own error banner behind the dialog is cleared rather than saying it twice.
 */
export function useQueueEdits(): (edits: Edit[]) => Promise<string | null> {
  const applyEdits = useRosterStore((s) => s.applyEdits);
  const dismissEditError = useRosterStore((s) => s.dismissEditError);
  return async (edits) => {
    if (await applyEdits(edits)) return null;
    const reason = useRosterStore.getState().editError ?? 'The change could not be queued; try again.';
    dismissEditError();
    return reason;
  };
}
