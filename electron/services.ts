/**
 * The composition root: builds the main-process services for a data folder. The Electron shell, the browser
 * host (`roster web`) and the tests all start here, so every transport runs the same code on the same cache.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import { type Account, RosterApiError } from '../shared/api';
import type { RosterApiHandlers } from './api-handlers';
import { AccountError, AccountService } from './accounts/account-service';
import { normalizeBaseUrl } from './accounts/account-name';
import { SignInError } from './accounts/sign-in';
import type { AccountRecord } from './db/accounts-repo';
import { openCache, type Cache } from './db/cache';
import { LmsError } from './lms/lms-error';
import type { Transport } from './lms/transport';
import { SANDBOX_ACCOUNT_ID } from './sandbox-district';
import { type CredentialVault, VaultUnavailableError } from './vault/credential-vault';

export interface ServicesOptions {
  /** The per-user app data folder; the cache file lives in it. */
  dataDir: string;
  host: 'electron' | 'browser';
  /**
   * Opens the school's authorize page in the user's browser (main.ts passes Electron's shell.openExternal). Absent in
   * the browser host: there the renderer opens the page in a new tab itself.
   */
  openExternal?: (url: string) => void;
  /** Default: the OS keychain under "Roster Desk". Tests use their own service name. */
  vault?: CredentialVault;
  /** The transport of LMS clients built for accounts; default the Schoology client's own. */
  transport?: () => Transport;
  /**
   * Told after the renderer added an account (two-legged or signed in) or signed one out, so a host running background
   * sync can start or stop it for that account.
   */
  onAccountChange?: (change: { kind: 'added' | 'removed'; accountId: string }) => void;
  /** How long a sign-in waits for the user's answer on the school's page; default sign-in.ts's (10 minutes). */
  signInTimeoutMs?: number;
}

export interface Services {
  handlers: RosterApiHandlers;
  cache: Cache;
  accounts: AccountService;
  /** Something staff must be told at start-up (e.g. a damaged cache was moved aside), or null. */
  notice: string | null;
  close(): void;
}

export const CACHE_FILE_NAME = 'cache.sqlite';

/** A three-legged sign-in waiting for the user's answer on the school's page. */
interface SignInAttemptEntry {
  result: Promise<AccountRecord>;
  cancel(): void;
}

export function createServices(options: ServicesOptions): Services {
  mkdirSync(options.dataDir, { recursive: true });
  const cache = openCache(join(options.dataDir, CACHE_FILE_NAME));
  const accounts = new AccountService({
    cache,
    ...(options.vault ? { vault: options.vault } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
  });
  // Keyed by a random id the renderer holds; the attempt's secrets (request token secret, consumer secret) stay here.
  const attempts = new Map<string, SignInAttemptEntry>();

  const handlers: RosterApiHandlers = {
    appInfo: () => ({ version: pkg.version, host: options.host, cacheNotice: cache.notice }),
    listAccounts: () => cache.accounts.list().map(publicAccount),
    listRealms: (input) => cache.realms.list(input?.accountId),
    queryRoster: (query) => cache.roster.query(query),

    keychainStatus: async () => {
      try {
        await accounts.vault.check();
        return { ok: true as const };
      } catch (error) {
        if (error instanceof VaultUnavailableError) return { ok: false as const, message: error.message };
        throw error;
      }
    },

    addAccount: async (input) => {
      const account = await explained(() =>
        accounts.add({
          provider: input.provider,
          baseUrl: baseUrlOf(input.baseUrl),
          consumerKey: input.consumerKey,
          consumerSecret: input.consumerSecret,
        }),
      );
      options.onAccountChange?.({ kind: 'added', accountId: account.id });
      return publicAccount(account);
    },

    beginSignIn: async (input) => {
      const webUrl = webUrlOf(input.webUrl);
      const started = await explained(() =>
        accounts.beginSignIn(
          { baseUrl: baseUrlOf(input.baseUrl), webUrl, consumerKey: input.consumerKey, consumerSecret: input.consumerSecret },
          options.signInTimeoutMs === undefined ? {} : { timeoutMs: options.signInTimeoutMs },
        ),
      );
      // Nobody may be waiting yet (or ever, if the renderer goes away): the failure is kept for finishSignIn.
      started.result.catch(() => {});
      const attemptId = randomBytes(16).toString('hex');
      attempts.set(attemptId, { result: started.result, cancel: () => started.cancel() });
      options.openExternal?.(started.authorizeUrl);
      return { attemptId, authorizeUrl: started.authorizeUrl };
    },

    finishSignIn: async ({ attemptId }) => {
      const attempt = attemptOf(attemptId);
      try {
        const account = await explained(() => attempt.result);
        options.onAccountChange?.({ kind: 'added', accountId: account.id });
        return publicAccount(account);
      } finally {
        attempts.delete(attemptId);
      }
    },

    cancelSignIn: ({ attemptId }) => {
      const attempt = attempts.get(attemptId);
      if (!attempt) return { cancelled: false };
      attempt.cancel();
      return { cancelled: true };
    },

    signOut: async ({ accountId }) => {
      if (accountId === SANDBOX_ACCOUNT_ID) {
        throw new RosterApiError('not_usable', 'The Sandbox district is built into Roster Desk; there is nothing to sign out of.');
      }
      const removed = await explained(() => accounts.remove(accountId));
      options.onAccountChange?.({ kind: 'removed', accountId: removed.account.id });
      return { accountId: removed.account.id, droppedEdits: removed.droppedEdits };
    },
  };

  function attemptOf(attemptId: string): SignInAttemptEntry {
    const attempt = attempts.get(attemptId);
    if (!attempt) throw new RosterApiError('unknown_attempt', 'That sign-in is over or was never started; start signing in again.');
    return attempt;
  }

  return {
    handlers,
    cache,
    accounts,
    notice: cache.notice,
    close: () => {
      // A listener still waiting for a callback would keep the process alive and write to a closed cache.
      for (const attempt of attempts.values()) attempt.cancel();
      attempts.clear();
      cache.close();
    },
  };
}

/** Exactly the contract's account: the cache record's bookkeeping stays here, and no record holds a secret anyway. */
function publicAccount({ id, name, provider, baseUrl, user }: AccountRecord): Account {
  return { id, name, provider, baseUrl, user };
}

function baseUrlOf(text: string): string {
  try {
    return normalizeBaseUrl(text);
  } catch (error) {
    throw new RosterApiError('invalid_input', `API base URL: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function webUrlOf(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RosterApiError('invalid_input', `School web address: "${text}" is not a URL; give the page you sign in to Schoology at, e.g. https://district.schoology.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RosterApiError('invalid_input', `School web address: "${text}" is not an http(s) URL, e.g. https://district.schoology.com`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Runs an account operation and turns what can go wrong into a RosterApiError whose code the renderer acts on and
 * whose message says what to fix. Anything unexpected is left to dispatch, which logs it and answers 'internal'.
 */
async function explained<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RosterApiError) throw error;
    if (error instanceof VaultUnavailableError) throw new RosterApiError('keychain_unavailable', error.message);
    if (error instanceof SignInError) throw new RosterApiError(error.code, error.message);
    if (error instanceof AccountError) throw new RosterApiError(error.code.replace(/-/g, '_'), error.message);
    if (error instanceof LmsError) {
      throw new RosterApiError('lms_unreachable', `The LMS could not be reached (${error.message}); check the address and the network, then try again.`);
    }
    throw error;
  }
}
