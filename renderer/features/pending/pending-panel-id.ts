/** The pending panel's element id, which the header's "Pending changes (N)" button controls. */
export const PENDING_PANEL_ID = 'pending-changes-panel';
