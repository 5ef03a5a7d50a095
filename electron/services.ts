/**
 * The composition root: builds the main-process services for a data folder. The Electron shell, the browser
 * host (`roster web`) and the tests all start here, so every transport runs the same code on the same cache.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import { type Account, type PendingOp, type PendingView, RosterApiError, type SyncStatus } from '../shared/api';
import { describeEdit } from '../shared/pending-sentence';
import type { RosterApiHandlers } from './api-handlers';
import { AccountError, AccountService } from './accounts/account-service';
import { normalizeBaseUrl, normalizeCanvasBaseUrl } from './accounts/account-name';
import { SignInError } from './accounts/sign-in';
import type { AccountRecord } from './db/accounts-repo';
import type { OutboxOp } from './db/outbox-repo';
import { openCache, type Cache } from './db/cache';
import { LmsError } from './lms/lms-error';
import type { Transport } from './lms/transport';
import type { LastSyncRun } from './sync/background-sync';
import type { ConnectivityState } from './sync/connectivity';
import type { SyncProgress } from './sync/engine';
import { editFiltered } from './sync/bulk-edit';
import { EditError, Outbox } from './sync/outbox';
import { exportRoster } from './export/roster-export';
import { applyImport, previewImport } from './import/roster-import';
import type { SyncReport } from './sync/sync-report';
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
  /**
   * The host's background sync (`roster web` passes its BackgroundSync, which has exactly these methods). Without it
   * edits are still queued and listed, but syncNow fails with sync_unavailable and syncStatus reports nothing running.
   */
  sync?: SyncHook;
  /** How long a sign-in waits for the user's answer on the school's page; default sign-in.ts's (10 minutes). */
  signInTimeoutMs?: number;
}

/** What the services need from whatever syncs accounts in the background. */
export interface SyncHook {
  /** The report of a run made now, or null when the account is not being synced. */
  syncNow(accountId: string): Promise<SyncReport | null>;
  /** Edits were queued: sync soon. */
  editsQueued(accountId: string): void;
  connectivityOf(accountId: string): ConnectivityState;
  isSyncing(accountId: string): boolean;
  lastRunOf(accountId: string): LastSyncRun | null;
  /** How far the account's running sync is; null when none runs (absent: progress is never reported). */
  progressOf?(accountId: string): SyncProgress | null;
}

/**
 * A SyncHook for a background sync built after the services (it needs their cache): every call goes to whatever
 * `current()` answers then; before it exists nothing syncs and nothing has run.
 */
export function deferredSyncHook(current: () => SyncHook | null): SyncHook {
  return {
    syncNow: async (accountId) => (await current()?.syncNow(accountId)) ?? null,
    editsQueued: (accountId) => current()?.editsQueued(accountId),
    connectivityOf: (accountId) => current()?.connectivityOf(accountId) ?? 'unknown',
    isSyncing: (accountId) => current()?.isSyncing(accountId) ?? false,
    lastRunOf: (accountId) => current()?.lastRunOf(accountId) ?? null,
    progressOf: (accountId) => current()?.progressOf?.(accountId) ?? null,
  };
}

export interface Services {
  handlers: RosterApiHandlers;
  cache: Cache;
  accounts: AccountService;
  outbox: Outbox;
  /** Something staff must be told at start-up (e.g. a damaged cache was moved aside), or null. */
  notice: string | null;
  close(): void;
}

export const CACHE_FILE_NAME = 'cache.sqlite';

/** A sign-in (Schoology three-legged, Canvas OAuth2) waiting for the user's answer on the school's page. */
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
  const outbox = new Outbox(cache);
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
        accounts.add(
          input.provider === 'canvas'
            ? { provider: 'canvas', baseUrl: canvasBaseUrlOf(input.baseUrl), token: input.token }
            : { provider: 'schoology', baseUrl: baseUrlOf(input.baseUrl), consumerKey: input.consumerKey, consumerSecret: input.consumerSecret },
        ),
      );
      options.onAccountChange?.({ kind: 'added', accountId: account.id });
      return publicAccount(account);
    },

    beginSignIn: async (input) => {
      const timing = options.signInTimeoutMs === undefined ? {} : { timeoutMs: options.signInTimeoutMs };
      const started = await explained(() => {
        if (input.provider === 'canvas') {
          const start = { baseUrl: canvasBaseUrlOf(input.baseUrl), clientId: input.clientId, clientSecret: input.clientSecret };
          return accounts.beginCanvasSignIn(start, timing);
        }
        const webUrl = webUrlOf(input.webUrl);
        return accounts.beginSignIn({ baseUrl: baseUrlOf(input.baseUrl), webUrl, consumerKey: input.consumerKey, consumerSecret: input.consumerSecret }, timing);
      });
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

    applyEdits: ({ edits }) => {
      const results = editsDone(() => outbox.apply(edits));
      const touched = new Set<string>();
      for (const result of results) if (result.op) touched.add(result.op.accountId);
      // A cancelled edit leaves no op, but the account of its realm may still have others waiting.
      for (const edit of edits) touched.add(edit.kind === 'access_code' ? edit.accountId : (cache.realms.get(edit.realmId)?.accountId ?? ''));
      touched.delete('');
      for (const accountId of touched) options.sync?.editsQueued(accountId);
      return { results: results.map((result) => ({ outcome: result.outcome, opId: result.op?.id ?? null })) };
    },

    findPeople: ({ accountId, text, limit }) => {
      if (!cache.accounts.get(accountId)) throw new RosterApiError('unknown_account', `There is no account "${accountId}"; add it first.`);
      return cache.people.find(accountId, text, limit);
    },

    queryRosterRefs: (query) => cache.roster.refs(query),

    editFiltered: (input) => {
      const { accounts: touched, ...counts } = editsDone(() => editFiltered(cache, outbox, input));
      for (const accountId of touched) options.sync?.editsQueued(accountId);
      return counts;
    },

    exportRoster: (input) => exportRoster(cache, input),

    previewImport: (input) => previewImport(cache, input),

    applyImport: (input) => {
      const result = editsDone(() => applyImport(cache, outbox, input));
      const accountId = cache.realms.get(input.realmId)?.accountId;
      if (accountId !== undefined && result.queued + result.merged + result.cancelled > 0) options.sync?.editsQueued(accountId);
      return result;
    },

    listPending: (input) => {
      const accountIds = input?.accountId !== undefined ? [input.accountId] : cache.accounts.list().map((account) => account.id);
      const view: PendingView = { queued: [], rejected: [], conflicts: [] };
      for (const accountId of accountIds) {
        const pending = outbox.pending(accountId);
        view.queued.push(...[...pending.queued, ...pending.inFlight].sort((a, b) => a.seq - b.seq).map(pendingOp));
        view.rejected.push(...pending.rejected.map(pendingOp));
        view.conflicts.push(...pending.conflicts.map((op) => ({ ...pendingOp(op), conflicts: op.conflicts.map(({ field, mine, theirs }) => ({ field, mine, theirs })) })));
      }
      return view;
    },

    undoEdit: ({ opId }) => {
      editsDone(() => outbox.undo(opId));
      return { opId };
    },

    undoAll: ({ accountId }) => ({ accountId, undone: editsDone(() => outbox.undoAll(accountId)) }),

    discardEdit: ({ opId }) => {
      editsDone(() => outbox.discard(opId));
      return { opId };
    },

    resolveConflict: ({ opId, choice }) => {
      const op = cache.outbox.get(opId);
      editsDone(() => outbox.resolve(opId, choice));
      // keep-mine queues the edit again: it goes out with the next sync.
      if (op && cache.outbox.get(opId)?.state === 'queued') options.sync?.editsQueued(op.accountId);
      return { opId, choice };
    },

    syncNow: async ({ accountId }) => {
      if (!cache.accounts.get(accountId)) throw new RosterApiError('unknown_account', `There is no account "${accountId}"; add it first.`);
      const report = options.sync ? await options.sync.syncNow(accountId) : null;
      if (!report) {
        throw new RosterApiError('sync_unavailable', `The account "${accountId}" is not being synced here (no keychain, or the app runs without sync); its edits stay queued.`);
      }
      return report;
    },

    syncStatus: () =>
      cache.accounts.list().map((account): SyncStatus => {
        const last = options.sync?.lastRunOf(account.id) ?? null;
        return {
          accountId: account.id,
          connectivity: options.sync?.connectivityOf(account.id) ?? 'unknown',
          syncing: options.sync?.isSyncing(account.id) ?? false,
          lastRun: last && {
            finishedAt: last.finishedAt,
            outcome: last.report.outcome,
            counts: {
              applied: last.report.applied,
              done: last.report.done,
              rejected: last.report.rejected,
              conflicts: last.report.conflicts,
              requeued: last.report.requeued,
            },
            message: last.report.message,
          },
          pending: cache.outbox.listByAccount(account.id).length,
          progress: progressView(options.sync?.progressOf?.(account.id) ?? null),
        };
      }),
  };

  /** An op as the pending panel shows it, with its sentence built from the cached names and titles. */
  function pendingOp(op: OutboxOp): PendingOp {
    const realm = op.realmId === null ? null : cache.realms.get(op.realmId);
    const person = op.userId === null ? null : cache.enrollments.getPerson(op.accountId, op.userId);
    const { role, status, accessCode, realmKind } = op.fields;
    const fields = {
      ...(role !== undefined && op.kind !== 'remove' ? { role } : {}),
      ...(status !== undefined && op.kind !== 'remove' ? { status } : {}),
      ...(accessCode !== undefined ? { accessCode } : {}),
      ...(realmKind !== undefined ? { realmKind } : {}),
    };
    return {
      id: op.id,
      accountId: op.accountId,
      realmId: op.realmId,
      kind: op.kind,
      enrollmentId: op.enrollmentId,
      userId: op.userId,
      fields,
      state: op.state,
      error: op.error,
      sentence: describeEdit(
        { kind: op.kind, fields, userId: op.userId, enrollmentId: op.enrollmentId },
        { person: person ? person.displayName : null, realm },
      ),
      createdAt: op.createdAt,
    };
  }

  function attemptOf(attemptId: string): SignInAttemptEntry {
    const attempt = attempts.get(attemptId);
    if (!attempt) throw new RosterApiError('unknown_attempt', 'That sign-in is over or was never started; start signing in again.');
    return attempt;
  }

  return {
    handlers,
    cache,
    accounts,
    outbox,
    notice: cache.notice,
    close: () => {
      // A listener still waiting for a callback would keep the process alive and write to a closed cache.
      for (const attempt of attempts.values()) attempt.cancel();
      attempts.clear();
      cache.close();
    },
  };
}

/** Runs an outbox operation; an EditError becomes a RosterApiError with its code (unknown_realm, held, …) and message. */
function editsDone<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof EditError) {
      const where = error.index === null ? '' : `Edit ${error.index + 1}: `;
      // The outbox words a held edit for the CLI (`roster resolve …`); in the app it is settled in Pending changes.
      const message = error.heldOp ? heldInApp(error.heldOp) : error.message;
      throw new RosterApiError(error.code.replace(/-/g, '_'), `${where}${message}`);
    }
    throw error;
  }
}

/** The engine's progress as the sync bar gets it: without the batch details, which are the engine's own business. */
function progressView(progress: SyncProgress | null): SyncStatus['progress'] {
  return progress && { phase: progress.phase, done: progress.done, total: progress.total };
}

function heldInApp(op: NonNullable<EditError['heldOp']>): string {
  const reason = op.error ? ` (${op.error})` : '';
  return op.state === 'conflict'
    ? `This person has an edit in conflict with the LMS${reason}. Settle it first under Pending changes: Keep mine or Take theirs.`
    : `This person has an edit the LMS rejected${reason}. Discard it under Pending changes first, then edit again.`;
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

function canvasBaseUrlOf(text: string): string {
  try {
    return normalizeCanvasBaseUrl(text);
  } catch (error) {
    throw new RosterApiError('invalid_input', `Canvas address: ${error instanceof Error ? error.message : String(error)}`);
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
