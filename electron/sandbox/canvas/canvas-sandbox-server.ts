/**
 * The Canvas sandbox LMS: a local emulator of Canvas's REST API for enrollments (lms-api-notes §2) on 127.0.0.1, the
 * Canvas counterpart of ../sandbox-server.ts. The API is under /api/v1.
 *
 * Each /api/v1 request goes through the same pipeline, in this order:
 *   log it → draw its faults (on arrival, so a seeded run replays) → reserve throttle capacity for its token → read
 *   the body → throttled? (403 or 429, nothing processed) → latency → faults that answer without processing (500,
 *   503, drop, html page) → the token (401) → parameters (400) → the endpoint → faults that spoil the reply of a
 *   processed request (drop-after, truncate) → reply, with X-Request-Cost and X-Rate-Limit-Remaining.
 * Canvas lists are always JSON arrays, so the Schoology sandbox's `unwrap` fault has no Canvas meaning and is refused.
 * The OAuth2 side (/login/oauth2/*, canvas-oauth2.ts) is outside /api/v1: neither throttled nor faulted nor logged.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { FaultPlan, FaultSpecError, toFaultSpec, type FaultSpec } from '../sandbox-faults';
import { BodyTooLargeError, listenLocal, readBody, writeReply as write } from '../sandbox-http';
import type { BulkEnrollmentJob } from './canvas-bulk-enrollment';
import { CanvasApiError, type CanvasReply } from './canvas-context';
import { CanvasJobs } from './canvas-jobs';
import {
  AUTHORIZE_PATH,
  CanvasOAuth2,
  DEFAULT_OAUTH_CLIENT_ID,
  randomOAuthSecret,
  TOKEN_PATH,
  type CanvasOAuthClient,
  type OAuthJsonReply,
} from './canvas-oauth2';
import { CanvasParams, ParamsError } from './canvas-params';
import { route } from './canvas-routes';
import { isCanvasSeedName, seedCanvasStore, TOKEN_USER_ID, type CanvasSeedName } from './canvas-seed';
import type { SisImportJob } from './canvas-sis-import';
import type { CanvasStore } from './canvas-store';
import { checkThrottle, LeakyBuckets, type CanvasThrottle, type ThrottleOption } from './canvas-throttle';

export type { CanvasThrottle, ThrottleOption } from './canvas-throttle';
export type { CanvasStore } from './canvas-store';
export type { CanvasOAuthClient } from './canvas-oauth2';

export interface CanvasSandboxOptions {
  /** 0 or absent: any free port. The sandbox always binds 127.0.0.1. */
  port?: number;
  seed?: CanvasSeedName;
  /** The Schoology sandbox's spec and kinds, less `unwrap`. */
  faults?: string | FaultSpec | null;
  /** Per token; fields left out take Canvas's defaults (mode '403', hwm 700, outflow 10/s, upFront 50, maximum 800, cost 1); null: no throttle. */
  throttle?: ThrottleOption;
  /** The largest per_page honoured (larger ones are clamped silently); default 100. */
  perPageMax?: number;
  /** The access token of the seed's user 1 "Mr. Strickland"; default random per start. */
  token?: string;
  /** How long the token lasts from the start; default forever (a personal access token with no expiry). */
  tokenLifetimeMs?: number;
  /** Default true: the token's user may run SIS imports; false: sis_imports answers 403. */
  sisImports?: boolean;
  /**
   * How many status polls an SIS import or a bulk enrollment takes to finish; default 2. Unpolled, a job finishes on
   * its own `sisImportTicks` seconds (on `now`) after it was made, as Canvas's worker runs it (canvas-jobs.ts).
   */
  sisImportTicks?: number;
  /** Clock in ms for time stamps, token expiry and the throttle's leak; default Date.now. */
  now?: () => number;
  /** The OAuth2 developer key; default id "10000000000001" and a random secret per start. */
  oauthClient?: CanvasOAuthClient;
  /** How long an OAuth2 access token lasts; default 3600 s, as Canvas's (lms-api-notes §2.5). */
  oauthTokenLifetimeMs?: number;
}

/** One /api/v1 request as the sandbox saw it. */
export interface CanvasSandboxRequestRecord {
  method: string;
  /** The path after /api/v1/, e.g. "courses/101/enrollments". */
  path: string;
  /** Decoded query parameters (a repeated one, like type[], keeps its last value). */
  query: Record<string, string>;
  /** The status answered; for drop-after the status the unsent reply had; 0 when no reply was made (drop). */
  status: number;
  /** The fault injected into this request, if any: error500, error503, drop, html, drop-after or truncate. */
  fault?: string;
  /** True when the throttle refused it. */
  throttled?: boolean;
}

export interface CanvasSandbox {
  /** "http://127.0.0.1:PORT": the Canvas base URL; the API is under /api/v1. */
  url: string;
  port: number;
  token: string;
  /** The OAuth2 developer key: GET /login/oauth2/auth and POST /login/oauth2/token take it. */
  oauthClient: CanvasOAuthClient;
  /** The data, for tests to inspect and to edit (another admin's changes). */
  store: CanvasStore;
  /** Every API request, oldest first (roughly the most recent 100,000). */
  requests: CanvasSandboxRequestRecord[];
  setThrottle(throttle: ThrottleOption): void;
  setFaults(spec: string | FaultSpec | null): void;
  /** Every OAuth2 access and refresh token issued so far stops working (the personal token is untouched). */
  revokeOAuthTokens(): void;
  /** Stops listening and drops open connections; calling it again returns the same promise. */
  close(): Promise<void>;
}

/** An SIS import of a whole district's enrollments.csv is several megabytes. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const MAX_REQUEST_RECORDS = 100_000;
const JSON_TYPE = 'application/json; charset=utf-8';

/** What a load balancer in front of Canvas shows during an outage: HTML where the API promised JSON. */
const HTML_ERROR_PAGE = `<!DOCTYPE html>
<html lang="en"><head><title>Canvas is down for maintenance</title></head>
<body><h1>Canvas is down for maintenance</h1><p>We'll be back shortly. Please try again in a few minutes.</p></body></html>
`;



/** A Canvas-looking personal access token: "<shard>~<64 letters and digits>". */
function randomCanvasToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  while (out.length < 64) for (const byte of randomBytes(64)) if (byte < 248 && out.length < 64) out += alphabet[byte % 62];
  return `7~${out}`;
}

function faultPlanFor(spec: string | FaultSpec | null | undefined): FaultPlan {
  const checked = toFaultSpec(spec);
  if (checked?.unwrap !== undefined) {
    throw new FaultSpecError('unwrap does not apply to Canvas: its lists are always JSON arrays (paging is in the Link header); leave unwrap out of the faults');
  }
  return new FaultPlan(checked);
}

/** The presented access token: the Bearer header first, then ?access_token= (lms-api-notes §2.5). */
function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1] ?? url.searchParams.get('access_token') ?? undefined;
}

export async function startCanvasSandbox(options: CanvasSandboxOptions = {}): Promise<CanvasSandbox> {
  const seed = options.seed ?? 'small';
  if (!isCanvasSeedName(seed)) throw new Error(`Unknown sandbox seed "${String(seed)}"; use small or district.`);
  const now = options.now ?? Date.now;
  const perPageMax = options.perPageMax ?? 100;
  if (!Number.isSafeInteger(perPageMax) || perPageMax < 1) throw new Error(`perPageMax must be a whole number >= 1, got ${perPageMax}`);
  const ticks = options.sisImportTicks ?? 2;
  if (!Number.isSafeInteger(ticks) || ticks < 1) throw new Error(`sisImportTicks must be a whole number >= 1, got ${ticks}`);
  const token = options.token ?? randomCanvasToken();
  if (!/^\S+$/.test(token)) throw new Error('The token cannot be empty or hold spaces.');
  const expiresAt = options.tokenLifetimeMs === undefined ? Infinity : now() + options.tokenLifetimeMs;
  const sisImports = options.sisImports ?? true;
  const store = seedCanvasStore(seed);
  const jobs = new CanvasJobs<SisImportJob, BulkEnrollmentJob>(ticks);
  let faults = faultPlanFor(options.faults);
  const bucketsFor = (option: ThrottleOption | undefined) => {
    const checked: CanvasThrottle | null = checkThrottle(option);
    return checked ? new LeakyBuckets(checked, now) : null;
  };
  let buckets = bucketsFor(options.throttle);
  const requests: CanvasSandboxRequestRecord[] = [];
  const oauth = new CanvasOAuth2(
    options.oauthClient ?? { id: DEFAULT_OAUTH_CLIENT_ID, secret: randomOAuthSecret() },
    () => ({ id: TOKEN_USER_ID, name: store.getUser(TOKEN_USER_ID)?.name ?? 'the sandbox user' }),
    now,
    options.oauthTokenLifetimeMs,
  );
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname.startsWith('/api/v1/')) return handleApi(req, res, url);
    if (url.pathname === AUTHORIZE_PATH) return handleAuthorize(req, res, url);
    if (url.pathname === TOKEN_PATH) return handleToken(req, res, url);
    return write(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, `Not found: ${url.pathname}. The Canvas API is under /api/v1.`);
  }

  /** The page a user authorizes the app on, and its form's answer. */
  async function handleAuthorize(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') return write(res, 405, { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=utf-8' }, 'Method not allowed');
    const params = req.method === 'POST' ? new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8')) : url.searchParams;
    const reply = oauth.authorizePage(req.method, params);
    if (reply.location) return write(res, reply.status, { Location: reply.location, 'Cache-Control': 'no-store' });
    return write(
      res,
      reply.status,
      {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        'X-Frame-Options': 'DENY',
        'Cache-Control': 'no-store',
      },
      reply.html,
    );
  }

  /** POST (a code or a refresh token for an access token) and DELETE (revoke) /login/oauth2/token. */
  async function handleToken(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const sendJson = (reply: OAuthJsonReply) =>
      write(res, reply.status, { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store', ...reply.headers }, JSON.stringify(reply.value));
    if (req.method === 'DELETE') return sendJson(oauth.revoke(presentedToken(req, url)));
    if (req.method !== 'POST') return write(res, 405, { Allow: 'POST, DELETE', 'Content-Type': 'text/plain; charset=utf-8' }, 'Method not allowed');
    const raw = await readBody(req, 64 * 1024);
    let params: CanvasParams;
    try {
      params = CanvasParams.from(url.searchParams, raw, req.headers['content-type'] ?? '');
    } catch (error) {
      if (error instanceof ParamsError) return sendJson({ status: 400, value: { error: 'invalid_request', error_description: error.message } });
      throw error;
    }
    return sendJson(oauth.token(params));
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname.slice('/api/v1/'.length);
    const record: CanvasSandboxRequestRecord = { method, path, query: Object.fromEntries(url.searchParams), status: 0 };
    requests.push(record);
    if (requests.length > MAX_REQUEST_RECORDS) requests.splice(0, MAX_REQUEST_RECORDS / 10);
    const decision = faults.decide();
    const presented = presentedToken(req, url);
    // request_throttle.rb identifies a token client by its token, anyone else by address.
    const reservation = buckets?.reserve(presented ? `token:${presented}` : `ip:${req.socket.remoteAddress ?? ''}`);
    let throttleHeaders: Record<string, string> | undefined;
    const finishThrottle = () => (throttleHeaders ??= reservation?.finish() ?? {});
    const send = (status: number, headers: Record<string, string>, body?: string | Buffer) => {
      record.status = status;
      write(res, status, { ...headers, ...finishThrottle() }, body);
    };
    const sendJson = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      send(status, { 'Content-Type': JSON_TYPE, ...headers }, JSON.stringify(value));

    // Whatever happens, the request gives its up-front reservation back (finishing is idempotent).
    try {
      let raw: Buffer;
      try {
        raw = await readBody(req, MAX_BODY_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return sendJson(413, { errors: [{ message: `The request body is larger than ${MAX_BODY_BYTES} bytes.` }] });
        throw error;
      }
      if (reservation?.throttled) {
        record.throttled = true;
        const mode = buckets?.settings.mode ?? '403';
        // request_throttle.rb#rate_limit_exceeded; since 2025-10-08 Instructure answers 429 instead (lms-api-notes §2.4).
        const status = mode === '429' ? 429 : 403;
        return send(status, { 'Content-Type': 'text/plain; charset=utf-8' }, `${status} ${status === 429 ? 'Too Many Requests' : 'Forbidden'} (Rate Limit Exceeded)\n`);
      }
      if (decision.latencyMs > 0) await delay(decision.latencyMs);
      switch (decision.fault) {
        case 'error500':
          record.fault = 'error500';
          return sendJson(500, { errors: [{ message: 'An error occurred.' }], error_report_id: 1000 + requests.length });
        case 'error503':
          record.fault = 'error503';
          return sendJson(503, { errors: [{ message: 'Service Unavailable' }] });
        case 'drop':
          record.fault = 'drop';
          req.socket.destroy();
          return;
        case 'html':
          // Sent by whatever stands in front of Canvas, so without the throttle's headers.
          record.fault = 'html';
          record.status = 200;
          return write(res, 200, { 'Content-Type': 'text/html; charset=utf-8' }, HTML_ERROR_PAGE);
      }

      const reply = answer(req, url, method, path, presented, raw);
      if (decision.fault === 'drop-after') {
        record.fault = 'drop-after';
        record.status = reply.status;
        req.socket.destroy();
        return;
      }
      let body = reply.value === undefined ? undefined : Buffer.from(JSON.stringify(reply.value), 'utf8');
      if (decision.fault === 'truncate' && body && body.length > 0 && reply.status >= 200 && reply.status < 300) {
        record.fault = 'truncate';
        body = body.subarray(0, Math.floor(body.length / 2));
      }
      send(reply.status, { ...(body ? { 'Content-Type': JSON_TYPE } : {}), ...reply.headers }, body);
    } finally {
      finishThrottle();
    }
  }

  /** The token, the parameters, the endpoint. Never throws for a client's mistake. */
  function answer(req: IncomingMessage, url: URL, method: string, path: string, presented: string | undefined, raw: Buffer): CanvasReply {
    const challenge = { 'WWW-Authenticate': 'Bearer realm="canvas-lms"' };
    if (presented === undefined) {
      return { status: 401, value: { status: 'unauthenticated', errors: [{ message: 'user authorization required' }] }, headers: challenge };
    }
    const personal = presented === token && now() < expiresAt;
    // An OAuth2 access token past its hour gets the same 401 as an expired personal token: the client tells them apart
    // from a permission 401 by WWW-Authenticate (§2.5), and refreshes.
    if (!personal && oauth.accessTokenState(presented) !== 'valid') {
      return { status: 401, value: { errors: [{ message: 'Invalid access token.' }] }, headers: challenge };
    }
    try {
      const contentType = req.headers['content-type'] ?? '';
      const params = CanvasParams.from(url.searchParams, raw, contentType);
      return route({
        method,
        segments: path.split('/').filter(Boolean),
        url,
        params,
        body: { raw, contentType },
        userId: TOKEN_USER_ID,
        web: url.origin,
        store,
        jobs,
        now,
        perPageMax,
        sisImports,
      });
    } catch (error) {
      if (error instanceof CanvasApiError) return { status: error.status, value: error.body, headers: error.headers };
      if (error instanceof ParamsError) return { status: 400, value: { errors: [{ message: error.message }] } };
      throw error;
    }
  }

  const local = await listenLocal(options.port ?? 0, handle);
  const port = local.port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    oauthClient: { ...oauth.client },
    store,
    requests,
    setThrottle(throttle) {
      buckets = bucketsFor(throttle);
    },
    setFaults(spec) {
      faults = faultPlanFor(spec);
    },
    revokeOAuthTokens() {
      oauth.revokeAll();
    },
    close: () => local.close(),
  };
}
