import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEnvelope } from '../../../shared/api';
import { dispatch } from '../../../electron/api-dispatch';
import { createServices, type Services } from '../../../electron/services';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { CredentialVault } from '../../../electron/vault/credential-vault';

/**
 * addAccount for Canvas as the renderer calls it — through dispatch, over real services, the real keychain
 * (scripts/with-keyring.sh) and the Canvas sandbox: the address and a personal access token go in, an account
 * comes back, and the token never does.
 */
const service = `Roster Desk test ${randomUUID()}`;
let canvas: CanvasSandbox;
let dir: string;
let services: Services;
let changes: Array<{ kind: string; accountId: string }>;

beforeAll(async () => {
  canvas = await startCanvasSandbox({ port: 0, throttle: null });
});
afterAll(async () => {
  await canvas.close();
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-canvas-account-api-'));
  changes = [];
  services = createServices({
    dataDir: join(dir, 'data'),
    host: 'electron',
    vault: new CredentialVault({ service }),
    onAccountChange: (change) => changes.push(change),
  });
});

afterEach(async () => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

const call = (input: unknown): Promise<ApiEnvelope> => dispatch(services.handlers, 'addAccount', input);
const accountName = () => `127.0.0.1-${canvas.port}-1`;

describe('addAccount for Canvas', () => {
  it('adds the account the token belongs to, keeps the token in the keychain and never answers it', async () => {
    const reply = await call({ provider: 'canvas', baseUrl: `${canvas.url}/api/v1/`, token: canvas.token });
    expect(reply).toEqual({
      ok: true,
      value: { id: accountName(), name: accountName(), provider: 'canvas', baseUrl: canvas.url, user: { id: '1', name: 'Mr. Strickland' } },
    });
    expect(JSON.stringify(reply)).not.toContain(canvas.token);
    expect(changes).toEqual([{ kind: 'added', accountId: accountName() }]);
    expect((await keytar.findCredentials(service)).map((entry) => entry.password).join('\n')).toContain(canvas.token);
  });

  it('says Canvas refused a wrong token and saves nothing', async () => {
    const reply = await call({ provider: 'canvas', baseUrl: canvas.url, token: 'not-the-token' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(await dispatch(services.handlers, 'listAccounts', undefined)).toEqual({ ok: true, value: [] });
    expect(await keytar.findCredentials(service)).toEqual([]);
  });

  it('names the Canvas address when it is not a web address', async () => {
    const reply = await call({ provider: 'canvas', baseUrl: 'school instructure', token: canvas.token });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/^Canvas address: /) } });
  });

  it('refuses a Canvas input that carries Schoology fields, or lacks its token', async () => {
    expect(await call({ provider: 'canvas', baseUrl: canvas.url, token: canvas.token, consumerKey: 'k' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call({ provider: 'canvas', baseUrl: canvas.url, token: '   ' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
