import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache, type Cache } from '../../../electron/db/cache';
import { realmIdOf } from '../../../electron/db/realms-repo';
import { createCanvasProvider } from '../../../electron/lms/canvas/canvas-provider';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { pullAccount } from '../../../electron/sync/pull';
import { exportOf, P3, pulledSchool, rowsOf, type School } from './export-kit';

/**
 * The course_id of a Canvas SIS Import enrollments.csv names the course by its SIS id (lms-api-notes §2.6): a Canvas
 * account pulled from the Canvas sandbox through the real client carries each course's sis_course_id into the cache,
 * and the export writes it; a course without one, and every Schoology section, fall back to the course code.
 */
const CANVAS = 'canvas-school';
const ALGEBRA = realmIdOf(CANVAS, 'courses/101');
const ALGEBRA_P3 = realmIdOf(CANVAS, 'sections/201');
const WORLD_HISTORY = realmIdOf(CANVAS, 'courses/104');

let canvas: CanvasSandbox;
let dir: string;
let cache: Cache;
let schoology: School;

beforeAll(async () => {
  canvas = await startCanvasSandbox({ throttle: null });
  dir = mkdtempSync(join(tmpdir(), 'roster-export-canvas-sis-'));
  cache = openCache(join(dir, 'cache.sqlite'));
  cache.accounts.save({ id: CANVAS, name: 'Canvas sandbox', provider: 'canvas', baseUrl: canvas.url });
  await pullAccount(cache, CANVAS, createCanvasProvider({ baseUrl: canvas.url, token: canvas.token }));
  schoology = await pulledSchool();
});

afterAll(async () => {
  cache?.close();
  await canvas?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await schoology?.close();
});

/** The realm's rows of people with a school ID: Canvas SIS imports name people by it, and some sandbox people lack one. */
function withSchoolIds(from: Cache, realmId: string): Array<{ realmId: string; enrollmentId: string }> {
  return [...from.roster.each({ realmIds: [realmId], sort: { column: 'name', direction: 'asc' } })]
    .filter((row) => row.schoolUid !== '' && row.enrollmentId !== null)
    .map((row) => ({ realmId, enrollmentId: row.enrollmentId! }));
}

function courseIdsOf(from: Cache, realmId: string): Set<string> {
  const rows = rowsOf(exportOf(from, { realmIds: [realmId], format: 'canvas-sis', only: withSchoolIds(from, realmId) }).content);
  expect(rows.length).toBeGreaterThan(0);
  return new Set(rows.map((row) => row.course_id ?? ''));
}

describe('course_id of the Canvas SIS export', () => {
  it("is a Canvas course's SIS id, not its course code", () => {
    expect(canvas.store.getCourse(101)).toMatchObject({ sis_course_id: 'ALG1-2026', course_code: 'ALG1' });
    expect(cache.realms.get(ALGEBRA)).toMatchObject({ courseSisId: 'ALG1-2026', courseCode: 'ALG1' });
    expect(courseIdsOf(cache, ALGEBRA)).toEqual(new Set(['ALG1-2026']));
  });

  it("is the SIS id of a Canvas section's course, beside the section's own SIS id", () => {
    const rows = rowsOf(exportOf(cache, { realmIds: [ALGEBRA_P3], format: 'canvas-sis', only: withSchoolIds(cache, ALGEBRA_P3) }).content);
    expect(new Set(rows.map((row) => `${row.course_id} ${row.section_id}`))).toEqual(new Set(['ALG1-2026 ALG1-P3-2026']));
  });

  it('falls back to the course code for a Canvas course without a SIS id', () => {
    expect(canvas.store.getCourse(104)).toMatchObject({ sis_course_id: null, course_code: 'WHIS' });
    expect(courseIdsOf(cache, WORLD_HISTORY)).toEqual(new Set(['WHIS']));
  });

  it('is the course code for a Schoology section, which has no course SIS id, as before', () => {
    expect(schoology.cache.realms.get(P3)).toMatchObject({ courseSisId: '', courseCode: 'ALG1' });
    expect(courseIdsOf(schoology.cache, P3)).toEqual(new Set(['ALG1']));
  });
});
