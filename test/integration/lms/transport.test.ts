import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LmsError } from '../../../electron/lms/lms-error';
import { authorizationHeader, parseAuthorizationHeader } from '../../../electron/lms/schoology/oauth1';
import { Transport, type TransportOptions, type TransportRequest } from '../../../electron/lms/transport';

/**
 * The transport against real HTTP servers on 127.0.0.1 that each test scripts request by request: the n-th request
 * gets the n-th step (the last step repeats). The servers record what arrived — method, path, headers, body and
 * when — and the tests assert on that: how often a request was sent, with which credentials, and in what order.
 * Delays are a few milliseconds; nothing here asserts how fast anything was.
 */

interface Arrival {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request line arrived. */
  at: number;
}

type Step = (res: ServerResponse, req: IncomingMessage) => void;

interface ScriptedServer {
  origin: string;
  url(path: string): URL;
  arrivals: Arrival[];
  close(): Promise<void>;
}

const servers: ScriptedServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(...steps: Step[]): Promise<ScriptedServer> {
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = arrivals.length;
      arrivals.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString(), at });
      const step = steps[Math.min(index, steps.length - 1)];
      if (step) step(res, req);
      else reply(200)(res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const scripted: ScriptedServer = {
    origin,
    url: (path) => new URL(path, origin),
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(scripted);
  return scripted;
}

function reply(status: number, body = '', headers: Record<string, string> = {}): Step {
  return (res) => {
    res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
    res.end(body);
  };
}

/** The request was read in full — the server had it — and then the connection died without a reply. */
function drop(): Step {
  return (_res, req) => req.socket.destroy();
}

/** Headers and half the body, then the connection dies. */
function dropMidBody(): Step {
  return (res, req) => {
    res.writeHead(200, { 'Content-Length': '100' });
    res.write('{"enrollment":[');
    setTimeout(() => req.socket.destroy(), 5);
  };
}

/** Answers only after `ms` — longer than the tests' timeouts — if the connection is still there. */
function slow(ms: number, status = 200): Step {
  return (res) => {
    const timer = setTimeout(() => reply(status, 'late')(res, {} as IncomingMessage), ms);
    res.on('close', () => clearTimeout(timer));
  };
}

function redirect(status: number, location: string): Step {
  return reply(status, '', { Location: location });
}

/** Tiny delays and a jitter that always picks the ceiling, so every run waits the same few milliseconds. */
function transport(options: TransportOptions = {}): Transport {
  return new Transport({ baseDelayMs: 2, maxDelayMs: 50, timeoutMs: 2000, random: () => 1, ...options });
}

function get(url: URL, extra: Partial<TransportRequest> = {}): TransportRequest {
  return { method: 'GET', url, endpoint: `GET ${url.pathname.replace(/^\//, '')}`, idempotent: true, ...extra };
}

function post(url: URL, extra: Partial<TransportRequest> = {}): TransportRequest {
  return {
    method: 'POST',
    url,
    endpoint: `POST ${url.pathname.replace(/^\//, '')}`,
    headers: { 'Content-Type': 'application/json' },
    body: '{"uid":"48289","admin":"0","status":"1"}',
    idempotent: false,
    ...extra,
  };
}

const credentials = { consumerKey: 'key-45552', consumerSecret: 'secret-45552', token: '' };

/** A real OAuth 1.0a signer, recording every (method, URL) it was asked to sign. */
function signer(): { authorize: (method: string, url: URL) => string; calls: Array<{ method: string; url: string }> } {
  const calls: Array<{ method: string; url: string }> = [];
  return {
    calls,
    authorize: (method, url) => {
      calls.push({ method, url: url.href });
      return authorizationHeader({ method, url, credentials });
    },
  };
}

function nonceOf(arrival: Arrival | undefined): string | undefined {
  const header = arrival?.headers.authorization;
  return header ? parseAuthorizationHeader(header).oauth_nonce : undefined;
}

async function failure(promise: Promise<unknown>): Promise<LmsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LmsError) return error;
    throw error;
  }
  throw new Error('expected the request to fail with an LmsError, but it succeeded');
}

/** Polls until `condition` holds; fails with `what` instead of hanging until the test timeout. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`still waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('a successful exchange', () => {
  it('resolves with status, headers, body and URL, sending the caller headers and body', async () => {
    const server = await serve(reply(201, '{"id":"1"}', { 'X-Schoology': 'API' }));
    const response = await transport().request(
      post(server.url('/v1/sections/3719526/enrollments'), { headers: { 'Content-Type': 'application/json', Accept: 'application/json' } }),
    );
    expect(response.status).toBe(201);
    expect(response.body).toBe('{"id":"1"}');
    expect(response.headers.get('x-schoology')).toBe('API');
    expect(response.url.href).toBe(server.url('/v1/sections/3719526/enrollments').href);
    expect(server.arrivals).toHaveLength(1);
    expect(server.arrivals[0]).toMatchObject({
      method: 'POST',
      path: '/v1/sections/3719526/enrollments',
      body: '{"uid":"48289","admin":"0","status":"1"}',
    });
    expect(server.arrivals[0]?.headers.accept).toBe('application/json');
  });

  it('returns what parse makes of the response', async () => {
    const server = await serve(reply(200, '{"total":"2"}'));
    const total = await transport().request({ ...get(server.url('/v1/x')), parse: (r) => Number((JSON.parse(r.body) as { total: string }).total) });
    expect(total).toBe(2);
  });
});

describe('retries', () => {
  it('retries a GET after 503 twice and resolves with the third reply', async () => {
    const server = await serve(reply(503, 'busy'), reply(503, 'busy'), reply(200, 'ok'));
    const response = await transport().request(get(server.url('/v1/users/45552')));
    expect(response.body).toBe('ok');
    expect(server.arrivals).toHaveLength(3);
  });

  it.each([500, 502, 504])('retries an idempotent request after %i', async (status) => {
    const server = await serve(reply(status), reply(200, 'ok'));
    await transport().request(get(server.url('/v1/x')));
    expect(server.arrivals).toHaveLength(2);
  });

  it('authorizes every attempt anew, with a fresh nonce each time', async () => {
    const server = await serve(reply(503), reply(500), reply(200));
    const sign = signer();
    await transport().request(get(server.url('/v1/users/45552'), { authorize: sign.authorize }));
    expect(sign.calls).toHaveLength(3);
    const nonces = server.arrivals.map(nonceOf);
    expect(nonces.every((n) => typeof n === 'string' && n.length > 0)).toBe(true);
    expect(new Set(nonces).size).toBe(3);
    expect(new Set(server.arrivals.map((a) => a.headers.authorization)).size).toBe(3);
  });

  it('gives up after maxAttempts and says so', async () => {
    const server = await serve(reply(503, 'Service temporarily unavailable'));
    const error = await failure(transport({ maxAttempts: 3 }).request(get(server.url('/v1/x'))));
    expect(server.arrivals).toHaveLength(3);
    expect(error.kind).toBe('server');
    expect(error.status).toBe(503);
    expect(error.transient).toBe(true);
    expect(error.message).toBe('GET v1/x: HTTP 503 Service Unavailable: Service temporarily unavailable (gave up after 3 attempts)');
  });

  it('does not retry a 501, which will answer the same every time', async () => {
    const server = await serve(reply(501));
    const error = await failure(transport().request(get(server.url('/v1/x'))));
    expect(error.kind).toBe('server');
    expect(server.arrivals).toHaveLength(1);
  });

  it('retries an idempotent PUT whose connection was dropped', async () => {
    const server = await serve(drop(), reply(204));
    const response = await transport().request({ ...get(server.url('/v1/sections/1/enrollments/2')), method: 'PUT', body: '{}' });
    expect(response.status).toBe(204);
    expect(server.arrivals).toHaveLength(2);
  });

  it('retries a GET whose reply was cut off mid-body', async () => {
    const server = await serve(dropMidBody(), reply(200, 'whole'));
    const response = await transport().request(get(server.url('/v1/x')));
    expect(response.body).toBe('whole');
    expect(server.arrivals).toHaveLength(2);
  });

  it('retries a timed-out GET and names the timeout when every attempt times out', async () => {
    const server = await serve(slow(5_000));
    const error = await failure(transport({ timeoutMs: 50, maxAttempts: 2 }).request(get(server.url('/v1/x'))));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('GET v1/x: no reply within 50 ms (gave up after 2 attempts)');
    expect(server.arrivals).toHaveLength(2);
  });

  it('says the timeout in seconds when it is whole seconds', async () => {
    const server = await serve(slow(5_000));
    const error = await failure(transport({ timeoutMs: 1000, maxAttempts: 1 }).request(get(server.url('/v1/x'))));
    expect(error.message).toBe('GET v1/x: no reply within 1 s');
  });
});

describe('writes that are not idempotent', () => {
  it('sends a POST that got a 503 exactly once', async () => {
    const server = await serve(reply(503), reply(200));
    const error = await failure(transport().request(post(server.url('/v1/sections/1/enrollments'))));
    expect(server.arrivals).toHaveLength(1);
    expect(error.kind).toBe('server');
    expect(error.message).toContain('not retried');
  });

  it('sends a POST whose connection dropped exactly once: the server may have committed it', async () => {
    const server = await serve(drop(), reply(200));
    const error = await failure(transport().request(post(server.url('/v1/sections/1/enrollments'))));
    expect(server.arrivals).toHaveLength(1);
    expect(error.kind).toBe('network');
    expect(error.message).toContain('connection closed before the reply was complete');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('sends a POST that timed out exactly once', async () => {
    const server = await serve(slow(5_000), reply(200));
    const error = await failure(transport({ timeoutMs: 50 }).request(post(server.url('/v1/x'))));
    expect(error.kind).toBe('timeout');
    expect(server.arrivals).toHaveLength(1);
  });

  it('re-sends a POST that got a 429: the server refused it before doing anything', async () => {
    const server = await serve(reply(429, 'Too many requests'), reply(201, 'created'));
    const response = await transport().request(post(server.url('/v1/x')));
    expect(response.status).toBe(201);
    expect(server.arrivals).toHaveLength(2);
    expect(server.arrivals[1]?.body).toBe(server.arrivals[0]?.body);
  });

  it('re-sends a POST whose connection was refused: nothing was sent', async () => {
    const closed = await serve();
    const url = closed.url('/v1/x');
    await closed.close();
    const sign = signer();
    const error = await failure(transport({ maxAttempts: 3 }).request(post(url, { authorize: sign.authorize })));
    expect(sign.calls).toHaveLength(3);
    expect(error.kind).toBe('network');
    expect(error.message).toBe(`POST v1/x: connection refused by ${url.host} (gave up after 3 attempts)`);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('retries a POST marked idempotent (an upsert) after a 503', async () => {
    const server = await serve(reply(503), reply(200));
    await transport().request(post(server.url('/v1/enrollments?update_existing=1'), { idempotent: true }));
    expect(server.arrivals).toHaveLength(2);
  });
});

describe('Retry-After', () => {
  it('waits as long as a 429 asks before trying again', async () => {
    const server = await serve(reply(429, '', { 'Retry-After': '1' }), reply(200));
    await transport({ maxDelayMs: 2000 }).request(get(server.url('/v1/x')));
    const [first, second] = server.arrivals;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
  });

  it('holds every other request back too while the 429 pause runs', async () => {
    const server = await serve(reply(429, '', { 'Retry-After': '1' }), reply(200));
    const shared = transport({ maxDelayMs: 2000 });
    const first = shared.request(get(server.url('/v1/first')));
    await until(() => shared.limiter.pausedForMs > 0, 'the 429 to pause the limiter');
    await shared.request(get(server.url('/v1/second')));
    await first;
    const throttled = server.arrivals.find((a) => a.path === '/v1/first')!;
    const other = server.arrivals.find((a) => a.path === '/v1/second')!;
    expect(other.at - throttled.at).toBeGreaterThanOrEqual(990);
  });

  it('gives up at once with retryAfter when a 429 asks for longer than maxDelayMs', async () => {
    const server = await serve(reply(429, 'slow down', { 'Retry-After': '120' }), reply(200));
    const error = await failure(transport({ maxDelayMs: 1000 }).request(get(server.url('/v1/x'))));
    expect(server.arrivals).toHaveLength(1);
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfter).toBe(120);
    expect(error.message).toBe('GET v1/x: HTTP 429 Too Many Requests: slow down (the server asks to wait 120 s)');
  });

  it('gives up at once with retryAfter when a 503 asks for longer than maxDelayMs', async () => {
    const later = new Date(Date.now() + 600_000).toUTCString();
    const server = await serve(reply(503, '', { 'Retry-After': later }), reply(200));
    const error = await failure(transport({ maxDelayMs: 1000 }).request(get(server.url('/v1/x'))));
    expect(server.arrivals).toHaveLength(1);
    expect(error.kind).toBe('server');
    expect(error.retryAfter).toBeGreaterThan(590);
  });

  it('carries retryAfter on a 429 that outlasted every attempt', async () => {
    const server = await serve(reply(429, '', { 'Retry-After': '0' }));
    const error = await failure(transport({ maxAttempts: 2 }).request(get(server.url('/v1/x'))));
    expect(server.arrivals).toHaveLength(2);
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfter).toBe(0);
  });
});

describe('4xx answers', () => {
  it.each([
    [400, 'rejected'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'rejected'],
    [422, 'rejected'],
  ] as const)('maps %i to %s and never retries it', async (status, kind) => {
    const server = await serve(reply(status, 'no'), reply(200));
    const error = await failure(transport().request(get(server.url('/v1/x'))));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(server.arrivals).toHaveLength(1);
  });

  it('quotes an HTML error page as text: tags stripped, whitespace collapsed', async () => {
    const page = '<html><head><title>Oops</title><style>h1{color:red}</style></head><body><h1>Not   Found</h1>\n\n<p>No such section &amp; no such group</p></body></html>';
    const server = await serve(reply(404, page, { 'Content-Type': 'text/html' }));
    const error = await failure(transport().request(get(server.url('/v1/sections/1'))));
    expect(error.message).toBe('GET v1/sections/1: HTTP 404 Not Found: Oops Not Found No such section & no such group');
  });

  it('shows a JSON string body without its quotes', async () => {
    const text = 'Duplicate timestamp/nonce combination, possible replay attack. Request rejected.';
    const server = await serve(reply(401, JSON.stringify(text), { 'Content-Type': 'application/json' }));
    const error = await failure(transport().request(get(server.url('/v1/users/me'))));
    expect(error.message).toBe(`GET v1/users/me: HTTP 401 Unauthorized: ${text}`);
  });

  it('cuts a long body down to 200 characters', async () => {
    const server = await serve(reply(400, 'x'.repeat(5000)));
    const error = await failure(transport().request(get(server.url('/v1/x'))));
    const excerpt = error.message.slice('GET v1/x: HTTP 400 Bad Request: '.length);
    expect([...excerpt]).toHaveLength(200);
    expect(excerpt.endsWith('…')).toBe(true);
  });
});

describe('secrets stay out of messages', () => {
  it('names the endpoint, never the query string or the Authorization header', async () => {
    const api = await serve(reply(500, 'boom'), reply(500, 'boom'), slow(5_000));
    const closed = await serve();
    await closed.close();
    const secrets = '?oauth_token=QUERY-SECRET';
    const attempts: Array<() => Promise<unknown>> = [
      () => transport({ maxAttempts: 2 }).request(get(api.url(`/v1/x${secrets}`), { authorize: () => 'OAuth HEADER-SECRET' })),
      () => transport({ maxAttempts: 1, timeoutMs: 20 }).request(get(api.url(`/v1/x${secrets}`), { headers: { Authorization: 'OAuth HEADER-SECRET' } })),
      () => transport({ maxAttempts: 1 }).request(get(closed.url(`/v1/x${secrets}`), { authorize: () => 'OAuth HEADER-SECRET' })),
    ];
    const kinds: string[] = [];
    for (const attempt of attempts) {
      const error = await failure(attempt());
      kinds.push(error.kind);
      expect(error.message.startsWith('GET v1/x: ')).toBe(true);
      expect(error.message).not.toContain('SECRET');
      expect(error.message).not.toContain('oauth_token');
    }
    expect(kinds).toEqual(['server', 'timeout', 'network']);
  });
});

describe('cancellation', () => {
  it('fails as aborted and never retries when the caller aborts mid-request', async () => {
    const server = await serve(slow(5_000));
    const controller = new AbortController();
    const pending = transport().request(get(server.url('/v1/x'), { signal: controller.signal }));
    await until(() => server.arrivals.length === 1, 'the request to reach the server');
    controller.abort();
    const error = await failure(pending);
    expect(error.kind).toBe('aborted');
    expect(error.transient).toBe(false);
    expect(server.arrivals).toHaveLength(1);
  });

  it('cuts a backoff wait short when the caller aborts', async () => {
    const server = await serve(reply(503));
    const controller = new AbortController();
    const pending = transport({ baseDelayMs: 60_000, maxDelayMs: 60_000 }).request(get(server.url('/v1/x'), { signal: controller.signal }));
    await until(() => server.arrivals.length === 1, 'the request to reach the server');
    controller.abort();
    const error = await failure(pending);
    expect(error.kind).toBe('aborted');
    expect(server.arrivals).toHaveLength(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const server = await serve(reply(200));
    const error = await failure(transport().request(get(server.url('/v1/x'), { signal: AbortSignal.abort() })));
    expect(error.kind).toBe('aborted');
    expect(server.arrivals).toHaveLength(0);
  });
});

describe('redirects', () => {
  it('follows a 303 from users/me with a GET, re-signed for the new URL with a fresh nonce', async () => {
    const server = await serve(redirect(303, '/v1/users/45552'), reply(200, '{"uid":"45552"}'));
    const sign = signer();
    const response = await transport().request(get(server.url('/v1/users/me'), { authorize: sign.authorize }));
    expect(response.body).toBe('{"uid":"45552"}');
    expect(response.url.href).toBe(server.url('/v1/users/45552').href);
    expect(sign.calls).toEqual([
      { method: 'GET', url: server.url('/v1/users/me').href },
      { method: 'GET', url: server.url('/v1/users/45552').href },
    ]);
    expect(server.arrivals.map((a) => a.path)).toEqual(['/v1/users/me', '/v1/users/45552']);
    expect(nonceOf(server.arrivals[0])).not.toBe(nonceOf(server.arrivals[1]));
  });

  it('turns a POST answered with 303 into a GET without body or Content-Type', async () => {
    const server = await serve(redirect(303, '/v1/result/7'), reply(200, 'done'));
    const sign = signer();
    await transport().request(post(server.url('/v1/x'), { authorize: sign.authorize }));
    const [, followed] = server.arrivals;
    expect(followed).toMatchObject({ method: 'GET', path: '/v1/result/7', body: '' });
    expect(followed?.headers['content-type']).toBeUndefined();
    expect(sign.calls.map((c) => c.method)).toEqual(['POST', 'GET']);
  });

  it('turns a POST answered with 302 into a GET', async () => {
    const server = await serve(redirect(302, '/v1/y'), reply(200));
    await transport().request(post(server.url('/v1/x')));
    expect(server.arrivals.map((a) => a.method)).toEqual(['POST', 'GET']);
  });

  it.each([307, 308])('keeps the method and body across a %i', async (status) => {
    const server = await serve(redirect(status, '/v1/y'), reply(200));
    await transport().request(post(server.url('/v1/x')));
    const [first, second] = server.arrivals;
    expect(second).toMatchObject({ method: 'POST', path: '/v1/y', body: first?.body });
  });

  it('resolves a relative Location against the current URL', async () => {
    const server = await serve(redirect(301, '45552?fields=name'), reply(200));
    await transport().request(get(server.url('/v1/users/me')));
    expect(server.arrivals[1]?.path).toBe('/v1/users/45552?fields=name');
  });

  it('sends no Authorization to another origin (download redirects go to storage)', async () => {
    const storage = await serve(reply(200, 'file bytes'));
    const api = await serve(redirect(302, storage.url('/bucket/file.pdf?signature=abc').href));
    const sign = signer();
    const response = await transport().request(get(api.url('/v1/attachment/1'), { authorize: sign.authorize }));
    expect(response.body).toBe('file bytes');
    expect(api.arrivals[0]?.headers.authorization).toMatch(/^OAuth /);
    expect(storage.arrivals[0]?.headers.authorization).toBeUndefined();
    expect(sign.calls).toHaveLength(1);
  });

  it('drops a caller-supplied Authorization header on the way to another origin too', async () => {
    const storage = await serve(reply(200));
    const api = await serve(redirect(307, storage.url('/file').href));
    await transport().request(get(api.url('/v1/x'), { headers: { authorization: 'Bearer abc' } }));
    expect(api.arrivals[0]?.headers.authorization).toBe('Bearer abc');
    expect(storage.arrivals[0]?.headers.authorization).toBeUndefined();
  });

  it('stops after 5 hops', async () => {
    const server = await serve(redirect(302, '/v1/loop'));
    const error = await failure(transport().request(get(server.url('/v1/loop'))));
    expect(error.kind).toBe('rejected');
    expect(error.message).toBe('GET v1/loop: more than 5 redirects');
    expect(server.arrivals).toHaveLength(6);
  });

  it('hands back the redirect itself when asked not to follow', async () => {
    const server = await serve(redirect(303, '/v1/users/45552'));
    const response = await transport().request(get(server.url('/v1/users/me'), { followRedirects: false }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/v1/users/45552');
    expect(server.arrivals).toHaveLength(1);
  });

  it('restarts from the original URL, re-signed, when a hop fails and the request is retried', async () => {
    const server = await serve(redirect(303, '/v1/users/45552'), reply(503), redirect(303, '/v1/users/45552'), reply(200));
    const sign = signer();
    await transport().request(get(server.url('/v1/users/me'), { authorize: sign.authorize }));
    expect(server.arrivals.map((a) => a.path)).toEqual(['/v1/users/me', '/v1/users/45552', '/v1/users/me', '/v1/users/45552']);
    expect(new Set(server.arrivals.map(nonceOf)).size).toBe(4);
  });

  it('treats a redirect without Location as malformed', async () => {
    const server = await serve(reply(302), reply(200));
    const error = await failure(transport().request(post(server.url('/v1/x'))));
    expect(error.kind).toBe('malformed');
    expect(server.arrivals).toHaveLength(1);
  });
});

describe('malformed replies', () => {
  const parseJson = (response: { body: string }): unknown => JSON.parse(response.body);

  it('retries an idempotent request whose 2xx body does not parse', async () => {
    const server = await serve(reply(200, '{"enrollment":['), reply(200, '{"enrollment":[]}'));
    const result = await transport().request({ ...get(server.url('/v1/x')), parse: parseJson });
    expect(result).toEqual({ enrollment: [] });
    expect(server.arrivals).toHaveLength(2);
  });

  it('fails as malformed with the parse error, sending a non-idempotent request once', async () => {
    const server = await serve(reply(200, '<html><body>Maintenance</body></html>'), reply(200, '{}'));
    const error = await failure(transport().request({ ...post(server.url('/v1/x')), parse: parseJson }));
    expect(error.kind).toBe('malformed');
    expect(error.status).toBe(200);
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(error.message).toContain((error.cause as Error).message);
    expect(server.arrivals).toHaveLength(1);
  });

  it('gives up as malformed when every reply is broken', async () => {
    const server = await serve(reply(200, 'not json'));
    const error = await failure(transport({ maxAttempts: 2 }).request({ ...get(server.url('/v1/x')), parse: parseJson }));
    expect(error.kind).toBe('malformed');
    expect(error.transient).toBe(true);
    expect(server.arrivals).toHaveLength(2);
  });

  it('passes on an LmsError thrown by parse unchanged and unretried', async () => {
    const server = await serve(reply(200, '{}'));
    const own = new LmsError('not-found', 'GET x', 'no such realm');
    const parse = (): never => {
      throw own;
    };
    const error = await failure(transport().request({ ...get(server.url('/v1/x')), parse }));
    expect(error).toBe(own);
    expect(server.arrivals).toHaveLength(1);
  });
});

describe('client-side rate limit', () => {
  it('never lets more than 3 requests start in any 200 ms window', async () => {
    const server = await serve(reply(200));
    const limited = transport({ rateLimit: { requests: 3, windowMs: 200 } });
    await Promise.all(Array.from({ length: 9 }, (_, i) => limited.request(get(server.url(`/v1/x/${i}`)))));
    const times = server.arrivals.map((a) => a.at).sort((a, b) => a - b);
    expect(times).toHaveLength(9);
    // Starts are spaced by the client's clock; arrival at the server adds a little delivery jitter on top, which
    // the slack absorbs. Without the limiter all nine arrive within a few milliseconds of each other.
    const slackMs = 40;
    for (let i = 0; i + 3 < times.length; i++) expect(times[i + 3]! - times[i]!).toBeGreaterThan(200 - slackMs);
  });

  it('counts every redirect hop against the limit', async () => {
    const server = await serve(redirect(303, '/v1/b'), reply(200));
    const limited = transport({ rateLimit: { requests: 1, windowMs: 300 } });
    await limited.request(get(server.url('/v1/a')));
    const [first, second] = server.arrivals;
    expect(second!.at - first!.at).toBeGreaterThan(300 - 40);
  });

  it('shares one limiter between transports that are given it', async () => {
    const server = await serve(reply(200));
    const first = transport({ rateLimit: { requests: 1, windowMs: 300 } });
    const second = transport({ limiter: first.limiter });
    await Promise.all([first.request(get(server.url('/v1/a'))), second.request(get(server.url('/v1/b')))]);
    const [a, b] = server.arrivals.map((x) => x.at).sort((x, y) => x - y);
    expect(b! - a!).toBeGreaterThan(300 - 40);
  });
});
