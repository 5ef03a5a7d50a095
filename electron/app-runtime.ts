/**
 * The app's running stack — services on the cache, the keychain check, the Sandbox district when wanted, and the
 * background sync of every usable account — built the same way for the desktop window (main.ts), the browser host
 * (`roster web`) and the end-to-end tests, so none of them can drift from what staff run.
 */
import { openSandboxDistrict, SANDBOX_ACCOUNT_ID, wantsSandboxDistrict, type SandboxDistrict } from './sandbox-district';
import { createServices, deferredSyncHook, type Services } from './services';
import { BackgroundSync, type BackgroundSyncOptions } from './sync/background-sync';
import { type CredentialVault, VaultUnavailableError } from './vault/credential-vault';

export interface AppRuntimeOptions {
  dataDir: string;
  host: 'electron' | 'browser';
  /** 'auto': the Sandbox district when no account exists (roster web's default); true: always (--sandbox); false: never. */
  sandbox: boolean | 'auto';
  sandboxPort?: number;
  openExternal?: (url: string) => void;
  vault?: CredentialVault;
  /** Passed to BackgroundSync (tests shorten intervals: intervalMs, probeMs, probeMaxMs, debounceMs). */
  scheduler?: BackgroundSyncOptions['scheduler'];
  /** Start-up notices (damaged cache, keychain missing, sandbox pulled); default console.error prefixed "roster: ". */
  log?: (line: string) => void;
  /** How long a sign-in waits for the user's answer on the school's page (tests shorten it); default the services'. */
  signInTimeoutMs?: number;
}

export interface AppRuntime {
  services: Services;
  background: BackgroundSync;
  district: SandboxDistrict | null;
  /** Stops the background sync (waiting for a run in progress), the Sandbox district, then the cache; idempotent. */
  close(): Promise<void>;
}

export async function startAppRuntime(options: AppRuntimeOptions): Promise<AppRuntime> {
  const log = options.log ?? ((line: string) => console.error(`roster: ${line}`));
  let background: BackgroundSync | null = null;
  // An account added or signed in from the page syncs at once; a signed-out one stops syncing.
  const services = createServices({
    dataDir: options.dataDir,
    host: options.host,
    ...(options.openExternal ? { openExternal: options.openExternal } : {}),
    ...(options.vault ? { vault: options.vault } : {}),
    ...(options.signInTimeoutMs === undefined ? {} : { signInTimeoutMs: options.signInTimeoutMs }),
    onAccountChange: ({ kind, accountId }) => (kind === 'added' ? background?.start(accountId) : background?.stopAccount(accountId)),
    // The background sync is built below (it needs the cache).
    sync: deferredSyncHook(() => background),
  });
  let district: SandboxDistrict | null = null;
  try {
    if (services.notice) log(services.notice);
    if (options.sandbox === true || (options.sandbox === 'auto' && wantsSandboxDistrict(services.cache))) {
      district = await openSandboxDistrict(services.cache, options.sandboxPort === undefined ? {} : { port: options.sandboxPort });
      log(
        `Sandbox district at ${district.sandbox.url}: ${district.pulled.realms} sections and groups, ` +
          `${district.pulled.enrollments} enrollments pulled into the offline cache.`,
      );
    }
    if (!district) retireSandboxDistrict(services, log);
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
        log(`${error.message}; the LMS accounts are offline (rosters readable, edits kept, no sync) until the keychain can be used`);
      }
    }
    const sandbox = district;
    background = new BackgroundSync({
      cache: services.cache,
      outbox: services.outbox,
      provider: async (accountId) => (accountId === SANDBOX_ACCOUNT_ID && sandbox ? sandbox.provider : accounts.providerFor(accountId)),
      signInAgainHint: (accountId) => accounts.signInAgainHint(accountId),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    });
    for (const account of services.cache.accounts.list()) {
      if (account.id === SANDBOX_ACCOUNT_ID ? sandbox : vaultUsable) background.start(account.id);
    }
  } catch (error) {
    // The cache must be closed cleanly even when start-up fails half-way (sandbox port taken, keychain error).
    await district?.close();
    services.close();
    throw error;
  }

  const started = background;
  let closing: Promise<void> | null = null;
  return {
    services,
    background: started,
    district,
    close: () => {
      closing ??= (async () => {
        try {
          await started.stop();
          await district?.close();
        } finally {
          services.close();
        }
      })();
      return closing;
    },
  };
}

/**
 * A run without the Sandbox district (the user has an LMS account of their own now) drops the district an earlier run
 * left in the cache: its address is dead and its rosters would sit in the sidebar beside the school's for ever. Unless
 * edits made to it have not synced: those are never dropped silently, so it stays until `--sandbox` syncs them.
 */
function retireSandboxDistrict(services: Services, log: (line: string) => void): void {
  const { cache } = services;
  const accounts = cache.accounts.list();
  if (!accounts.some((account) => account.id === SANDBOX_ACCOUNT_ID) || accounts.every((account) => account.id === SANDBOX_ACCOUNT_ID)) return;
  const unsynced = cache.outbox.listByAccount(SANDBOX_ACCOUNT_ID).length;
  if (unsynced === 0) {
    cache.accounts.remove(SANDBOX_ACCOUNT_ID);
    return;
  }
  log(
    `the Sandbox district has ${unsynced} unsynced ${unsynced === 1 ? 'edit' : 'edits'}; it stays until they are synced ` +
      '(start with --sandbox) or discarded in Pending changes.',
  );
}
