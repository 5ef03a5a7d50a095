import { describe, expect, it } from 'vitest';
import { type RosterApiTransport, ROSTER_API_METHODS, RosterApiError, apiOverTransport } from '../../../shared/api';

const transportAnswering = (reply: unknown): RosterApiTransport =>
  Object.fromEntries(ROSTER_API_METHODS.map((method) => [method, async () => reply])) as unknown as RosterApiTransport;

describe('RosterApi over a transport', () => {
  it('returns the value of a success envelope', async () => {
    const api = apiOverTransport(transportAnswering({ ok: true, value: [] }));
    await expect(api.listAccounts()).resolves.toEqual([]);
  });

  it('throws a RosterApiError carrying the code and message of an error envelope', async () => {
    const api = apiOverTransport(transportAnswering({ ok: false, error: { code: 'invalid_input', message: 'queryRoster: limit: too big' } }));
    const failure = await api.queryRoster({ realmIds: ['r'] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RosterApiError);
    expect(failure).toMatchObject({ code: 'invalid_input', message: 'queryRoster: limit: too big' });
  });

  it('turns a reply that is not an envelope into bad_reply naming the method', async () => {
    const api = apiOverTransport(transportAnswering('garbage'));
    await expect(api.listAccounts()).rejects.toMatchObject({ code: 'bad_reply', message: expect.stringContaining('listAccounts') });
  });

  it('passes the input through to the transport unchanged', async () => {
    let seen: unknown;
    const transport = Object.fromEntries(
      ROSTER_API_METHODS.map((method) => [method, async (input: unknown) => ((seen = input), { ok: true, value: null })]),
    ) as unknown as RosterApiTransport;
    await apiOverTransport(transport).listRealms({ accountId: 'a1' });
    expect(seen).toEqual({ accountId: 'a1' });
  });
});
