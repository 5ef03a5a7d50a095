/**
 * Names shared by the browser host and the renderer's bridge client. The host writes the per-run token into
 * the page as a meta tag; the client sends it back on every call.
 */
export const BRIDGE_TOKEN_META = 'roster-bridge-token';
/** Calls go to POST /api/<method>. */
export const BRIDGE_PATH_PREFIX = '/api/';
