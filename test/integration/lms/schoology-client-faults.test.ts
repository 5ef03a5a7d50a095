/**
 * The client under the sandbox's seeded faults: reads come back right through retries, idempotent writes are
 * retried without leaving duplicates, and a plain create is never sent twice. Every test checks that the fault
 * it is about really happened (sandbox.requests), so none can pass by luck of the roll.
 */
import { describe, expect, it } from 'vitest';
import { LmsError } from '../../../electron/lms/lms-error';
import type { Sandbox } from '../../../electron/sandbox/sandbox-server';
import type { SchoologyClient } from '../../../electron/lms/schoology/schoology-client';
import { clientFor, fastTransport, FORMATS, sandboxFor, SEED, seedUids } from './schoology-kit';

/** Patient enough that a 50 % fault share cannot plausibly exhaust the attempts of a seeded run. */
const patient = () => fastTransport({ maxAttempts: 12 });

async function rosterIds(client: SchoologyClient, realmKey: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of client.listEnrollments(realmKey)) ids.push(...page.enrollments.map((e) => e.id));
  return ids;
}

/** Several different reads, each compared with what the server holds. */
async function readEverything(sandbox: Sandbox, client: SchoologyClient): Promise<void> {
  expect((await client.me()).id).toBe(SEED.owner);
  expect(await rosterIds(client, SEED.algebraP3)).toEqual(sandbox.store.enrollmentsIn(SEED.algebraP3).map((e) => e.id));
  expect(await rosterIds(client, SEED.robotics)).toEqual(sandbox.store.enrollmentsIn(SEED.robotics).map((e) => e.id));
  expect((await client.listUserSections(SEED.owner)).map((s) => s.id).sort()).toEqual(sandbox.store.listSections().map((s) => s.id).sort());
  expect(await client.getEnrollment(SEED.algebraP3, SEED.howlettEnrollment)).toMatchObject({ uid: SEED.howlett, school_uid: 's1' });
  for (const uid of [SEED.howlett, SEED.owner]) {
    // One-item lists: what the unwrap fault sends as a bare object.
    const pages = [];
    for await (const page of client.listEnrollments(SEED.algebraP3, { uid: [uid] })) pages.push(page.enrollments.map((e) => e.uid));
    expect(pages).toEqual([[uid]]);
  }
  expect((await client.getSection('3719526')).section_school_code).toBe('ALG1-P3');
  expect((await client.getGroup('65371')).title).toBe('Robotics Club');
  expect(await rosterIds(client, SEED.algebraP3)).toEqual(sandbox.store.enrollmentsIn(SEED.algebraP3).map((e) => e.id));
}

const faultsSeen = (sandbox: Sandbox, fault: string) => sandbox.requests.filter((r) => r.fault === fault).length;

describe.each(FORMATS)('SchoologyClient under faults, %s', (format) => {
  const readFaults = ['error500', 'error503', 'drop', 'drop-after', 'truncate', 'html'];

  describe('reads return the right data', () => {
    it.each(readFaults)('under %s=0.5', async (fault) => {
      const sandbox = await sandboxFor({ faults: `${fault}=0.5,seed=11` });
      await readEverything(sandbox, clientFor(sandbox, format, { transport: patient() }));
      expect(faultsSeen(sandbox, fault)).toBeGreaterThan(0);
    });

    // XML has no unwrap fault: a one-item XML list always looks like a bare element, which every XML test reads.
    if (format === 'json') {
      it('under unwrap=1: every one-item list, one-row bulk result included, sent as a bare object', async () => {
        const sandbox = await sandboxFor({ faults: 'unwrap=1' });
        const client = clientFor(sandbox, format);
        await readEverything(sandbox, client);
        const results = await client.upsertEnrollments([{ realmKey: SEED.robotics, uid: SEED.howlett, admin: 0, status: 1 }]);
        expect(results).toEqual([{ outcome: 'applied', id: expect.any(String), realmKey: SEED.robotics }]);
        expect(sandbox.requests.at(-1)).toMatchObject({ path: 'enrollments', fault: 'unwrap' });
      });
    }

    it('under added latency of 5-30 ms on every request', async () => {
      const sandbox = await sandboxFor({ faults: 'latency=5-30,seed=4' });
      await readEverything(sandbox, clientFor(sandbox, format));
    });

    it('under every fault at once', async () => {
      const sandbox = await sandboxFor({ faults: 'error500=0.05,error503=0.05,drop=0.05,drop-after=0.05,truncate=0.05,html=0.05,unwrap=0.5,latency=0-5,seed=99' });
      await readEverything(sandbox, clientFor(sandbox, format, { transport: patient() }));
    });
  });

  describe('idempotent writes are retried and applied once', () => {
    it('upserts under drop-after leave exactly one enrollment per person and report every item applied', async () => {
      const sandbox = await sandboxFor({ faults: 'drop-after=0.5,seed=5' });
      const client = clientFor(sandbox, format, { transport: patient() });
      const uids = seedUids(sandbox).slice(0, 40);
      for (let start = 0; start < uids.length; start += 8) {
        const items = uids.slice(start, start + 8).map((uid) => ({ realmKey: SEED.mathTeam, uid, admin: 0 as const, status: 2 as const }));
        const results = await client.upsertEnrollments(items);
        expect(results.map((r) => r.outcome)).toEqual(items.map(() => 'applied'));
      }
      expect(faultsSeen(sandbox, 'drop-after')).toBeGreaterThan(0);
      const roster = sandbox.store.enrollmentsIn(SEED.mathTeam).filter((e) => uids.includes(e.uid));
      expect(roster.map((e) => e.uid).sort()).toEqual([...uids].sort());
      expect(roster.every((e) => e.status === 2)).toBe(true);
    });

    it('bulk updates under drop-after are applied', async () => {
      const sandbox = await sandboxFor({ faults: 'drop-after=0.5,seed=8' });
      const client = clientFor(sandbox, format, { transport: patient() });
      const ids = sandbox.store.enrollmentsIn(SEED.algebraP3).map((e) => e.id);
      for (const id of ids) {
        expect(await client.updateEnrollments(SEED.algebraP3, [{ id, status: 5 }])).toEqual([{ outcome: 'applied', id, realmKey: SEED.algebraP3 }]);
      }
      expect(faultsSeen(sandbox, 'drop-after')).toBeGreaterThan(0);
      expect(sandbox.store.enrollmentsIn(SEED.algebraP3).every((e) => e.status === 5)).toBe(true);
    });

    it('a single update under html error pages is applied once a real reply comes', async () => {
      const sandbox = await sandboxFor({ faults: 'html=0.5,seed=2' });
      const client = clientFor(sandbox, format, { transport: patient() });
      const ids = sandbox.store.enrollmentsIn(SEED.algebraP3).slice(0, 6).map((e) => e.id);
      for (const id of ids) await client.updateEnrollment(SEED.algebraP3, id, { status: 3 });
      expect(faultsSeen(sandbox, 'html')).toBeGreaterThan(0);
      expect(ids.map((id) => sandbox.store.getEnrollment(id)?.status)).toEqual(ids.map(() => 3));
    });

    it('a delete whose reply was lost reports not-found on the retry, and the enrollment is gone', async () => {
      const sandbox = await sandboxFor({ faults: 'drop-after=0.5,seed=3' });
      const client = clientFor(sandbox, format, { transport: patient() });
      const ids = sandbox.store.enrollmentsIn(SEED.algebraP5).map((e) => e.id);
      const outcomes: string[] = [];
      for (const id of ids) outcomes.push(await client.deleteEnrollment(SEED.algebraP5, id));
      // When the first attempt was processed and its reply lost, every retry finds nothing left to delete.
      const firstFault = new Map<string, string | undefined>();
      for (const r of sandbox.requests) if (!firstFault.has(r.path)) firstFault.set(r.path, r.fault);
      expect(outcomes).toEqual(ids.map((id) => (firstFault.get(`${SEED.algebraP5}/enrollments/${id}`) === 'drop-after' ? 'not-found' : 'deleted')));
      expect(outcomes).toContain('not-found');
      expect(sandbox.store.enrollmentsIn(SEED.algebraP5)).toEqual([]);
    });

    it('gives up with the last error after maxAttempts when every reply is an HTML page, and changes nothing', async () => {
      const sandbox = await sandboxFor({ faults: 'html=1' });
      const error = await clientFor(sandbox, format, { transport: fastTransport({ maxAttempts: 3 }) })
        .updateEnrollment(SEED.algebraP3, SEED.howlettEnrollment, { status: 5 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LmsError);
      expect(error).toMatchObject({ kind: 'malformed', endpoint: `PUT ${SEED.algebraP3}/enrollments/${SEED.howlettEnrollment}` });
      expect((error as Error).message).toContain(`the server sent an HTML page instead of ${format.toUpperCase()} ("Schoology - Temporarily Unavailable")`);
      expect(sandbox.requests).toHaveLength(3);
      expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)?.status).toBe(1);
    });
  });

  describe('a plain create is never sent twice', () => {
    const newcomer = { uid: '2461632', admin: 0 as const, status: 1 as const };

    it('under drop: fails as a network error after one request, and nothing was created', async () => {
      const sandbox = await sandboxFor({ faults: 'drop=1' });
      const before = sandbox.store.countEnrollments();
      const error = await clientFor(sandbox, format).createEnrollment(SEED.robotics, newcomer).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'network', endpoint: `POST ${SEED.robotics}/enrollments` });
      expect((error as Error).message).toContain('not retried');
      expect(sandbox.requests.map((r) => r.fault)).toEqual(['drop']);
      expect(sandbox.store.countEnrollments()).toBe(before);
    });

    it('under drop-after: fails after one request although the server created it — which is why it is not retried', async () => {
      const sandbox = await sandboxFor({ faults: 'drop-after=1' });
      const error = await clientFor(sandbox, format).createEnrollment(SEED.robotics, newcomer).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'network' });
      expect(sandbox.requests).toHaveLength(1);
      expect(sandbox.store.enrollmentsOf(newcomer.uid).filter((e) => e.realmKey === SEED.robotics)).toHaveLength(1);
    });

    it('under a 500: fails as a server error after one request', async () => {
      const sandbox = await sandboxFor({ faults: 'error500=1' });
      const error = await clientFor(sandbox, format).createEnrollment(SEED.robotics, newcomer).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'server', status: 500 });
      expect(sandbox.requests).toHaveLength(1);
    });

    it('under a truncated reply: fails as malformed after one request, and the one enrollment made stays one', async () => {
      const sandbox = await sandboxFor({ faults: 'truncate=1' });
      const error = await clientFor(sandbox, format).createEnrollment(SEED.robotics, newcomer).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'malformed', endpoint: `POST ${SEED.robotics}/enrollments` });
      expect((error as Error).message).toMatch(format === 'json' ? /the reply is not valid JSON/ : /the XML reply cannot be read/);
      expect(sandbox.requests).toHaveLength(1);
      expect(sandbox.store.enrollmentsOf(newcomer.uid).filter((e) => e.realmKey === SEED.robotics)).toHaveLength(1);
    });

    it('a bulk create under drop-after is not retried either', async () => {
      const sandbox = await sandboxFor({ faults: 'drop-after=1' });
      const error = await clientFor(sandbox, format).createEnrollments(SEED.robotics, [newcomer]).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'network' });
      expect(sandbox.requests).toHaveLength(1);
    });

    it('an access-code join under drop is not retried', async () => {
      const sandbox = await sandboxFor({ faults: 'drop=1' });
      const error = await clientFor(sandbox, format).joinWithAccessCode('section', SEED.p3AccessCode).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'network', endpoint: 'POST sections/accesscode' });
      expect(sandbox.requests).toHaveLength(1);
    });
  });

  describe('malformed replies', () => {
    it('names the endpoint, the field and the bad value when a roster record is wrong, after retrying', async () => {
      const sandbox = await sandboxFor();
      const howlett = sandbox.store.getUser(SEED.howlett);
      if (!howlett) throw new Error('seed lacks James Howlett');
      // A person whose uid is not an id: the kind of data a broken server or proxy would hand out.
      sandbox.store.addUser({ ...howlett, uid: 'x-48289', school_uid: 'x-s1' });
      sandbox.store.addEnrollment(SEED.mathTeam, { uid: 'x-48289', admin: 0, status: 1 });
      const index = sandbox.store.enrollmentsIn(SEED.mathTeam).length - 1;
      const error = await clientFor(sandbox, format, { transport: fastTransport({ maxAttempts: 2 }) })
        .listEnrollments(SEED.mathTeam)
        .next()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LmsError);
      expect(error).toMatchObject({ kind: 'malformed', endpoint: `GET ${SEED.mathTeam}/enrollments` });
      expect((error as Error).message).toMatch(
        new RegExp(`^GET groups/65402/enrollments: Schoology enrollment list: enrollment\\[${index}\\]\\.uid: expected an id \\(number or numeric string\\), got "x-48289"`),
      );
      expect(sandbox.requests).toHaveLength(2);
    });

    it('reports a read whose every reply is truncated as malformed after its attempts', async () => {
      const sandbox = await sandboxFor({ faults: 'truncate=1' });
      const error = await clientFor(sandbox, format, { transport: fastTransport({ maxAttempts: 3 }) }).getSection('3719526').catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'malformed', endpoint: 'GET sections/3719526' });
      expect((error as Error).message).toContain('gave up after 3 attempts');
      expect(sandbox.requests).toHaveLength(3);
    });
  });
});
