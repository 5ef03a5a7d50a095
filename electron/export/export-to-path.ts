/**
 * An export written to disk (the CLI's sink): a CSV file, a zip, or a folder of CSV files. Text goes to a write stream
 * chunk by chunk, waiting whenever the stream asks to (backpressure), so memory stays flat whatever the row count. For
 * a large CSV export the text is made in a worker thread (stringify-worker.ts), at most a few batches ahead of the
 * file; a zip is made here (its deflate follows the text). Everything is written under "<path>.partial" first and
 * renamed into place only when complete: a refused row or a full disk never leaves half a file where the export was
 * meant to be.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import type { ExportFormatName } from '../../shared/api';
import { textChunks, type CsvBatch, type CsvTableText } from './csv-tables';
import { startCsv, type PreparedExport } from './roster-export';
import { StringifyWorker } from './stringify-worker';
import { zipBytes } from './zip-bytes';

/** Bytes a file stream buffers before asking the writer to wait: a few chunks of CSV text. */
const STREAM_BUFFER = 1 << 20;
/** Batches handed to the worker before the first of them is written: enough to keep both threads busy. */
const AHEAD = 4;
/**
 * From this many rows (as last pulled) the CSV text is made in a worker thread. Below it, starting the thread (~0.1 s
 * and ~40 MB on the bench machine) costs more than the overlap saves.
 */
const WORKER_FROM_ROWS = 20_000;

export interface PathExport {
  path: string;
  /** What was written: one CSV file, a zip, or a folder of CSV files. */
  kind: 'csv' | 'zip' | 'folder';
  format: ExportFormatName;
  /** Data rows of the main file (OneRoster: enrollments.csv). */
  rows: number;
  realms: number;
}

export interface PathExportOptions {
  /** When the export is made (OneRoster's dateLastModified, the zip entries' times); default now. */
  now?: Date;
  /** Make the CSV text in a worker thread: true, false, or (absent) from WORKER_FROM_ROWS rows on. */
  worker?: boolean;
}

/**
 * Writes the prepared export to `path`: a single-file format as that file; a format of several files as a zip when
 * `path` ends in ".zip", else as a folder (created, or an existing one whose files of the same names are replaced).
 */
export async function exportToPath(prepared: PreparedExport, path: string, options: PathExportOptions = {}): Promise<PathExport> {
  const now = options.now ?? new Date();
  const kind = !prepared.bundle ? 'csv' : /\.zip$/i.test(path) ? 'zip' : 'folder';
  if (!(await stat(dirname(resolve(path))).catch(() => null))?.isDirectory()) {
    throw new Error(`the folder ${dirname(resolve(path))} does not exist; create it first, or write the export elsewhere`);
  }
  if (kind === 'folder' && (await stat(path).catch(() => null))?.isDirectory() === false) {
    throw new Error(`${path} is a file; a ${prepared.format.name} export is a folder of CSV files (or a zip: end the name with .zip)`);
  }
  const run = startCsv(prepared);
  const partial = `${path}.partial`;
  await rm(partial, { recursive: true, force: true });
  const rows = prepared.realms.reduce((sum, realm) => sum + realm.enrollmentCount, 0);
  const worker = kind !== 'zip' && (options.worker ?? rows >= WORKER_FROM_ROWS) ? new StringifyWorker() : null;
  try {
    if (kind === 'folder') await writeFolder(run.tables, worker, partial, path);
    else if (kind === 'zip') await writeFile(partial, zipBytes(run.tables, now), path);
    else await writeFile(partial, texts(run.tables, worker), path);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    await worker?.close();
  }
  return { path, kind, format: prepared.format.name, rows: run.rows(), realms: prepared.realms.length };
}

/** The tables' text in order: made by the worker (if any) while the rows of the next batches are read here. */
async function* texts(tables: Iterable<CsvTableText>, worker: StringifyWorker | null): AsyncGenerator<string> {
  for (const { batches } of tables) yield* batchTexts(batches, worker);
}

async function* batchTexts(batches: Iterable<CsvBatch>, worker: StringifyWorker | null): AsyncGenerator<string> {
  if (!worker) {
    yield* textChunks(batches);
    return;
  }
  const ahead: Array<Promise<string>> = [];
  for (const batch of batches) {
    ahead.push(worker.stringify(batch));
    if (ahead.length >= AHEAD) yield await ahead.shift()!;
  }
  while (ahead.length > 0) yield await ahead.shift()!;
}

/** Streams `pieces` into `partial`, then renames it to `target`. */
async function writeFile(partial: string, pieces: Iterable<string | Uint8Array> | AsyncIterable<string>, target: string): Promise<void> {
  const stream = createWriteStream(partial, { highWaterMark: STREAM_BUFFER });
  try {
    for await (const piece of pieces) {
      // once() also rejects on the stream's error (a full disk, a lost mount), which ends the wait for a drain.
      if (!stream.write(piece)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'close');
  } catch (error) {
    stream.destroy();
    // The stream's descriptor must be closed before the partial file is removed (Windows refuses otherwise).
    if (!stream.closed) await once(stream, 'close').catch(() => undefined);
    throw error;
  }
  await rename(partial, target);
}

/** Each table as its own file in `partial`, then moved into `target` (a new folder, or over same-named files). */
async function writeFolder(tables: Iterable<CsvTableText>, worker: StringifyWorker | null, partial: string, target: string): Promise<void> {
  await mkdir(partial, { recursive: true });
  const names: string[] = [];
  for (const { table, batches } of tables) {
    const file = join(partial, table.name);
    await writeFile(`${file}.partial`, batchTexts(batches, worker), file);
    names.push(table.name);
  }
  const existing = await stat(target).catch(() => null);
  if (existing === null) {
    await rename(partial, target);
    return;
  }
  for (const name of names) await rename(join(partial, name), join(target, name));
  await rm(partial, { recursive: true, force: true });
}
