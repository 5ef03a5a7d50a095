/**
 * OAuth 1.0a against the sandbox: two-legged calls in both signature methods, the three-legged sign-in from request
 * token to a working access token, and the 401s that mean "sign in again" — never retried.
 */
import { describe, expect, it } from 'vitest';
import { LmsError } from '../../../electron/lms/lms-error';
import { parseAuthorizationHeader } from '../../../electron/lms/schoology/oauth1';
import type { Sandbox } from '../../../electron/sandbox/sandbox-server';
import type { SchoologyClient } from '../../../electron/lms/schoology/schoology-client';
import { clientFor, fastTransport, FORMATS, notingFetch, requestLines, sandboxFor, SEED, type WireNote } from './schoology-kit';

const CALLBACK = 'http://127.0.0.1:9/signed-in?state=abc';

/** What the user's browser does on the sandbox's authorize page: press Allow (or Deny), and read where it sends them. */
async function decide(sandbox: Sandbox, client: SchoologyClient, requestToken: string, decision: 'allow' | 'deny'): Promise<URL> {
  const page = await fetch(client.authorizeUrl(sandbox.webUrl, requestToken, CALLBACK));
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Allow Roster Desk to access Sandbox district as Mr. Strickland?');
  const reply = await fetch(`${sandbox.webUrl}/oauth/authorize`, {
    method: 'POST',
    body: new URLSearchParams({ oauth_token: requestToken, oauth_callback: CALLBACK, decision }),
    redirect: 'manual',
  });
  expect(reply.status).toBe(302);
  return new URL(reply.headers.get('location') ?? '');
}

describe.each(FORMATS)('Schoology OAuth over %s', (format) => {
  describe('two-legged', () => {
    it('signs with PLAINTEXT as well as HMAC-SHA1', async () => {
      const sandbox = await sandboxFor();
      const me = await clientFor(sandbox, format, { signatureMethod: 'PLAINTEXT' }).me();
      expect(me.id).toBe(SEED.owner);
    });

    it('accepts an empty realm in the header', async () => {
      const sandbox = await sandboxFor();
      expect((await clientFor(sandbox, format, { realm: '' }).getGroup('65371')).id).toBe('65371');
    });

    it('reports a wrong secret as unauthorized, with the server’s reason, after one request', async () => {
      const sandbox = await sandboxFor();
      const client = clientFor(sandbox, format, { credentials: { consumerKey: sandbox.consumerKey, consumerSecret: 'not-the-secret' } });
      const error = await client.getGroup('65371').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LmsError);
      expect(error).toMatchObject({ kind: 'unauthorized', status: 401, endpoint: 'GET groups/65371' });
      expect((error as LmsError).transient).toBe(false);
      expect((error as Error).message).toMatch(/signature/i);
      expect(sandbox.requests).toHaveLength(1);
    });

    it('reports an unknown consumer key as unauthorized', async () => {
      const sandbox = await sandboxFor();
      const client = clientFor(sandbox, format, { credentials: { consumerKey: 'someone-else', consumerSecret: sandbox.consumerSecret } });
      await expect(client.me()).rejects.toMatchObject({ kind: 'unauthorized' });
      expect(sandbox.requests).toHaveLength(1);
    });

    it('does not sign a JSON or XML body: a write is accepted with a signature over method, URL and query only', async () => {
      const sandbox = await sandboxFor();
      const notes: WireNote[] = [];
      const client = clientFor(sandbox, format, { transport: fastTransport({ fetch: notingFetch(notes) }) });
      await client.upsertEnrollments([{ realmKey: SEED.robotics, uid: SEED.howlett, admin: 0, status: 1 }]);
      const params = parseAuthorizationHeader(notes[0]?.authorization ?? '');
      expect(Object.keys(params).sort()).toEqual([
        'oauth_consumer_key',
        'oauth_nonce',
        'oauth_signature',
        'oauth_signature_method',
        'oauth_timestamp',
        'oauth_token',
        'oauth_version',
        'realm',
      ]);
      expect(params.oauth_token).toBe('');
    });
  });

  describe('three-legged', () => {
    it('goes from a request token through the authorize page to an access token that works', async () => {
      const sandbox = await sandboxFor();
      const notes: WireNote[] = [];
      const consumer = clientFor(sandbox, format, { transport: fastTransport({ fetch: notingFetch(notes) }) });

      const request = await consumer.requestToken(CALLBACK);
      expect(request.token).not.toBe('');
      expect(parseAuthorizationHeader(notes[0]?.authorization ?? '').oauth_callback).toBe(CALLBACK);

      const back = await decide(sandbox, consumer, request.token, 'allow');
      expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:9/signed-in');
      expect(back.searchParams.get('state')).toBe('abc');
      expect(back.searchParams.get('oauth_token')).toBe(request.token);
      const verifier = back.searchParams.get('oauth_verifier') ?? '';

      const access = await consumer.accessToken(request.token, request.tokenSecret, verifier);
      expect(access.token).not.toBe(request.token);
      expect(parseAuthorizationHeader(notes[1]?.authorization ?? '')).toMatchObject({ oauth_token: request.token, oauth_verifier: verifier });

      const user = clientFor(sandbox, format, {
        credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret, token: access.token, tokenSecret: access.tokenSecret },
      });
      expect((await user.me()).id).toBe(SEED.owner);
      expect(requestLines(sandbox)).toEqual(['GET oauth/request_token', 'GET oauth/access_token', 'GET users/me', `GET users/${SEED.owner}`]);
    });

    it('builds the authorize URL on the web side with the token and the encoded callback', async () => {
      const sandbox = await sandboxFor();
      expect(clientFor(sandbox, format).authorizeUrl('https://district.schoology.com/', 'tok en', CALLBACK)).toBe(
        'https://district.schoology.com/oauth/authorize?oauth_token=tok%20en&oauth_callback=http%3A%2F%2F127.0.0.1%3A9%2Fsigned-in%3Fstate%3Dabc',
      );
    });

    it('refuses an access token for a request token the user denied', async () => {
      const sandbox = await sandboxFor();
      const consumer = clientFor(sandbox, format);
      const request = await consumer.requestToken(CALLBACK);
      const back = await decide(sandbox, consumer, request.token, 'deny');
      expect(back.searchParams.get('denied')).toBe(request.token);
      await expect(consumer.accessToken(request.token, request.tokenSecret)).rejects.toMatchObject({ kind: 'unauthorized' });
    });

    it('refuses an access-token call signed with the wrong request-token secret', async () => {
      const sandbox = await sandboxFor();
      const consumer = clientFor(sandbox, format);
      const request = await consumer.requestToken(CALLBACK);
      const verifier = (await decide(sandbox, consumer, request.token, 'allow')).searchParams.get('oauth_verifier') ?? '';
      await expect(consumer.accessToken(request.token, 'wrong', verifier)).rejects.toMatchObject({ kind: 'unauthorized' });
    });

    it('reports a revoked access token as unauthorized, without retrying', async () => {
      const sandbox = await sandboxFor();
      const consumer = clientFor(sandbox, format);
      const request = await consumer.requestToken(CALLBACK);
      const verifier = (await decide(sandbox, consumer, request.token, 'allow')).searchParams.get('oauth_verifier') ?? '';
      const access = await consumer.accessToken(request.token, request.tokenSecret, verifier);
      const user = clientFor(sandbox, format, {
        credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret, token: access.token, tokenSecret: access.tokenSecret },
      });
      expect((await user.getGroup('65371')).id).toBe('65371');
      sandbox.revokeAccessTokens();
      const before = sandbox.requests.length;
      const error = await user.getGroup('65371').catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'unauthorized', status: 401, endpoint: 'GET groups/65371' });
      expect((error as Error).message).toContain('revoked');
      expect(sandbox.requests.length - before).toBe(1);
    });
  });
});
