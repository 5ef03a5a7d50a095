/**
 * Every endpoint of the Schoology client against the sandbox LMS on 127.0.0.1, in JSON and in XML: what the client
 * sends, what it returns, and what the server holds afterwards.
 */
import { describe, expect, it } from 'vitest';
import { LmsError } from '../../../electron/lms/lms-error';
import type { SchoologyStatus } from '../../../shared/domain';
import { clientFor, fastTransport, FORMATS, notingFetch, requestLines, sandboxFor, SEED, seedUids, type WireNote } from './schoology-kit';

async function pagesOf<T>(pages: AsyncIterable<{ enrollments: T[] }>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page.enrollments);
  return out;
}

describe.each(FORMATS)('SchoologyClient over %s', (format) => {
  describe('wire format', () => {
    it(`asks for ${format}, sends ${format} bodies and gets ${format} back`, async () => {
      const sandbox = await sandboxFor();
      const notes: WireNote[] = [];
      const client = clientFor(sandbox, format, { transport: fastTransport({ fetch: notingFetch(notes) }) });
      await client.getSection('3719526');
      await client.updateEnrollment(SEED.algebraP3, SEED.howlettEnrollment, { status: 2 });
      const mime = format === 'json' ? 'application/json' : 'text/xml';
      expect(notes.map((n) => n.accept)).toEqual([mime, mime]);
      expect(notes[0]?.replyType).toContain(mime);
      expect(notes[1]?.contentType).toContain(mime);
      expect(notes[1]?.body).toEqual(format === 'json' ? '{"status":2}' : expect.stringContaining('<body>\n  <status>2</status>\n</body>'));
    });

    it('signs every request with a fresh nonce in an OAuth header naming the Schoology API realm', async () => {
      const sandbox = await sandboxFor();
      const notes: WireNote[] = [];
      const client = clientFor(sandbox, format, { transport: fastTransport({ fetch: notingFetch(notes) }) });
      await client.getUser(SEED.howlett);
      await client.getUser(SEED.howlett);
      const nonces = notes.map((n) => /oauth_nonce="([^"]+)"/.exec(n.authorization)?.[1]);
      expect(notes.every((n) => n.authorization.startsWith('OAuth realm="Schoology%20API", oauth_consumer_key='))).toBe(true);
      expect(new Set(nonces).size).toBe(2);
    });
  });

  describe('realm discovery', () => {
    it('finds the key owner through users/me, re-signing the 303 to users/{uid}', async () => {
      const sandbox = await sandboxFor();
      const notes: WireNote[] = [];
      const me = await clientFor(sandbox, format, { transport: fastTransport({ fetch: notingFetch(notes) }) }).me();
      expect(me).toMatchObject({ id: SEED.owner, name_display: 'Mr. Strickland' });
      expect(sandbox.requests.map((r) => [r.method, r.path, r.status])).toEqual([
        ['GET', 'users/me', 303],
        ['GET', `users/${SEED.owner}`, 200],
      ]);
      const [first, second] = notes.map((n) => /oauth_nonce="([^"]+)"/.exec(n.authorization)?.[1]);
      expect(first).not.toBe(second);
      expect(notes[1]?.url.pathname).toBe(`/v1/users/${SEED.owner}`);
    });

    it('reads a user', async () => {
      const sandbox = await sandboxFor();
      const user = await clientFor(sandbox, format).getUser(SEED.howlett);
      expect(user).toMatchObject({ id: SEED.howlett, school_uid: 's1', name_first: 'James', name_last: 'Howlett', name_display: 'James Howlett' });
    });

    it("lists every section the user is enrolled in, with codes and grading periods", async () => {
      const sandbox = await sandboxFor();
      const sections = await clientFor(sandbox, format).listUserSections(SEED.owner);
      expect(sections.map((s) => s.id).sort()).toEqual(sandbox.store.listSections().map((s) => s.id).sort());
      expect(sections.find((s) => s.id === '3719526')).toMatchObject({
        course_title: 'Algebra I',
        course_code: 'ALG1',
        section_title: 'P3',
        section_code: 'P3',
        section_school_code: 'ALG1-P3',
        grading_periods: ['435', '13011'],
      });
      expect(requestLines(sandbox)).toEqual([`GET users/${SEED.owner}/sections`]);
      expect(sandbox.requests[0]?.query).toEqual({ limit: '200' });
    });

    it('lists every group the user belongs to', async () => {
      const sandbox = await sandboxFor();
      const groups = await clientFor(sandbox, format).listUserGroups(SEED.owner);
      expect(groups.map((g) => g.id).sort()).toEqual(sandbox.store.listGroups().map((g) => g.id).sort());
      expect(groups.find((g) => g.id === '65371')?.title).toBe('Robotics Club');
    });

    it('reads one section, a section with one grading period as a one-item list', async () => {
      const sandbox = await sandboxFor();
      const client = clientFor(sandbox, format);
      expect(await client.getSection('3719526')).toMatchObject({ id: '3719526', course_code: 'ALG1', access_code: SEED.p3AccessCode });
      const english = sandbox.store.listSections().find((s) => s.grading_periods.length === 1);
      expect((await client.getSection(english?.id ?? '')).grading_periods).toEqual(english?.grading_periods.map(String));
    });

    it('reads one group', async () => {
      const sandbox = await sandboxFor();
      expect(await clientFor(sandbox, format).getGroup('65371')).toMatchObject({ id: '65371', title: 'Robotics Club' });
    });

    it('says which object was missing when a read gets a 404', async () => {
      const sandbox = await sandboxFor();
      const error = await clientFor(sandbox, format).getSection('1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LmsError);
      expect(error).toMatchObject({ kind: 'not-found', endpoint: 'GET sections/1', status: 404 });
      expect((error as Error).message).toContain('Section 1 not found');
    });
  });

  describe('enrollment reads', () => {
    it("reads a realm's roster with the documented examples' exact fields", async () => {
      const sandbox = await sandboxFor();
      const pages = await pagesOf(clientFor(sandbox, format).listEnrollments(SEED.algebraP3));
      const roster = pages.flat();
      expect(roster.map((e) => e.id)).toEqual(sandbox.store.enrollmentsIn(SEED.algebraP3).map((e) => e.id));
      expect(roster.find((e) => e.id === SEED.stricklandEnrollment)).toMatchObject({
        uid: SEED.owner,
        school_uid: '',
        name_first: 'Mr.',
        name_last: 'Strickland',
        name_display: 'Mr. Strickland',
        admin: 1,
        status: 1,
      });
      expect(roster.find((e) => e.id === SEED.howlettEnrollment)).toMatchObject({
        uid: SEED.howlett,
        school_uid: 's1',
        name_display: 'James Howlett',
        admin: 0,
        status: 1,
        picture_url: 'http://.../default_user.gif',
      });
    });

    it('pages 200 at a time by following links.next to the last page', async () => {
      const sandbox = await sandboxFor();
      const uids = seedUids(sandbox);
      const existing = sandbox.store.enrollmentsIn(SEED.mathTeam).length;
      for (let i = existing; i < 523; i++) {
        sandbox.store.addEnrollment(SEED.mathTeam, { uid: uids[i % uids.length] as string, admin: 0, status: ((i % 5) + 1) as SchoologyStatus });
      }
      const client = clientFor(sandbox, format);
      const totals: number[] = [];
      const sizes: number[] = [];
      for await (const page of client.listEnrollments(SEED.mathTeam)) {
        sizes.push(page.enrollments.length);
        totals.push(page.total);
      }
      expect(sizes).toEqual([200, 200, 123]);
      expect(totals).toEqual([523, 523, 523]);
      expect(sandbox.requests.map((r) => r.query)).toEqual([{ limit: '200' }, { start: '200', limit: '200' }, { start: '400', limit: '200' }]);
      const all = (await pagesOf(client.listEnrollments(SEED.mathTeam))).flat();
      expect(all.map((e) => e.id)).toEqual(sandbox.store.enrollmentsIn(SEED.mathTeam).map((e) => e.id));
    });

    it('filters by uid, status and type with comma-delimited lists', async () => {
      const sandbox = await sandboxFor();
      const client = clientFor(sandbox, format);
      const stored = sandbox.store.enrollmentsIn(SEED.algebraP3);
      const byUid = (await pagesOf(client.listEnrollments(SEED.algebraP3, { uid: [SEED.howlett, SEED.owner] }))).flat();
      expect(byUid.map((e) => e.id).sort()).toEqual([SEED.stricklandEnrollment, SEED.howlettEnrollment].sort());
      expect(sandbox.requests.at(-1)?.query).toEqual({ uid: `${SEED.howlett},${SEED.owner}`, limit: '200' });

      const admins = (await pagesOf(client.listEnrollments(SEED.algebraP3, { type: ['admin'] }))).flat();
      expect(admins.map((e) => e.id)).toEqual(stored.filter((e) => e.admin === 1).map((e) => e.id));

      sandbox.store.updateEnrollment(SEED.howlettEnrollment, { status: 5 });
      const archived = (await pagesOf(client.listEnrollments(SEED.algebraP3, { status: [5, 4] }))).flat();
      expect(archived.map((e) => e.id)).toEqual(
        sandbox.store.enrollmentsIn(SEED.algebraP3).filter((e) => e.status === 5 || e.status === 4).map((e) => e.id),
      );
      expect(archived.map((e) => e.id)).toContain(SEED.howlettEnrollment);
    });

    it('reads a one-item filtered list as a one-item page', async () => {
      const sandbox = await sandboxFor();
      const pages = await pagesOf(clientFor(sandbox, format).listEnrollments(SEED.algebraP3, { uid: [SEED.howlett] }));
      expect(pages).toHaveLength(1);
      expect(pages[0]?.map((e) => e.id)).toEqual([SEED.howlettEnrollment]);
    });

    it('reads an empty roster as one empty page', async () => {
      const sandbox = await sandboxFor();
      for (const e of sandbox.store.enrollmentsIn(SEED.mathTeam)) sandbox.store.removeEnrollment(e.id);
      expect(await pagesOf(clientFor(sandbox, format).listEnrollments(SEED.mathTeam))).toEqual([[]]);
    });

    it('reads one enrollment', async () => {
      const sandbox = await sandboxFor();
      const enrollment = await clientFor(sandbox, format).getEnrollment(SEED.algebraP3, SEED.howlettEnrollment);
      expect(enrollment).toMatchObject({ id: SEED.howlettEnrollment, uid: SEED.howlett, admin: 0, status: 1, school_uid: 's1' });
      expect(requestLines(sandbox)).toEqual([`GET ${SEED.algebraP3}/enrollments/${SEED.howlettEnrollment}`]);
    });
  });

  describe('single writes', () => {
    it('creates one enrollment and returns the created record', async () => {
      const sandbox = await sandboxFor();
      const created = await clientFor(sandbox, format).createEnrollment(SEED.robotics, { uid: '2461632', admin: 0, status: 3 });
      expect(created).toMatchObject({ uid: '2461632', admin: 0, status: 3, name_display: 'Marisol Ortega' });
      expect(sandbox.store.getEnrollment(created.id)).toEqual({ id: created.id, realmKey: SEED.robotics, uid: '2461632', admin: 0, status: 3 });
    });

    it('updates only the fields given, answered by 204', async () => {
      const sandbox = await sandboxFor();
      await expect(clientFor(sandbox, format).updateEnrollment(SEED.algebraP3, SEED.howlettEnrollment, { status: 5 })).resolves.toBeUndefined();
      expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)).toMatchObject({ admin: 0, status: 5 });
      expect(sandbox.requests.map((r) => [r.method, r.path, r.status])).toEqual([
        ['PUT', `${SEED.algebraP3}/enrollments/${SEED.howlettEnrollment}`, 204],
      ]);
    });

    it('deletes one enrollment, and a second delete reports not-found instead of failing', async () => {
      const sandbox = await sandboxFor();
      const client = clientFor(sandbox, format);
      expect(await client.deleteEnrollment(SEED.algebraP3, SEED.howlettEnrollment)).toBe('deleted');
      expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)).toBeUndefined();
      expect(await client.deleteEnrollment(SEED.algebraP3, SEED.howlettEnrollment)).toBe('not-found');
    });

    it('joins a section with its access code as the signed-in user', async () => {
      const sandbox = await sandboxFor();
      const joined = await clientFor(sandbox, format).joinWithAccessCode('section', SEED.p3AccessCode);
      expect(joined).toMatchObject({ uid: SEED.owner, admin: 0, status: 1 });
      expect(sandbox.store.getEnrollment(joined.id)?.realmKey).toBe(SEED.algebraP3);
      expect(requestLines(sandbox)).toEqual(['POST sections/accesscode']);
    });

    it('joins a group with its access code', async () => {
      const sandbox = await sandboxFor();
      const code = sandbox.store.getGroup('65371')?.access_code ?? '';
      const joined = await clientFor(sandbox, format).joinWithAccessCode('group', code);
      expect(sandbox.store.getEnrollment(joined.id)?.realmKey).toBe(SEED.robotics);
    });

    it("reports a wrong access code as rejected with the server's reason, without retrying", async () => {
      const sandbox = await sandboxFor();
      const error = await clientFor(sandbox, format).joinWithAccessCode('section', 'NOPE-NOPE').catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'rejected', status: 400, endpoint: 'POST sections/accesscode' });
      expect((error as Error).message).toContain('Invalid access code "NOPE-NOPE"');
      expect(sandbox.requests).toHaveLength(1);
    });
  });

  describe('bulk writes', () => {
    it('creates several enrollments in one realm and returns an applied result with the id of each', async () => {
      const sandbox = await sandboxFor();
      const results = await clientFor(sandbox, format).createEnrollments(SEED.algebraP5, [
        { uid: '2461632', admin: 0, status: 1 },
        { uid: '23453322', admin: 1, status: 1 },
      ]);
      expect(results).toEqual([
        { outcome: 'applied', id: expect.any(String), realmKey: SEED.algebraP5 },
        { outcome: 'applied', id: expect.any(String), realmKey: SEED.algebraP5 },
      ]);
      const ids = results.map((r) => (r.outcome === 'applied' ? r.id : ''));
      expect(ids.map((id) => sandbox.store.getEnrollment(id ?? ''))).toEqual([
        { id: ids[0], realmKey: SEED.algebraP5, uid: '2461632', admin: 0, status: 1 },
        { id: ids[1], realmKey: SEED.algebraP5, uid: '23453322', admin: 1, status: 1 },
      ]);
      expect(requestLines(sandbox)).toEqual([`POST ${SEED.algebraP5}/enrollments`]);
    });

    it('applies the rest of a bulk when one item is bad, and says why that one failed', async () => {
      const sandbox = await sandboxFor();
      const before = sandbox.store.enrollmentsIn(SEED.robotics).length;
      const results = await clientFor(sandbox, format).createEnrollments(SEED.robotics, [
        { uid: '2461632', admin: 0, status: 1 },
        { uid: '87942', admin: 0, status: 9 as SchoologyStatus },
        { uid: '999999999', admin: 0, status: 1 },
        { uid: '23453322', admin: 0, status: 1 },
      ]);
      expect(results).toEqual([
        { outcome: 'applied', id: expect.any(String), realmKey: SEED.robotics },
        { outcome: 'rejected', code: 400, reason: 'status must be 1 to 5, got "9"' },
        { outcome: 'not-found', reason: 'User 999999999 not found' },
        { outcome: 'applied', id: expect.any(String), realmKey: SEED.robotics },
      ]);
      const after = sandbox.store.enrollmentsIn(SEED.robotics);
      expect(after).toHaveLength(before + 2);
      expect(after.slice(-2).map((e) => e.uid)).toEqual(['2461632', '23453322']);
    });

    it('upserts across realms: updates the existing enrollment, creates the missing one, never duplicates', async () => {
      const sandbox = await sandboxFor();
      const client = clientFor(sandbox, format);
      const items = [
        { realmKey: SEED.algebraP3, uid: SEED.howlett, admin: 1 as const, status: 2 as const },
        { realmKey: SEED.robotics, uid: '87942', admin: 0 as const, status: 1 as const },
      ];
      const results = await client.upsertEnrollments(items);
      expect(results).toEqual([
        { outcome: 'applied', id: SEED.howlettEnrollment, realmKey: SEED.algebraP3 },
        { outcome: 'applied', id: expect.any(String), realmKey: SEED.robotics },
      ]);
      expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)).toMatchObject({ admin: 1, status: 2 });
      await client.upsertEnrollments(items);
      expect(sandbox.store.enrollmentsOf(SEED.howlett).filter((e) => e.realmKey === SEED.algebraP3)).toHaveLength(1);
      expect(sandbox.store.enrollmentsOf('87942').filter((e) => e.realmKey === SEED.robotics)).toHaveLength(1);
      expect(sandbox.requests.map((r) => [r.method, r.path, r.query])).toEqual([
        ['POST', 'enrollments', { update_existing: '1' }],
        ['POST', 'enrollments', { update_existing: '1' }],
      ]);
    });

    it('reports an upsert into a realm that does not exist as not-found for that item only', async () => {
      const sandbox = await sandboxFor();
      const results = await clientFor(sandbox, format).upsertEnrollments([
        { realmKey: 'groups/1', uid: SEED.howlett, admin: 0, status: 1 },
        { realmKey: SEED.robotics, uid: SEED.howlett, admin: 0, status: 1 },
      ]);
      expect(results[0]).toEqual({ outcome: 'not-found', reason: 'Group 1 not found' });
      expect(results[1]).toMatchObject({ outcome: 'applied', realmKey: SEED.robotics });
    });

    it('sends more than 50 items as ceil(n/50) requests, one after another, with one result per item in order', async () => {
      const sandbox = await sandboxFor();
      const uids = seedUids(sandbox).slice(0, 60);
      const items = [SEED.robotics, SEED.mathTeam].flatMap((realmKey) => uids.map((uid) => ({ realmKey, uid, admin: 0 as const, status: 4 as const })));
      expect(items).toHaveLength(120);
      const results = await clientFor(sandbox, format).upsertEnrollments(items);
      expect(requestLines(sandbox)).toEqual(['POST enrollments', 'POST enrollments', 'POST enrollments']);
      expect(results).toHaveLength(120);
      expect(results.every((r) => r.outcome === 'applied')).toBe(true);
      expect(results.map((r) => (r.outcome === 'applied' ? r.realmKey : ''))).toEqual(items.map((i) => i.realmKey));
      for (const realmKey of [SEED.robotics, SEED.mathTeam]) {
        const stored = sandbox.store.enrollmentsIn(realmKey).filter((e) => uids.includes(e.uid));
        expect(stored.map((e) => e.uid).sort()).toEqual([...uids].sort());
        expect(stored.every((e) => e.status === 4)).toBe(true);
      }
    });

    it('sends nothing for an empty bulk', async () => {
      const sandbox = await sandboxFor();
      expect(await clientFor(sandbox, format).upsertEnrollments([])).toEqual([]);
      expect(sandbox.requests).toEqual([]);
    });

    it('updates several enrollments of a realm, reporting an unknown id as not-found', async () => {
      const sandbox = await sandboxFor();
      const results = await clientFor(sandbox, format).updateEnrollments(SEED.algebraP3, [
        { id: SEED.howlettEnrollment, status: 2 },
        { id: '99999999', status: 2 },
        { id: SEED.stricklandEnrollment, admin: 1, status: 5 },
      ]);
      expect(results).toEqual([
        { outcome: 'applied', id: SEED.howlettEnrollment, realmKey: SEED.algebraP3 },
        { outcome: 'not-found', reason: 'Enrollment 99999999 not found in section 3719526' },
        { outcome: 'applied', id: SEED.stricklandEnrollment, realmKey: SEED.algebraP3 },
      ]);
      expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)).toMatchObject({ admin: 0, status: 2 });
      expect(sandbox.store.getEnrollment(SEED.stricklandEnrollment)).toMatchObject({ admin: 1, status: 5 });
      expect(requestLines(sandbox)).toEqual([`PUT ${SEED.algebraP3}/enrollments`]);
    });

    it('deletes enrollments in any realms by id, reporting an unknown id as not-found', async () => {
      const sandbox = await sandboxFor();
      const inGroup = sandbox.store.enrollmentsIn(SEED.robotics)[0]?.id ?? '';
      const results = await clientFor(sandbox, format).deleteEnrollments([SEED.howlettEnrollment, '99999999', inGroup]);
      expect(results).toEqual([
        { outcome: 'applied', id: SEED.howlettEnrollment },
        { outcome: 'not-found', reason: 'Enrollment 99999999 not found' },
        { outcome: 'applied', id: inGroup },
      ]);
      expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)).toBeUndefined();
      expect(sandbox.store.getEnrollment(inGroup)).toBeUndefined();
      expect(sandbox.requests.map((r) => [r.method, r.path, r.query])).toEqual([
        ['DELETE', 'enrollments', { enrollment_ids: `${SEED.howlettEnrollment},99999999,${inGroup}` }],
      ]);
    });

    it('imports by course and section code within grading periods: updates the existing enrollment, adds the new one', async () => {
      const sandbox = await sandboxFor();
      const results = await clientFor(sandbox, format).importCourseEnrollments([SEED.fall], [
        { courseCode: 'ALG1', sectionCode: 'P3', schoolUid: 's1', admin: 1 },
        { courseCode: 'ALG1', sectionCode: 'P5', schoolUid: 'test1234' },
        { courseCode: 'ALG1', sectionCode: 'P9', schoolUid: 's1' },
      ]);
      expect(results[0]).toEqual({ outcome: 'applied', id: SEED.howlettEnrollment, realmKey: SEED.algebraP3 });
      expect(results[1]).toMatchObject({ outcome: 'applied', realmKey: SEED.algebraP5 });
      expect(results[2]).toMatchObject({ outcome: 'not-found' });
      expect(sandbox.store.getEnrollment(SEED.howlettEnrollment)).toMatchObject({ admin: 1 });
      expect(sandbox.store.findEnrollment(SEED.algebraP5, '2461632')).toMatchObject({ admin: 0, status: 1 });
      expect(requestLines(sandbox)).toEqual([`POST enrollments/import/course/${SEED.fall}`]);
    });

    it('imports with several grading period ids in the path', async () => {
      const sandbox = await sandboxFor();
      const results = await clientFor(sandbox, format).importCourseEnrollments([SEED.fall, '13011'], [
        { courseCode: 'ALG1', sectionCode: 'P5', schoolUid: 'test456', admin: 1 },
      ]);
      expect(results).toEqual([{ outcome: 'applied', id: expect.any(String), realmKey: SEED.algebraP5 }]);
      expect(requestLines(sandbox)).toEqual([`POST enrollments/import/course/${SEED.fall},13011`]);
    });

    it('imports by section school code, including a delete', async () => {
      const sandbox = await sandboxFor();
      const results = await clientFor(sandbox, format).importCourseEnrollmentsBySectionSchoolCode([
        { sectionSchoolCode: 'ALG1-P3', schoolUid: 's1', delete: true },
        { sectionSchoolCode: 'ALG1-P5', schoolUid: 'test456', admin: 1 },
        { sectionSchoolCode: 'NO-SUCH', schoolUid: 's1' },
      ]);
      expect(results[0]).toEqual({ outcome: 'applied', id: SEED.howlettEnrollment, realmKey: SEED.algebraP3 });
      expect(results[1]).toMatchObject({ outcome: 'applied', realmKey: SEED.algebraP5 });
      expect(results[2]).toEqual({ outcome: 'not-found', reason: 'No section with section_school_code "NO-SUCH"' });
      expect(sandbox.store.findEnrollment(SEED.algebraP3, SEED.howlett)).toBeUndefined();
      expect(sandbox.store.findEnrollment(SEED.algebraP5, '23453322')).toMatchObject({ admin: 1 });
    });
  });

  describe('refusing what cannot be sent', () => {
    it('refuses a realm key that is not sections/{id} or groups/{id} before sending anything', async () => {
      const sandbox = await sandboxFor();
      const client = clientFor(sandbox, format);
      await expect(client.upsertEnrollments([{ realmKey: 'courses/12', uid: '1', admin: 0, status: 1 }])).rejects.toThrow(/not a Schoology realm key/);
      await expect(client.listEnrollments('sections/abc').next()).rejects.toThrow(/not a Schoology realm key/);
      expect(sandbox.requests).toEqual([]);
    });
  });
});

describe('SchoologyClient paths', () => {
  it('keeps the base URL path (/v1) whether or not it ends with a slash', async () => {
    const sandbox = await sandboxFor();
    const client = clientFor(sandbox, 'json', { baseUrl: `${sandbox.url}/` });
    expect((await client.getGroup('65371')).id).toBe('65371');
    expect(requestLines(sandbox)).toEqual(['GET groups/65371']);
  });
});
