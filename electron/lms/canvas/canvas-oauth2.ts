/**
 * Canvas OAuth2 for the app (lms-api-notes §2.5; canvas-lms doc/api/oauth.md, oauth_endpoints.md): the authorize URL a
 * user opens, the code exchange, and the refresh of an expired access token — plus the token source the Canvas client
 * asks for its Bearer token, which refreshes once when Canvas says the token expired.
 *
 *   GET  /login/oauth2/auth?client_id&response_type=code&redirect_uri&state   (the user's browser)
 *   POST /login/oauth2/token grant_type=authorization_code|refresh_token       → {"access_token","token_type":"Bearer",
 *        "user":{"id","name"},"refresh_token","expires_in":3600}; a refresh answers no new refresh_token
 *
 * The token endpoint is outside /api/v1 and not throttled per token, so it has a plain Transport of its own. Every reply
 * is validated before use; no error message ever carries a token, a code or the client secret.
 */
import { z } from 'zod';
import { LmsError } from '../lms-error';
import { Transport, type TransportOptions } from '../transport';
import { lmsReason } from './canvas-client';

/** The Canvas instance's origin and path, without /api/v1 (the OAuth2 endpoints hang off the instance, not the API). */
function instanceOf(baseUrl: string): string {
  return baseUrl.trim().replace(/\/+$/, '').replace(/\/api\/v1$/i, '');
}

export interface CanvasAuthorizeRequest {
  clientId: string;
  /** Where the browser comes back with ?code&state: the app's loopback listener. */
  redirectUri: string;
  state: string;
}

/** The page where the user authorizes the app (GET /login/oauth2/auth, §2.5). */
export function canvasAuthorizeUrl(baseUrl: string, request: CanvasAuthorizeRequest): string {
  const url = new URL(`${instanceOf(baseUrl)}/login/oauth2/auth`);
  url.searchParams.set('client_id', request.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('state', request.state);
  return url.href;
}

/** POST /login/oauth2/token's answer (§2.5). Canvas sends user ids as numbers; a refresh has no refresh_token. */
const TokenReplySchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().refine((type) => type.toLowerCase() === 'bearer', 'token_type is not Bearer'),
  user: z.looseObject({ id: z.union([z.number().int(), z.string().min(1)]).transform(String), name: z.string() }).optional(),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
});

export interface CanvasOAuthTokens {
  accessToken: string;
  /** Only from a code exchange: a refresh keeps the refresh token it was given. */
  refreshToken?: string;
  /** When the access token stops working (ms since the epoch), when Canvas said. */
  expiresAt?: number;
  user?: { id: string; name: string };
}

export interface CanvasOAuthClientKey {
  clientId: string;
  clientSecret: string;
}

export interface CanvasTokenEndpointOptions {
  /** Timeouts, retries and fetch; the OAuth2 endpoints have no throttle. */
  transport?: TransportOptions;
  /** For expiresAt; default Date.now. */
  now?: () => number;
}

const TOKEN_ENDPOINT = 'POST login/oauth2/token';

/** The token endpoint's error body (oauth_endpoints.md): {"error":"invalid_grant","error_description":"…"}. */
const OAuthErrorBodySchema = z.looseObject({ error: z.string(), error_description: z.string().optional() });

/** "HTTP 400 Bad Request: invalid_grant (refresh_token not found)"; other replies as the Canvas client words them. */
export function oauthReason(error: LmsError): string {
  const text = error.message.startsWith(`${error.endpoint}: `) ? error.message.slice(error.endpoint.length + 2) : error.message;
  const match = /^(HTTP \d{3}[^:]*): (\{.*\})$/s.exec(text);
  if (!match) return lmsReason(error);
  let body: unknown;
  try {
    body = JSON.parse(match[2] as string);
  } catch {
    return lmsReason(error);
  }
  const parsed = OAuthErrorBodySchema.safeParse(body);
  if (!parsed.success) return lmsReason(error);
  const { error: code, error_description: description } = parsed.data;
  return `${match[1]}: ${code}${description ? ` (${description})` : ''}`;
}

async function postToken(
  baseUrl: string,
  form: Record<string, string>,
  idempotent: boolean,
  options: CanvasTokenEndpointOptions,
  signal: AbortSignal | undefined,
): Promise<CanvasOAuthTokens> {
  // The API's throttle counts /api/v1 requests per token; the token endpoint is not one of them.
  const { limiter: _limiter, isThrottled: _isThrottled, ...policy } = options.transport ?? {};
  const transport = new Transport({ ...policy, rateLimit: null });
  const now = options.now ?? Date.now;
  const reply = await transport.request({
    method: 'POST',
    url: new URL(`${instanceOf(baseUrl)}/login/oauth2/token`),
    endpoint: TOKEN_ENDPOINT,
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    idempotent,
    followRedirects: false,
    parse: (response) => {
      let data: unknown;
      try {
        data = JSON.parse(response.body);
      } catch {
        throw new Error('the token endpoint did not answer JSON');
      }
      const parsed = TokenReplySchema.safeParse(data);
      // The issues name fields, never their values: the reply holds tokens.
      if (!parsed.success) throw new Error(`the token endpoint's answer is not a Canvas token (${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')})`);
      return parsed.data;
    },
    ...(signal ? { signal } : {}),
  });
  return {
    accessToken: reply.access_token,
    ...(reply.refresh_token ? { refreshToken: reply.refresh_token } : {}),
    ...(reply.expires_in !== undefined ? { expiresAt: now() + reply.expires_in * 1000 } : {}),
    ...(reply.user ? { user: reply.user } : {}),
  };
}

/**
 * Trades the code the browser brought back for tokens (grant_type=authorization_code). The redirect_uri must be the
 * one the authorize URL named. Not retried once sent: a code is good once.
 */
export function exchangeCanvasCode(
  baseUrl: string,
  key: CanvasOAuthClientKey,
  grant: { code: string; redirectUri: string },
  options: CanvasTokenEndpointOptions = {},
  signal?: AbortSignal,
): Promise<CanvasOAuthTokens> {
  return postToken(
    baseUrl,
    { grant_type: 'authorization_code', client_id: key.clientId, client_secret: key.clientSecret, code: grant.code, redirect_uri: grant.redirectUri },
    false,
    options,
    signal,
  );
}

/** A new access token for the refresh token (grant_type=refresh_token); safe to repeat. */
export function refreshCanvasToken(
  baseUrl: string,
  key: CanvasOAuthClientKey,
  refreshToken: string,
  options: CanvasTokenEndpointOptions = {},
  signal?: AbortSignal,
): Promise<CanvasOAuthTokens> {
  return postToken(baseUrl, { grant_type: 'refresh_token', client_id: key.clientId, client_secret: key.clientSecret, refresh_token: refreshToken }, true, options, signal);
}

/**
 * Where the Canvas client gets its Bearer token. `refresh` is called when Canvas answered 401 with WWW-Authenticate
 * (an expired or revoked token, §2.5) to the token `rejected`; it resolves with the token to retry with, or rejects
 * (an LmsError 'unauthorized' saying how to sign in again). A personal access token has no refresh.
 */
export interface CanvasTokenSource {
  current(): string;
  refresh?(rejected: string, signal?: AbortSignal): Promise<string>;
}

export interface RefreshingCanvasTokenOptions extends CanvasTokenEndpointOptions {
  baseUrl: string;
  key: CanvasOAuthClientKey;
  accessToken: string;
  refreshToken: string;
  /** Called with each new access token before it is used; AccountService keeps it in the keychain. */
  onRefresh?: (tokens: { accessToken: string; expiresAt?: number }) => Promise<void>;
  /** The exact command that signs the account in again, for the message when the refresh token is refused. */
  signInAgain: string;
}

/**
 * An OAuth2 access token that renews itself from its refresh token. Requests failing together with the same expired
 * token share one refresh (single flight): Canvas would answer each, but every extra token is one more to leak.
 */
export class RefreshingCanvasToken implements CanvasTokenSource {
  private token: string;
  private inflight: Promise<string> | null = null;

  constructor(private readonly options: RefreshingCanvasTokenOptions) {
    this.token = options.accessToken;
  }

  current(): string {
    return this.token;
  }

  refresh(rejected: string, signal?: AbortSignal): Promise<string> {
    // Someone else already renewed the token this request was sent with: retry with theirs.
    if (rejected !== this.token) return Promise.resolve(this.token);
    // The shared renewal does not take one caller's signal (cancelling one request must not fail the others waiting on
    // it); the Transport's timeout bounds it, and a caller that cancels stops waiting.
    this.inflight ??= this.renew().finally(() => {
      this.inflight = null;
    });
    return signal ? abortable(this.inflight, signal) : this.inflight;
  }

  private async renew(): Promise<string> {
    const { baseUrl, key, refreshToken } = this.options;
    let tokens: CanvasOAuthTokens;
    try {
      tokens = await refreshCanvasToken(baseUrl, key, refreshToken, this.options);
    } catch (error) {
      // 400 invalid_grant (the refresh token is gone: revoked, or the user removed the app) or 401 invalid_client (the
      // developer key was deleted or its secret changed): only signing in again helps. Anything else (offline, a 5xx)
      // stays what it is, so a sync keeps its edits and tries later.
      if (error instanceof LmsError && (error.kind === 'rejected' || error.kind === 'unauthorized' || error.kind === 'forbidden')) {
        throw new LmsError(
          'unauthorized',
          TOKEN_ENDPOINT,
          `Canvas would not renew the expired sign-in (${oauthReason(error)}); sign in again with \`${this.options.signInAgain}\``,
          { status: error.status ?? 400, cause: error },
        );
      }
      throw error;
    }
    await this.options.onRefresh?.({ accessToken: tokens.accessToken, ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}) });
    this.token = tokens.accessToken;
    return tokens.accessToken;
  }
}

/** `work`, or an 'aborted' LmsError as soon as `signal` aborts (the work itself goes on for whoever else awaits it). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new LmsError('aborted', TOKEN_ENDPOINT, 'cancelled', { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new LmsError('aborted', TOKEN_ENDPOINT, 'cancelled', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
