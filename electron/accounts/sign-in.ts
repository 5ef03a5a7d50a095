/**
 * Signing in through the user's browser with a loopback listener: "Sign in with Schoology" (OAuth 1.0a three-legged)
 * and "Sign in with Canvas" (OAuth2 authorization code, lms-api-notes §2.5) share everything but the protocol.
 *
 *   1. a listener on 127.0.0.1 (a free port) and a one-time random `state`
 *   2. the flow's `begin`: Schoology gets a request token with oauth_callback = the listener's URL carrying the state;
 *      Canvas needs no call (redirect_uri = the listener's URL, state a parameter of its own)
 *   3. the school's authorize page (the caller opens it in the system browser, or prints it)
 *   4. the browser comes back with the state: the flow's `answer` says denied (Schoology ?denied=…, Canvas
 *      ?error=access_denied), or trades what came back for an access token and has AccountService check who it
 *      belongs to and store it
 *   5. the browser gets a small page saying it can be closed, and the listener closes
 *
 * A callback without the right state, or one arriving after the first, gets a small page saying so and changes
 * nothing: a stray or forged request cannot finish (or spoil) a sign-in. Nothing secret is ever put in an error
 * message, a page or a log.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccountRecord } from '../db/accounts-repo';
import type { OAuthToken } from '../lms/schoology/schoology-client';

export interface SignInStart {
  /** The school's API base, e.g. https://api.schoology.com/v1. */
  baseUrl: string;
  /** The school's web side, where its users sign in, e.g. https://district.schoology.com. */
  webUrl: string;
  consumerKey: string;
  consumerSecret: string;
}

export interface SignInAttempt {
  /** The school's authorize page for the user (open it in the system browser / print it). */
  authorizeUrl: string;
  /** Resolves with the saved account once the user allowed and the access token is stored; rejects with
   *  SignInError('denied' | 'timeout' | 'cancelled' | 'failed') otherwise. */
  result: Promise<AccountRecord>;
  cancel(): void;
}

export type SignInErrorCode = 'denied' | 'timeout' | 'cancelled' | 'failed';

export class SignInError extends Error {
  override name = 'SignInError';
  constructor(
    readonly code: SignInErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const CALLBACK_PATH = '/oauth/callback';
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 10 * 60_000;

/** What the Schoology flow needs from the LMS and the account store; AccountService provides it. */
export interface SignInSteps {
  requestToken(callbackUrl: string, signal: AbortSignal): Promise<OAuthToken>;
  authorizeUrl(requestToken: string, callbackUrl: string): string;
  accessToken(request: OAuthToken, verifier: string | undefined, signal: AbortSignal): Promise<OAuthToken>;
  /** Checks who the access token belongs to and stores the account; resolves with it. */
  complete(access: OAuthToken, signal: AbortSignal): Promise<AccountRecord>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The small page the browser shows after coming back. */
export function callbackPage(title: string, text: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Roster Desk</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:4rem auto;max-width:28rem;padding:0 1rem;color:#1b1f23}h1{font-size:1.3rem}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p>
</main>
</body>
</html>
`;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** What the browser's answer came to, as the flow judged it. */
export type CallbackOutcome =
  | { account: AccountRecord }
  /** The user refused at the school's page: the message for SignInError('denied'). */
  | { denied: string }
  /** The answer cannot be used (it does not match what this sign-in asked for): the message for SignInError('failed'). */
  | { invalid: string };

/** The protocol half of a loopback sign-in; startLoopbackSignIn does the listener, state, timeout and pages. */
export interface LoopbackFlow {
  /**
   * Everything before the browser: resolves with the school's authorize URL. `redirectUri` is the listener's callback
   * address; the browser must come back to it with `state` as a query parameter.
   */
  begin(listener: { redirectUri: string; state: string }, signal: AbortSignal): Promise<string>;
  /** The browser came back with the right state: judge its query, and on success store the account. */
  answer(params: URLSearchParams, signal: AbortSignal): Promise<CallbackOutcome>;
}

/** Starts the listener and runs the flow's first step; resolves once the authorize URL is known. */
export async function startLoopbackSignIn(flow: LoopbackFlow, options: { timeoutMs?: number } = {}): Promise<SignInAttempt> {
  const state = randomBytes(24).toString('base64url');
  const abort = new AbortController();
  let settled = false;
  let callbackTaken = false;
  let resolveResult!: (account: AccountRecord) => void;
  let rejectResult!: (error: SignInError) => void;
  const result = new Promise<AccountRecord>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  // A caller that only cancels must not see an unhandled rejection; callers that await `result` still get it.
  result.catch(() => undefined);

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  const closeServer = () => {
    server.close();
    server.closeAllConnections();
  };
  const finish = (outcome: { account: AccountRecord } | { error: SignInError }) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if ('account' in outcome) resolveResult(outcome.account);
    else {
      abort.abort(outcome.error);
      rejectResult(outcome.error);
    }
  };
  const send = (res: ServerResponse, status: number, title: string, text: string, then?: () => void) => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(callbackPage(title, text), then);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      send(res, 404, 'Not found', 'This address only receives the answer of a Roster Desk sign-in.');
      return;
    }
    if (!sameText(url.searchParams.get('state') ?? '', state)) {
      send(res, 400, 'Not a valid sign-in', 'This link does not belong to the sign-in Roster Desk is waiting for. Start signing in again from Roster Desk.');
      return;
    }
    if (callbackTaken || settled) {
      send(res, 409, 'Already answered', 'This sign-in has already been answered. You can close this tab.');
      return;
    }
    callbackTaken = true;
    try {
      const outcome = await flow.answer(url.searchParams, abort.signal);
      if ('denied' in outcome) {
        finish({ error: new SignInError('denied', outcome.denied) });
        send(res, 200, 'Sign-in denied', 'Roster Desk was not given access; nothing was saved. You can close this tab.', closeServer);
        return;
      }
      if ('invalid' in outcome) {
        const error = new SignInError('failed', outcome.invalid);
        finish({ error });
        send(res, 400, 'Sign-in failed', error.message, closeServer);
        return;
      }
      if (settled) throw (abort.signal.reason as Error) ?? new SignInError('cancelled', 'Sign-in was cancelled.');
      finish(outcome);
      send(res, 200, 'Signed in', `Roster Desk is signed in as ${outcome.account.user?.name ?? outcome.account.name}. You can close this tab.`, closeServer);
    } catch (cause) {
      const error =
        cause instanceof SignInError
          ? cause
          : new SignInError('failed', `Sign-in failed: ${cause instanceof Error ? cause.message : String(cause)}; nothing was saved.`, { cause });
      finish({ error });
      send(res, 502, 'Sign-in failed', `${error.message} Start signing in again from Roster Desk.`, closeServer);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const redirectUri = `http://127.0.0.1:${port}${CALLBACK_PATH}`;

  const timeoutMs = options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
  const timer = setTimeout(() => {
    finish({ error: new SignInError('timeout', `Nobody answered the school's sign-in page within ${Math.round(timeoutMs / 1000)} s; nothing was saved. Sign in again.`) });
    closeServer();
  }, timeoutMs);
  timer.unref?.();

  let authorizeUrl: string;
  try {
    authorizeUrl = await flow.begin({ redirectUri, state }, abort.signal);
  } catch (error) {
    settled = true;
    clearTimeout(timer);
    closeServer();
    throw error;
  }

  return {
    authorizeUrl,
    result,
    cancel: () => {
      finish({ error: new SignInError('cancelled', 'Sign-in was cancelled; nothing was saved.') });
      closeServer();
    },
  };
}

/** "Sign in with Schoology": the three-legged steps on the loopback listener. */
export function startSignIn(steps: SignInSteps, options: { timeoutMs?: number } = {}): Promise<SignInAttempt> {
  let request: OAuthToken | null = null;
  return startLoopbackSignIn(
    {
      async begin({ redirectUri, state }, signal) {
        // Schoology's callback is one URL (oauth_callback), so the state travels inside it.
        const callbackUrl = `${redirectUri}?state=${state}`;
        request = await steps.requestToken(callbackUrl, signal);
        return steps.authorizeUrl(request.token, callbackUrl);
      },
      async answer(params, signal) {
        if (params.has('denied')) return { denied: "Sign-in was denied at the school's page; nothing was saved." };
        const token = params.get('oauth_token');
        if (request === null || (token !== null && token !== request.token)) {
          return { invalid: 'The school sent back a different request token than the one this sign-in asked for; nothing was saved. Sign in again.' };
        }
        const access = await steps.accessToken(request, params.get('oauth_verifier') ?? undefined, signal);
        return { account: await steps.complete(access, signal) };
      },
    },
    options,
  );
}
