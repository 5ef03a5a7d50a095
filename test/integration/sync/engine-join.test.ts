import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemoteRealm } from '../../../electron/lms/provider';
import { SchoologyProvider } from '../../../electron/lms/schoology/schoology-provider';
import { SyncEngine } from '../../../electron/sync/engine';
import { ACCOUNT, clientFor, OWNER_UID, startKit, type Kit } from './engine-kit';

/** Algebra I · P1 (access code Z4D8V-ZX78F); the key owner is taken out of it, so he can join it by its code. */
const JOINABLE = 'sections/3719531';
const CODE = 'Z4D8V-ZX78F';

let kit: Kit;

beforeEach(async () => {
  kit = await startKit();
  kit.sandbox.store.removeEnrollment(kit.sandbox.store.findEnrollment(JOINABLE, OWNER_UID)!.id);
});

afterEach(async () => {
  await kit.close();
});

/** The realm listing with each realm's access code, as the Schoology section and group records carry it. */
function providerTellingCodes(): SchoologyProvider {
  const client = clientFor(kit.sandbox);
  return new (class extends SchoologyProvider {
    override async listRealms(signal?: AbortSignal): Promise<RemoteRealm[]> {
      const realms = await super.listRealms(signal);
      const codes = new Map([
        ...kit.sandbox.store.listSections().map((s): [string, string] => [`sections/${s.id}`, s.access_code]),
        ...kit.sandbox.store.listGroups().map((g): [string, string] => [`groups/${g.id}`, g.access_code]),
      ]);
      return realms.map((realm) => ({ ...realm, accessCode: codes.get(realm.key) }));
    }
  })(client);
}

const ownerIn = (key: string) => kit.sandbox.store.enrollmentsIn(key).filter((e) => e.uid === OWNER_UID);

describe('joining with an access code', () => {
  it('joins once, then files the joined realm and its roster in the cache', async () => {
    kit.outbox.apply([{ kind: 'access_code', accountId: ACCOUNT, realmKind: 'section', accessCode: CODE }]);
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 1, requests: { writes: 1 } });
    expect(ownerIn(JOINABLE)).toHaveLength(1);
    const cached = kit.cache.enrollments.listByRealm(kit.realmId(JOINABLE));
    expect(cached.map((e) => e.userId)).toContain(OWNER_UID);
    expect(kit.cache.outbox.listByAccount(ACCOUNT)).toEqual([]);
  });

  it('rejects a code that opens nothing, with the reason', async () => {
    const [result] = kit.outbox.apply([{ kind: 'access_code', accountId: ACCOUNT, realmKind: 'section', accessCode: 'NOPE-0000' }]);
    const report = await kit.engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'partial', rejected: 1 });
    expect(kit.cache.outbox.get(result!.op!.id)?.error).toContain('Invalid access code');
  });

  it('does not join twice after a crash when the LMS says which realms hold the code', async () => {
    const [result] = kit.outbox.apply([{ kind: 'access_code', accountId: ACCOUNT, realmKind: 'section', accessCode: CODE }]);
    kit.outbox.markInFlight([result!.op!.id]);
    await kit.provider.pushBatch({ kind: 'accesscode', items: [{ kind: 'accesscode', opId: result!.op!.id, realmKind: 'section', accessCode: CODE }] });
    const provider = providerTellingCodes();
    const engine = new SyncEngine({ cache: kit.cache, outbox: kit.outbox, provider: async () => provider });
    const report = await engine.sync(ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', done: 1, applied: 0, requests: { writes: 0 } });
    expect(ownerIn(JOINABLE)).toHaveLength(1);
  });

  it('sends a recovered join again when it never reached the LMS', async () => {
    const [result] = kit.outbox.apply([{ kind: 'access_code', accountId: ACCOUNT, realmKind: 'section', accessCode: CODE }]);
    kit.outbox.markInFlight([result!.op!.id]);
    const provider = providerTellingCodes();
    const engine = new SyncEngine({ cache: kit.cache, outbox: kit.outbox, provider: async () => provider });
    expect(await engine.sync(ACCOUNT)).toMatchObject({ outcome: 'ok', applied: 1 });
    expect(ownerIn(JOINABLE)).toHaveLength(1);
  });
});
