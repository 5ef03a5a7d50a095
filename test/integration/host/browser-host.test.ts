import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEnvelope, RosterPage, RealmSummary } from '../../../shared/api';
import { BRIDGE_PATH_PREFIX, BRIDGE_TOKEN_META } from '../../../shared/bridge';
import { createServices, type Services } from '../../../electron/services';
import { MAX_BODY_BYTES, startBrowserHost, type BrowserHost } from '../../../electron/host/browser-host';
import { SECTION_ID, seedSchool } from '../../support/seed-cache';

/**
 * The browser host over real HTTP on 127.0.0.1 and a real SQLite cache, serving a tiny stand-in renderer so the
 * suite does not depend on the build. Next to the renderer folder lies a file that must never be served.
 */
const SECRET = 'SECRET-OUTSIDE-THE-RENDERER';
const APP_JS = 'console.log("roster renderer stand-in");\n';

let base: string;
let rendererDir: string;
let services: Services;
const hosts: BrowserHost[] = [];

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'roster-host-'));
  rendererDir = join(base, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<html><head></head><body></body></html>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), APP_JS);
  writeFileSync(join(base, 'package.json'), JSON.stringify({ name: SECRET }));
  services = createServices({ dataDir: join(base, 'data'), host: 'browser' });
  seedSchool(services.cache);
});

afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  services.close();
  rmSync(base, { recursive: true, force: true });
});

async function start(): Promise<BrowserHost> {
  const host = await startBrowserHost({ handlers: services.handlers, rendererDir });
  hosts.push(host);
  return host;
}

/** The token the host wrote into the page it serves, as the renderer's bridge client reads it. */
async function tokenOf(host: BrowserHost): Promise<string> {
  const html = await (await fetch(host.url)).text();
  const match = new RegExp(`<meta name="${BRIDGE_TOKEN_META}" content="([^"]+)">`).exec(html);
  if (!match?.[1]) throw new Error(`no ${BRIDGE_TOKEN_META} meta in the page: ${html}`);
  return match[1];
}

/** POST /api/<method> the way the bridge client does it. */
function call(host: BrowserHost, method: string, body: string, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  return fetch(new URL(`${BRIDGE_PATH_PREFIX}${method}`, host.url), { method: 'POST', headers, body });
}

async function callOk(host: BrowserHost, method: string, input: unknown): Promise<ApiEnvelope> {
  const response = await call(host, method, JSON.stringify({ input }), await tokenOf(host));
  expect(response.status).toBe(200);
  return (await response.json()) as ApiEnvelope;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request exactly as written (fetch would normalise the path and forbids setting Host). */
function rawRequest(port: number, options: { method?: string; path: string; headers?: Record<string, string> }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves true when a TCP connection to address:port is accepted, false when it is refused or unreachable. */
function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the browser host: listening', () => {
  it('listens on 127.0.0.1 only, at the url it returns', async () => {
    const host = await start();
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    expect(host.port).toBeGreaterThan(0);
    expect(await accepts('127.0.0.1', host.port)).toBe(true);

    const otherAddresses = Object.values(networkInterfaces())
      .flatMap((entries) => entries ?? [])
      .filter((entry) => !entry.internal)
      .map((entry) => entry.address);
    for (const address of ['::1', ...otherAddresses]) {
      expect(await accepts(address, host.port), `connection via ${address}`).toBe(false);
    }
  });
});

describe('the browser host: the page', () => {
  it('serves index.html at / with the per-run bridge token in a meta tag', async () => {
    const host = await start();
    const response = await fetch(host.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toMatch(new RegExp(`^<html><head><meta name="${BRIDGE_TOKEN_META}" content="[0-9a-f]{64}"></head><body></body></html>$`));
  });

  it('gives every host its own token', async () => {
    const first = await start();
    const second = await start();
    expect(await tokenOf(first)).not.toBe(await tokenOf(second));
  });
});

describe('the browser host: authenticated calls', () => {
  it('answers listRealms with an envelope holding the cached sections', async () => {
    const host = await start();
    const envelope = await callOk(host, 'listRealms', {});
    expect(envelope.ok).toBe(true);
    const realms = (envelope as { ok: true; value: RealmSummary[] }).value;
    expect(realms.map((realm) => realm.title)).toContain('Algebra I · P3');
  });

  it('answers queryRoster with an envelope holding the matching people', async () => {
    const host = await start();
    const envelope = await callOk(host, 'queryRoster', { realmIds: [SECTION_ID], search: 'howlett' });
    expect(envelope.ok).toBe(true);
    const page = (envelope as { ok: true; value: RosterPage }).value;
    expect(page.total).toBe(1);
    expect(page.rows.map((row) => row.displayName)).toEqual(['James Howlett']);
  });
});

describe('the browser host: refusing calls', () => {
  it('refuses a call without the token with 401', async () => {
    const host = await start();
    const response = await call(host, 'listRealms', JSON.stringify({ input: {} }), null);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('refuses a call with a wrong token with 401', async () => {
    const host = await start();
    const wrong = (await tokenOf(await start())).replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    const response = await call(host, 'listRealms', JSON.stringify({ input: {} }), wrong);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('refuses a request whose Host header names another host (DNS rebinding) with 421', async () => {
    const host = await start();
    const token = await tokenOf(host);
    const page = await rawRequest(host.port, { path: '/', headers: { Host: `attacker.example:${host.port}` } });
    expect(page.status).toBe(421);
    expect(page.body).not.toContain(BRIDGE_TOKEN_META);
    const api = await rawRequest(host.port, {
      method: 'POST',
      path: `${BRIDGE_PATH_PREFIX}listRealms`,
      headers: { Host: `attacker.example:${host.port}`, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    });
    expect(api.status).toBe(421);
    expect(api.body).not.toContain('Algebra');
  });

  it('refuses a body that is not JSON with 400 invalid_input', async () => {
    const host = await start();
    const response = await call(host, 'listRealms', '{"input":', await tokenOf(host));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('answers an input the schema rejects with invalid_input naming the field', async () => {
    const host = await start();
    const tooMany = await callOk(host, 'queryRoster', { realmIds: [SECTION_ID], limit: 10000 });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect((tooMany as { ok: false; error: { message: string } }).error.message).toMatch(/^queryRoster: limit: /);

    const noRealms = await callOk(host, 'queryRoster', { realmIds: [] });
    expect(noRealms).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect((noRealms as { ok: false; error: { message: string } }).error.message).toMatch(/^queryRoster: realmIds: /);
  });

  it('answers an unknown method with unknown_method', async () => {
    const host = await start();
    const envelope = await callOk(host, 'dropDatabase', {});
    expect(envelope).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('refuses GET on the api with 405', async () => {
    const host = await start();
    const response = await fetch(new URL(`${BRIDGE_PATH_PREFIX}listRealms`, host.url), { headers: { Authorization: `Bearer ${await tokenOf(host)}` } });
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ ok: false });
  });

  it('refuses a body over its limit (128 MiB: room for a 50 MB import file) with 413', async () => {
    const host = await start();
    const body = JSON.stringify({ input: { realmIds: [SECTION_ID], search: 'x'.repeat(MAX_BODY_BYTES) } });
    const response = await call(host, 'queryRoster', body, await tokenOf(host));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('the browser host: static files', () => {
  it('serves a renderer asset with its content type and nosniff', async () => {
    const host = await start();
    const response = await fetch(new URL('/assets/app.js', host.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(APP_JS);
  });

  it.each(['/../package.json', '/%2e%2e%2fpackage.json', '/assets/..%2f..%2fpackage.json', '/..%5cpackage.json'])(
    'answers the path traversal %s with 404 and never the file outside the renderer',
    async (path) => {
      const host = await start();
      const response = await rawRequest(host.port, { path, headers: { Host: `127.0.0.1:${host.port}` } });
      expect(response.status).toBe(404);
      expect(response.body).not.toContain(SECRET);
    },
  );

  it('answers a path with a malformed percent-escape with 404, not a server error', async () => {
    const host = await start();
    const response = await rawRequest(host.port, { path: '/assets/%E0%A4%A.js', headers: { Host: `127.0.0.1:${host.port}` } });
    expect(response.status).toBe(404);
  });
});
