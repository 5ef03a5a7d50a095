import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCache, type Cache } from '../../../electron/db/cache';
import { realmIdOf } from '../../../electron/db/realms-repo';
import { openSandboxDistrict, SANDBOX_ACCOUNT_ID, wantsSandboxDistrict, type SandboxDistrict } from '../../../electron/sandbox-district';

let dir: string;
let cache: Cache;
const districts: SandboxDistrict[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-district-'));
  cache = openCache(join(dir, 'cache.sqlite'));
});

afterEach(async () => {
  for (const district of districts.splice(0)) await district.close();
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<SandboxDistrict> {
  const district = await openSandboxDistrict(cache);
  districts.push(district);
  return district;
}

describe('the built-in Sandbox district', () => {
  it('is what an empty cache opens on', () => {
    expect(wantsSandboxDistrict(cache)).toBe(true);
  });

  it('is not started once the user has an LMS account of their own', () => {
    cache.accounts.save({ id: 'school', name: 'Schoology · school', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' });
    expect(wantsSandboxDistrict(cache)).toBe(false);
  });

  it('files the sandbox as an account signed in as its key owner, without any credential in the cache', async () => {
    const district = await open();
    expect(cache.accounts.get(SANDBOX_ACCOUNT_ID)).toMatchObject({
      name: 'Sandbox district',
      provider: 'schoology',
      baseUrl: district.sandbox.url,
      user: { id: '45552', name: 'Mr. Strickland' },
    });
    const file = JSON.stringify(cache.accounts.list());
    expect(file).not.toContain(district.sandbox.consumerSecret);
    expect(file).not.toContain(district.sandbox.consumerKey);
  });

  it('pulls every roster, so the seed example people are there offline', async () => {
    const district = await open();
    expect(district.pulled.realms).toBe(district.sandbox.store.listSections().length + district.sandbox.store.listGroups().length);
    expect(district.pulled.enrollments).toBe(district.sandbox.store.countEnrollments());
    expect(cache.enrollments.get(realmIdOf(SANDBOX_ACCOUNT_ID, 'sections/3719526'), '44783136')).toMatchObject({ displayName: 'James Howlett', schoolUid: 's1' });
  });

  it('moves the sandbox account to the new address on the next start, keeping one account', async () => {
    const first = await open();
    await first.close();
    const second = await open();
    expect(cache.accounts.list().map((a) => [a.id, a.baseUrl])).toEqual([[SANDBOX_ACCOUNT_ID, second.sandbox.url]]);
    expect(wantsSandboxDistrict(cache)).toBe(true);
  });
});
