/**
 * Rate limits against the sandbox's per-key limit: a client without its own limiter runs into 429s and waits out
 * Retry-After; a client whose limiter keeps under the server's limit never provokes one.
 */
import { describe, expect, it } from 'vitest';
import { LmsError } from '../../../electron/lms/lms-error';
import { clientFor, fastTransport, sandboxFor, SEED } from './schoology-kit';

const SERVER_LIMIT = { requests: 3, windowMs: 1000 };

describe('Schoology client and the rate limit', () => {
  it('waits out Retry-After on a 429 and then succeeds, when it has no limiter of its own', async () => {
    const sandbox = await sandboxFor({ rateLimit: SERVER_LIMIT });
    // Retry-After is whole seconds; the transport must be willing to wait that long.
    const client = clientFor(sandbox, 'json', { transport: fastTransport({ rateLimit: null, maxDelayMs: 3000 }) });
    const titles: string[] = [];
    for (let i = 0; i < 5; i++) titles.push((await client.getGroup('65371')).title);
    expect(titles).toEqual(Array(5).fill('Robotics Club'));
    const statuses = sandbox.requests.map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    // Every 429 is followed by the same request succeeding, not by an error.
    statuses.forEach((status, i) => {
      if (status === 429) expect(statuses[i + 1]).toBe(200);
    });
  });

  it('provokes no 429 when its limiter keeps under the server’s limit', async () => {
    const sandbox = await sandboxFor({ rateLimit: SERVER_LIMIT });
    // The client counts when a request leaves, the server when it arrives: the window carries a little slack so a
    // request that arrived late cannot still be inside the server's window when the client's has moved on.
    const client = clientFor(sandbox, 'json', { transport: fastTransport({ rateLimit: { requests: 3, windowMs: 1100 } }) });
    for (let i = 0; i < 7; i++) expect((await client.getSection('3719526')).id).toBe('3719526');
    await client.me(); // the 303 hop counts as a request on both sides
    expect(sandbox.requests).toHaveLength(9);
    expect(sandbox.requests.filter((r) => r.status === 429)).toEqual([]);
  });

  it('retries a plain create after a 429, because a 429 means nothing was processed, and creates it once', async () => {
    const sandbox = await sandboxFor({ rateLimit: { requests: 1, windowMs: 1000 } });
    const client = clientFor(sandbox, 'json', { transport: fastTransport({ maxDelayMs: 3000 }) });
    await client.getGroup('65371');
    const created = await client.createEnrollment(SEED.robotics, { uid: '2461632', admin: 0, status: 1 });
    expect(sandbox.requests.map((r) => r.status)).toEqual([200, 429, 201]);
    expect(sandbox.store.enrollmentsOf('2461632').filter((e) => e.realmKey === SEED.robotics).map((e) => e.id)).toEqual([created.id]);
  });

  it('gives up with rate-limited and the wait the server asked for, when that is longer than it will wait in one call', async () => {
    const sandbox = await sandboxFor({ rateLimit: { requests: 1, windowMs: 10_000 } });
    const client = clientFor(sandbox, 'json', { transport: fastTransport({ maxDelayMs: 50 }) });
    await client.getGroup('65371');
    const error = await client.getGroup('65371').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LmsError);
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, retryAfter: 10, endpoint: 'GET groups/65371' });
    expect((error as LmsError).transient).toBe(true);
  });
});
