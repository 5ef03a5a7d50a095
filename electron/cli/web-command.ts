import { parseArgs } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAppRuntime } from '../app-runtime';
import { startBrowserHost } from '../host/browser-host';
import { defaultDataDir } from '../data-dir';
import { parsePort } from './parse-port';

const RENDERER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'renderer');

/**
 * `roster web`: the renderer and the RosterApi on 127.0.0.1 until interrupted. With --sandbox, or when no LMS account
 * is set up yet, the built-in Sandbox district runs beside it.
 */
export async function runWeb(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, sandbox: { type: 'boolean' } },
    strict: true,
  });
  const port = parsePort(values.port);
  const dataDir = values['data-dir'] ?? defaultDataDir();

  // Listen for the stop signals before anything is started or printed: a caller that reacts to the printed
  // address by stopping us must find the handler in place, not Node's default (die without cleanup).
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

  const runtime = await startAppRuntime({ dataDir, host: 'browser', sandbox: values.sandbox ? true : 'auto' });
  try {
    const host = await startBrowserHost({ handlers: runtime.services.handlers, rendererDir: RENDERER_DIR, port });
    console.log(`Roster Desk is running at ${host.url}`);
    console.log('Open that address in a browser. Press Ctrl+C to stop.');
    await stopped;
    await host.close();
    return 0;
  } finally {
    // Also when the host cannot start (port taken, renderer not built): the cache must be closed cleanly.
    await runtime.close();
  }
}
