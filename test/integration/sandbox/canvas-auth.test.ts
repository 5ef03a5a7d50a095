import { afterEach, describe, expect, it } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { get } from './canvas-http';

let sandbox: CanvasSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const CHALLENGE = 'Bearer realm="canvas-lms"';

describe('Bearer tokens', () => {
  it('accepts the token in the Authorization header', async () => {
    sandbox = await startCanvasSandbox({ throttle: null, token: '7~sandbox-token' });
    expect(sandbox.token).toBe('7~sandbox-token');
    expect((await get(sandbox, 'users/self')).status).toBe(200);
  });

  it('accepts the token as ?access_token= too', async () => {
    sandbox = await startCanvasSandbox({ throttle: null });
    expect((await get(sandbox, `users/self?access_token=${encodeURIComponent(sandbox.token)}`, { authorization: null })).status).toBe(200);
  });

  it('makes a random Canvas-looking token per start when none is given', async () => {
    sandbox = await startCanvasSandbox({ throttle: null });
    const other = await startCanvasSandbox({ throttle: null });
    try {
      expect(sandbox.token).toMatch(/^\d+~[A-Za-z0-9]{64}$/);
      expect(other.token).not.toBe(sandbox.token);
    } finally {
      await other.close();
    }
  });

  it('answers a request without a token with 401, WWW-Authenticate and "user authorization required"', async () => {
    sandbox = await startCanvasSandbox({ throttle: null });
    const reply = await get(sandbox, 'users/self', { authorization: null });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe(CHALLENGE);
    expect(reply.data).toEqual({ status: 'unauthenticated', errors: [{ message: 'user authorization required' }] });
  });

  it('answers an unknown token with 401, WWW-Authenticate and "Invalid access token."', async () => {
    sandbox = await startCanvasSandbox({ throttle: null });
    const reply = await get(sandbox, 'courses', { authorization: 'Bearer 7~not-the-token' });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe(CHALLENGE);
    expect(reply.data).toEqual({ errors: [{ message: 'Invalid access token.' }] });
  });

  it('answers an expired token with the same 401 once its lifetime has passed', async () => {
    let clock = Date.UTC(2026, 10, 26, 8);
    sandbox = await startCanvasSandbox({ throttle: null, tokenLifetimeMs: 3_600_000, now: () => clock });
    expect((await get(sandbox, 'users/self')).status).toBe(200);
    clock += 3_600_000;
    const reply = await get(sandbox, 'users/self');
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe(CHALLENGE);
    expect(reply.data).toEqual({ errors: [{ message: 'Invalid access token.' }] });
  });

  it('changes nothing for a write with a bad token', async () => {
    sandbox = await startCanvasSandbox({ throttle: null });
    const before = sandbox.store.countEnrollments();
    const reply = await fetch(`${sandbox.url}/api/v1/courses/101/enrollments`, {
      method: 'POST',
      headers: { Authorization: 'Bearer wrong', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'enrollment[user_id]=5',
    });
    expect(reply.status).toBe(401);
    expect(sandbox.store.countEnrollments()).toBe(before);
  });
});
