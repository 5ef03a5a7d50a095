/**
 * The sandboxed preload: exposes RosterApi as `window.roster` and nothing else — no ipcRenderer, no channel
 * names, no way to send arbitrary messages. Sandboxed preloads may only require('electron'), so this file and
 * everything it imports is bundled into one CommonJS file (electron.vite.config.ts), and nothing here may
 * import a Node module.
 */
import '../shared/zod-jitless';
import { contextBridge, ipcRenderer } from 'electron';
import { type RosterApiTransport, ROSTER_API_METHODS, channelOf } from '../shared/api';

type Invoke = (channel: string, input: unknown) => Promise<unknown>;

/**
 * One function per RosterApi method, answering with main's envelope as it came (the renderer unwraps it with
 * apiOverTransport: an Error thrown here would lose its code crossing the contextBridge). Inputs are not
 * validated here: main validates every call, and a check in the renderer process could be bypassed anyway.
 */
export function createPreloadApi(invoke: Invoke): RosterApiTransport {
  // Exactly one parameter is forwarded, so a page cannot smuggle extra arguments to the handler.
  const api = Object.fromEntries(ROSTER_API_METHODS.map((method) => [method, (input?: unknown) => invoke(channelOf(method), input)]));
  return Object.freeze(api) as RosterApiTransport;
}

contextBridge.exposeInMainWorld(
  'roster',
  createPreloadApi((channel, input) => ipcRenderer.invoke(channel, input)),
);
