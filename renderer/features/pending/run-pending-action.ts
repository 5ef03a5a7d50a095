/** Runs a panel action; if it removed the focused item, focus moves to the panel heading instead of the page body. */
export type RunPendingAction = (action: () => Promise<void>) => void;
