import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationHeader } from '../../../electron/lms/schoology/oauth1';
import { REPLAY_MESSAGE } from '../../../electron/sandbox/sandbox-oauth';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { apiUrl, call } from './sandbox-http';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: null });
});
afterAll(() => sandbox.close());

const nowS = () => Math.floor(Date.now() / 1000);

/** A PLAINTEXT header written by hand, as Schoology's own PHP example and some clients do it. */
function plaintextHeader(signature: string, nonce = `n${Math.random()}`): string {
  return (
    `OAuth realm="", oauth_consumer_key="${sandbox.consumerKey}", oauth_nonce="${nonce}", oauth_signature_method="PLAINTEXT", ` +
    `oauth_timestamp="${nowS()}", oauth_token="", oauth_version="1.0", oauth_signature="${signature}"`
  );
}

describe('OAuth 1.0a two-legged checks', () => {
  it('accepts an HMAC-SHA1 signature over the method, URL and query, acting as the key owner', async () => {
    const { status, headers } = await call(sandbox, 'GET', 'users/me?picture_size=big');
    expect(status).toBe(303);
    expect(headers.get('location')).toMatch(/\/users\/45552$/);
  });

  it('accepts any realm value, including an empty one', async () => {
    expect((await call(sandbox, 'GET', 'users/45552', { realm: '' })).status).toBe(200);
    expect((await call(sandbox, 'GET', 'users/45552', { realm: 'Somewhere else' })).status).toBe(200);
  });

  it('accepts PLAINTEXT with the signature written secret& (raw ampersand)', async () => {
    expect((await call(sandbox, 'GET', 'users/45552', { authorization: plaintextHeader(`${sandbox.consumerSecret}&`) })).status).toBe(200);
  });

  it('accepts PLAINTEXT with the signature header-encoded as secret%26', async () => {
    expect((await call(sandbox, 'GET', 'users/45552', { authorization: plaintextHeader(`${sandbox.consumerSecret}%26`) })).status).toBe(200);
    expect((await call(sandbox, 'GET', 'users/45552', { signatureMethod: 'PLAINTEXT' })).status).toBe(200);
  });

  it('refuses a PLAINTEXT signature with the wrong secret', async () => {
    expect((await call(sandbox, 'GET', 'users/45552', { authorization: plaintextHeader('wrong%26') })).status).toBe(401);
  });

  it('refuses a request without an Authorization header, saying so', async () => {
    const { status, data } = await call(sandbox, 'GET', 'users/45552', { authorization: null });
    expect(status).toBe(401);
    expect(data).toMatch(/Missing Authorization header/);
  });

  it('refuses an unknown consumer key with a bare JSON string', async () => {
    const { status, text } = await call(sandbox, 'GET', 'users/45552', { credentials: { consumerKey: 'not-our-key' } });
    expect(status).toBe(401);
    expect(text).toBe('"Invalid consumer key."');
  });

  it('answers an OAuth problem in XML as <result>message</result> when XML was asked for', async () => {
    const { status, text } = await call(sandbox, 'GET', 'users/45552', { format: 'xml', credentials: { consumerKey: 'not-our-key' } });
    expect(status).toBe(401);
    expect(text).toMatch(/<result>Invalid consumer key\.<\/result>/);
  });

  it('refuses a signature made with the wrong secret', async () => {
    const { status, data } = await call(sandbox, 'GET', 'users/45552', { credentials: { consumerSecret: 'guess' } });
    expect(status).toBe(401);
    expect(data).toBe('Invalid signature (HMAC-SHA1).');
  });

  it('refuses a signature over a different query (the query is signed)', async () => {
    const url = apiUrl(sandbox, 'sections/3719526/enrollments?limit=5');
    const { status } = await call(sandbox, 'GET', 'sections/3719526/enrollments?limit=6', { signUrl: url });
    expect(status).toBe(401);
  });

  it('refuses a signature made for another method', async () => {
    expect((await call(sandbox, 'GET', 'users/45552', { signMethod: 'POST' })).status).toBe(401);
  });

  it('does not sign a JSON body: a create signed over method, URL and query only is accepted', async () => {
    const { status } = await call(sandbox, 'POST', 'sections/3719526/enrollments', { body: { uid: '2461632', admin: 0, status: 1 } });
    expect(status).toBe(201);
  });

  it('refuses a timestamp more than 300 s behind or ahead of the server clock', async () => {
    const stale = await call(sandbox, 'GET', 'users/45552', { timestamp: nowS() - 400 });
    expect(stale.status).toBe(401);
    expect(stale.data).toMatch(/Timestamp \d+ is more than 300 seconds from the server time/);
    expect((await call(sandbox, 'GET', 'users/45552', { timestamp: nowS() + 400 })).status).toBe(401);
  });

  it('accepts a timestamp a little off the server clock', async () => {
    expect((await call(sandbox, 'GET', 'users/45552', { timestamp: nowS() - 240 })).status).toBe(200);
  });

  it('refuses a reused nonce with the same timestamp as a replay, in Schoology words', async () => {
    const timestamp = nowS();
    const first = await call(sandbox, 'GET', 'users/45552', { nonce: 'once-only', timestamp });
    const replay = await call(sandbox, 'GET', 'users/45552', { nonce: 'once-only', timestamp });
    expect(first.status).toBe(200);
    expect(replay.status).toBe(401);
    expect(replay.data).toBe(REPLAY_MESSAGE);
    expect(replay.text).toBe('"Duplicate timestamp\\/nonce combination, possible replay attack. Request rejected."');
  });

  it('accepts the same nonce with another timestamp (a nonce is unique per timestamp)', async () => {
    const timestamp = nowS();
    expect((await call(sandbox, 'GET', 'users/45552', { nonce: 'per-timestamp', timestamp })).status).toBe(200);
    expect((await call(sandbox, 'GET', 'users/45552', { nonce: 'per-timestamp', timestamp: timestamp - 1 })).status).toBe(200);
  });

  it('refuses an oauth_version other than 1.0 and an unknown signature method', async () => {
    const url = apiUrl(sandbox, 'users/45552');
    const credentials = { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret };
    const v2 = authorizationHeader({ method: 'GET', url, credentials }).replace('oauth_version="1.0"', 'oauth_version="2.0"');
    expect((await call(sandbox, 'GET', 'users/45552', { authorization: v2 })).data).toMatch(/oauth_version/);
    const rsa = authorizationHeader({ method: 'GET', url, credentials }).replace('HMAC-SHA1', 'RSA-SHA1');
    expect((await call(sandbox, 'GET', 'users/45552', { authorization: rsa })).data).toMatch(/RSA-SHA1/);
  });

  it('refuses an unknown access token', async () => {
    const { status, data } = await call(sandbox, 'GET', 'users/45552', { credentials: { token: 'made-up', tokenSecret: 'x' } });
    expect(status).toBe(401);
    expect(data).toBe('Invalid access token.');
  });

  it('checks the signature against the URL as the client addressed it (its Host header)', async () => {
    const addressed = new URL('http://school.example/v1/users/45552');
    const authorization = authorizationHeader({ method: 'GET', url: addressed, credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret } });
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: sandbox.port, path: '/v1/users/45552', headers: { Host: 'school.example', Authorization: authorization } },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).links.self).toBe('http://school.example/v1/users/45552');
  });
});
