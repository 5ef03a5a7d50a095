import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { call } from './sandbox-http';

let sandbox: Sandbox;
let clock: number;
beforeEach(async () => {
  clock = Date.UTC(2026, 8, 1, 12);
  sandbox = await startSandbox({ rateLimit: null, now: () => clock, accessTokenLifetimeMs: 60_000 });
});
afterEach(() => sandbox.close());

const CALLBACK = 'http://127.0.0.1:9/oauth-done?state=xyz';
const ts = () => Math.floor(clock / 1000);

interface Token {
  token: string;
  secret: string;
}

function formOf(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

async function requestToken(extra: Record<string, string> = { oauth_callback: CALLBACK }): Promise<Token> {
  const reply = await call(sandbox, 'GET', 'oauth/request_token', { extra, timestamp: ts() });
  expect(reply.status).toBe(200);
  const form = formOf(reply.text);
  return { token: form.oauth_token!, secret: form.oauth_token_secret! };
}

async function authorize(token: string, decision: 'allow' | 'deny', callbackParam = 'oauth_callback'): Promise<URL> {
  const page = await fetch(`${sandbox.webUrl}/oauth/authorize?oauth_token=${token}&${callbackParam}=${encodeURIComponent(CALLBACK)}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const callback = /name="oauth_callback" value="([^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  const answer = await fetch(`${sandbox.webUrl}/oauth/authorize`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ oauth_token: token, oauth_callback: callback ?? '', decision }).toString(),
    redirect: 'manual',
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location')!);
}

async function accessToken(request: Token, verifier?: string) {
  return call(sandbox, 'GET', 'oauth/access_token', {
    credentials: { token: request.token, tokenSecret: request.secret },
    extra: verifier === undefined ? {} : { oauth_verifier: verifier },
    timestamp: ts(),
  });
}

async function signIn(): Promise<Token> {
  const request = await requestToken();
  const back = await authorize(request.token, 'allow');
  const reply = await accessToken(request, back.searchParams.get('oauth_verifier')!);
  expect(reply.status).toBe(200);
  const form = formOf(reply.text);
  return { token: form.oauth_token!, secret: form.oauth_token_secret! };
}

const asUser = (access: Token, path = 'users/me') =>
  call(sandbox, 'GET', path, { credentials: { token: access.token, tokenSecret: access.secret }, timestamp: ts() });

describe('three-legged OAuth', () => {
  it('issues a request token as a form-encoded body with oauth_callback_confirmed', async () => {
    const reply = await call(sandbox, 'GET', 'oauth/request_token', { extra: { oauth_callback: CALLBACK }, timestamp: ts() });
    expect(reply.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(reply.text).toMatch(/^oauth_token=[\w-]+&oauth_token_secret=[\w-]+&oauth_callback_confirmed=true$/);
  });

  it('shows an accessible authorize page asking to allow the app as Mr. Strickland, with Allow and Deny', async () => {
    const { token } = await requestToken();
    const page = await fetch(`${sandbox.webUrl}/oauth/authorize?oauth_token=${token}&oauth_callback=${encodeURIComponent(CALLBACK)}`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Allow Roster Desk to access Sandbox district as Mr. Strickland?');
    expect(html).toMatch(/<form method="post" action="\/oauth\/authorize"/);
    expect(html).toContain('<button type="submit" name="decision" value="allow">Allow</button>');
    expect(html).toContain('<button type="submit" name="decision" value="deny">Deny</button>');
  });

  it('sends the browser back with the token and a verifier on Allow, keeping the callback query', async () => {
    const { token } = await requestToken();
    const back = await authorize(token, 'allow');
    expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:9/oauth-done');
    expect(back.searchParams.get('state')).toBe('xyz');
    expect(back.searchParams.get('oauth_token')).toBe(token);
    expect(back.searchParams.get('oauth_verifier')).toMatch(/^[\w-]+$/);
  });

  it('trades the authorized request token for an access token that acts as Mr. Strickland', async () => {
    const access = await signIn();
    const me = await asUser(access);
    expect(me.status).toBe(303);
    expect(me.headers.get('location')).toBe(`${sandbox.url}/users/45552`);
    expect((await asUser(access, 'sections/3719526/enrollments')).status).toBe(200);
  });

  it('accepts return_url in place of oauth_callback on the authorize page', async () => {
    const request = await requestToken({});
    const back = await authorize(request.token, 'allow', 'return_url');
    expect(back.searchParams.get('oauth_token')).toBe(request.token);
  });

  it('sends the browser back with ?denied=TOKEN on Deny, and the token then buys no access token', async () => {
    const request = await requestToken();
    const back = await authorize(request.token, 'deny');
    expect(back.searchParams.get('denied')).toBe(request.token);
    const refused = await accessToken(request);
    expect(refused.status).toBe(401);
    expect(refused.data).toMatch(/denied/);
  });

  it('refuses an access token for a request token nobody authorized yet', async () => {
    const request = await requestToken();
    const reply = await accessToken(request);
    expect(reply.status).toBe(401);
    expect(reply.data).toMatch(/not authorized yet/);
  });

  it('refuses to exchange the same request token twice', async () => {
    const request = await requestToken();
    const back = await authorize(request.token, 'allow');
    const verifier = back.searchParams.get('oauth_verifier')!;
    expect((await accessToken(request, verifier)).status).toBe(200);
    expect((await accessToken(request, verifier)).status).toBe(401);
  });

  it('refuses a wrong verifier', async () => {
    const request = await requestToken();
    await authorize(request.token, 'allow');
    expect((await accessToken(request, 'not-the-verifier')).status).toBe(401);
  });

  it('refuses an access-token call signed without the request token secret', async () => {
    const request = await requestToken();
    const back = await authorize(request.token, 'allow');
    const reply = await accessToken({ token: request.token, secret: 'wrong' }, back.searchParams.get('oauth_verifier')!);
    expect(reply.status).toBe(401);
  });

  it('refuses a request-token call that carries a token', async () => {
    const reply = await call(sandbox, 'GET', 'oauth/request_token', { credentials: { token: 'abc', tokenSecret: 'def' }, timestamp: ts() });
    expect(reply.status).toBe(401);
  });

  it('shows a 400 page for an unknown request token', async () => {
    const page = await fetch(`${sandbox.webUrl}/oauth/authorize?oauth_token=nope&oauth_callback=${encodeURIComponent(CALLBACK)}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('request token is unknown');
  });

  it('shows a 400 page for a request token that has expired', async () => {
    const { token } = await requestToken();
    clock += 11 * 60_000;
    const page = await fetch(`${sandbox.webUrl}/oauth/authorize?oauth_token=${token}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('expired');
  });

  it('answers 401 once the access token has outlived its lifetime', async () => {
    const access = await signIn();
    clock += 61_000;
    const reply = await asUser(access);
    expect(reply.status).toBe(401);
    expect(reply.data).toMatch(/expired/);
  });

  it('answers 401 for every issued access token after revokeAccessTokens(), while two-legged calls go on', async () => {
    const access = await signIn();
    sandbox.revokeAccessTokens();
    const reply = await asUser(access);
    expect(reply.status).toBe(401);
    expect(reply.data).toMatch(/revoked/);
    expect((await call(sandbox, 'GET', 'users/45552', { timestamp: ts() })).status).toBe(200);
  });

  it('follows the sandbox clock for the timestamp window', async () => {
    expect((await call(sandbox, 'GET', 'users/45552')).status).toBe(401);
    expect((await call(sandbox, 'GET', 'users/45552', { timestamp: ts() })).status).toBe(200);
  });
});
