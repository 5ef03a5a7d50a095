import type { RosterApiTransport } from '../shared/api';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser host, where renderer/api.ts uses the bridge. */
    roster?: RosterApiTransport;
  }
}
