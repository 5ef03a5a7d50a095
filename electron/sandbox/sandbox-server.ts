/**
 * The sandbox LMS: a local emulator of Schoology's REST v1 enrollment API on 127.0.0.1, used by every test that
 * needs an LMS and as the app's built-in "Sandbox district".
 *
 * Each /v1 request goes through the same pipeline, in this order:
 *   log it → draw its faults (on arrival, so a seeded run replays) → read the body → rate limit per consumer key
 *   (429, not counted) → latency → faults that answer without processing (500, 503, drop, html page) → 415 for a
 *   body Schoology does not read → OAuth (401) → parse the body (400) → the endpoint → faults that spoil the reply
 *   of a processed request (drop-after, unwrap, truncate) → reply.
 * The web side (/oauth/authorize) is neither rate limited nor faulted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { percentEncode } from '../lms/schoology/oauth1';
import { authorizePage } from './sandbox-authorize';
import { ApiError, type ApiReply } from './sandbox-context';
import { FaultPlan, toFaultSpec, type FaultSpec } from './sandbox-faults';
import { BodyError, bodyFormat, CONTENT_TYPES, errorBody, negotiateFormat, parseBody, serialize, unwrapSingletons } from './sandbox-format';
import { OAuthError, randomToken, SandboxOAuth } from './sandbox-oauth';
import { checkRateLimit, DEFAULT_RATE_LIMIT, SlidingWindowLimiter, type RateLimit } from './sandbox-rate-limit';
import { route } from './sandbox-routes';
import { BodyTooLargeError, listenLocal, readBody, writeReply as write } from './sandbox-http';
import { isSeedName, KEY_OWNER_UID, seedStore } from './sandbox-seed';
import type { SandboxStore } from './sandbox-store';

export type { FaultSpec } from './sandbox-faults';
export type { RateLimit } from './sandbox-rate-limit';
export type { SandboxStore } from './sandbox-store';

export interface SandboxOptions {
  /** 0 or absent: any free port. The sandbox always binds 127.0.0.1. */
  port?: number;
  seed?: 'small' | 'district';
  faults?: string | FaultSpec | null;
  /** Per consumer key; default 50 requests per 5 s; null switches it off. */
  rateLimit?: RateLimit | null;
  /** Default: random per start. */
  consumerKey?: string;
  consumerSecret?: string;
  /** Default 90 days, Schoology's maximum. */
  accessTokenLifetimeMs?: number;
  /** Clock in ms for OAuth timestamps, token expiry and the rate-limit window; default Date.now. */
  now?: () => number;
}

/** One /v1 request as the sandbox saw it. */
export interface SandboxRequestRecord {
  method: string;
  /** The path after /v1/, e.g. "sections/3719526/enrollments". */
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  /** The status answered; for drop-after the status the unsent reply had; 0 when no reply was made (drop). */
  status: number;
  /** The fault injected into this request, if any: error500, error503, drop, html, drop-after, truncate or unwrap. */
  fault?: string;
}

export interface Sandbox {
  /** "http://127.0.0.1:PORT/v1": the API base; client paths are relative to it. */
  url: string;
  /** "http://127.0.0.1:PORT": the school's web side (/oauth/authorize). */
  webUrl: string;
  port: number;
  /** Two-legged credentials owned by uid 45552 "Mr. Strickland". */
  consumerKey: string;
  consumerSecret: string;
  /** The data, for tests to inspect and to edit (another admin's changes). */
  store: SandboxStore;
  /** Every API request, oldest first (roughly the most recent 100,000): what tests count and inspect. */
  requests: SandboxRequestRecord[];
  setFaults(spec: string | FaultSpec | null): void;
  setRateLimit(limit: RateLimit | null): void;
  /** Every access token issued so far answers 401 from now on. */
  revokeAccessTokens(): void;
  /** Stops listening and drops open connections; calling it again returns the same promise. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** The request log keeps roughly the most recent this many records (trimmed a tenth at a time, not per request). */
const MAX_REQUEST_RECORDS = 100_000;

/** What a misbehaving proxy or a Schoology outage page looks like: HTML where the API promised JSON or XML. */
const HTML_ERROR_PAGE = `<!DOCTYPE html>
<html><head><title>Schoology - Temporarily Unavailable</title></head>
<body><h1>We'll be right back</h1><p>Schoology is temporarily unavailable. Please try again in a few minutes.</p></body></html>
`;



export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? 'small';
  if (!isSeedName(seed)) throw new Error(`Unknown sandbox seed "${String(seed)}"; use small or district.`);
  const now = options.now ?? Date.now;
  const store = seedStore(seed);
  const oauth = new SandboxOAuth(
    { key: options.consumerKey ?? randomToken(15), secret: options.consumerSecret ?? randomToken(24), ownerUid: KEY_OWNER_UID },
    now,
    options.accessTokenLifetimeMs,
  );
  let faults = new FaultPlan(toFaultSpec(options.faults));
  const limiterFor = (limit: RateLimit | null) => {
    const checked = checkRateLimit(limit);
    return checked ? new SlidingWindowLimiter(checked) : null;
  };
  let limiter = limiterFor(options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit);
  const requests: SandboxRequestRecord[] = [];
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/v1' || url.pathname.startsWith('/v1/')) return handleApi(req, res, url);
    if (url.pathname === '/oauth/authorize') return handleWeb(req, res, url);
    return write(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, `Not found: ${url.pathname}. The API is under /v1.`);
  }

  async function handleWeb(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') return write(res, 405, { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=utf-8' }, 'Method not allowed');
    const params = req.method === 'POST' ? new URLSearchParams((await readBody(req, MAX_BODY_BYTES)).toString('utf8')) : url.searchParams;
    const owner = store.getUser(KEY_OWNER_UID)?.name_display ?? 'the sandbox user';
    const reply = authorizePage(oauth, owner, req.method, params);
    const headers: Record<string, string> = {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
    };
    if (reply.location) return write(res, reply.status, { Location: reply.location, 'Cache-Control': 'no-store' });
    return write(res, reply.status, headers, reply.html);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const record: SandboxRequestRecord = { method, path: url.pathname.replace(/^\/v1\/?/, ''), query: Object.fromEntries(url.searchParams), status: 0 };
    requests.push(record);
    // A sandbox left running all day behind the app must not grow without bound; tests read far fewer than this.
    if (requests.length > MAX_REQUEST_RECORDS) requests.splice(0, MAX_REQUEST_RECORDS / 10);
    const decision = faults.decide();
    const format = negotiateFormat(req.headers.accept);
    const send = (status: number, headers: Record<string, string>, body?: string | Buffer) => {
      record.status = status;
      write(res, status, { 'X-Schoology': 'API', ...headers }, body);
    };
    const sendError = (status: number, message: string, headers: Record<string, string> = {}) =>
      send(status, { 'Content-Type': CONTENT_TYPES[format], ...headers }, errorBody(format, message));

    let raw: string;
    try {
      raw = (await readBody(req, MAX_BODY_BYTES)).toString('utf8');
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
      throw error;
    }
    const consumerKey = oauth.claimedConsumerKey(req.headers.authorization);
    if (limiter && consumerKey) {
      const waitS = limiter.take(consumerKey, now());
      if (waitS > 0) return sendError(429, `Rate limit exceeded for this consumer key; retry in ${waitS} s.`, { 'Retry-After': String(waitS) });
    }
    if (decision.latencyMs > 0) await delay(decision.latencyMs);
    switch (decision.fault) {
      case 'error500':
        record.fault = 'error500';
        return sendError(500, 'Internal Server Error');
      case 'error503':
        record.fault = 'error503';
        return sendError(503, 'Service Unavailable');
      case 'drop':
        record.fault = 'drop';
        req.socket.destroy();
        return;
      case 'html':
        // Sent by whatever stands in front of the API, so without the API's own X-Schoology header.
        record.fault = 'html';
        record.status = 200;
        return write(res, 200, { 'Content-Type': 'text/html; charset=utf-8' }, HTML_ERROR_PAGE);
    }

    const reply = answer(req, url, method, raw);
    if (decision.fault === 'drop-after') {
      record.fault = 'drop-after';
      record.status = reply.status;
      req.socket.destroy();
      return;
    }
    const headers = reply.headers ?? {};
    if (reply.error !== undefined) return sendError(reply.status, reply.error, headers);
    let body: Buffer | undefined;
    let contentType: string | undefined;
    if (reply.form !== undefined) {
      body = Buffer.from(reply.form, 'utf8');
      contentType = 'application/x-www-form-urlencoded';
    } else if (reply.value !== undefined) {
      let value: unknown = reply.value;
      if (decision.unwrap && format === 'json') {
        const unwrapped = unwrapSingletons(value);
        if (unwrapped.changed) {
          value = unwrapped.value;
          record.fault = 'unwrap';
        }
      }
      body = Buffer.from(serialize(format, value), 'utf8');
      contentType = CONTENT_TYPES[format];
    }
    if (decision.fault === 'truncate' && body && body.length > 0 && reply.status >= 200 && reply.status < 300) {
      record.fault = 'truncate';
      body = body.subarray(0, Math.floor(body.length / 2));
    }
    send(reply.status, contentType ? { 'Content-Type': contentType, ...headers } : headers, body);
  }

  /** Everything between the faults: 415, OAuth, the body, the endpoint. Never throws for a client's mistake. */
  function answer(req: IncomingMessage, url: URL, method: string, raw: string): ApiReply {
    try {
      const segments = url.pathname.split('/').filter(Boolean).slice(1);
      const signed = { method, url, authorization: req.headers.authorization };
      if (segments[0] === 'oauth' && segments.length === 2) return tokenEndpoint(segments[1] ?? '', signed, url);
      const bodyText = method === 'POST' || method === 'PUT' ? raw : '';
      const bodyAs = bodyText.trim() ? bodyFormat(req.headers['content-type']) : undefined;
      const identity = oauth.verify(signed, 'api');
      const body = bodyAs ? parseBody(bodyAs, bodyText) : undefined;
      return route({ method, segments, query: url.searchParams, rawQuery: url.search.slice(1), body, identity, base: `${url.origin}/v1`, store });
    } catch (error) {
      if (error instanceof ApiError) return { status: error.status, error: error.message, headers: error.headers };
      if (error instanceof OAuthError) return { status: error.status, error: error.message };
      if (error instanceof BodyError) return { status: error.status, error: error.message };
      throw error;
    }
  }

  function tokenEndpoint(name: string, signed: { method: string; url: URL; authorization: string | undefined }, url: URL): ApiReply {
    if (name !== 'request_token' && name !== 'access_token') throw new ApiError(404, `No such endpoint: ${signed.method} /v1/oauth/${name}`);
    if (signed.method !== 'GET' && signed.method !== 'POST') throw new ApiError(405, `Use GET for oauth/${name}.`, { Allow: 'GET, POST' });
    const form = (pairs: Record<string, string>) =>
      Object.entries(pairs)
        .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`)
        .join('&');
    if (name === 'request_token') {
      const identity = oauth.verify(signed, 'request-token');
      const callback = identity.params.oauth_callback ?? url.searchParams.get('oauth_callback') ?? '';
      const issued = oauth.issueRequestToken(callback);
      return { status: 200, form: form({ oauth_token: issued.token, oauth_token_secret: issued.secret, oauth_callback_confirmed: 'true' }) };
    }
    const identity = oauth.verify(signed, 'access-token');
    const verifier = identity.params.oauth_verifier ?? url.searchParams.get('oauth_verifier') ?? undefined;
    const issued = oauth.exchange(identity.token, verifier);
    return { status: 200, form: form({ oauth_token: issued.token, oauth_token_secret: issued.secret }) };
  }

  const local = await listenLocal(options.port ?? 0, handle);
  const port = local.port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    webUrl: `http://127.0.0.1:${port}`,
    port,
    consumerKey: oauth.consumer.key,
    consumerSecret: oauth.consumer.secret,
    store,
    requests,
    setFaults(spec) {
      faults = new FaultPlan(toFaultSpec(spec));
    },
    setRateLimit(limit) {
      limiter = limiterFor(limit);
    },
    revokeAccessTokens() {
      oauth.revokeAccessTokens();
    },
    close: () => local.close(),
  };
}
