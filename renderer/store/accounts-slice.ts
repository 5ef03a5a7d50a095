/**
 * LMS accounts in the renderer: adding one (an API key or token), "Sign in with Schoology" (three-legged) or "Sign in
 * with Canvas" (OAuth2), signing out, and
 * the banners that tell staff how each ended and what to do about it.
 *
 * Secrets pass through here only as arguments on their way to the main process: nothing in this slice (or anywhere
 * in the store) ever holds a consumer secret or a token, and no reply from the main process carries one.
 */
import type { StateCreator } from 'zustand';
import { type Account, type AddAccountInput, type BeginSignInInput, type KeychainStatus, RosterApiError } from '../../shared/api';
import { getApi } from '../api';
import type { RosterStore } from './index';
import { messageOf } from './error-message';

export type AccountBanner =
  | { tone: 'error'; code: string; text: string }
  | { tone: 'success'; code: 'signed-in' | 'added' | 'signed-out' | 'cancelled'; text: string };

export interface SignInWait {
  attemptId: string;
  authorizeUrl: string;
}

export interface AccountsSlice {
  accountsPanelOpen: boolean;
  /** null until asked; { ok: false, message } says which keychain is missing and how to get one. */
  keychain: KeychainStatus | null;
  /** What the accounts panel is doing right now (one thing at a time). */
  accountsBusy: 'idle' | 'adding' | 'starting-sign-in' | 'signing-out';
  /** A sign-in waiting for the user's answer on the school's page. */
  signInWait: SignInWait | null;
  /** Why the last add or sign-in could not start, shown next to its form. */
  accountFormError: string | null;
  /** How the last account action ended, shown as a banner until dismissed or replaced. */
  accountBanner: AccountBanner | null;
  openAccountsPanel(): void;
  closeAccountsPanel(): void;
  loadKeychainStatus(): Promise<void>;
  refreshAccounts(): Promise<void>;
  addAccount(input: AddAccountInput): Promise<boolean>;
  signIn(input: BeginSignInInput): Promise<void>;
  cancelSignIn(): Promise<void>;
  signOut(account: Account): Promise<void>;
  dismissAccountBanner(): void;
}

/** "Mr. Strickland at api.schoology.com": the one way the renderer names who an account is signed in as. */
export function signedInAs(account: Account): string {
  const who = account.user?.name ?? account.name;
  return `${who} at ${hostOf(account.baseUrl)}`;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** How each LMS's sign-in is named, and the button its page calls Allow. */
const SIGN_IN_WORDS: Record<BeginSignInInput['provider'], { flow: string; allow: string; credentials: string }> = {
  schoology: { flow: 'Sign in with Schoology', allow: 'Allow', credentials: "the addresses and the app's key and secret" },
  canvas: { flow: 'Sign in with Canvas', allow: 'Authorize', credentials: "the Canvas address and the developer key's client ID and secret" },
};

/** Banner words for a sign-in that ended without an account: what happened, then what to do. */
function signInFailureText(error: unknown, provider: BeginSignInInput['provider']): AccountBanner {
  const code = error instanceof RosterApiError ? error.code : 'failed';
  const words = SIGN_IN_WORDS[provider];
  switch (code) {
    case 'denied':
      return { tone: 'error', code, text: `Sign-in was denied at the school's page, so nothing was saved. To sign in, start “${words.flow}” again and choose ${words.allow}.` };
    case 'timeout':
      return { tone: 'error', code, text: `Sign-in timed out: the school's page was not answered in time, so nothing was saved. Start “${words.flow}” again and choose ${words.allow}.` };
    case 'cancelled':
      return { tone: 'success', code, text: 'Sign-in cancelled; nothing was saved.' };
    case 'keychain_unavailable':
      return { tone: 'error', code, text: messageOf(error) };
    default:
      return { tone: 'error', code, text: `${messageOf(error)} Check ${words.credentials}, then sign in again.` };
  }
}

/** The newest sign-in wins: an answer for an attempt the user already left behind is ignored. */
let currentAttempt: string | null = null;

export const createAccountsSlice: StateCreator<RosterStore, [], [], AccountsSlice> = (set, get) => ({
  accountsPanelOpen: false,
  keychain: null,
  accountsBusy: 'idle',
  signInWait: null,
  accountFormError: null,
  accountBanner: null,

  openAccountsPanel() {
    set({ accountsPanelOpen: true });
    void get().loadKeychainStatus();
  },
  closeAccountsPanel() {
    set({ accountsPanelOpen: false, accountFormError: null });
  },

  async loadKeychainStatus() {
    try {
      set({ keychain: await getApi().keychainStatus() });
    } catch (error) {
      set({ keychain: { ok: false, message: messageOf(error) } });
    }
  },

  async refreshAccounts() {
    const accounts = await getApi().listAccounts();
    set({ accounts });
  },

  async addAccount(input) {
    set({ accountsBusy: 'adding', accountFormError: null });
    try {
      const account = await getApi().addAccount(input);
      await get().refreshAccounts();
      set({ accountsBusy: 'idle', accountBanner: { tone: 'success', code: 'added', text: `Signed in as ${signedInAs(account)}.` } });
      void get().loadRealms();
      return true;
    } catch (error) {
      if (error instanceof RosterApiError && error.code === 'keychain_unavailable') void get().loadKeychainStatus();
      set({ accountsBusy: 'idle', accountFormError: messageOf(error) });
      return false;
    }
  },

  async signIn(input) {
    set({ accountsBusy: 'starting-sign-in', accountFormError: null });
    let wait: SignInWait;
    try {
      wait = await getApi().beginSignIn(input);
    } catch (error) {
      if (error instanceof RosterApiError && error.code === 'keychain_unavailable') void get().loadKeychainStatus();
      set({ accountsBusy: 'idle', accountFormError: messageOf(error) });
      return;
    }
    currentAttempt = wait.attemptId;
    set({ accountsBusy: 'idle', signInWait: wait, accountBanner: null });
    // Under Electron the main process has opened the page in the system browser; a browser tab must do it itself.
    if (get().appInfo?.host === 'browser') window.open(wait.authorizeUrl, '_blank', 'noopener,noreferrer');
    try {
      const account = await getApi().finishSignIn({ attemptId: wait.attemptId });
      if (currentAttempt !== wait.attemptId) return;
      await get().refreshAccounts();
      set({ signInWait: null, accountBanner: { tone: 'success', code: 'signed-in', text: `Signed in as ${signedInAs(account)}.` } });
      void get().loadRealms();
    } catch (error) {
      if (currentAttempt !== wait.attemptId) return;
      set({ signInWait: null, accountBanner: signInFailureText(error, input.provider) });
    } finally {
      if (currentAttempt === wait.attemptId) currentAttempt = null;
    }
  },

  async cancelSignIn() {
    const wait = get().signInWait;
    if (!wait) return;
    try {
      // finishSignIn then fails with 'cancelled', which ends the wait in signIn above.
      const { cancelled } = await getApi().cancelSignIn({ attemptId: wait.attemptId });
      if (!cancelled && currentAttempt === wait.attemptId) {
        currentAttempt = null;
        set({ signInWait: null });
      }
    } catch (error) {
      set({ accountBanner: { tone: 'error', code: 'cancel-failed', text: messageOf(error) } });
    }
  },

  async signOut(account) {
    set({ accountsBusy: 'signing-out' });
    try {
      const { droppedEdits } = await getApi().signOut({ accountId: account.id });
      await get().refreshAccounts();
      const lost = droppedEdits > 0 ? ` ${droppedEdits} unsynced ${droppedEdits === 1 ? 'edit was' : 'edits were'} discarded.` : '';
      set({
        accountsBusy: 'idle',
        accountBanner: {
          tone: 'success',
          code: 'signed-out',
          text: `Signed out of ${signedInAs(account)}: its credentials were removed from the keychain and its rosters from this computer.${lost}`,
        },
      });
      void get().loadRealms();
    } catch (error) {
      set({ accountsBusy: 'idle', accountBanner: { tone: 'error', code: 'sign-out-failed', text: messageOf(error) } });
    }
  },

  dismissAccountBanner() {
    set({ accountBanner: null });
  },
});

// Stable selectors: each returns a value already in the store, so a component re-renders only when it changes.
export const selectAccounts = (s: RosterStore) => s.accounts;
export const selectKeychain = (s: RosterStore) => s.keychain;
export const selectAccountsBusy = (s: RosterStore) => s.accountsBusy;
export const selectSignInWait = (s: RosterStore) => s.signInWait;
export const selectAccountFormError = (s: RosterStore) => s.accountFormError;
export const selectAccountBanner = (s: RosterStore) => s.accountBanner;
export const selectAccountsPanelOpen = (s: RosterStore) => s.accountsPanelOpen;
export const selectRealms = (s: RosterStore) => s.realms;
