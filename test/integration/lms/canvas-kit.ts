/**
 * What the Canvas client and provider tests share: a Canvas sandbox per test (no throttle unless asked), a client
 * pointed at it whose retries wait a few milliseconds, and a fetch that notes what went over the wire.
 */
import { afterEach } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox, type CanvasSandboxOptions } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { CanvasClient, type CanvasClientOptions } from '../../../electron/lms/canvas/canvas-client';
import type { TransportOptions } from '../../../electron/lms/transport';

/** The small seed's documented places and people (electron/sandbox/canvas/canvas-seed.ts). */
export const CANVAS_SEED = {
  strickland: '1',
  alvarez: '2',
  howlett: '101',
  /** A student added by hand: no SIS id. */
  noSisStudent: '108',
  algebra: '101',
  algebraP3: '201',
  algebraP5: '202',
  biology: '102',
  biologyP1: '203',
  /** World History has no SIS id, nor has its section. */
  worldHistory: '104',
  worldHistoryP7: '207',
} as const;

const running: CanvasSandbox[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.close()));
});

export async function canvasSandboxFor(options: CanvasSandboxOptions = {}): Promise<CanvasSandbox> {
  const sandbox = await startCanvasSandbox({ throttle: null, ...options });
  running.push(sandbox);
  return sandbox;
}

/** Retries a few ms apart, so fault and throttle tests finish in well under a second. */
export const FAST: TransportOptions = { baseDelayMs: 2, maxDelayMs: 50 };

export function canvasClientFor(sandbox: CanvasSandbox, options: Partial<CanvasClientOptions> = {}): CanvasClient {
  return new CanvasClient({ baseUrl: sandbox.url, token: sandbox.token, transport: FAST, ...options });
}

export interface CanvasWireNote {
  method: string;
  url: URL;
  authorization: string;
  contentType: string;
  body: string;
}

/** The real fetch, noting each request. */
export function notingFetch(notes: CanvasWireNote[]): typeof globalThis.fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    notes.push({
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      authorization: headers.get('authorization') ?? '',
      contentType: headers.get('content-type') ?? '',
      body: typeof init?.body === 'string' ? init.body : '',
    });
    return globalThis.fetch(input, init);
  };
}

/** The API requests the sandbox saw, as "METHOD path" (after /api/v1/, no query). */
export function canvasRequestLines(sandbox: CanvasSandbox): string[] {
  return sandbox.requests.map((r) => `${r.method} ${r.path}`);
}
