/**
 * SchoologyProvider, the LmsProvider the sync engine uses, against the sandbox: identity, realms, paged pulls, and
 * every push batch kind as exactly one request whose results come back by opId in input order.
 */
import { describe, expect, it } from 'vitest';
import { SchoologyProvider } from '../../../electron/lms/schoology/schoology-provider';
import type { PushBatch } from '../../../electron/lms/provider';
import type { Sandbox } from '../../../electron/sandbox/sandbox-server';
import type { SchoologyFormat } from '../../../electron/lms/schoology/schoology-format';
import { clientFor, FORMATS, requestLines, sandboxFor, SEED, seedUids } from './schoology-kit';

const providerFor = (sandbox: Sandbox, format: SchoologyFormat) => new SchoologyProvider(clientFor(sandbox, format));

describe.each(FORMATS)('SchoologyProvider over %s', (format) => {
  it('declares batches of 50, upserts and multi-realm batches', async () => {
    const sandbox = await sandboxFor();
    const provider = providerFor(sandbox, format);
    expect(provider.provider).toBe('schoology');
    expect(provider.capabilities).toEqual({ maxBatch: 50, upsert: true, multiRealmBatches: true });
  });

  it('says who the credentials belong to', async () => {
    const sandbox = await sandboxFor();
    expect(await providerFor(sandbox, format).whoAmI()).toEqual({ userId: SEED.owner, name: 'Mr. Strickland', schoolUid: '' });
  });

  it("lists the user's sections with course and codes, then the groups", async () => {
    const sandbox = await sandboxFor();
    const realms = await providerFor(sandbox, format).listRealms();
    const sections = realms.filter((r) => r.kind === 'section');
    const groups = realms.filter((r) => r.kind === 'group');
    expect(realms).toHaveLength(sandbox.store.listSections().length + sandbox.store.listGroups().length);
    expect(realms.slice(0, sections.length)).toEqual(sections);
    expect(sections.find((r) => r.key === SEED.algebraP3)).toEqual({
      key: SEED.algebraP3,
      provider: 'schoology',
      kind: 'section',
      remoteId: '3719526',
      title: 'Algebra I · P3',
      courseTitle: 'Algebra I',
      courseCode: 'ALG1',
      courseSisId: '',
      sectionCode: 'P3',
      sectionSchoolCode: 'ALG1-P3',
      gradingPeriods: ['435', '13011'],
      accessCode: sandbox.store.getSection('3719526')!.access_code,
    });
    expect(groups.find((r) => r.key === SEED.robotics)).toEqual({
      key: SEED.robotics,
      provider: 'schoology',
      kind: 'group',
      remoteId: '65371',
      title: 'Robotics Club',
      courseTitle: '',
      courseCode: '',
      courseSisId: '',
      sectionCode: '',
      sectionSchoolCode: '',
      gradingPeriods: [],
      accessCode: sandbox.store.getGroup('65371')!.access_code,
    });
  });

  it('pulls a roster page by page as unified enrollments', async () => {
    const sandbox = await sandboxFor();
    const uids = seedUids(sandbox);
    for (let i = 0; i < 250; i++) sandbox.store.addEnrollment(SEED.algebraP3, { uid: uids[i % uids.length] as string, admin: 0, status: 2 });
    const pages: number[] = [];
    const enrollments = [];
    for await (const page of providerFor(sandbox, format).pullRealm(SEED.algebraP3)) {
      pages.push(page.length);
      enrollments.push(...page);
    }
    const stored = sandbox.store.enrollmentsIn(SEED.algebraP3);
    expect(pages).toEqual([200, stored.length - 200]);
    expect(enrollments.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    expect(enrollments.find((e) => e.id === SEED.howlettEnrollment)).toMatchObject({
      provider: 'schoology',
      realmKey: SEED.algebraP3,
      userId: SEED.howlett,
      schoolUid: 's1',
      role: 'student',
      status: 'active',
      name: { first: 'James', last: 'Howlett', display: 'James Howlett', sortable: 'Howlett, James' },
      source: { provider: 'schoology', record: expect.objectContaining({ id: SEED.howlettEnrollment, uid: SEED.howlett }) },
    });
    expect(enrollments.find((e) => e.id === SEED.stricklandEnrollment)).toMatchObject({ role: 'teacher', status: 'active' });
    expect(enrollments.at(-1)?.status).toBe('completed');
  });

  it('pushes an upsert batch across realms as one request, results by opId in input order', async () => {
    const sandbox = await sandboxFor();
    const batch: PushBatch = {
      kind: 'upsert',
      items: [
        { kind: 'upsert', opId: 'op-1', realmKey: SEED.algebraP3, userId: SEED.howlett, fields: { role: 'ta', status: 'inactive' } },
        { kind: 'upsert', opId: 'op-2', realmKey: SEED.robotics, userId: '87942', fields: { role: 'student', status: 'invited' } },
        { kind: 'upsert', opId: 'op-3', realmKey: 'groups/1', userId: '87942', fields: { role: 'student', status: 'active' } },
      ],
    };
    const results = await providerFor(sandbox, format).pushBatch(batch);
    expect(results).toEqual([
      { opId: 'op-1', outcome: 'applied', enrollmentId: SEED.howlettEnrollment, realmKey: SEED.algebraP3 },
      { opId: 'op-2', outcome: 'applied', enrollmentId: expect.any(String), realmKey: SEED.robotics },
      { opId: 'op-3', outcome: 'not-found', reason: 'Group 1 not found' },
    ]);
    expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)).toMatchObject({ admin: 1, status: 5 });
    expect(sandbox.store.findEnrollment(SEED.robotics, '87942')).toMatchObject({ admin: 0, status: 3 });
    expect(requestLines(sandbox)).toEqual(['POST enrollments']);
  });

  it('pushes an update batch as one bulk PUT in its realm, sending only the fields changed', async () => {
    const sandbox = await sandboxFor();
    const results = await providerFor(sandbox, format).pushBatch({
      kind: 'update',
      realmKey: SEED.algebraP3,
      items: [
        { kind: 'update', opId: 'a', realmKey: SEED.algebraP3, enrollmentId: SEED.howlettEnrollment, fields: { status: 'completed' } },
        { kind: 'update', opId: 'b', realmKey: SEED.algebraP3, enrollmentId: '99999999', fields: { role: 'teacher' } },
        { kind: 'update', opId: 'c', realmKey: SEED.algebraP3, enrollmentId: SEED.stricklandEnrollment, fields: { role: 'student', status: 'requested' } },
      ],
    });
    expect(results).toEqual([
      { opId: 'a', outcome: 'applied', enrollmentId: SEED.howlettEnrollment, realmKey: SEED.algebraP3 },
      { opId: 'b', outcome: 'not-found', reason: 'Enrollment 99999999 not found in section 3719526' },
      { opId: 'c', outcome: 'applied', enrollmentId: SEED.stricklandEnrollment, realmKey: SEED.algebraP3 },
    ]);
    expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)).toMatchObject({ admin: 0, status: 2 });
    expect(sandbox.store.getEnrollment(SEED.stricklandEnrollment)).toMatchObject({ admin: 0, status: 4 });
    expect(requestLines(sandbox)).toEqual([`PUT ${SEED.algebraP3}/enrollments`]);
  });

  it('pushes a remove batch as one bulk DELETE; an enrollment already gone is not-found', async () => {
    const sandbox = await sandboxFor();
    const inGroup = sandbox.store.enrollmentsIn(SEED.robotics)[0]?.id ?? '';
    const results = await providerFor(sandbox, format).pushBatch({
      kind: 'remove',
      items: [
        { kind: 'remove', opId: 'r1', realmKey: SEED.algebraP3, enrollmentId: SEED.howlettEnrollment },
        { kind: 'remove', opId: 'r2', realmKey: SEED.algebraP3, enrollmentId: '99999999' },
        { kind: 'remove', opId: 'r3', realmKey: SEED.robotics, enrollmentId: inGroup },
      ],
    });
    expect(results).toEqual([
      { opId: 'r1', outcome: 'applied', enrollmentId: SEED.howlettEnrollment },
      { opId: 'r2', outcome: 'not-found', reason: 'Enrollment 99999999 not found' },
      { opId: 'r3', outcome: 'applied', enrollmentId: inGroup },
    ]);
    expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)).toBeUndefined();
    expect(sandbox.store.getEnrollment(inGroup)).toBeUndefined();
    expect(requestLines(sandbox)).toEqual(['DELETE enrollments']);
  });

  it('pushes an access code as one join, applied with the new enrollment', async () => {
    const sandbox = await sandboxFor();
    const [result] = await providerFor(sandbox, format).pushBatch({
      kind: 'accesscode',
      items: [{ kind: 'accesscode', opId: 'j1', realmKind: 'section', accessCode: SEED.p3AccessCode }],
    });
    expect(result).toEqual({ opId: 'j1', outcome: 'applied', enrollmentId: expect.any(String) });
    const enrollmentId = result?.outcome === 'applied' ? result.enrollmentId : '';
    expect(sandbox.store.getEnrollment(enrollmentId ?? '')).toMatchObject({ realmKey: SEED.algebraP3, uid: SEED.owner });
  });

  it('reports a wrong access code as that op rejected with the server’s reason, not as a failed batch', async () => {
    const sandbox = await sandboxFor();
    const results = await providerFor(sandbox, format).pushBatch({
      kind: 'accesscode',
      items: [{ kind: 'accesscode', opId: 'j2', realmKind: 'group', accessCode: 'WRONG-CODE' }],
    });
    expect(results).toEqual([{ opId: 'j2', outcome: 'rejected', code: 400, reason: expect.stringContaining('Invalid access code "WRONG-CODE"') }]);
  });
});

describe('SchoologyProvider refuses batches it cannot send as one request', () => {
  it('throws for more than 50 items before sending anything', async () => {
    const sandbox = await sandboxFor();
    const items = Array.from({ length: 51 }, (_, i) => ({
      kind: 'remove' as const,
      opId: `op-${i}`,
      realmKey: SEED.algebraP3,
      enrollmentId: String(1000 + i),
    }));
    await expect(providerFor(sandbox, 'json').pushBatch({ kind: 'remove', items })).rejects.toThrow(/at most 50 items, got 51/);
    expect(sandbox.requests).toEqual([]);
  });

  it('throws for an update batch holding an op of another realm before sending anything', async () => {
    const sandbox = await sandboxFor();
    const batch: PushBatch = {
      kind: 'update',
      realmKey: SEED.algebraP3,
      items: [{ kind: 'update', opId: 'x', realmKey: SEED.robotics, enrollmentId: '1', fields: { status: 'active' } }],
    };
    await expect(providerFor(sandbox, 'json').pushBatch(batch)).rejects.toThrow(/holds op x for groups\/65371/);
    expect(sandbox.requests).toEqual([]);
  });

  it('sends exactly one request for a full batch of 50', async () => {
    const sandbox = await sandboxFor();
    const uids = seedUids(sandbox).slice(0, 50);
    const results = await providerFor(sandbox, 'json').pushBatch({
      kind: 'upsert',
      items: uids.map((uid, i) => ({ kind: 'upsert', opId: `u${i}`, realmKey: SEED.mathTeam, userId: uid, fields: { role: 'student', status: 'active' } })),
    });
    expect(results.map((r) => r.opId)).toEqual(uids.map((_, i) => `u${i}`));
    expect(results.every((r) => r.outcome === 'applied')).toBe(true);
    expect(sandbox.requests).toHaveLength(1);
  });
});

