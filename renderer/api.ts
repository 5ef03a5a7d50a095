/**
 * The renderer's RosterApi: the preload's `window.roster` under Electron, otherwise a client of the browser
 * host's bridge. Both speak the same contract (shared/api.ts), so nothing else in the renderer knows which.
 */
import { type RosterApi, type RosterApiTransport, type RosterApiMethod, ROSTER_API_METHODS, RosterApiError, apiOverTransport } from '../shared/api';
import { BRIDGE_PATH_PREFIX, BRIDGE_TOKEN_META } from '../shared/bridge';

function bridgeTransport(token: string): RosterApiTransport {
  const call = async (method: RosterApiMethod, input: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${BRIDGE_PATH_PREFIX}${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ input }),
      });
    } catch {
      throw new RosterApiError('host_unreachable', 'Roster Desk is not running any more; start it again and reload this page.');
    }
    // A reply that is not an envelope is caught by apiOverTransport as 'bad_reply'.
    return response.json().catch(() => null);
  };
  return Object.fromEntries(ROSTER_API_METHODS.map((method) => [method, (input?: unknown) => call(method, input)])) as RosterApiTransport;
}

function resolveApi(): RosterApi {
  if (window.roster) return apiOverTransport(window.roster);
  const token = document.querySelector<HTMLMetaElement>(`meta[name="${BRIDGE_TOKEN_META}"]`)?.content;
  if (!token) {
    throw new RosterApiError('no_host', 'Open Roster Desk from the app or from the address that `roster web` printed.');
  }
  return apiOverTransport(bridgeTransport(token));
}

let cached: RosterApi | null = null;

/** Throws RosterApiError('no_host') when the page was opened outside the app or the browser host. */
export function getApi(): RosterApi {
  cached ??= resolveApi();
  return cached;
}
