/**
 * What can go wrong talking to an LMS, sorted by what the caller should do about it. The sync engine needs exactly
 * one decision from an error — try the batch again later, stop and ask the user to sign in, or hold the ops and show
 * the reason — so every failure carries `kind` and `transient`, plus the endpoint it happened on for the message.
 */
export type LmsErrorKind =
  /** No connection, connection reset or dropped mid-reply, DNS failure. */
  | 'network'
  /** No complete reply within the timeout. */
  | 'timeout'
  /** The server is overloaded or broken for now: 500, 502, 503, 504. */
  | 'server'
  /** 429 (or a throttle answer) that outlasted our retries. */
  | 'rate-limited'
  /** 401: the credentials or token are wrong, expired or revoked. Retrying cannot help; signing in again can. */
  | 'unauthorized'
  /** 403: these credentials may not do this. */
  | 'forbidden'
  /** 404 on a single-object call. */
  | 'not-found'
  /** Any other 4xx: the request itself was refused (e.g. 400 for a bulk of more than 50). */
  | 'rejected'
  /** A 2xx whose body is not what the endpoint returns (truncated JSON, an HTML page, a wrong shape). */
  | 'malformed'
  /** The caller aborted. */
  | 'aborted';

const TRANSIENT: ReadonlySet<LmsErrorKind> = new Set(['network', 'timeout', 'server', 'rate-limited', 'malformed']);

export class LmsError extends Error {
  override name = 'LmsError';
  readonly kind: LmsErrorKind;
  /** "GET sections/3719526/enrollments": which call failed, for messages and logs (never a URL with secrets). */
  readonly endpoint: string;
  /** The HTTP status when there was one. */
  readonly status: number | undefined;
  /** Seconds the server asked us to wait (Retry-After), when it said. */
  readonly retryAfter: number | undefined;

  constructor(
    kind: LmsErrorKind,
    endpoint: string,
    detail: string,
    options: { status?: number; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(`${endpoint}: ${detail}`, { cause: options.cause });
    this.kind = kind;
    this.endpoint = endpoint;
    this.status = options.status;
    this.retryAfter = options.retryAfter;
  }

  /**
   * Worth trying again later with the same request. A malformed 2xx counts: it is what a proxy or a half-delivered
   * reply looks like, and the ops are idempotent by the time they are retried.
   */
  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}
