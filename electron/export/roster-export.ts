/**
 * Runs an export format over the roster query: the rows as they will be after sync (or as the LMS last had them), in
 * realm then name order, written as RFC 4180 CSV with CRLF line ends. The rows stream from the cache's cursor and are
 * turned into text a chunk at a time, so a 100,000-row district is never held as records all at once.
 */
import { stringify } from 'csv-stringify/sync';
import { type ExportFile, type ExportInput, type RealmSummary, RosterApiError } from '../../shared/api';
import type { Cache } from '../db/cache';
import type { ExportFormat } from './export-format';
import { exportFileName } from './file-name';

const CHUNK_ROWS = 1_000;

export function runExport(cache: Cache, input: ExportInput, format: ExportFormat): ExportFile {
  const realmIds = [...new Set(input.realmIds)];
  const realms = new Map<string, RealmSummary>();
  for (const id of realmIds) {
    const realm = cache.realms.get(id);
    if (!realm) throw new RosterApiError('unknown_realm', `"${id}" is not a cached section or group; pull it first, or choose another.`);
    realms.set(id, realm);
  }
  const includePending = input.includePending ?? true;
  const only = input.only && new Set(input.only.map((ref) => `${ref.realmId}\n${ref.enrollmentId}`));
  const limit = input.previewRows ?? Infinity;

  const parts: string[] = [stringify([format.columns], { record_delimiter: 'windows' })];
  let chunk: string[][] = [];
  let rows = 0;
  for (const row of cache.roster.each({ realmIds, sort: { column: 'realm', direction: 'asc' } })) {
    const ref = row.enrollmentId ?? row.pending?.opId;
    if (only && (ref === undefined || !only.has(`${row.realmId}\n${ref}`))) continue;
    const record = format.record(row, realms.get(row.realmId)!, includePending);
    if (!record) continue;
    rows += 1;
    if (rows > limit) {
      // A preview of everything needs no more rows: the count comes cheaper from the cache than from reading them.
      if (!only) {
        rows = includePending ? cache.roster.count({ realmIds }) : cache.roster.serverCount(realmIds);
        break;
      }
      continue;
    }
    chunk.push(record);
    if (chunk.length === CHUNK_ROWS) {
      parts.push(stringify(chunk, { record_delimiter: 'windows' }));
      chunk = [];
    }
  }
  if (chunk.length > 0) parts.push(stringify(chunk, { record_delimiter: 'windows' }));

  return {
    fileName: exportFileName([...realms.values()], format.fileSuffix),
    mimeType: 'text/csv;charset=utf-8',
    content: parts.join(''),
    rows,
  };
}
