/**
 * Replies the sandbox never gives but a server or proxy might: a bulk result with the wrong number of rows, paging
 * links to another host or in a loop. A tiny HTTP server on 127.0.0.1 plays that server; it checks no signatures.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LmsError } from '../../../electron/lms/lms-error';
import { SchoologyClient } from '../../../electron/lms/schoology/schoology-client';
import { fastTransport } from './schoology-kit';

interface Seen {
  method: string;
  url: string;
}

let server: Server | undefined;

afterEach(async () => {
  const running = server;
  server = undefined;
  if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
});

/** Serves `reply(request)` as JSON; returns the API base and the requests seen. */
async function oddServer(reply: (req: IncomingMessage, base: string) => unknown): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  let base = '';
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply(req, base)));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return { base, seen };
}

const clientAt = (base: string) =>
  new SchoologyClient({ baseUrl: base, credentials: { consumerKey: 'k', consumerSecret: 's' }, transport: fastTransport({ maxAttempts: 3 }) });

const enrollment = (id: number) => ({ id: String(id), uid: String(100 + id), admin: 0, status: '1' });

describe('replies no faithful Schoology sends', () => {
  it('takes a bulk DELETE answered 204 with no rows as every id deleted (as some API descriptions model it)', async () => {
    const seen: string[] = [];
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    expect(await clientAt(base).deleteEnrollments(['7', '8'])).toEqual([
      { outcome: 'applied', id: '7' },
      { outcome: 'applied', id: '8' },
    ]);
    expect(seen).toEqual(['DELETE /v1/enrollments?enrollment_ids=7,8']);
  });

  it('reports a bulk result with fewer rows than items as malformed, naming the endpoint, and retries an upsert', async () => {
    const { base, seen } = await oddServer(() => ({ enrollments: { enrollment: [{ response_code: 200, id: '1' }] } }));
    const error = await clientAt(base)
      .upsertEnrollments([
        { realmKey: 'sections/1', uid: '5', admin: 0, status: 1 },
        { realmKey: 'sections/1', uid: '6', admin: 0, status: 1 },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LmsError);
    expect(error).toMatchObject({ kind: 'malformed', endpoint: 'POST enrollments' });
    expect((error as Error).message).toContain('POST enrollments: Schoology bulk result: 1 result rows for 2 items');
    expect(seen).toHaveLength(3);
  });

  it('does not retry a bulk create whose result has the wrong number of rows', async () => {
    const { base, seen } = await oddServer(() => ({ enrollments: { enrollment: [] } }));
    const error = await clientAt(base)
      .createEnrollments('groups/7', [{ uid: '5', admin: 0, status: 1 }])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'malformed', endpoint: 'POST groups/7/enrollments' });
    expect(seen).toHaveLength(1);
  });

  it('says which request of a chunked bulk failed and that the earlier ones were sent', async () => {
    let calls = 0;
    const { base } = await oddServer(() => {
      calls += 1;
      const rows = calls === 1 ? Array.from({ length: 50 }, (_, i) => ({ response_code: 200, id: String(i + 1) })) : [];
      return { enrollments: { enrollment: rows } };
    });
    const ids = Array.from({ length: 60 }, (_, i) => String(i + 1));
    const error = await clientAt(base)
      .deleteEnrollments(ids)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'malformed', endpoint: 'DELETE enrollments' });
    expect((error as Error).message).toMatch(/\(request 2 of 2: the 50 items before it were sent already\)$/);
  });

  it('follows links.next on its own origin even when the link names another host or plain http', async () => {
    const { base, seen } = await oddServer((req) => {
      const start = new URL(req.url ?? '', 'http://x').searchParams.get('start');
      return start === '2'
        ? { enrollment: [enrollment(3)], total: '3', links: { self: 'x' } }
        : { enrollment: [enrollment(1), enrollment(2)], total: '3', links: { self: 'x', next: 'http://api.schoology.example/v1/sections/1/enrollments?start=2&limit=200' } };
    });
    const ids: string[] = [];
    for await (const page of clientAt(base).listEnrollments('sections/1')) ids.push(...page.enrollments.map((e) => e.id));
    expect(ids).toEqual(['1', '2', '3']);
    expect(seen.map((s) => s.url)).toEqual(['/v1/sections/1/enrollments?limit=200', '/v1/sections/1/enrollments?start=2&limit=200']);
  });

  it('stops with malformed when links.next leads back to a page already read', async () => {
    const { base, seen } = await oddServer((_req, apiBase) => ({
      enrollment: [enrollment(1)],
      total: '9',
      links: { self: 'x', next: `${apiBase}/sections/1/enrollments?limit=200` },
    }));
    const pages: number[] = [];
    const error = await (async () => {
      for await (const page of clientAt(base).listEnrollments('sections/1')) pages.push(page.enrollments.length);
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'malformed', endpoint: 'GET sections/1/enrollments' });
    expect((error as Error).message).toContain('links.next repeats a page already read');
    expect(pages).toEqual([1]);
    expect(seen).toHaveLength(1);
  });
});
