/**
 * The browser host: the renderer and the RosterApi served on 127.0.0.1, for machines where Electron cannot
 * start (and for the end-to-end tests). It implements exactly the contract the preload exposes; the renderer
 * cannot tell which transport it has.
 *
 * Guarding a localhost port: it binds to 127.0.0.1 only; every API call must carry the per-run token that is
 * written into the page it serves (so other web sites open in the same browser cannot call it: they can
 * neither read that page nor guess the token); the Host header must name this listener (so a DNS-rebinding
 * site cannot reach it under its own name); and bodies are size-limited JSON validated like IPC payloads.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { RosterApiHandlers } from '../api-handlers';
import { dispatch } from '../api-dispatch';
import { BRIDGE_PATH_PREFIX, BRIDGE_TOKEN_META } from '../../shared/bridge';

export interface BrowserHostOptions {
  handlers: RosterApiHandlers;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 or absent: any free port. */
  port?: number;
}

export interface BrowserHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

// The largest honest requests: an import file (up to 50 MB of text, more once JSON-escaped) and selections of
// 100,000 row refs; anything beyond is refused before it is parsed.
export const MAX_BODY_BYTES = 128 * 1024 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = randomBytes(32).toString('hex');
  const indexHtml = await readIndexHtml(options.rendererDir);
  let port = 0;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('browser host: request failed', error);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!allowedHosts.includes(req.headers.host ?? '')) {
      return send(res, 421, 'text/plain; charset=utf-8', 'This server only answers requests addressed to 127.0.0.1.');
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    if (url.pathname.startsWith(BRIDGE_PATH_PREFIX)) {
      return handleApi(req, res, url.pathname.slice(BRIDGE_PATH_PREFIX.length));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      return send(res, 200, CONTENT_TYPES['.html']!, indexHtml.replace('</head>', `<meta name="${BRIDGE_TOKEN_META}" content="${token}"></head>`));
    }
    return serveStatic(res, url.pathname);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'method_not_allowed', message: 'Use POST' } });
    if (!hasToken(req.headers.authorization, token)) {
      return sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message: 'Missing or wrong bridge token; reload the page.' } });
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, { ok: false, error: { code: 'invalid_input', message: 'Send the call as application/json' } });
    }
    const body = await readBody(req);
    if (body === null) {
      return sendJson(res, 413, { ok: false, error: { code: 'invalid_input', message: `The request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB; import a smaller file (one roster at a time)` } });
    }
    let payload: unknown;
    try {
      payload = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      return sendJson(res, 400, { ok: false, error: { code: 'invalid_input', message: `${method}: the request body is not valid JSON` } });
    }
    const input = typeof payload === 'object' && payload !== null && 'input' in payload ? (payload as { input: unknown }).input : undefined;
    return sendJson(res, 200, await dispatch(options.handlers, method, input));
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    const root = normalize(options.rendererDir + sep);
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return send(res, 404, 'text/plain; charset=utf-8', 'Not found'); // a malformed %-escape names no file
    }
    const file = normalize(join(root, decoded));
    if (!file.startsWith(root)) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    try {
      const content = await readFile(file);
      send(res, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', content);
    } catch {
      send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readIndexHtml(rendererDir: string): Promise<string> {
  try {
    return await readFile(join(rendererDir, 'index.html'), 'utf8');
  } catch {
    throw new Error(`The renderer is not built (no ${join(rendererDir, 'index.html')}); run "npm run build" first.`);
  }
}

function hasToken(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}
