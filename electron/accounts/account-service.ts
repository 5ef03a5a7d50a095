/**
 * LMS accounts: adding one (checked against the LMS before anything is saved), listing, removing, and building the
 * provider that talks to an account's LMS with the credentials from the vault.
 *
 * The split of what lives where is the point of this file: the cache gets the account's name, URL and user (what
 * screens show and what realms and queued edits hang off); the keychain gets the secrets. Removing an account
 * removes both.
 *
 * Schoology accounts hold a consumer key and secret (and perhaps a three-legged access token); Canvas accounts a Bearer
 * access token: a personal one, or an OAuth2 one with its refresh token and developer key, renewed when it expires. Which one an account is, is its `provider` in the cache; its keychain entry says the same.
 *
 * The built-in Sandbox district ('sandbox') is an account of the cache too, but its credentials exist only in the
 * memory of the `roster web` / app process that started it: it is not listed here and no provider can be built for it.
 */
import { resolve } from 'node:path';
import type { Provider } from '../../shared/domain/provider';
import type { Cache } from '../db/cache';
import type { AccountRecord } from '../db/accounts-repo';
import { LmsError } from '../lms/lms-error';
import { canvasAuthorizeUrl, exchangeCanvasCode, oauthReason, RefreshingCanvasToken, type CanvasOAuthTokens } from '../lms/canvas/canvas-oauth2';
import { createCanvasProvider } from '../lms/canvas/canvas-provider';
import type { LmsProvider } from '../lms/provider';
import { SchoologyClient } from '../lms/schoology/schoology-client';
import { SchoologyProvider } from '../lms/schoology/schoology-provider';
import type { Transport, TransportOptions } from '../lms/transport';
import { SANDBOX_ACCOUNT_ID } from '../sandbox-district';
import {
  CredentialVault,
  vaultKeyOf,
  VaultUnavailableError,
  type CanvasCredentials,
  type SchoologyCredentials,
  type StoredCredentials,
} from '../vault/credential-vault';
import { accountNameOf, normalizeBaseUrl, normalizeCanvasBaseUrl } from './account-name';
import { SignInError, startLoopbackSignIn, startSignIn, type SignInAttempt, type SignInStart } from './sign-in';

export interface NewSchoologyAccount {
  provider: 'schoology';
  /** The API base, e.g. "https://api.schoology.com/v1". */
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
}

export interface NewCanvasAccount {
  provider: 'canvas';
  /** The Canvas instance, e.g. "https://school.instructure.com" (a trailing /api/v1 is accepted and dropped). */
  baseUrl: string;
  /** A personal access token (Account → Settings → Approved Integrations). */
  token: string;
}

export type NewAccount = NewSchoologyAccount | NewCanvasAccount;

/** "Sign in with Canvas" (OAuth2): the instance and the developer key (Admin → Developer Keys) the app signs in with. */
export interface CanvasSignInStart {
  /** The Canvas instance, e.g. "https://school.instructure.com". */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

export type AccountErrorCode =
  /** No account of that name. */
  | 'unknown-account'
  /** The account exists but cannot be used from here (the Sandbox district). */
  | 'not-usable'
  /** The keychain has no credentials for the account. */
  | 'no-credentials'
  /** The LMS refused the credentials being added (401/403). */
  | 'refused'
  /** The URL answered, but not as an LMS API (404 for users/me). */
  | 'not-an-api'
  /** A sign-in was given a web URL that is not an http(s) URL. */
  | 'bad-web-url'
  /** The name the new account would get belongs to an account of the other LMS (the same host, port and user id). */
  | 'name-taken';

export class AccountError extends Error {
  override name = 'AccountError';
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RemovedAccount {
  account: AccountRecord;
  /** Queued, rejected or conflicting edits that went with it. */
  droppedEdits: number;
  /** Whether the keychain held an entry for it (false: it was already gone). */
  keychainEntryDeleted: boolean;
}

export interface AccountServiceOptions {
  cache: Cache;
  /** Default: the OS keychain under "Roster Desk". */
  vault?: CredentialVault;
  /** The transport for an account's client; default the Schoology client's own (retries, 45 requests per 5 s). */
  transport?: () => Transport;
  /** The transport policy of a Canvas account's client; default the Canvas client's own (throttle-aware pacing). */
  canvasTransport?: TransportOptions;
}

/** The keychain key of a cached account. Accounts are only saved once their user is known, so it always exists. */
function vaultKeyOfAccount(account: AccountRecord): string {
  if (!account.user) throw new AccountError('no-credentials', `account "${account.name}" has no known user; add it again`);
  return vaultKeyOf(account.provider, account.baseUrl, account.user.id);
}

export class AccountService {
  readonly vault: CredentialVault;
  private readonly cache: Cache;
  private readonly transport: (() => Transport) | undefined;
  private readonly canvasTransport: TransportOptions | undefined;
  /** One provider per account and process, so every caller shares its client's rate limiter. */
  private readonly providers = new Map<string, Promise<LmsProvider>>();

  /** Which cache the keychain entries written here belong to (see StoredCredentials.owner). */
  private readonly owner: string;

  constructor(options: AccountServiceOptions) {
    this.cache = options.cache;
    this.vault = options.vault ?? new CredentialVault();
    this.transport = options.transport;
    this.canvasTransport = options.canvasTransport;
    this.owner = this.cache.db.memory ? `memory:${process.pid}` : resolve(this.cache.db.name);
  }

  /**
   * Checks the credentials with one call that says who they belong to (Schoology: a signed users/me; Canvas:
   * users/self), then stores the secrets in the keychain and the account in the cache. Adding the same LMS user again
   * (e.g. with a new secret or token) updates the account. Throws VaultUnavailableError before any network call when
   * there is no keychain, AccountError('refused' | 'not-an-api' | 'name-taken') for credentials or a URL the LMS does
   * not accept, and LmsError (transient) when the LMS cannot be reached; nothing is saved then.
   */
  async add(input: NewAccount, signal?: AbortSignal): Promise<AccountRecord> {
    if (input.provider === 'canvas') {
      const baseUrl = normalizeCanvasBaseUrl(input.baseUrl);
      await this.vault.check();
      return this.checkAndSave(baseUrl, { provider: 'canvas', token: input.token }, signal);
    }
    const baseUrl = normalizeBaseUrl(input.baseUrl);
    await this.vault.check();
    return this.checkAndSave(baseUrl, { consumerKey: input.consumerKey, consumerSecret: input.consumerSecret }, signal);
  }

  /**
   * "Sign in with Schoology" (three-legged): starts a loopback listener and gets a request token; the attempt's
   * authorizeUrl is the school's page for the user. Once they allow it, the access token is checked with users/me and
   * stored like `add` stores its secrets (signing in again to an existing account replaces its credentials: that is
   * the way back after a token expired). Throws VaultUnavailableError before anything starts when there is no keychain,
   * AccountError('refused') when the LMS refuses the consumer key and secret, LmsError when it cannot be reached.
   */
  async beginSignIn(start: SignInStart, options: { timeoutMs?: number } = {}): Promise<SignInAttempt> {
    const baseUrl = normalizeBaseUrl(start.baseUrl);
    const webUrl = normalizeWebUrl(start.webUrl);
    await this.vault.check();
    const consumer = { consumerKey: start.consumerKey, consumerSecret: start.consumerSecret };
    const client = this.client(baseUrl, consumer);
    return startSignIn(
      {
        requestToken: async (callbackUrl, signal) => {
          try {
            return await client.requestToken(callbackUrl, signal);
          } catch (error) {
            throw explainCheckFailure(error, 'schoology', baseUrl);
          }
        },
        authorizeUrl: (token, callbackUrl) => client.authorizeUrl(webUrl, token, callbackUrl),
        accessToken: async (request, verifier, signal) => {
          try {
            return await client.accessToken(request.token, request.tokenSecret, verifier, signal);
          } catch (error) {
            if (error instanceof LmsError && (error.kind === 'unauthorized' || error.kind === 'forbidden')) {
              throw new SignInError('failed', `${baseUrl} refused to issue an access token (HTTP ${error.status ?? 401}); nothing was saved. Sign in again.`, { cause: error });
            }
            throw error;
          }
        },
        complete: (access, signal) =>
          this.checkAndSave(baseUrl, { ...consumer, token: access.token, tokenSecret: access.tokenSecret, webUrl }, signal),
      },
      options,
    );
  }

  /**
   * "Sign in with Canvas" (OAuth2 authorization code with a loopback redirect, lms-api-notes §2.5): the attempt's
   * authorizeUrl is Canvas's /login/oauth2/auth page for the user. Once they authorize, the code is traded for an
   * access and a refresh token, checked with users/self and stored with the developer key (the client needs both to
   * renew the access token when its hour is up). Signing in again to an existing account replaces its credentials.
   * Throws VaultUnavailableError before anything starts when there is no keychain.
   */
  async beginCanvasSignIn(start: CanvasSignInStart, options: { timeoutMs?: number } = {}): Promise<SignInAttempt> {
    const baseUrl = normalizeCanvasBaseUrl(start.baseUrl);
    const key = { clientId: start.clientId.trim(), clientSecret: start.clientSecret.trim() };
    await this.vault.check();
    let redirectUri = '';
    return startLoopbackSignIn(
      {
        begin: async (listener) => {
          redirectUri = listener.redirectUri;
          return canvasAuthorizeUrl(baseUrl, { clientId: key.clientId, redirectUri, state: listener.state });
        },
        answer: async (params, signal) => {
          const error = params.get('error');
          if (error === 'access_denied') return { denied: "Sign-in was cancelled at Canvas's authorize page; nothing was saved." };
          if (error !== null) {
            return { invalid: `Canvas did not authorize the sign-in (${error}: ${params.get('error_description') ?? 'no reason given'}); check the client ID, then sign in again. Nothing was saved.` };
          }
          const code = params.get('code');
          if (!code) return { invalid: 'Canvas sent the browser back without an authorization code; nothing was saved. Sign in again.' };
          let tokens: CanvasOAuthTokens;
          try {
            tokens = await exchangeCanvasCode(baseUrl, key, { code, redirectUri }, this.canvasTransport ? { transport: this.canvasTransport } : {}, signal);
          } catch (cause) {
            if (cause instanceof LmsError && (cause.kind === 'rejected' || cause.kind === 'unauthorized' || cause.kind === 'forbidden')) {
              throw new SignInError(
                'failed',
                `${baseUrl} refused to issue an access token (${oauthReason(cause)}); check the developer key's client ID and secret, then sign in again. Nothing was saved.`,
                { cause },
              );
            }
            throw cause;
          }
          const credentials: CanvasCredentials = {
            provider: 'canvas',
            token: tokens.accessToken,
            ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken, ...key } : {}),
            ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}),
          };
          return { account: await this.checkAndSave(baseUrl, credentials, signal) };
        },
      },
      options,
    );
  }

  /**
   * Deletes the keychain entries this cache wrote whose account is no longer in it (removed while the keychain was
   * locked, or a save that failed half-way); entries of other data folders are left alone. Returns how many went.
   */
  async cleanOrphans(): Promise<number> {
    const live = new Set(
      this.cache.accounts
        .list()
        .filter((account) => account.user)
        .map((account) => vaultKeyOfAccount(account)),
    );
    let deleted = 0;
    for (const { key, owner } of await this.vault.owners()) {
      if (owner !== this.owner || live.has(key)) continue;
      if (await this.vault.delete(key)) deleted++;
    }
    return deleted;
  }

  /**
   * The one line telling the user how to sign the account in again after the LMS refused its credentials (an
   * expired or revoked token, a rotated secret): `roster account login …` with the account's URLs for a three-legged
   * account, `roster account add …` for API credentials. Never includes a secret.
   */
  async signInAgainHint(accountId: string): Promise<string> {
    const account = this.cache.accounts.get(accountId);
    if (!account) return 'add the account again with `roster account add`';
    let stored: StoredCredentials | null;
    try {
      stored = account.user ? await this.vault.load(vaultKeyOfAccount(account)) : null;
    } catch {
      stored = null;
    }
    if (account.provider === 'canvas') {
      if (stored?.provider === 'canvas' && stored.clientId) return `sign in again with \`${canvasLoginCommand(account.baseUrl, stored.clientId)}\``;
      return `create a new access token under Account → Settings → Approved Integrations in Canvas, then add it with \`${canvasAddCommand(account.baseUrl)}\``;
    }
    const credentials = stored?.provider === undefined ? stored : null;
    const key = credentials?.consumerKey ?? 'KEY';
    if (credentials?.token && credentials.webUrl) {
      return `sign in again with \`roster account login ${account.provider} --base-url ${account.baseUrl} --web-url ${credentials.webUrl} --key ${key} --secret-stdin\``;
    }
    return `add the account's API credentials again with \`roster account add ${account.provider} --base-url ${account.baseUrl} --key ${key} --secret-stdin\``;
  }

  /**
   * Who the credentials belong to (users/me, users/self), then the secrets into the keychain and the account into the
   * cache.
   */
  private async checkAndSave(baseUrl: string, credentials: StoredCredentials, signal?: AbortSignal): Promise<AccountRecord> {
    const kind = providerOfCredentials(credentials);
    const provider = this.lmsProvider(baseUrl, credentials);
    let me;
    try {
      me = await provider.whoAmI(signal);
    } catch (error) {
      throw explainCheckFailure(error, kind, baseUrl);
    }
    signal?.throwIfAborted();
    const name = accountNameOf(baseUrl, me.userId);
    const existing = this.cache.accounts.get(name);
    if (existing && existing.provider !== kind) {
      // Saving would turn the other LMS's account (its realms, rosters and queued edits) into this one.
      throw new AccountError(
        'name-taken',
        `the account name ${name} already belongs to a ${existing.provider} account at ${existing.baseUrl}; remove it first (\`roster account remove ${name}\`). Nothing was saved.`,
      );
    }
    const key = vaultKeyOf(kind, baseUrl, me.userId);
    await this.vault.save(key, { ...credentials, owner: this.owner });
    try {
      const account = this.cache.accounts.save({ id: name, name, provider: kind, baseUrl, user: { id: me.userId, name: me.name } });
      this.providers.delete(account.id);
      return account;
    } catch (error) {
      // The keychain must not keep secrets of an account the app does not know about.
      await this.vault.delete(key).catch(() => false);
      throw error;
    }
  }

  /** The LMS accounts, by name (the Sandbox district is not one of them). */
  list(): AccountRecord[] {
    return this.cache.accounts.list().filter((account) => account.id !== SANDBOX_ACCOUNT_ID);
  }

  /** The LMS account of that name, or null. */
  get(name: string): AccountRecord | null {
    if (name === SANDBOX_ACCOUNT_ID) return null;
    return this.cache.accounts.get(name);
  }

  require(name: string): AccountRecord {
    const account = this.get(name);
    if (account) return account;
    const known = this.list().map((a) => a.name);
    throw new AccountError(
      'unknown-account',
      `no account named "${name}"; ${known.length ? `the accounts are: ${known.join(', ')}` : 'add one with `roster account add`'}`,
    );
  }

  /**
   * Deletes the account's keychain entry, then the account with everything cached for it (realms, rosters, queued
   * edits, sync history). The keychain goes first: if it cannot be reached the account stays, so no secret is left
   * behind without an account that points at it.
   */
  async remove(name: string): Promise<RemovedAccount> {
    const account = this.require(name);
    const droppedEdits = this.cache.outbox.listByAccount(account.id).length;
    const keychainEntryDeleted = account.user ? await this.vault.delete(vaultKeyOfAccount(account)) : false;
    this.cache.accounts.remove(account.id);
    this.providers.delete(account.id);
    return { account, droppedEdits, keychainEntryDeleted };
  }

  /** The LMS of the account, signed with its credentials from the keychain. */
  providerFor(accountId: string): Promise<LmsProvider> {
    let provider = this.providers.get(accountId);
    if (!provider) {
      provider = this.buildProvider(accountId);
      this.providers.set(accountId, provider);
      // A failure (no keychain yet) must not be remembered: the next call tries again.
      provider.catch(() => this.providers.delete(accountId));
    }
    return provider;
  }

  private async buildProvider(accountId: string): Promise<LmsProvider> {
    if (accountId === SANDBOX_ACCOUNT_ID) {
      throw new AccountError(
        'not-usable',
        'the Sandbox district lives only inside `roster web` and the app; add an LMS account to pull and sync from here',
      );
    }
    const account = this.cache.accounts.get(accountId);
    if (!account) throw new AccountError('unknown-account', `no account "${accountId}" in the offline cache; add it with \`roster account add\``);
    const addAgain =
      account.provider === 'canvas'
        ? canvasAddCommand(account.baseUrl)
        : `roster account add ${account.provider} --base-url ${account.baseUrl} --key KEY --secret-stdin`;
    const credentials = await this.vault.load(vaultKeyOfAccount(account));
    if (!credentials) {
      throw new AccountError('no-credentials', `the keychain holds no credentials for account "${account.name}"; add them again with \`${addAgain}\``);
    }
    if (providerOfCredentials(credentials) !== account.provider) {
      throw new AccountError(
        'no-credentials',
        `the keychain entry of account "${account.name}" holds credentials of another LMS than ${account.provider}; add them again with \`${addAgain}\``,
      );
    }
    return this.lmsProvider(account.baseUrl, credentials, vaultKeyOfAccount(account));
  }

  /**
   * The provider for an LMS at `baseUrl` signed with `credentials`, whose kind says which LMS it is; `vaultKey` is where
   * they are kept (absent while they are being checked, before they are saved).
   */
  private lmsProvider(baseUrl: string, credentials: StoredCredentials, vaultKey?: string): LmsProvider {
    if (credentials.provider === 'canvas') return this.canvas(baseUrl, credentials, vaultKey);
    return new SchoologyProvider(this.client(baseUrl, credentials));
  }

  /**
   * A Canvas account's provider. An OAuth2 sign-in's token renews itself from its refresh token when Canvas says it
   * expired, and each new access token goes back into the keychain entry; a personal token is used as it is. Pushes
   * go through SIS imports when the user may run them (canvas-provider.ts decides).
   */
  private canvas(baseUrl: string, credentials: CanvasCredentials, vaultKey?: string): LmsProvider {
    const { refreshToken, clientId, clientSecret } = credentials;
    const token =
      refreshToken && clientId && clientSecret
        ? new RefreshingCanvasToken({
            baseUrl,
            key: { clientId, clientSecret },
            accessToken: credentials.token,
            refreshToken,
            signInAgain: canvasLoginCommand(baseUrl, clientId),
            ...(this.canvasTransport ? { transport: this.canvasTransport } : {}),
            ...(vaultKey ? { onRefresh: (renewed: { accessToken: string; expiresAt?: number }) => this.keepRenewedToken(vaultKey, refreshToken, renewed) } : {}),
          })
        : credentials.token;
    return createCanvasProvider({ baseUrl, token, sisImport: 'auto', ...(this.canvasTransport ? { transport: this.canvasTransport } : {}) });
  }

  /**
   * Writes a renewed access token into the account's keychain entry, unless the entry was replaced meanwhile (signed in
   * again, or removed). A keychain that cannot be reached is no reason to fail the request that needed the token: the
   * entry's refresh token does not change on renewal (§2.5), so the next start renews again.
   */
  private async keepRenewedToken(vaultKey: string, refreshToken: string, renewed: { accessToken: string; expiresAt?: number }): Promise<void> {
    try {
      const stored = await this.vault.load(vaultKey);
      if (stored?.provider !== 'canvas' || stored.refreshToken !== refreshToken) return;
      const { expiresAt: _old, ...rest } = stored;
      await this.vault.save(vaultKey, { ...rest, token: renewed.accessToken, ...(renewed.expiresAt !== undefined ? { expiresAt: renewed.expiresAt } : {}) });
    } catch (error) {
      if (!(error instanceof VaultUnavailableError)) throw error;
    }
  }

  private client(baseUrl: string, credentials: SchoologyCredentials): SchoologyClient {
    const transport = this.transport?.();
    const { consumerKey, consumerSecret, token, tokenSecret } = credentials;
    const oauth = { consumerKey, consumerSecret, ...(token && tokenSecret ? { token, tokenSecret } : {}) };
    return new SchoologyClient({ baseUrl, credentials: oauth, ...(transport ? { transport } : {}) });
  }
}

/** The school's web side as given for a sign-in: an http(s) URL, kept as its origin and path without a trailing slash. */
function normalizeWebUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AccountError('bad-web-url', `"${text}" is not a URL; give the school's Schoology address, e.g. https://district.schoology.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AccountError('bad-web-url', `"${text}" is not an http(s) URL; give the school's Schoology address, e.g. https://district.schoology.com`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function providerOfCredentials(credentials: StoredCredentials): Provider {
  return credentials.provider === 'canvas' ? 'canvas' : 'schoology';
}

/** How staff sign a Canvas account in again with OAuth2; the client secret comes from stdin, never the command line. */
function canvasLoginCommand(baseUrl: string, clientId: string): string {
  return `roster account login canvas --base-url ${baseUrl} --client-id ${clientId} --client-secret-stdin`;
}

/** How staff add (or re-add) a Canvas account; the token comes from stdin, never the command line. */
function canvasAddCommand(baseUrl: string): string {
  return `roster account add canvas --base-url ${baseUrl} --token-stdin`;
}

/** A failed users/me (users/self) during `add`, in words that say which part of the input to fix. */
function explainCheckFailure(error: unknown, provider: Provider, baseUrl: string): unknown {
  if (!(error instanceof LmsError)) return error;
  if (provider === 'canvas') return explainCanvasCheckFailure(error, baseUrl);
  switch (error.kind) {
    case 'unauthorized':
    case 'forbidden':
      return new AccountError(
        'refused',
        `${baseUrl} refused this consumer key and secret (HTTP ${error.status ?? 401}); copy both again from your school's /api page. Nothing was saved.`,
        { cause: error },
      );
    case 'not-found':
    case 'rejected':
      return new AccountError(
        'not-an-api',
        `${baseUrl} did not answer users/me as an LMS API (HTTP ${error.status ?? '?'}); give the API base, e.g. https://api.schoology.com/v1. Nothing was saved.`,
        { cause: error },
      );
    default:
      return error;
  }
}

/**
 * A failed users/self. 401 is Canvas's answer to an unknown, expired or deleted token (lms-api-notes §2.5); a plain 403
 * there means the token may not read its own user. A 404 means the address is not a Canvas instance.
 */
function explainCanvasCheckFailure(error: LmsError, baseUrl: string): unknown {
  switch (error.kind) {
    case 'unauthorized':
    case 'forbidden':
      return new AccountError(
        'refused',
        `${baseUrl} refused this access token (HTTP ${error.status ?? 401}); create a new access token under Account → Settings → Approved Integrations in Canvas and add it again. Nothing was saved.`,
        { cause: error },
      );
    case 'not-found':
    case 'rejected':
      return new AccountError(
        'not-an-api',
        `${baseUrl} did not answer users/self as a Canvas API (HTTP ${error.status ?? '?'}); give the Canvas address, e.g. https://school.instructure.com. Nothing was saved.`,
        { cause: error },
      );
    default:
      return error;
  }
}
