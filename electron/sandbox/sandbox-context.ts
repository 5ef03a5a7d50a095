/** What every endpoint handler of the sandbox receives and returns. */
import type { OAuthIdentity } from './sandbox-oauth';
import type { SandboxStore } from './sandbox-store';

export interface ApiContext {
  method: string;
  /** The path after /v1/, split on "/" (empty segments dropped). */
  segments: string[];
  query: URLSearchParams;
  /** The query as sent (no "?"), so links keep the caller's filters exactly as written. */
  rawQuery: string;
  /** The parsed JSON or XML body; undefined when there was none. */
  body: unknown;
  identity: OAuthIdentity;
  /** Absolute API base as the client addressed it: "http://127.0.0.1:PORT/v1". */
  base: string;
  store: SandboxStore;
}

export interface ApiReply {
  status: number;
  /** Serialized in the negotiated format; absent for an empty body (204, 303). */
  value?: unknown;
  /** An error message, sent as Schoology sends one: a bare JSON string or `<result>message</result>`. */
  error?: string;
  /** An application/x-www-form-urlencoded body (the OAuth token endpoints). */
  form?: string;
  headers?: Record<string, string>;
}

/** Thrown by handlers for a whole-request failure (404 unknown realm, 400 bad body…). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
