/**
 * The built-in "Sandbox district": what the app opens on when no LMS account is set up, so a newcomer sees real
 * rosters at once. It is the sandbox LMS (a local Schoology emulator on 127.0.0.1) filed in the cache as an ordinary
 * account and pulled through the real client — every screen then works exactly as it will against a school.
 *
 * Its credentials are made up per run and live only in this process's memory: they are not a secret worth the
 * keychain, and nothing about them is written to the cache.
 */
import type { Cache } from './db/cache';
import { SchoologyClient } from './lms/schoology/schoology-client';
import { SchoologyProvider } from './lms/schoology/schoology-provider';
import { startSandbox, type Sandbox } from './sandbox/sandbox-server';
import { pullAccount, type PullSummary } from './sync/pull';

export const SANDBOX_ACCOUNT_ID = 'sandbox';
export const SANDBOX_ACCOUNT_NAME = 'Sandbox district';

export interface SandboxDistrict {
  sandbox: Sandbox;
  provider: SchoologyProvider;
  pulled: PullSummary;
  close(): Promise<void>;
}

/** True when the cache holds no account but (perhaps) an earlier run's sandbox one: then the newcomer gets the sandbox. */
export function wantsSandboxDistrict(cache: Cache): boolean {
  return cache.accounts.list().every((account) => account.id === SANDBOX_ACCOUNT_ID);
}

/** Starts the sandbox LMS, files it as the sandbox account and pulls its realms and rosters into the cache. */
export async function openSandboxDistrict(cache: Cache, options: { port?: number } = {}): Promise<SandboxDistrict> {
  const sandbox = await startSandbox({ seed: 'small', port: options.port ?? 0 });
  try {
    const client = new SchoologyClient({
      baseUrl: sandbox.url,
      credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret },
    });
    const provider = new SchoologyProvider(client);
    const me = await provider.whoAmI();
    cache.accounts.save({
      id: SANDBOX_ACCOUNT_ID,
      name: SANDBOX_ACCOUNT_NAME,
      provider: 'schoology',
      baseUrl: sandbox.url,
      user: { id: me.userId, name: me.name },
    });
    const pulled = await pullAccount(cache, SANDBOX_ACCOUNT_ID, provider);
    return { sandbox, provider, pulled, close: () => sandbox.close() };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}
