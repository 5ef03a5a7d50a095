import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInput, RosterApiError, type ExportInput } from '../../../shared/api';
import { openCache, type Cache } from '../../../electron/db/cache';
import { exportToPath } from '../../../electron/export/export-to-path';
import { exportRoster, prepareExport } from '../../../electron/export/roster-export';
import { SECTION_ID, seedSchool } from '../../support/seed-cache';
import { EXPORTED_AT, P3, P3_KEY, P5, addLmsMember, pulledSchool, recordsOf, type School } from './export-kit';

/**
 * Exports written to disk (what `roster export` does): a CSV file, a zip or a folder, put in place only once whole.
 */
let school: School;

beforeAll(async () => {
  school = await pulledSchool((store) => addLmsMember(store, P3_KEY, { uid: '99000666', schoolUid: 's666', first: '@SUM(A1)', last: 'Formula' }));
});

afterAll(async () => {
  await school.close();
});

const write = (input: ExportInput, path: string) => exportToPath(prepareExport(school.cache, parseInput('exportRoster', input), EXPORTED_AT), path, { now: EXPORTED_AT });

describe('exportToPath', () => {
  it('replaces an existing file with the new export', async () => {
    const out = join(school.dir, 'replace.csv');
    writeFileSync(out, 'an older export');
    const written = await write({ realmIds: [P5] }, out);
    expect(written).toMatchObject({ path: out, kind: 'csv', format: 'plain', rows: school.cache.realms.get(P5)!.enrollmentCount, realms: 1 });
    expect(recordsOf(readFileSync(out, 'utf8'))).toHaveLength(written.rows + 1);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('writes the OneRoster files into an existing folder, leaving its other files alone', async () => {
    const folder = join(school.dir, 'oneroster-folder');
    mkdirSync(folder);
    writeFileSync(join(folder, 'enrollments.csv'), 'an older export');
    writeFileSync(join(folder, 'README.txt'), 'kept');
    const written = await write({ realmIds: [P5], format: 'oneroster' }, folder);
    expect(written.kind).toBe('folder');
    expect(readdirSync(folder).sort()).toEqual(['README.txt', 'classes.csv', 'enrollments.csv', 'manifest.csv', 'users.csv']);
    expect(recordsOf(readFileSync(join(folder, 'enrollments.csv'), 'utf8'))).toHaveLength(written.rows + 1);
    expect(existsSync(`${folder}.partial`)).toBe(false);
  });

  it('refuses to write a folder where a file is', async () => {
    const out = join(school.dir, 'oneroster-as-file');
    writeFileSync(out, 'a file');
    await expect(write({ realmIds: [P5], format: 'oneroster' }, out)).rejects.toThrow(/is a file; a oneroster export is a folder of CSV files \(or a zip: end the name with \.zip\)/);
    expect(readFileSync(out, 'utf8')).toBe('a file');
  });

  it('says which folder is missing when the target is in one that does not exist', async () => {
    const out = join(school.dir, 'no-such-folder', 'p5.csv');
    await expect(write({ realmIds: [P5] }, out)).rejects.toThrow(`the folder ${join(school.dir, 'no-such-folder')} does not exist; create it first, or write the export elsewhere`);
  });

  it('leaves nothing behind when a row is refused part-way, whatever the target', async () => {
    for (const name of ['refused.zip', 'refused-folder']) {
      const out = join(school.dir, name);
      await expect(write({ realmIds: [P3], format: 'oneroster' }, out)).rejects.toBeInstanceOf(RosterApiError);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(`${out}.partial`)).toBe(false);
    }
  });
});

describe('exportToPath on a district-sized roster (its CSV text made in a worker thread)', () => {
  let dir: string;
  let cache: Cache;
  const exportedAt = new Date('2026-11-26T07:00:00.000Z');
  const prepared = (input: ExportInput) => prepareExport(cache, parseInput('exportRoster', input), exportedAt);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-export-large-'));
    cache = openCache(join(dir, 'cache.sqlite'));
    seedSchool(cache, 25_000);
  });

  afterAll(() => {
    cache.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes exactly the text the API answers', async () => {
    for (const input of [{ realmIds: [SECTION_ID] }, { realmIds: [SECTION_ID], excel: true }, { realmIds: [SECTION_ID], includePending: false }] satisfies ExportInput[]) {
      const out = join(dir, 'large.csv');
      const written = await exportToPath(prepared(input), out, { now: exportedAt });
      expect(written.rows).toBe(25_002);
      expect(readFileSync(out, 'utf8')).toBe(exportRoster(cache, parseInput('exportRoster', input), exportedAt).content);
    }
  });

  it('leaves nothing behind when a row is refused while the worker is writing', async () => {
    // The seed's Mr. Strickland has no school ID, which the Canvas SIS layout needs.
    const out = join(dir, 'canvas.csv');
    await expect(exportToPath(prepared({ realmIds: [SECTION_ID], format: 'canvas-sis' }), out, { now: exportedAt })).rejects.toThrow(/Mr\. Strickland has no school ID/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
