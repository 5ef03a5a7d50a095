/**
 * The Canvas sandbox's OAuth2 side (lms-api-notes §2.5; canvas-lms doc/api/oauth.md and oauth_endpoints.md): one
 * developer key, the authorize page at GET /login/oauth2/auth, the token endpoint POST /login/oauth2/token for the
 * authorization_code and refresh_token grants, and DELETE /login/oauth2/token to revoke.
 *
 * What it holds to, as Canvas does: a code is good once and for a short while, and only with the redirect_uri it was
 * issued for; an access token lasts `tokenLifetimeMs` ("Developer keys issued after Oct 2015 generate tokens with a
 * 1 hour expiration"); a refresh answers a new access token and no new refresh token; a refresh token that is gone
 * answers 400 {"error":"invalid_grant","error_description":"refresh_token not found"}. There is no sign-in page: the
 * sandbox's user is always the token user (1, "Mr. Strickland").
 *
 * Unlike Canvas, the redirect_uri must be a loopback http URL (127.0.0.1 or localhost, any port): the sandbox serves
 * the desktop app's sign-in, and refusing anything else keeps it from bouncing a browser to a stranger's site.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { escapeHtml, pageHtml, problemPage, type PageLook, type WebReply } from '../sandbox-web-page';
import type { CanvasParams } from './canvas-params';

export interface CanvasOAuthClient {
  /** The developer key's id, Canvas's client_id (digits, e.g. "10000000000001"). */
  id: string;
  /** The developer key's secret, Canvas's client_secret. */
  secret: string;
}

export const DEFAULT_OAUTH_CLIENT_ID = '10000000000001';
/** "Developer keys issued after Oct 2015 generate tokens with a 1 hour expiration" (§2.5). */
export const DEFAULT_OAUTH_TOKEN_LIFETIME_MS = 3_600_000;
/** A code is short-lived; the sandbox keeps one as long as the app's sign-in waits for the browser (10 minutes). */
const CODE_LIFETIME_MS = 10 * 60_000;

export const AUTHORIZE_PATH = '/login/oauth2/auth';
export const TOKEN_PATH = '/login/oauth2/token';

export type OAuthWebReply = WebReply;

export interface OAuthJsonReply {
  status: number;
  value: unknown;
  headers?: Record<string, string>;
}

interface PendingCode {
  redirectUri: string;
  expiresAt: number;
}

interface IssuedAccess {
  expiresAt: number;
  refreshToken: string;
}

export function randomOAuthSecret(): string {
  return randomBytes(32).toString('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A loopback http URL to send the browser back to, or undefined. */
function loopbackRedirect(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:') return undefined;
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') return undefined;
  return url.href;
}

function withParams(target: string, params: Record<string, string>): string {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

/** Canvas's own colours, so a page shows which sandbox it is. */
const LOOK: PageLook = {
  site: 'Canvas sandbox',
  background: '#f5f5f5',
  ink: '#2d3b45',
  border: '#66717a',
  primaryValue: 'authorize',
  primary: '#0770a3',
};

const page = (title: string, body: string): string => pageHtml(LOOK, title, body);
const problem = (message: string): WebReply => problemPage(LOOK, message);

/** Canvas's OAuth2 error body (oauth_endpoints.md): {"error", "error_description"}. */
function oauthError(status: number, error: string, description: string): OAuthJsonReply {
  return { status, value: { error, error_description: description } };
}

export class CanvasOAuth2 {
  private readonly codes = new Map<string, PendingCode>();
  private readonly access = new Map<string, IssuedAccess>();
  private readonly refresh = new Set<string>();

  constructor(
    readonly client: CanvasOAuthClient,
    private readonly user: () => { id: number; name: string },
    private readonly now: () => number,
    private readonly tokenLifetimeMs: number = DEFAULT_OAUTH_TOKEN_LIFETIME_MS,
  ) {
    if (!/^\d+$/.test(client.id)) throw new Error(`The OAuth2 client id must be digits, like Canvas's developer key ids; got "${client.id}".`);
    if (!/^\S+$/.test(client.secret)) throw new Error('The OAuth2 client secret cannot be empty or hold spaces.');
    if (!Number.isSafeInteger(tokenLifetimeMs) || tokenLifetimeMs < 1000) {
      throw new Error(`oauthTokenLifetimeMs must be a whole number of milliseconds >= 1000, got ${tokenLifetimeMs}`);
    }
  }

  /** 'valid' for an access token issued here and not expired or revoked; 'expired' once past its lifetime. */
  accessTokenState(token: string): 'valid' | 'expired' | 'unknown' {
    const issued = this.access.get(token);
    if (!issued) return 'unknown';
    return this.now() >= issued.expiresAt ? 'expired' : 'valid';
  }

  /** Every access and refresh token issued so far stops working (what a user's "log out of all devices" does). */
  revokeAll(): void {
    this.access.clear();
    this.refresh.clear();
    this.codes.clear();
  }

  /** GET shows the page; POST is its form's answer (Authorize or Cancel). */
  authorizePage(method: string, params: URLSearchParams): OAuthWebReply {
    const clientId = params.get('client_id') ?? '';
    if (clientId !== this.client.id) return problem(`Unknown client_id "${clientId}": no developer key of this Canvas has that id.`);
    if (params.get('response_type') !== 'code') return problem('response_type must be "code".');
    const redirectUri = loopbackRedirect(params.get('redirect_uri') ?? '');
    if (redirectUri === undefined) {
      return problem('redirect_uri must be a loopback http address (http://127.0.0.1:PORT/… or http://localhost:PORT/…).');
    }
    const state = params.get('state');
    const back = (extra: Record<string, string>) => withParams(redirectUri, state === null ? extra : { ...extra, state });

    if (method === 'GET') {
      const { name } = this.user();
      const question = `Roster Desk is requesting access to your Canvas account, ${name}.`;
      const hidden = (field: string, value: string) => `<input type="hidden" name="${field}" value="${escapeHtml(value)}">`;
      return {
        status: 200,
        html: page(
          'Authorize app',
          `<h1 id="question">${escapeHtml(question)}</h1>
<p>Roster Desk will be able to read and change enrollments in your courses and sections.</p>
<form method="post" action="${AUTHORIZE_PATH}" aria-labelledby="question">
${hidden('client_id', clientId)}
${hidden('response_type', 'code')}
${hidden('redirect_uri', redirectUri)}
${state === null ? '' : hidden('state', state)}
<div class="actions">
<button type="submit" name="decision" value="authorize">Authorize</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`,
        ),
      };
    }

    const decision = params.get('decision');
    if (decision === 'cancel') return { status: 302, location: back({ error: 'access_denied' }) };
    if (decision !== 'authorize') return problem('Choose Authorize or Cancel.');
    const code = randomOAuthSecret();
    this.codes.set(code, { redirectUri, expiresAt: this.now() + CODE_LIFETIME_MS });
    return { status: 302, location: back({ code }) };
  }

  /** POST /login/oauth2/token. */
  token(params: CanvasParams): OAuthJsonReply {
    const grant = params.text('grant_type');
    if (grant !== 'authorization_code' && grant !== 'refresh_token') {
      return oauthError(400, 'unsupported_grant_type', `The grant_type "${grant ?? ''}" is not supported; use authorization_code or refresh_token.`);
    }
    const clientId = params.text('client_id') ?? '';
    const clientSecret = params.text('client_secret') ?? '';
    if (clientId !== this.client.id || !sameText(clientSecret, this.client.secret)) {
      return oauthError(401, 'invalid_client', 'unknown client');
    }
    if (grant === 'authorization_code') {
      const code = params.text('code') ?? '';
      const pending = this.codes.get(code);
      // One-time: whatever happens next, this code is spent.
      this.codes.delete(code);
      if (!pending || this.now() >= pending.expiresAt) return oauthError(400, 'invalid_grant', 'authorization_code not found');
      if (params.text('redirect_uri') !== pending.redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri does not match');
      const refreshToken = randomOAuthSecret();
      this.refresh.add(refreshToken);
      return { status: 200, value: { ...this.issue(refreshToken), refresh_token: refreshToken } };
    }
    const refreshToken = params.text('refresh_token') ?? '';
    if (!this.refresh.has(refreshToken)) return oauthError(400, 'invalid_grant', 'refresh_token not found');
    // A refresh answers no new refresh token (§2.5): the one the app holds stays good.
    return { status: 200, value: this.issue(refreshToken) };
  }

  /** DELETE /login/oauth2/token with the access token as the Bearer: it and its refresh token stop working. */
  revoke(presented: string | undefined): OAuthJsonReply {
    const issued = presented === undefined ? undefined : this.access.get(presented);
    if (!issued || presented === undefined) {
      return { status: 401, value: { errors: [{ message: 'Invalid access token.' }] }, headers: { 'WWW-Authenticate': 'Bearer realm="canvas-lms"' } };
    }
    for (const [token, other] of this.access) if (other.refreshToken === issued.refreshToken) this.access.delete(token);
    this.refresh.delete(issued.refreshToken);
    return { status: 200, value: {} };
  }

  /** A new access token for the grant; the grant's previous one stops working (Canvas regenerates it in place). */
  private issue(refreshToken: string): Record<string, unknown> {
    for (const [token, other] of this.access) if (other.refreshToken === refreshToken) this.access.delete(token);
    const accessToken = `1~${randomOAuthSecret()}`;
    this.access.set(accessToken, { expiresAt: this.now() + this.tokenLifetimeMs, refreshToken });
    const { id, name } = this.user();
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      user: { id, name },
      expires_in: Math.round(this.tokenLifetimeMs / 1000),
    };
  }
}
