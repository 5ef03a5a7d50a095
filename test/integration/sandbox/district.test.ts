import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { SchoologyEnrollmentListSchema, SchoologySectionListSchema } from '../../../shared/domain/schoology-wire';
import { parseWire } from '../../../shared/domain/tolerant';
import { call } from './sandbox-http';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'district', rateLimit: null });
});
afterAll(() => sandbox.close());

const sectionPage = async (path: string) => parseWire(SchoologySectionListSchema, (await call(sandbox, 'GET', path)).data, 'sections');
const enrollmentPage = async (path: string) => parseWire(SchoologyEnrollmentListSchema, (await call(sandbox, 'GET', path)).data, 'enrollments');

describe("the 'district' seed over HTTP", () => {
  it('holds exactly 100,000 enrollments', () => {
    expect(sandbox.store.countEnrollments()).toBe(100_000);
  });

  it('holds the seed example people in sections/3719526', async () => {
    const list = await enrollmentPage('sections/3719526/enrollments?limit=2');
    expect(list.enrollment.map((e) => [e.id, e.uid, e.name_display])).toEqual([
      ['43807916', '45552', 'Mr. Strickland'],
      ['44783136', '48289', 'James Howlett'],
    ]);
  });

  it('lists every section of the key owner over pages of 200 following links.next', async () => {
    const ids: string[] = [];
    let next: string | undefined = 'users/45552/sections?limit=200';
    let total = 0;
    while (next) {
      const list = await sectionPage(next);
      ids.push(...list.section.map((s) => s.id));
      total = list.total;
      next = list.links.next;
    }
    expect(total).toBe(sandbox.store.listSections().length);
    expect(ids).toEqual(sandbox.store.listSections().map((s) => s.id));
  });

  it('serves the 2,000-member class group (plus Strickland) in pages of 200', async () => {
    const sizes: number[] = [];
    let next: string | undefined = 'groups/65388/enrollments?limit=200';
    while (next) {
      const list = await enrollmentPage(next);
      sizes.push(list.enrollment.length);
      next = list.links.next;
    }
    expect(sizes).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 1]);
  });
});
