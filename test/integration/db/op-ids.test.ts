import { describe, expect, it } from 'vitest';
import { newOpId } from '../../../electron/db/op-id';
import { openCache } from '../../../electron/db/cache';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('outbox op ids', () => {
  it('are UUIDs version 7 that sort in the order the ops were made, even within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => newOpId(1_800_000_000_000));
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keep their order when the clock goes back', () => {
    const before = newOpId(1_900_000_000_000);
    const after = newOpId(1_800_000_000_000);
    expect(after > before).toBe(true);
  });

  it('are what an op queued without an id gets', () => {
    const cache = openCache(':memory:');
    cache.accounts.save({ id: 'acme', name: 'Acme', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' });
    const first = cache.outbox.enqueue({ accountId: 'acme', realmId: null, kind: 'access_code', fields: { accessCode: 'A1', realmKind: 'section' } });
    const second = cache.outbox.enqueue({ accountId: 'acme', realmId: null, kind: 'access_code', fields: { accessCode: 'B2', realmKind: 'section' } });
    expect(first.id).toMatch(UUID_V7);
    expect(second.id > first.id).toBe(true);
    cache.close();
  });
});
