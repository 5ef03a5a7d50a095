import { parseArgs } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices } from '../services';
import { startBrowserHost } from '../host/browser-host';
import { defaultDataDir } from '../data-dir';
import { openSandboxDistrict, SANDBOX_ACCOUNT_ID, wantsSandboxDistrict, type SandboxDistrict } from '../sandbox-district';
import { BackgroundSync } from '../sync/background-sync';
import { VaultUnavailableError } from '../vault/credential-vault';
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

  let background: BackgroundSync | null = null;
  // An account added or signed in from the page syncs at once; a signed-out one stops syncing.
  const services = createServices({
    dataDir,
    host: 'browser',
    onAccountChange: ({ kind, accountId }) => (kind === 'added' ? background?.start(accountId) : background?.stopAccount(accountId)),
    // The background sync is built below (it needs the cache); until then nothing syncs and nothing has run.
    sync: {
      syncNow: async (accountId) => (background ? background.syncNow(accountId) : null),
      editsQueued: (accountId) => background?.editsQueued(accountId),
      connectivityOf: (accountId) => background?.connectivityOf(accountId) ?? 'unknown',
      isSyncing: (accountId) => background?.isSyncing(accountId) ?? false,
      lastRunOf: (accountId) => background?.lastRunOf(accountId) ?? null,
    },
  });
  let district: SandboxDistrict | null = null;
  try {
    if (services.notice) console.error(`roster: ${services.notice}`);
    if (values.sandbox || wantsSandboxDistrict(services.cache)) {
      district = await openSandboxDistrict(services.cache);
      console.error(
        `roster: Sandbox district at ${district.sandbox.url}: ${district.pulled.realms} sections and groups, ` +
          `${district.pulled.enrollments} enrollments pulled into the offline cache.`,
      );
    }
    // Edits queued earlier (by the CLI, or before the last shutdown) go out, and rosters stay fresh, while it runs.
    const { accounts } = services;
    // The LMS accounts' credentials live in the keychain. Without one the cache still opens (rosters can be read and
    // edits queued), but those accounts cannot sync: say what is missing. Never a plaintext fallback.
    let vaultUsable = true;
    try {
      await accounts.vault.check();
      await accounts.cleanOrphans();
    } catch (error) {
      if (!(error instanceof VaultUnavailableError)) throw error;
      vaultUsable = false;
      if (accounts.list().length > 0) {
        console.error(`roster: ${error.message}; the LMS accounts are offline (rosters readable, edits kept, no sync) until the keychain can be used`);
      }
    }
    const sandbox = district;
    background = new BackgroundSync({
      cache: services.cache,
      outbox: services.outbox,
      provider: async (accountId) => (accountId === SANDBOX_ACCOUNT_ID && sandbox ? sandbox.provider : accounts.providerFor(accountId)),
      signInAgainHint: (accountId) => accounts.signInAgainHint(accountId),
    });
    for (const account of services.cache.accounts.list()) {
      if (account.id === SANDBOX_ACCOUNT_ID ? sandbox : vaultUsable) background.start(account.id);
    }
    const host = await startBrowserHost({ handlers: services.handlers, rendererDir: RENDERER_DIR, port });
    console.log(`Roster Desk is running at ${host.url}`);
    console.log('Open that address in a browser. Press Ctrl+C to stop.');
    await stopped;
    await host.close();
    return 0;
  } finally {
    // Also when the host cannot start (port taken, renderer not built): the cache must be closed cleanly.
    await background?.stop();
    await district?.close();
    services.close();
  }
}
