import { beforeEach, describe, expect, it } from 'vitest';
import { CanvasClient } from '../../../electron/lms/canvas/canvas-client';
import { canvasAuthorizeUrl, exchangeCanvasCode, RefreshingCanvasToken, type CanvasOAuthTokens } from '../../../electron/lms/canvas/canvas-oauth2';
import { LmsError } from '../../../electron/lms/lms-error';
import type { CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { answerCanvasAuthorizePage } from '../../support/canvas-authorize-page';
import { canvasSandboxFor, FAST, notingFetch, type CanvasWireNote } from './canvas-kit';

/**
 * The Canvas client with an OAuth2 sign-in's token against the Canvas sandbox (lms-api-notes §2.5): the code exchange,
 * and an access token that expires on the sandbox's clock being renewed once — however many requests find it expired —
 * with the request sent again; a refresh token Canvas no longer knows ends in a message with the exact command.
 */
const LIFETIME_MS = 60_000;
const REDIRECT = 'http://127.0.0.1:9/oauth/callback';
const SIGN_IN_AGAIN = 'roster account login canvas --base-url http://x --client-id 1 --client-secret-stdin';

let sandbox: CanvasSandbox;
let clock: number;
let notes: CanvasWireNote[];

beforeEach(async () => {
  clock = Date.UTC(2026, 8, 1, 12);
  notes = [];
  sandbox = await canvasSandboxFor({ now: () => clock, oauthTokenLifetimeMs: LIFETIME_MS });
});

const key = () => ({ clientId: sandbox.oauthClient.id, clientSecret: sandbox.oauthClient.secret });
const transport = () => ({ ...FAST, fetch: notingFetch(notes) });
const tokenPosts = () => notes.filter((n) => n.method === 'POST' && n.url.pathname === '/login/oauth2/token');

async function signIn(): Promise<CanvasOAuthTokens> {
  const url = canvasAuthorizeUrl(sandbox.url, { clientId: sandbox.oauthClient.id, redirectUri: REDIRECT, state: 's' });
  const back = new URL(await answerCanvasAuthorizePage(url, 'authorize'));
  return exchangeCanvasCode(sandbox.url, key(), { code: back.searchParams.get('code')!, redirectUri: REDIRECT }, { now: () => clock });
}

function clientWith(tokens: CanvasOAuthTokens, saved: Array<{ accessToken: string; expiresAt?: number }> = []) {
  const source = new RefreshingCanvasToken({
    baseUrl: sandbox.url,
    key: key(),
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken!,
    signInAgain: SIGN_IN_AGAIN,
    transport: transport(),
    now: () => clock,
    onRefresh: async (renewed) => {
      saved.push(renewed);
    },
  });
  return { source, client: new CanvasClient({ baseUrl: sandbox.url, token: source, transport: transport() }) };
}

describe('the code exchange', () => {
  it('answers the access and refresh tokens, the user and when the access token expires', async () => {
    const tokens = await signIn();
    expect(tokens).toEqual({
      accessToken: expect.stringMatching(/^1~/),
      refreshToken: expect.any(String),
      expiresAt: clock + LIFETIME_MS,
      user: { id: '1', name: 'Mr. Strickland' },
    });
  });

  it('builds the authorize URL Canvas documents', () => {
    const url = new URL(canvasAuthorizeUrl('https://school.instructure.com/api/v1/', { clientId: '10000000000001', redirectUri: REDIRECT, state: 'xyz' }));
    expect(`${url.origin}${url.pathname}`).toBe('https://school.instructure.com/login/oauth2/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: '10000000000001', response_type: 'code', redirect_uri: REDIRECT, state: 'xyz' });
  });

  it('turns a refused code into an LmsError that names no secret', async () => {
    const error = await exchangeCanvasCode(sandbox.url, key(), { code: 'made-up', redirectUri: REDIRECT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LmsError);
    expect(error).toMatchObject({ kind: 'rejected', status: 400 });
    expect((error as Error).message).not.toContain(sandbox.oauthClient.secret);
  });
});

describe('an expired access token', () => {
  it('is renewed once and the request sent again with the new token, which onRefresh is given', async () => {
    const saved: Array<{ accessToken: string; expiresAt?: number }> = [];
    const { client, source } = clientWith(await signIn(), saved);
    const first = source.current();
    clock += LIFETIME_MS;
    expect((await client.self()).name).toBe('Mr. Strickland');
    expect(tokenPosts()).toHaveLength(1);
    expect(source.current()).not.toBe(first);
    expect(saved).toEqual([{ accessToken: source.current(), expiresAt: clock + LIFETIME_MS }]);
    const selfCalls = notes.filter((n) => n.url.pathname === '/api/v1/users/self').map((n) => n.authorization);
    expect(selfCalls).toEqual([`Bearer ${first}`, `Bearer ${source.current()}`]);
  });

  it('is renewed once for many requests that find it expired at the same time', async () => {
    const { client } = clientWith(await signIn());
    clock += LIFETIME_MS;
    const names = await Promise.all(Array.from({ length: 6 }, () => client.self()));
    expect(names.map((u) => u.name)).toEqual(Array(6).fill('Mr. Strickland'));
    expect(tokenPosts()).toHaveLength(1);
  });

  it('ends in an unauthorized LmsError with the exact sign-in command when Canvas no longer knows the refresh token', async () => {
    const { client } = clientWith(await signIn());
    sandbox.revokeOAuthTokens();
    const error = await client.self().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LmsError);
    expect(error).toMatchObject({ kind: 'unauthorized', endpoint: 'POST login/oauth2/token' });
    expect((error as Error).message).toContain('refresh_token not found');
    expect((error as Error).message).toContain(`sign in again with \`${SIGN_IN_AGAIN}\``);
    expect(tokenPosts()).toHaveLength(1);
  });

  it('stays a transient error, not a sign-in problem, when the token endpoint cannot be reached', async () => {
    const tokens = await signIn();
    const source = new RefreshingCanvasToken({
      baseUrl: 'http://127.0.0.1:9',
      key: key(),
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken!,
      signInAgain: SIGN_IN_AGAIN,
      transport: { ...FAST, maxAttempts: 1 },
    });
    const error = await source.refresh(tokens.accessToken).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', transient: true });
  });
});

describe('a 401 that is not an expired token', () => {
  it('is not refreshed when Canvas sends no WWW-Authenticate (a permission refusal, §2.5)', async () => {
    const tokens = await signIn();
    const source = new RefreshingCanvasToken({ baseUrl: sandbox.url, key: key(), accessToken: 'not-a-token', refreshToken: tokens.refreshToken!, signInAgain: SIGN_IN_AGAIN });
    const withoutChallenge: typeof fetch = async (input, init) => {
      const reply = await globalThis.fetch(input, init);
      const headers = new Headers(reply.headers);
      headers.delete('www-authenticate');
      return new Response(await reply.text(), { status: reply.status, statusText: reply.statusText, headers });
    };
    const client = new CanvasClient({ baseUrl: sandbox.url, token: source, transport: { ...FAST, fetch: withoutChallenge } });
    await expect(client.self()).rejects.toMatchObject({ kind: 'unauthorized', endpoint: 'GET users/self' });
    expect(source.current()).toBe('not-a-token');
  });

  it('is not refreshed for a personal access token', async () => {
    const client = new CanvasClient({ baseUrl: sandbox.url, token: 'not-the-token', transport: transport() });
    await expect(client.self()).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(tokenPosts()).toHaveLength(0);
  });
});
