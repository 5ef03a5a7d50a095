/**
 * Exports: which format, which realms and rows, and (for the RosterApi's exportRoster) the file as one string. The
 * rows stream from the cache's cursors through csv-tables.ts; only this API answer, which must be one string, gathers
 * the text (or, for a zip, the compressed bytes). The CLI writes the same stream to disk (export-to-path.ts).
 */
import { type ExportFile, type ExportFormatName, type ExportInputParsed, type RealmSummary, RosterApiError } from '../../shared/api';
import type { Cache } from '../db/cache';
import { CANVAS_SIS_CSV } from './canvas-sis-csv';
import { runCsv, textChunks, type CsvRun } from './csv-tables';
import type { ExportContext, ExportFormat } from './export-format';
import { exportFileName } from './file-name';
import { ONEROSTER_CSV } from './oneroster-csv';
import { PLAIN_CSV } from './plain-csv';
import { selectionKey } from './roster-rows';
import { SCHOOLOGY_IMPORT_CSV } from './schoology-import-csv';
import { zipBytes } from './zip-bytes';

export const EXPORT_FORMAT_BY_NAME: Readonly<Record<ExportFormatName, ExportFormat>> = {
  plain: PLAIN_CSV,
  oneroster: ONEROSTER_CSV,
  'canvas-sis': CANVAS_SIS_CSV,
  schoology: SCHOOLOGY_IMPORT_CSV,
};

/** An export ready to run: its format, what its tables read, and the file it suggests. */
export interface PreparedExport {
  format: ExportFormat;
  context: ExportContext;
  realms: RealmSummary[];
  /** Several files: a zip (or, from the CLI, a folder); one: a CSV file. */
  bundle: boolean;
  fileName: string;
  mimeType: string;
  excel: boolean;
}

/** Checks the realms (each must be cached) and the options; throws RosterApiError('unknown_realm') naming a missing one. */
export function prepareExport(cache: Cache, input: ExportInputParsed, now: Date = new Date()): PreparedExport {
  const format = EXPORT_FORMAT_BY_NAME[input.format];
  if (input.excel && format.refusesFormulas !== null) {
    throw new RosterApiError('invalid_input', `Excel mode is for the plain format; ${format.refusesFormulas} refuse formula-like values instead of altering them`);
  }
  const realmIds = [...new Set(input.realmIds)];
  const realms = new Map<string, RealmSummary>();
  for (const id of realmIds) {
    const realm = cache.realms.get(id);
    if (!realm) throw new RosterApiError('unknown_realm', `"${id}" is not a cached section or group; pull it first, or choose another.`);
    realms.set(id, realm);
  }
  const bundle = format.tables.length > 1;
  return {
    format,
    context: {
      cache,
      realmIds,
      realms,
      includePending: input.includePending,
      only: input.only ? new Set(input.only.map((ref) => selectionKey(ref.realmId, ref.enrollmentId))) : null,
      exportedAt: now.toISOString(),
    },
    realms: [...realms.values()],
    bundle,
    fileName: exportFileName([...realms.values()], format.fileSuffix, bundle ? 'zip' : 'csv'),
    mimeType: bundle ? 'application/zip' : 'text/csv;charset=utf-8',
    excel: input.excel,
  };
}

/** Starts the prepared export's text; a preview stops the main table's text after `previewRows` rows. */
export function startCsv(prepared: PreparedExport, previewRows?: number): CsvRun {
  const { format, context } = prepared;
  // A format with one row per roster row can take a preview's count from the cache instead of reading every row.
  const countMain =
    format.oneRowPerRosterRow && context.only === null
      ? () => (context.includePending ? context.cache.roster.count({ realmIds: [...context.realmIds] }) : context.cache.roster.serverCount(context.realmIds))
      : undefined;
  return runCsv(format, context, { excel: prepared.excel, ...(previewRows !== undefined ? { previewRows, ...(countMain ? { countMain } : {}) } : {}) });
}

/**
 * The RosterApi's exportRoster: the rosters of realms (or selected rows) as one file — CSV text, or a zip in base64 —
 * or, for a preview, the first rows of the main CSV as text with the whole export's row count.
 */
export function exportRoster(cache: Cache, input: ExportInputParsed, now: Date = new Date()): ExportFile {
  const prepared = prepareExport(cache, input, now);
  const { fileName, mimeType } = prepared;
  const run = startCsv(prepared, input.previewRows);
  if (input.previewRows !== undefined || !prepared.bundle) {
    const [main, ...others] = run.tables;
    const content = [...textChunks(main!.batches)].join('');
    // A preview reads the other files too, so a row they refuse is reported before the user saves.
    for (const table of others) for (const batch of table.batches) void batch;
    return { fileName, mimeType, content, encoding: 'utf8', rows: run.rows() };
  }
  const content = Buffer.concat([...zipBytes(run.tables, now)]).toString('base64');
  return { fileName, mimeType, content, encoding: 'base64', rows: run.rows() };
}
