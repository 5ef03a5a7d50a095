/**
 * The HTTP policy every LMS client shares, in one place: per-attempt timeouts, retries with exponential backoff and
 * full jitter, Retry-After, the client-side rate limit, manual redirects that re-sign every hop, and the mapping of
 * every failure to an LmsError the sync engine can act on.
 *
 * The one rule that shapes the rest: a request that may have reached the server is sent again only when it is
 * idempotent. A plain create that timed out may have been committed; sending it again makes a second enrollment
 * (Schoology keeps no version to stop that). Two failures are safe for any request because the server provably did
 * nothing: a refused connection (nothing was sent) and a 429 (refused before processing).
 */
import { STATUS_CODES } from 'node:http';
import { backoffDelayMs, parseRetryAfter, sleep } from './backoff';
import { LmsError, type LmsErrorKind } from './lms-error';
import { RateLimiter } from './rate-limiter';

export interface TransportOptions {
  /** Per exchange with the server (each attempt, and each redirect hop of it); default 30_000. */
  timeoutMs?: number;
  /** Total attempts including the first; default 5. */
  maxAttempts?: number;
  /** Backoff base; default 500. */
  baseDelayMs?: number;
  /** Backoff cap and the longest Retry-After we wait; default 30_000. */
  maxDelayMs?: number;
  /** Client-side limiter; default null (no window, but a 429's Retry-After still pauses every request). */
  rateLimit?: { requests: number; windowMs: number } | null;
  /**
   * A limiter shared with other transports that talk to the same consumer key (the server counts per key, not per
   * transport). Takes precedence over `rateLimit`.
   */
  limiter?: RateLimiter;
  /** Jitter source (tests); default Math.random. */
  random?: () => number;
  fetch?: typeof globalThis.fetch;
  /**
   * A refusal that is a throttle though its status is not 429 (Canvas's legacy "403 Forbidden (Rate Limit
   * Exceeded)"): retried like a 429. Default: none, so every other 403 stays a permission error.
   */
  isThrottled?: (response: TransportResponse) => boolean;
}

export interface TransportRequest<T = TransportResponse> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: URL;
  /** For messages: "GET sections/3719526/enrollments" (no host, no query secrets). */
  endpoint: string;
  headers?: Record<string, string>;
  body?: string;
  /** Safe to send twice: GET, PUT, DELETE, upsert. Never a plain create. */
  idempotent: boolean;
  /** Authorization header; called anew for EVERY attempt and EVERY same-origin redirect hop. */
  authorize?: (method: string, url: URL) => string;
  /** Default true: 301/302/303/307/308, max 5 hops, re-authorized; 303 → GET without body. */
  followRedirects?: boolean;
  /**
   * Turns the response into the result. Throwing makes it an LmsError 'malformed' (retried like a 5xx when
   * idempotent); an LmsError thrown here is passed on unchanged and not retried — the parser has decided.
   */
  parse?: (response: TransportResponse) => T;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: Headers;
  body: string;
  /** Where the response came from: the request URL, or the last hop of the redirects followed. */
  url: URL;
}

const MAX_REDIRECTS = 5;
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Server trouble that is worth another try; 501 or 505 will answer the same way every time. */
const RETRIED_SERVER_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
/** Failures before a connection existed: nothing reached the server. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const EXCERPT_LENGTH = 200;

/** Why one attempt failed, and what that allows: everything request() needs to decide on a retry. */
class AttemptFailure {
  constructor(
    readonly kind: LmsErrorKind,
    readonly detail: string,
    readonly options: {
      status?: number;
      retryAfter?: number;
      cause?: unknown;
      /** Another attempt could succeed. */
      retryable?: boolean;
      /** The server provably did nothing, so even a non-idempotent request may be sent again. */
      notProcessed?: boolean;
      /** The wait applies to every request (a 429's Retry-After), not just this one. */
      pausesAll?: boolean;
    } = {},
  ) {}

  toError(endpoint: string, note?: string): LmsError {
    const { status, retryAfter, cause } = this.options;
    return new LmsError(this.kind, endpoint, note ? `${this.detail} (${note})` : this.detail, { status, retryAfter, cause });
  }
}

export class Transport {
  /** The limiter consulted before every attempt and every redirect hop. */
  readonly limiter: RateLimiter;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;
  private readonly fetch: typeof globalThis.fetch;
  private readonly isThrottled: (response: TransportResponse) => boolean;

  constructor(options: TransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 5));
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.random = options.random ?? Math.random;
    // Looked up per call, not captured, so a fetch installed later (a proxy agent) is still used.
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.limiter = options.limiter ?? new RateLimiter(options.rateLimit ?? null);
    this.isThrottled = options.isThrottled ?? (() => false);
  }

  /** Resolves only for 2xx (or 3xx when not following redirects); everything else rejects with an LmsError. */
  async request<T = TransportResponse>(request: TransportRequest<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let failure: AttemptFailure;
      try {
        return await this.attempt(request);
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        failure = error;
      }
      const { retryable, notProcessed, retryAfter, pausesAll } = failure.options;
      if (!retryable) throw failure.toError(request.endpoint);
      if (!request.idempotent && !notProcessed) {
        throw failure.toError(request.endpoint, 'not retried: the request is not safe to send twice');
      }
      const waitMs =
        retryAfter !== undefined
          ? retryAfter * 1000
          : backoffDelayMs(attempt, { baseDelayMs: this.baseDelayMs, maxDelayMs: this.maxDelayMs }, this.random);
      if (pausesAll) this.limiter.pause(Math.min(waitMs, this.maxDelayMs));
      if (retryAfter !== undefined && waitMs > this.maxDelayMs) {
        // Waiting that long inside one call would freeze the sync; the engine reschedules from retryAfter instead.
        throw failure.toError(request.endpoint, `the server asks to wait ${retryAfter} s`);
      }
      if (attempt >= this.maxAttempts) {
        throw failure.toError(request.endpoint, attempt > 1 ? `gave up after ${attempt} attempts` : undefined);
      }
      try {
        await sleep(waitMs, request.signal);
      } catch (reason) {
        throw aborted(request.endpoint, reason);
      }
    }
  }

  /** One attempt: the request plus any redirects it leads to, ending in a parsed result or an AttemptFailure. */
  private async attempt<T>(request: TransportRequest<T>): Promise<T> {
    const follow = request.followRedirects ?? true;
    let method: string = request.method;
    let url = request.url;
    let body = request.body;
    let headers = { ...request.headers };
    for (let hop = 0; ; hop++) {
      try {
        await this.limiter.acquire(request.signal);
      } catch (reason) {
        throw new AttemptFailure('aborted', 'cancelled', { cause: reason });
      }
      // Only the API's own origin gets credentials: Schoology's download redirects go to third-party storage.
      headers = withoutHeader(headers, 'authorization');
      if (url.origin === request.url.origin) {
        if (request.authorize) headers.Authorization = request.authorize(method, url);
        else if (request.headers) headers = { ...headers, ...pick(request.headers, 'authorization') };
      }
      const response = await this.exchange(request, method, url, headers, body);

      if (follow && REDIRECTS.has(response.status)) {
        if (hop >= MAX_REDIRECTS) {
          throw new AttemptFailure('rejected', `more than ${MAX_REDIRECTS} redirects`, { status: response.status });
        }
        const location = response.headers.get('location');
        const next = location === null ? null : resolveLocation(location, url);
        if (next === null) {
          throw new AttemptFailure('malformed', `HTTP ${response.status} redirect without a usable Location`, {
            status: response.status,
            retryable: true,
          });
        }
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          headers = withoutHeader(withoutHeader(headers, 'content-type'), 'content-length');
        }
        url = next;
        continue;
      }
      const ok = response.status >= 200 && response.status < 300;
      const unfollowedRedirect = !follow && response.status >= 300 && response.status < 400;
      if (!ok && !unfollowedRedirect) throw statusFailure(response, this.isThrottled(response));
      return parseWith(request, response);
    }
  }

  /** One HTTP exchange, body included, under its own timeout. */
  private async exchange(
    request: TransportRequest<unknown>,
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<TransportResponse & { statusText: string }> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    try {
      const response = await this.fetch(url, { method, headers, body, redirect: 'manual', signal });
      const text = await response.text();
      return { status: response.status, statusText: response.statusText, headers: response.headers, body: text, url };
    } catch (error) {
      if (request.signal?.aborted) throw new AttemptFailure('aborted', 'cancelled', { cause: request.signal.reason });
      if (timeout.aborted) {
        throw new AttemptFailure('timeout', `no reply within ${duration(this.timeoutMs)}`, { cause: error, retryable: true });
      }
      const { detail, notSent } = describeNetworkError(error, url);
      throw new AttemptFailure('network', detail, { cause: error, retryable: true, notProcessed: notSent });
    }
  }
}

function parseWith<T>(request: TransportRequest<T>, response: TransportResponse): T {
  if (!request.parse) return response as T;
  const { statusText: _statusText, ...plain } = response as TransportResponse & { statusText?: string };
  try {
    return request.parse(plain);
  } catch (error) {
    if (error instanceof LmsError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new AttemptFailure('malformed', message, { status: response.status, cause: error, retryable: true });
  }
}

function statusFailure(response: TransportResponse & { statusText: string }, throttled = false): AttemptFailure {
  const { status } = response;
  const reason = response.statusText || STATUS_CODES[status] || '';
  const excerpt = excerptOf(response.body);
  const detail = `HTTP ${status}${reason ? ` ${reason}` : ''}${excerpt ? `: ${excerpt}` : ''}`;
  if (throttled && status !== 429) {
    // Refused before processing, like a 429, but with no Retry-After: the backoff decides the wait.
    return new AttemptFailure('rate-limited', detail, { status, retryable: true, notProcessed: true });
  }
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
  switch (status) {
    case 401:
      return new AttemptFailure('unauthorized', detail, { status });
    case 403:
      return new AttemptFailure('forbidden', detail, { status });
    case 404:
      return new AttemptFailure('not-found', detail, { status });
    case 429:
      return new AttemptFailure('rate-limited', detail, {
        status,
        retryAfter,
        retryable: true,
        notProcessed: true,
        pausesAll: retryAfter !== undefined,
      });
  }
  if (status >= 500) {
    return new AttemptFailure('server', detail, { status, retryAfter, retryable: RETRIED_SERVER_STATUSES.has(status) });
  }
  return new AttemptFailure('rejected', detail, { status });
}

/**
 * What the server said, short enough for a message: HTML and XML tags stripped, whitespace collapsed, a JSON string
 * shown without its quotes, at most `max` characters.
 */
export function excerptOf(body: string, max: number = EXCERPT_LENGTH): string {
  // An error page can be megabytes; the first few thousand characters hold whatever is worth showing.
  let text = body.slice(0, 20_000).trim();
  if (text.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'string') text = value;
    } catch {
      // Not JSON after all: show it as text.
    }
  }
  text = text
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, entity: string) => ENTITIES[entity] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** A network failure in words a user can act on; `notSent` when it happened before any byte reached the server. */
function describeNetworkError(error: unknown, url: URL): { detail: string; notSent: boolean } {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const info = (cause ?? {}) as { code?: unknown; address?: unknown; port?: unknown; message?: unknown };
  const code = typeof info.code === 'string' ? info.code : '';
  const where = typeof info.address === 'string' && typeof info.port === 'number' ? `${info.address}:${info.port}` : url.host;
  const notSent = NOT_SENT_CODES.has(code);
  switch (code) {
    case 'ECONNREFUSED':
      return { detail: `connection refused by ${where}`, notSent };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { detail: `could not resolve the host name ${url.hostname}`, notSent };
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return { detail: `no route to ${where}`, notSent };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { detail: `could not connect to ${url.host} in time`, notSent };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return { detail: 'connection closed before the reply was complete', notSent };
  }
  const message = typeof info.message === 'string' ? info.message : String(cause);
  return { detail: `network error: ${message}`, notSent };
}

function aborted(endpoint: string, reason: unknown): LmsError {
  return new LmsError('aborted', endpoint, 'cancelled', { cause: reason });
}

function duration(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Location may be relative (RFC 9110 §10.2.2); null when it is not a URL at all. URL.parse needs Node 22. */
function resolveLocation(location: string, base: URL): URL | null {
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}

function withoutHeader(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== name));
}

function pick(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() === name));
}
