/**
 * What the export tests share: a cache file pulled from the sandbox LMS's small school through the real Schoology
 * client (as the app pulls), the export run as the RosterApi runs it (input parsed by its schema), and the files read
 * back with csv-parse and fflate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { unzipSync, strFromU8 } from 'fflate';
import { parseInput, type ExportFile, type ExportInput } from '../../../shared/api';
import { openCache, type Cache } from '../../../electron/db/cache';
import { realmIdOf } from '../../../electron/db/realms-repo';
import { exportRoster } from '../../../electron/export/roster-export';
import { SchoologyClient } from '../../../electron/lms/schoology/schoology-client';
import { SchoologyProvider } from '../../../electron/lms/schoology/schoology-provider';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import type { SandboxStore } from '../../../electron/sandbox/sandbox-store';
import { pullAccount } from '../../../electron/sync/pull';

export const ACCOUNT = 'school';
export const P3_KEY = 'sections/3719526';
export const P3 = realmIdOf(ACCOUNT, P3_KEY);
export const P5 = realmIdOf(ACCOUNT, 'sections/4318461');
export const ROBOTICS = realmIdOf(ACCOUNT, 'groups/65371');
export const HOWLETT = { uid: '48289', enrollmentId: '44783136' } as const;
export const STRICKLAND = { uid: '45552', enrollmentId: '43807916' } as const;
/** When the tests' exports are made: OneRoster's dateLastModified. */
export const EXPORTED_AT = new Date('2026-11-26T07:00:00.000Z');

export interface School {
  sandbox: Sandbox;
  cache: Cache;
  dir: string;
  close(): Promise<void>;
}

/**
 * A new member of a sandbox realm, enrolled before the pull as staff would add them in Schoology: James Howlett's
 * record with another uid, school ID and name.
 */
export function addLmsMember(store: SandboxStore, realmKey: string, person: { uid: string; schoolUid: string; first: string; last: string }): void {
  const template = store.getUser(HOWLETT.uid)!;
  store.addUser({
    ...template,
    uid: person.uid,
    school_uid: person.schoolUid,
    name_first: person.first,
    name_first_preferred: '',
    name_last: person.last,
    name_display: `${person.first} ${person.last}`,
  });
  store.addEnrollment(realmKey, { uid: person.uid, admin: 0, status: 1 });
}

/**
 * The rows of realms other than Mr. Strickland's, as a selection: the seed's key owner, admin of every realm, has no
 * school ID, which the SIS layouts need; staff exporting for them would leave him out (or give him one).
 */
export function allBut(cache: Cache, userId: string, realmIds: string[]): Array<{ realmId: string; enrollmentId: string }> {
  const refs: Array<{ realmId: string; enrollmentId: string }> = [];
  for (const row of cache.roster.each({ realmIds, sort: { column: 'realm', direction: 'asc' } })) {
    if (row.userId !== userId) refs.push({ realmId: row.realmId, enrollmentId: row.enrollmentId ?? row.pending!.opId });
  }
  return refs;
}

/** The sandbox's small school in a fresh cache; `prepare` may change the LMS's people first. */
export async function pulledSchool(prepare: (store: SandboxStore) => void = () => undefined): Promise<School> {
  const sandbox = await startSandbox({ rateLimit: null });
  prepare(sandbox.store);
  const dir = mkdtempSync(join(tmpdir(), 'roster-export-'));
  const cache = openCache(join(dir, 'cache.sqlite'));
  cache.accounts.save({ id: ACCOUNT, name: 'Sandbox', provider: 'schoology', baseUrl: sandbox.url });
  const provider = new SchoologyProvider(
    new SchoologyClient({ baseUrl: sandbox.url, credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret } }),
  );
  await pullAccount(cache, ACCOUNT, provider);
  return {
    sandbox,
    cache,
    dir,
    close: async () => {
      cache.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** exportRoster as the RosterApi runs it: the input parsed (defaults filled) by its schema. */
export function exportOf(cache: Cache, input: ExportInput): ExportFile {
  return exportRoster(cache, parseInput('exportRoster', input), EXPORTED_AT);
}

/** A CSV file's records, header first, read with CRLF as the only record delimiter (so a stray LF would show). */
export function recordsOf(text: string): string[][] {
  return parse(text, { record_delimiter: '\r\n', bom: true }) as string[][];
}

/** A CSV file's data rows as objects keyed by its header. */
export function rowsOf(text: string): Array<Record<string, string>> {
  return parse(text, { record_delimiter: '\r\n', bom: true, columns: true }) as Array<Record<string, string>>;
}

/** The files of a zip export (content base64), by name, as text. */
export function unzipped(file: ExportFile): Map<string, string> {
  if (file.encoding !== 'base64') throw new Error(`expected a zip (base64), got ${file.encoding}`);
  const entries = unzipSync(Buffer.from(file.content, 'base64'));
  return new Map(Object.entries(entries).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

/** The sandbox's enrollments of a realm, by user id: what the LMS holds (the values the files must carry). */
export function lmsEnrollments(sandbox: Sandbox, realmId: string): Map<string, { id: string; admin: 0 | 1; status: number }> {
  const key = realmId.slice(ACCOUNT.length + 1);
  return new Map(sandbox.store.enrollmentsIn(key).map((e) => [e.uid, { id: e.id, admin: e.admin, status: e.status }]));
}
