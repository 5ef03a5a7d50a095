/**
 * Raw HTTP against the sandbox, signed with the lead's oauth1 module: no client library, so these tests pin down the
 * wire contract itself (the real client is tested against the same sandbox elsewhere).
 */
import { authorizationHeader, type OAuthCredentials, type SignatureMethod } from '../../../electron/lms/schoology/oauth1';
import { buildXml, parseXml } from '../../../electron/lms/schoology/xml-codec';
import type { Sandbox } from '../../../electron/sandbox/sandbox-server';

export type Format = 'json' | 'xml';
export const FORMATS: Format[] = ['json', 'xml'];

const ACCEPT: Record<Format, string> = { json: 'application/json', xml: 'text/xml' };

export interface CallOptions {
  /** Reply format asked for (Accept) and body format sent (Content-Type); default json. */
  format?: Format;
  accept?: string;
  /** Serialized in `format` (XML under <body>). */
  body?: unknown;
  /** Sent as is, with `contentType`. */
  rawBody?: string;
  contentType?: string;
  /** Merged over the sandbox's two-legged credentials. */
  credentials?: Partial<OAuthCredentials>;
  signatureMethod?: SignatureMethod;
  timestamp?: number;
  nonce?: string;
  extra?: Record<string, string>;
  realm?: string;
  /** Replaces the computed Authorization header; null sends none. */
  authorization?: string | null;
  /** Signs this URL instead of the one requested (to prove what the signature covers). */
  signUrl?: URL;
  signMethod?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed by its Content-Type (JSON, or XML's root content); undefined when empty or not parseable. */
  data: unknown;
}

export function apiUrl(sandbox: Sandbox, path: string): URL {
  return path.startsWith('http') ? new URL(path) : new URL(`${sandbox.url}/${path}`);
}

export function sign(sandbox: Sandbox, method: string, url: URL, options: CallOptions = {}): string {
  return authorizationHeader({
    method: options.signMethod ?? method,
    url: options.signUrl ?? url,
    credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret, ...options.credentials },
    signatureMethod: options.signatureMethod,
    timestamp: options.timestamp,
    nonce: options.nonce,
    extra: options.extra,
    realm: options.realm,
  });
}

export function parseReply(contentType: string | null, text: string): unknown {
  if (!text) return undefined;
  try {
    if (contentType?.startsWith('application/json')) return JSON.parse(text) as unknown;
    if (contentType?.startsWith('text/xml')) return parseXml(text);
  } catch {
    return undefined;
  }
  return text;
}

export async function call(sandbox: Sandbox, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const format = options.format ?? 'json';
  const url = apiUrl(sandbox, path);
  const headers: Record<string, string> = { Accept: options.accept ?? ACCEPT[format] };
  const authorization = options.authorization === undefined ? sign(sandbox, method, url, options) : options.authorization;
  if (authorization !== null) headers.Authorization = authorization;
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    if (options.contentType) headers['Content-Type'] = options.contentType;
  } else if (options.body !== undefined) {
    body = format === 'json' ? JSON.stringify(options.body) : buildXml(options.body, 'body');
    headers['Content-Type'] = options.contentType ?? (format === 'json' ? 'application/json' : 'text/xml');
  }
  const response = await fetch(url, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, data: parseReply(response.headers.get('content-type'), text) };
}

/** XML sends a one-item list as the bare item and an empty one as nothing; JSON sends arrays. Both → an array. */
export function asList<T = Record<string, unknown>>(value: unknown): T[] {
  if (value === undefined || value === '') return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

/** The rows of a bulk reply, in either format. */
export function rowsOf(data: unknown): Array<Record<string, unknown>> {
  return asList((data as { enrollments?: { enrollment?: unknown } } | undefined)?.enrollments?.enrollment);
}

/** A field as text, so JSON numbers and XML strings compare alike. */
export const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
