import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ROSTER_API_METHODS, type RosterApiTransport } from '../../../shared/api';
import { dispatch } from '../../../electron/api-dispatch';
import { createServices, type Services } from '../../../electron/services';
import { SchoologyEnrollmentListSchema } from '../../../shared/domain/schoology-wire';
import { enrollmentFromSchoology } from '../../../shared/domain/schoology-mapping';
import { SECTION_ID, seedSchool } from '../../support/seed-cache';
import type { useRosterStore as RosterStoreHook } from '../../../renderer/store';

/**
 * The export and import slices of the renderer's store over real services (the dispatch the browser bridge and IPC
 * use, on a cache seeded with the small school of test/support/seed-cache.ts): what each dialog choice asks the main
 * process, and what reaches the screen.
 */
let services: Services;
let dir: string;
let useRosterStore: typeof RosterStoreHook;
let pristine: ReturnType<typeof RosterStoreHook.getState>;

beforeAll(async () => {
  const transport = Object.fromEntries(
    ROSTER_API_METHODS.map((method) => [method, (input?: unknown) => dispatch(services.handlers, method, input)]),
  ) as RosterApiTransport;
  vi.stubGlobal('window', { roster: transport });
  ({ useRosterStore } = await import('../../../renderer/store'));
  pristine = useRosterStore.getState();
});

beforeEach(async () => {
  useRosterStore.setState(pristine, true);
  dir = mkdtempSync(join(tmpdir(), 'export-import-slices-'));
  services = createServices({ dataDir: dir, host: 'browser' });
  seedSchool(services.cache, 3);
  await store().loadRealms();
  store().selectRealm(SECTION_ID);
  await vi.waitFor(() => expect(store().rosterTotal).toBe(5));
});

afterEach(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

const store = () => useRosterStore.getState();
const previewRecords = (): string[][] => parse(store().exportPreview?.content ?? '', { bom: true }) as string[][];

const HEADER = 'Realm,Course code,Section code,Section school code,User ID,School ID,First name,Last name,Name,Role,Status,Pending';
const P3 = 'Algebra I · P3,ALG1,P3,ALG1-P3';
const csv = (...lines: string[]): string => `${lines.join('\r\n')}\r\n`;
const howlettArchived = `${P3},48289,s1,James,Howlett,James Howlett,Member,Archived,`;
const unknownPerson = `${P3},99999901,x1,Nobody,Known,Nobody Known,Member,Active,`;

describe('the export slice', () => {
  it('sends the Excel choice with the plain format only, and keeps it for when plain is chosen again', async () => {
    store().openExport([SECTION_ID], 'Algebra I · P3');
    store().setExportExcel(true);
    await vi.waitFor(() => expect(store().exportPreview?.content.startsWith('\uFEFF')).toBe(true));
    store().setExportFormat('oneroster');
    await vi.waitFor(() => expect(previewRecords()[0]?.[0]).toBe('sourcedId'));
    expect(store().exportError).toBeNull();
    store().setExportFormat('plain');
    await vi.waitFor(() => expect(store().exportPreview?.content.startsWith('\uFEFF')).toBe(true));
  });

  it('exports every cached realm when all cached rosters are chosen', async () => {
    // Algebra I · P5 holds the seed document's two people too, under other enrollment ids.
    const fixture = join(import.meta.dirname, '..', '..', 'fixtures', 'schoology', 'enrollment-list.json');
    const seedList = SchoologyEnrollmentListSchema.parse(JSON.parse(readFileSync(fixture, 'utf8')));
    const p5 = seedList.enrollment.map((record, index) => enrollmentFromSchoology({ ...record, id: `9100${index}` }, 'sections/4318461'));
    services.cache.enrollments.replaceRealmSnapshot('sandbox/sections/4318461', p5);
    store().openExport([SECTION_ID], 'Algebra I · P3');
    await vi.waitFor(() => expect(store().exportPreview?.rows).toBe(5));
    store().setExportScope('all-cached');
    let file = null as null | { fileName: string; content: string };
    await store().downloadExport((saved) => (file = saved));
    expect(file!.fileName).toBe('roster-export-2-realms.csv');
    const realms = (parse(file!.content) as string[][]).slice(1).map((row) => row[0]);
    expect(new Set(realms)).toEqual(new Set(['Algebra I · P3', 'Algebra I · P5']));
    expect(store().exportNotice).toBe('Exported 7 rows to roster-export-2-realms.csv');
  });

  it('shows a refusal instead of the preview, and the preview again once another choice is made', async () => {
    store().openExport([SECTION_ID], 'Algebra I · P3');
    store().setExportFormat('schoology');
    await vi.waitFor(() => expect(store().exportError).toContain('Mr. Strickland'));
    expect(store().exportPreview).toBeNull();
    store().setExportFormat('plain');
    await vi.waitFor(() => expect(store().exportPreview).not.toBeNull());
    expect(store().exportError).toBeNull();
  });
});

describe('the import slice', () => {
  it('previews a chosen file without queuing anything', async () => {
    store().openImport();
    await store().chooseImportFile(new File([csv(HEADER, howlettArchived, unknownPerson)], 'p3.csv'));
    expect(store().importPreview).toMatchObject({ layout: 'plain', rows: 2, toChange: 1, problemCount: 1 });
    expect(store().importError).toBeNull();
    await store().refreshPending();
    expect(store().pendingView?.queued).toEqual([]);
  });

  it("queues the changes without the bad rows once confirmed, and says so in the roster's status line", async () => {
    store().openImport();
    await store().chooseImportFile(new File([csv(HEADER, howlettArchived, unknownPerson)], 'p3.csv'));
    await store().queueImport();
    expect(store().importRealmId).toBeNull();
    expect(store().rosterNotice).toBe('Queued 1 change from p3.csv; 1 bad row left out');
    expect(store().pendingView?.queued).toHaveLength(1);
  });

  it('removes people the file leaves out only when full sync is chosen', async () => {
    store().openImport();
    await store().chooseImportFile(new File([csv(HEADER, `${P3},48289,s1,James,Howlett,James Howlett,Member,Active,`)], 'p3.csv'));
    expect(store().importPreview).toMatchObject({ toRemove: 0, unchanged: 1 });
    store().setImportFullSync(true);
    await vi.waitFor(() => expect(store().importPreview?.toRemove).toBe(4));
  });

  it("shows the newest file's preview when an older one answers later", async () => {
    store().openImport();
    const older = store().chooseImportFile(new File([csv(HEADER, howlettArchived, unknownPerson)], 'older.csv'));
    const newer = store().chooseImportFile(new File([csv(HEADER, howlettArchived)], 'newer.csv'));
    await Promise.all([older, newer]);
    expect(store().importFile?.name).toBe('newer.csv');
    expect(store().importPreview).toMatchObject({ rows: 1, problemCount: 0 });
  });

  it('says why a file that is not a roster CSV cannot be read, with no preview', async () => {
    store().openImport();
    await store().chooseImportFile(new File([csv('Student,Grade', 'James Howlett,A')], 'grades.csv'));
    expect(store().importPreview).toBeNull();
    expect(store().importError).toContain('grades.csv');
  });
});
