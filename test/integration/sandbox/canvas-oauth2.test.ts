import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { answerCanvasAuthorizePage } from '../../support/canvas-authorize-page';
import { get } from './canvas-http';

/**
 * The Canvas sandbox's OAuth2 side as a browser and a client see it on the wire (lms-api-notes §2.5): the authorize page,
 * the token endpoint's two grants, expiry on the sandbox's clock, and revocation.
 */
let sandbox: CanvasSandbox;
let clock: number;
const LIFETIME_MS = 60_000;
const REDIRECT = 'http://127.0.0.1:9/oauth/callback';
const CHALLENGE = 'Bearer realm="canvas-lms"';

beforeEach(async () => {
  clock = Date.UTC(2026, 8, 1, 12);
  sandbox = await startCanvasSandbox({ throttle: null, now: () => clock, oauthTokenLifetimeMs: LIFETIME_MS });
});
afterEach(() => sandbox.close());

function authorizeUrl(params: Record<string, string> = {}): string {
  const url = new URL('/login/oauth2/auth', sandbox.url);
  const all = { client_id: sandbox.oauthClient.id, response_type: 'code', redirect_uri: REDIRECT, state: 'st-1', ...params };
  for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value);
  return url.href;
}

async function tokenCall(body: Record<string, string>, as: 'form' | 'json' = 'form'): Promise<{ status: number; data: Record<string, unknown> }> {
  const reply = await fetch(`${sandbox.url}/login/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': as === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: as === 'form' ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  return { status: reply.status, data: (await reply.json()) as Record<string, unknown> };
}

async function codeFor(redirect = REDIRECT): Promise<string> {
  const back = new URL(await answerCanvasAuthorizePage(authorizeUrl({ redirect_uri: redirect }), 'authorize'));
  return back.searchParams.get('code')!;
}

const key = () => ({ client_id: sandbox.oauthClient.id, client_secret: sandbox.oauthClient.secret });

async function exchange(code: string, as: 'form' | 'json' = 'form') {
  return tokenCall({ grant_type: 'authorization_code', ...key(), code, redirect_uri: REDIRECT }, as);
}

async function signIn(): Promise<{ access: string; refresh: string }> {
  const { status, data } = await exchange(await codeFor());
  expect(status).toBe(200);
  return { access: data.access_token as string, refresh: data.refresh_token as string };
}

const asBearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('the developer key', () => {
  it('is id 10000000000001 with a random secret per start unless given', async () => {
    const other = await startCanvasSandbox({ throttle: null, oauthClient: { id: '170000000000042', secret: 'shh' } });
    try {
      expect(sandbox.oauthClient.id).toBe('10000000000001');
      expect(sandbox.oauthClient.secret).toMatch(/^[\w-]{20,}$/);
      expect(other.oauthClient).toEqual({ id: '170000000000042', secret: 'shh' });
    } finally {
      await other.close();
    }
  });
});

describe('GET /login/oauth2/auth', () => {
  it('shows an accessible page asking to authorize Roster Desk as Mr. Strickland, with Authorize and Cancel', async () => {
    const page = await fetch(authorizeUrl());
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Roster Desk is requesting access to your Canvas account, Mr. Strickland.');
    expect(html).toContain('<button type="submit" name="decision" value="authorize">Authorize</button>');
    expect(html).toContain('<button type="submit" name="decision" value="cancel">Cancel</button>');
  });

  it('sends the browser back to redirect_uri with a code and the state on Authorize', async () => {
    const back = new URL(await answerCanvasAuthorizePage(authorizeUrl(), 'authorize'));
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
  });

  it('sends the browser back with error=access_denied and the state on Cancel', async () => {
    const back = new URL(await answerCanvasAuthorizePage(authorizeUrl(), 'cancel'));
    expect(Object.fromEntries(back.searchParams)).toEqual({ error: 'access_denied', state: 'st-1' });
  });

  it('accepts any loopback port, on 127.0.0.1 or localhost', async () => {
    for (const redirect of ['http://127.0.0.1:51234/cb', 'http://localhost:8080/oauth/callback']) {
      expect((await fetch(authorizeUrl({ redirect_uri: redirect }))).status).toBe(200);
    }
  });

  it.each([
    ['an unknown client_id', { client_id: '999' }, /Unknown client_id &quot;999&quot;/],
    ['a response_type other than code', { response_type: 'token' }, /response_type must be &quot;code&quot;/],
    ['a redirect_uri off this machine', { redirect_uri: 'https://evil.example/cb' }, /loopback http address/],
    ['an https loopback redirect_uri', { redirect_uri: 'https://127.0.0.1:4443/cb' }, /loopback http address/],
  ])('refuses %s with a page saying why, and sends the browser nowhere', async (_what, params, reason) => {
    const page = await fetch(authorizeUrl(params), { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(reason);
  });
});

describe('POST /login/oauth2/token, grant_type=authorization_code', () => {
  it("answers Canvas's token object, form-encoded or JSON, and the access token works on the API", async () => {
    for (const as of ['form', 'json'] as const) {
      const { status, data } = await exchange(await codeFor(), as);
      expect(status).toBe(200);
      expect(data).toEqual({
        access_token: expect.stringMatching(/^1~/),
        token_type: 'Bearer',
        user: { id: 1, name: 'Mr. Strickland' },
        refresh_token: expect.any(String),
        expires_in: LIFETIME_MS / 1000,
      });
      const self = await get(sandbox, 'users/self', asBearer(data.access_token as string));
      expect(self.status).toBe(200);
    }
  });

  it('takes a code once', async () => {
    const code = await codeFor();
    expect((await exchange(code)).status).toBe(200);
    expect(await exchange(code)).toEqual({ status: 400, data: { error: 'invalid_grant', error_description: 'authorization_code not found' } });
  });

  it('refuses a code older than ten minutes', async () => {
    const code = await codeFor();
    clock += 10 * 60_000;
    expect(await exchange(code)).toEqual({ status: 400, data: { error: 'invalid_grant', error_description: 'authorization_code not found' } });
  });

  it('refuses a redirect_uri other than the one the code was issued for', async () => {
    const code = await codeFor('http://127.0.0.1:9/other');
    expect(await exchange(code)).toEqual({ status: 400, data: { error: 'invalid_grant', error_description: 'redirect_uri does not match' } });
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const code = await codeFor();
    const reply = await tokenCall({ grant_type: 'authorization_code', client_id: sandbox.oauthClient.id, client_secret: 'wrong', code, redirect_uri: REDIRECT });
    expect(reply).toEqual({ status: 401, data: { error: 'invalid_client', error_description: 'unknown client' } });
  });

  it('refuses a grant type it does not know', async () => {
    const reply = await tokenCall({ grant_type: 'password', ...key() });
    expect(reply.status).toBe(400);
    expect(reply.data.error).toBe('unsupported_grant_type');
  });
});

describe('access token expiry and POST /login/oauth2/token, grant_type=refresh_token', () => {
  it('answers 401 with WWW-Authenticate once the access token is past its lifetime', async () => {
    const { access } = await signIn();
    clock += LIFETIME_MS - 1;
    expect((await get(sandbox, 'users/self', asBearer(access))).status).toBe(200);
    clock += 1;
    const expired = await get(sandbox, 'users/self', asBearer(access));
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe(CHALLENGE);
  });

  it('answers a new access token and no new refresh token; the old access token stops working', async () => {
    const { access, refresh } = await signIn();
    clock += LIFETIME_MS;
    const { status, data } = await tokenCall({ grant_type: 'refresh_token', ...key(), refresh_token: refresh });
    expect(status).toBe(200);
    expect(data).toEqual({ access_token: expect.stringMatching(/^1~/), token_type: 'Bearer', user: { id: 1, name: 'Mr. Strickland' }, expires_in: LIFETIME_MS / 1000 });
    expect((await get(sandbox, 'users/self', asBearer(data.access_token as string))).status).toBe(200);
    clock -= LIFETIME_MS;
    expect((await get(sandbox, 'users/self', asBearer(access))).status).toBe(401);
  });

  it('refuses an unknown refresh token with 400 invalid_grant "refresh_token not found"', async () => {
    const reply = await tokenCall({ grant_type: 'refresh_token', ...key(), refresh_token: 'nope' });
    expect(reply).toEqual({ status: 400, data: { error: 'invalid_grant', error_description: 'refresh_token not found' } });
  });

  it('keeps the personal access token working beside OAuth2 tokens', async () => {
    await signIn();
    expect((await get(sandbox, 'users/self')).status).toBe(200);
  });
});

describe('revoking', () => {
  it('DELETE /login/oauth2/token ends the access token and its refresh token', async () => {
    const { access, refresh } = await signIn();
    const reply = await fetch(`${sandbox.url}/login/oauth2/token`, { method: 'DELETE', headers: { Authorization: `Bearer ${access}` } });
    expect(reply.status).toBe(200);
    expect((await get(sandbox, 'users/self', asBearer(access))).status).toBe(401);
    expect((await tokenCall({ grant_type: 'refresh_token', ...key(), refresh_token: refresh })).data.error).toBe('invalid_grant');
  });

  it('DELETE /login/oauth2/token without a valid token answers 401 with WWW-Authenticate', async () => {
    const reply = await fetch(`${sandbox.url}/login/oauth2/token`, { method: 'DELETE', headers: { Authorization: 'Bearer nope' } });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe(CHALLENGE);
  });

  it('revokeOAuthTokens() ends every OAuth2 token and leaves the personal token alone', async () => {
    const { access, refresh } = await signIn();
    sandbox.revokeOAuthTokens();
    expect((await get(sandbox, 'users/self', asBearer(access))).status).toBe(401);
    expect((await tokenCall({ grant_type: 'refresh_token', ...key(), refresh_token: refresh })).data.error).toBe('invalid_grant');
    expect((await get(sandbox, 'users/self')).status).toBe(200);
  });
});
