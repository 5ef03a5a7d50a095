import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import {
  SchoologyGroupListSchema,
  SchoologyGroupSchema,
  SchoologySectionListSchema,
  SchoologySectionSchema,
  SchoologyUserSchema,
} from '../../../shared/domain/schoology-wire';
import { parseWire } from '../../../shared/domain/tolerant';
import { call, FORMATS } from './sandbox-http';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: null });
});
afterAll(() => sandbox.close());

describe.each(FORMATS)('realm discovery (%s)', (format) => {
  it('GET users/me answers 303 See Other to the absolute users/{uid} of the key owner, with no body', async () => {
    const { status, headers, text } = await call(sandbox, 'GET', 'users/me', { format });
    expect(status).toBe(303);
    expect(headers.get('location')).toBe(`${sandbox.url}/users/45552`);
    expect(text).toBe('');
  });

  it('GET users/{uid} describes the person', async () => {
    const { status, data } = await call(sandbox, 'GET', 'users/45552', { format });
    expect(status).toBe(200);
    expect(parseWire(SchoologyUserSchema, data, 'user')).toMatchObject({ id: '45552', name_display: 'Mr. Strickland', school_uid: '' });
  });

  it('GET users/{uid} answers 404 for an unknown uid', async () => {
    expect((await call(sandbox, 'GET', 'users/1', { format })).status).toBe(404);
  });

  it('GET users/{uid}/sections lists every section the person is enrolled in, each once', async () => {
    const { data } = await call(sandbox, 'GET', 'users/45552/sections', { format });
    const list = parseWire(SchoologySectionListSchema, data, 'section list');
    expect(list.section.map((s) => s.id)).toEqual(sandbox.store.listSections().map((s) => s.id));
    expect(list.total).toBe(7);
    expect(list.links.self).toBe(`${sandbox.url}/users/45552/sections?start=0&limit=20`);
    expect(list.section[0]).toMatchObject({ id: '3719526', course_title: 'Algebra I', section_title: 'P3' });
  });

  it('GET users/{uid}/sections pages like any list', async () => {
    const first = parseWire(SchoologySectionListSchema, (await call(sandbox, 'GET', 'users/45552/sections?limit=5', { format })).data, 'sections');
    expect(first.section).toHaveLength(5);
    expect(first.links.next).toBe(`${sandbox.url}/users/45552/sections?start=5&limit=5`);
    const second = parseWire(SchoologySectionListSchema, (await call(sandbox, 'GET', first.links.next!, { format })).data, 'sections');
    expect(second.section.map((s) => s.id)).toEqual(sandbox.store.listSections().slice(5).map((s) => s.id));
    expect(second.links.next).toBeUndefined();
  });

  it('GET users/{uid}/sections lists only the sections a student is in', async () => {
    const { data } = await call(sandbox, 'GET', 'users/48289/sections', { format });
    const expected = [...new Set(sandbox.store.enrollmentsOf('48289').filter((e) => e.realmKey.startsWith('sections/')).map((e) => e.realmKey.slice(9)))];
    expect(parseWire(SchoologySectionListSchema, data, 'sections').section.map((s) => s.id)).toEqual(expected);
  });

  it('GET users/{uid}/groups lists the groups', async () => {
    const { data } = await call(sandbox, 'GET', 'users/45552/groups', { format });
    const list = parseWire(SchoologyGroupListSchema, data, 'group list');
    expect(list.group.map((g) => g.id)).toEqual(['65371', '65388', '65402']);
    expect(list.total).toBe(3);
  });

  it('GET sections/{id} gives the codes and grading periods the import endpoints need', async () => {
    const { data } = await call(sandbox, 'GET', 'sections/3719526', { format });
    expect(parseWire(SchoologySectionSchema, data, 'section')).toMatchObject({
      id: '3719526',
      course_title: 'Algebra I',
      course_code: 'ALG1',
      course_id: '3719500',
      section_title: 'P3',
      section_code: 'P3',
      section_school_code: 'ALG1-P3',
      grading_periods: ['435', '13011'],
      access_code: 'VCVKF-4MJG9',
      active: 1,
    });
  });

  it('GET sections/{id} of a one-period section still reads as a list of periods', async () => {
    const { data } = await call(sandbox, 'GET', 'sections/3719589', { format });
    expect(parseWire(SchoologySectionSchema, data, 'section').grading_periods).toEqual(['13011']);
  });

  it('GET groups/{id} describes the group', async () => {
    const { data } = await call(sandbox, 'GET', 'groups/65371', { format });
    expect(parseWire(SchoologyGroupSchema, data, 'group')).toMatchObject({ id: '65371', title: 'Robotics Club' });
  });

  it('answers 404 for an unknown section, group or path', async () => {
    for (const path of ['sections/1', 'groups/1', 'courses/1', 'sections/3719526/attendance']) {
      expect((await call(sandbox, 'GET', path, { format })).status, path).toBe(404);
    }
  });

  it('answers 405 naming the allowed methods for a known path with an unsupported method', async () => {
    const { status, headers } = await call(sandbox, 'DELETE', 'users/45552', { format });
    expect(status).toBe(405);
    expect(headers.get('allow')).toBe('GET');
  });
});
