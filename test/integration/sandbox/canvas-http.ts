/**
 * Raw HTTP against the Canvas sandbox, with no client library, so these tests pin down the wire contract itself (the
 * Canvas client is tested against the same sandbox elsewhere).
 */
import type { CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';

export interface CanvasCall {
  status: number;
  headers: Headers;
  text: string;
  /** The JSON body; undefined when empty or not JSON. */
  data: unknown;
}

export interface CallOptions {
  /** Replaces the Bearer header; null sends none. */
  authorization?: string | null;
  /** Form-encoded: each pair as given (repeat a name for a list). */
  form?: Array<[string, string]>;
  json?: unknown;
  body?: string;
  contentType?: string;
}

export function apiUrl(sandbox: CanvasSandbox, path: string): string {
  return path.startsWith('http') ? path : `${sandbox.url}/api/v1/${path}`;
}

export async function call(sandbox: CanvasSandbox, method: string, path: string, options: CallOptions = {}): Promise<CanvasCall> {
  const headers: Record<string, string> = {};
  const authorization = options.authorization === undefined ? `Bearer ${sandbox.token}` : options.authorization;
  if (authorization !== null) headers.Authorization = authorization;
  let body: string | undefined;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  } else if (options.body !== undefined) {
    body = options.body;
    if (options.contentType) headers['Content-Type'] = options.contentType;
  }
  const response = await fetch(apiUrl(sandbox, path), { method, headers, body });
  const text = await response.text();
  let data: unknown;
  if (response.headers.get('content-type')?.startsWith('application/json')) {
    try {
      data = JSON.parse(text) as unknown;
    } catch {
      data = undefined;
    }
  }
  return { status: response.status, headers: response.headers, text, data };
}

export const get = (sandbox: CanvasSandbox, path: string, options?: CallOptions) => call(sandbox, 'GET', path, options);

export type Json = Record<string, unknown>;
export const list = (reply: CanvasCall): Json[] => reply.data as Json[];

/** The Link header as rel → URL. */
export function links(reply: CanvasCall): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (reply.headers.get('link') ?? '').split(',')) {
    const match = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (match) out[match[2] as string] = match[1] as string;
  }
  return out;
}

/** Every item of a list, following rel="next" from `path` to the end; also the number of pages. */
export async function all(sandbox: CanvasSandbox, path: string): Promise<{ items: Json[]; pages: number }> {
  const items: Json[] = [];
  let next: string | undefined = apiUrl(sandbox, path);
  let pages = 0;
  while (next) {
    const reply = await get(sandbox, next);
    if (reply.status !== 200) throw new Error(`${next}: ${reply.status} ${reply.text}`);
    items.push(...list(reply));
    pages += 1;
    next = links(reply).next;
  }
  return { items, pages };
}
