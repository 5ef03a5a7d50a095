import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCache, type Cache } from '../../../electron/db/cache';
import { realmIdOf } from '../../../electron/db/realms-repo';
import { LmsError } from '../../../electron/lms/lms-error';
import { SchoologyClient } from '../../../electron/lms/schoology/schoology-client';
import { SchoologyProvider } from '../../../electron/lms/schoology/schoology-provider';
import { Transport } from '../../../electron/lms/transport';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { pullAccount } from '../../../electron/sync/pull';

const ACCOUNT = 'school';
const P3 = 'sections/3719526';

let dir: string;
let cache: Cache;
let sandbox: Sandbox;
let client: SchoologyClient;
let provider: SchoologyProvider;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-pull-'));
  cache = openCache(join(dir, 'cache.sqlite'));
  sandbox = await startSandbox({ rateLimit: null });
  client = new SchoologyClient({
    baseUrl: sandbox.url,
    credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret },
    transport: new Transport({ baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 }),
  });
  provider = new SchoologyProvider(client);
  cache.accounts.save({ id: ACCOUNT, name: 'Sandbox', provider: 'schoology', baseUrl: sandbox.url });
});

afterEach(async () => {
  cache.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const rosterOf = (key: string) =>
  cache.enrollments.listByRealm(realmIdOf(ACCOUNT, key)).map((e) => `${e.enrollmentId}:${e.userId}:${e.role}:${e.status}`).sort();
const serverRosterOf = (key: string) =>
  sandbox.store
    .enrollmentsIn(key)
    .map((e) => `${e.id}:${e.uid}:${e.admin === 1 ? 'teacher' : 'student'}:${['', 'active', 'completed', 'invited', 'requested', 'inactive'][e.status]}`)
    .sort();

describe('pulling an account into the offline cache', () => {
  it('files every section and group the user can see, with titles and codes', async () => {
    await pullAccount(cache, ACCOUNT, provider);
    const realms = cache.realms.list(ACCOUNT);
    expect(realms.map((r) => r.key).sort()).toEqual(
      [...sandbox.store.listSections().map((s) => `sections/${s.id}`), ...sandbox.store.listGroups().map((g) => `groups/${g.id}`)].sort(),
    );
    expect(realms.find((r) => r.key === P3)).toMatchObject({ title: 'Algebra I · P3', courseCode: 'ALG1', sectionCode: 'P3' });
  });

  it('caches each roster exactly as the server holds it and reports the counts', async () => {
    const summary = await pullAccount(cache, ACCOUNT, provider);
    expect(summary.enrollments).toBe(sandbox.store.countEnrollments());
    expect(rosterOf(P3)).toEqual(serverRosterOf(P3));
    expect(cache.enrollments.get(realmIdOf(ACCOUNT, P3), '44783136')).toMatchObject({ userId: '48289', schoolUid: 's1', displayName: 'James Howlett' });
  });

  it('pulls only the realms asked for', async () => {
    const summary = await pullAccount(cache, ACCOUNT, provider, { realmKeys: [P3] });
    expect(summary.realms).toBe(1);
    expect(cache.realms.get(realmIdOf(ACCOUNT, 'groups/65371'))?.pulledAt).toBeNull();
    expect(cache.realms.get(realmIdOf(ACCOUNT, P3))?.pulledAt).not.toBeNull();
  });

  it('replaces a roster with the server state on the next pull (another admin removed someone)', async () => {
    await pullAccount(cache, ACCOUNT, provider, { realmKeys: [P3] });
    sandbox.store.removeEnrollment('44783136');
    await pullAccount(cache, ACCOUNT, provider, { realmKeys: [P3] });
    expect(cache.enrollments.get(realmIdOf(ACCOUNT, P3), '44783136')).toBeNull();
    expect(rosterOf(P3)).toEqual(serverRosterOf(P3));
  });

  it('leaves a realm exactly as it was when its pull is cut off mid-roster', async () => {
    const howlett = sandbox.store.getUser('48289')!;
    for (let i = 0; i < 450; i++) sandbox.store.addUser({ ...howlett, uid: String(900000 + i), school_uid: `x${i}`, name_last: `Student ${i}` });
    for (let i = 0; i < 450; i++) sandbox.store.addEnrollment(P3, { uid: String(900000 + i), admin: 0, status: 1 });
    await pullAccount(cache, ACCOUNT, provider, { realmKeys: ['groups/65371'] });
    const before = rosterOf(P3);
    // The first page arrives, then the network goes: the roster must not be half replaced.
    let pages = 0;
    class CutOffProvider extends SchoologyProvider {
      override async *pullRealm(key: string) {
        for await (const page of super.pullRealm(key)) {
          if (++pages === 2) sandbox.setFaults('drop=1');
          yield page;
        }
      }
    }
    const failing = new CutOffProvider(client);
    await expect(pullAccount(cache, ACCOUNT, failing, { realmKeys: [P3] })).rejects.toBeInstanceOf(LmsError);
    expect(pages).toBe(2);
    expect(rosterOf(P3)).toEqual(before);
  });

  it('refuses a realm the account cannot see, naming it', async () => {
    await expect(pullAccount(cache, ACCOUNT, provider, { realmKeys: ['sections/1'] })).rejects.toThrow('sections/1 is not a section or group this account can see');
  });
});
