/**
 * What the Schoology client tests share: a sandbox per test, a client pointed at it with a fast-retrying transport,
 * and a fetch that passes every request through unchanged while noting what went over the wire.
 */
import { afterEach } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../electron/sandbox/sandbox-server';
import { Transport, type TransportOptions } from '../../../electron/lms/transport';
import { SchoologyClient, type SchoologyClientOptions } from '../../../electron/lms/schoology/schoology-client';
import type { SchoologyFormat } from '../../../electron/lms/schoology/schoology-format';

export const FORMATS: SchoologyFormat[] = ['json', 'xml'];

/** The seed's documented people and places. */
export const SEED = {
  owner: '45552',
  howlett: '48289',
  algebraP3: 'sections/3719526',
  algebraP5: 'sections/4318461',
  robotics: 'groups/65371',
  mathTeam: 'groups/65402',
  stricklandEnrollment: '43807916',
  howlettEnrollment: '44783136',
  p3AccessCode: 'VCVKF-4MJG9',
  fall: '435',
} as const;

const running: Sandbox[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.close()));
});

/** A fresh small-seed sandbox without a rate limit (unless asked), closed after the test. */
export async function sandboxFor(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ rateLimit: null, ...options });
  running.push(sandbox);
  return sandbox;
}

export interface WireNote {
  method: string;
  url: URL;
  accept: string;
  contentType: string;
  authorization: string;
  body: string;
  replyType: string;
}

/** The real fetch, noting each request; the transport and the sandbox see exactly what they would without it. */
export function notingFetch(notes: WireNote[]): typeof globalThis.fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    const response = await globalThis.fetch(input, init);
    notes.push({
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      accept: headers.get('accept') ?? '',
      contentType: headers.get('content-type') ?? '',
      authorization: headers.get('authorization') ?? '',
      body: typeof init?.body === 'string' ? init.body : '',
      replyType: response.headers.get('content-type') ?? '',
    });
    return response;
  };
}

/** Retries without waiting long: backoff of a few ms, so fault tests run in well under a second. */
export function fastTransport(options: TransportOptions = {}): Transport {
  return new Transport({ baseDelayMs: 2, maxDelayMs: 50, ...options });
}

export function clientFor(
  sandbox: Sandbox,
  format: SchoologyFormat,
  options: Partial<SchoologyClientOptions> & { transport?: Transport } = {},
): SchoologyClient {
  return new SchoologyClient({
    baseUrl: sandbox.url,
    credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret },
    format,
    transport: fastTransport(),
    ...options,
  });
}

/** The API requests the sandbox saw, as "METHOD path" (path after /v1/, no query). */
export function requestLines(sandbox: Sandbox): string[] {
  return sandbox.requests.map((r) => `${r.method} ${r.path}`);
}

/** Distinct uids of people enrolled anywhere in the seed, in a stable order. */
export function seedUids(sandbox: Sandbox): string[] {
  const uids = new Set<string>();
  for (const section of sandbox.store.listSections()) {
    for (const enrollment of sandbox.store.enrollmentsIn(`sections/${section.id}`)) uids.add(enrollment.uid);
  }
  return [...uids].sort();
}
