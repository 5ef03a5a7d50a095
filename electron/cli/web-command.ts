import { parseArgs } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices } from '../services';
import { startBrowserHost } from '../host/browser-host';
import { defaultDataDir } from '../data-dir';
import { parsePort } from './parse-port';

const RENDERER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'renderer');

/** `roster web`: the renderer and the RosterApi on 127.0.0.1 until interrupted. */
export async function runWeb(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true });
  const port = parsePort(values.port);
  const dataDir = values['data-dir'] ?? defaultDataDir();

  const services = createServices({ dataDir, host: 'browser' });
  if (services.notice) console.error(`roster: ${services.notice}`);
  const host = await startBrowserHost({ handlers: services.handlers, rendererDir: RENDERER_DIR, port });
  console.log(`Roster Desk is running at ${host.url}`);
  console.log('Open that address in a browser. Press Ctrl+C to stop.');

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  services.close();
  return 0;
}
