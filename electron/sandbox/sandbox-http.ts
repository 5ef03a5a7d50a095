/**
 * The HTTP plumbing both sandbox LMSs (Schoology's and Canvas's) share: a server bound to 127.0.0.1 only, requests
 * parsed to a URL taken as sent, a handler that throws answering 500 instead of hanging the client, bodies read up to
 * a limit, replies with an exact Content-Length, and an idempotent close (the app and a test's cleanup may both close
 * the same sandbox).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

/** The whole body; BodyTooLargeError past `maxBytes` (the rest is read and dropped, so the reply still reaches the client). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => (size > maxBytes ? reject(new BodyTooLargeError(maxBytes)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export function writeReply(res: ServerResponse, status: number, headers: Record<string, string>, body?: string | Buffer): void {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Length': String(payload.length) });
  res.end(payload);
}

export interface LocalServer {
  port: number;
  close(): Promise<void>;
}

export type UrlHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** Serves `handle` on 127.0.0.1:`port` (0: any free port) once listening. */
export async function listenLocal(port: number, handle: UrlHandler): Promise<LocalServer> {
  let bound = port;
  const text = { 'Content-Type': 'text/plain; charset=utf-8' };
  const server: Server = createServer((req, res) => {
    let url: URL;
    try {
      // Joined as text, not resolved against a base: the path is taken as sent, so `//x` cannot pose as a host.
      url = new URL(`http://${req.headers.host || `127.0.0.1:${bound}`}${req.url ?? '/'}`);
    } catch {
      writeReply(res, 400, text, 'Bad request: the Host header or the path is not valid.');
      return;
    }
    handle(req, res, url).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else writeReply(res, 500, text, `Internal sandbox error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
