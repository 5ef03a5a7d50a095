import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationHeader } from '../../../electron/lms/schoology/oauth1';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { call } from './sandbox-http';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: null });
});
afterAll(() => sandbox.close());

const P3 = 'sections/3719526';
const NEWCOMER = '2461632';
const contentTypeFor = async (accept: string) => (await call(sandbox, 'GET', 'users/45552', { accept })).headers.get('content-type');

describe('reply format from the Accept header', () => {
  it('is XML for the weighted list of Schoology’s own example', async () => {
    expect(await contentTypeFor('text/xml;q=1.0,application/json;q=0.0')).toBe('text/xml; charset=UTF-8');
  });

  it('follows the higher weight whatever the order', async () => {
    expect(await contentTypeFor('application/json;q=0.4, text/xml;q=0.9')).toBe('text/xml; charset=UTF-8');
    expect(await contentTypeFor('text/xml;q=0.4, application/json')).toBe('application/json; charset=UTF-8');
  });

  it('takes application/xml as XML', async () => {
    expect(await contentTypeFor('application/xml')).toBe('text/xml; charset=UTF-8');
  });

  it('is JSON for */* and when Accept is absent', async () => {
    expect(await contentTypeFor('*/*')).toBe('application/json; charset=UTF-8');
    const url = `${sandbox.url}/users/45552`;
    const response = await fetch(url, {
      headers: { Authorization: authorizationHeader({ method: 'GET', url: new URL(url), credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret } }) },
    });
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(response.headers.get('x-schoology')).toBe('API');
  });
});

describe('request body from the Content-Type header', () => {
  it('reads an XML body while answering in JSON', async () => {
    const { status, data } = await call(sandbox, 'POST', `${P3}/enrollments`, {
      rawBody: `<?xml version="1.0"?><body><uid>${NEWCOMER}</uid><admin>0</admin><status>1</status></body>`,
      contentType: 'application/xml',
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({ uid: NEWCOMER, admin: 0, status: 1 });
  });

  it('refuses a form-encoded body with 415 and applies nothing', async () => {
    const before = sandbox.store.countEnrollments();
    const { status, data } = await call(sandbox, 'POST', `${P3}/enrollments`, {
      rawBody: `uid=${NEWCOMER}&admin=0&status=1`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(status).toBe(415);
    expect(data).toMatch(/application\/json or text\/xml/);
    expect(sandbox.store.countEnrollments()).toBe(before);
  });

  it('refuses a body without a Content-Type with 415', async () => {
    expect((await call(sandbox, 'POST', `${P3}/enrollments`, { rawBody: `{"uid":"${NEWCOMER}"}` })).status).toBe(415);
  });

  it('answers 400 for JSON that does not parse', async () => {
    const { status, data } = await call(sandbox, 'POST', `${P3}/enrollments`, { rawBody: '{"uid": ', contentType: 'application/json' });
    expect(status).toBe(400);
    expect(data).toMatch(/not valid JSON/);
  });

  it('answers 400 in XML for XML that does not parse', async () => {
    const { status, text } = await call(sandbox, 'POST', `${P3}/enrollments`, { format: 'xml', rawBody: '<body><uid>1</body>', contentType: 'text/xml' });
    expect(status).toBe(400);
    expect(text).toMatch(/<result>The request body is not valid XML: .*<\/result>/);
  });

  it('answers 400 when a create has no body at all', async () => {
    expect((await call(sandbox, 'POST', `${P3}/enrollments`)).status).toBe(400);
  });
});
