/**
 * Pushing enrollment changes through a Canvas SIS import (lms-api-notes §2.6; canvas-lms doc/api/sis_csv.md and
 * sis_imports_api_controller.rb): one enrollments.csv per batch, posted to accounts/:id/sis_imports, polled until
 * Canvas has finished, and each processing error mapped back to the op whose row it names.
 *
 * The file has the columns of the Canvas SIS export (electron/export/canvas-sis-csv.ts): course_id, user_id, role,
 * section_id, status — SIS ids, since a SIS import names courses, sections and people by the school's ids, never by
 * Canvas's. Data row N (line N + 1 of the file) is rows[N − 1]; an op may own several rows (a
 * role change is the new role's row plus the old role's row marked deleted), and its result is the first problem
 * among its rows.
 *
 * Every row is idempotent (it sets a state, it does not add one), so an import whose outcome is unknown — the poll
 * gave up, the connection dropped — can be sent again as a whole.
 */
import { stringify } from 'csv-stringify/sync';
import { LmsError } from '../lms-error';
import type { PushResult } from '../provider';
import { sleep } from '../backoff';
import type { CanvasClient } from './canvas-client';
import { SIS_IMPORT_DONE_STATES, type CanvasSisImport } from './canvas-wire-extra';

const FIRST_POLL_MS = 250;

export const SIS_CSV_COLUMNS = ['course_id', 'user_id', 'role', 'section_id', 'status'] as const;

/** The statuses an enrollments.csv row can set (sis_csv.md). */
export type SisStatus = 'active' | 'deleted' | 'completed' | 'inactive';
export type SisRole = 'student' | 'teacher' | 'ta' | 'observer' | 'designer';

/** One enrollments.csv row, and the op it is for. Either `courseId` or `sectionId` (SIS ids) must be set. */
export interface SisEnrollmentRow {
  opId: string;
  courseId: string;
  sectionId: string;
  userId: string;
  role: SisRole;
  status: SisStatus;
}

export interface SisImportOptions {
  /**
   * Longest wait between polls; default 2000 ms. The first poll comes after at most 250 ms and the wait doubles up to
   * this, so a small batch (Canvas finishes one in a second or two) does not sit out whole intervals.
   */
  pollIntervalMs?: number;
  /** Give up polling after this long; default 10 minutes. The import may still finish; the rows can be sent again. */
  maxWaitMs?: number;
  /** Monotonic clock (tests); default performance.now. */
  now?: () => number;
  signal?: AbortSignal;
}

/** The enrollments.csv text, header first. */
export function sisEnrollmentsCsv(rows: readonly SisEnrollmentRow[]): string {
  return stringify(
    rows.map((row) => [row.courseId, row.userId, row.role, row.sectionId, row.status]),
    { header: true, columns: [...SIS_CSV_COLUMNS], record_delimiter: 'windows' },
  );
}

/**
 * The data row (1-based) a processing message names, or null. Messages name the file's line ("…, row 3" or
 * "line 3"), the header being line 1, so data row N is line N + 1. That is how the sandbox counts
 * (electron/sandbox/canvas/canvas-sis-import.ts); Canvas's own messages often name no row at all, and those are
 * handled as problems not tied to a row.
 */
export function rowOfMessage(message: string): number | null {
  const match = /\b(?:row|line)\s*#?\s*(\d+)/i.exec(message);
  if (!match) return null;
  const dataRow = Number(match[1]) - 1;
  return dataRow >= 1 ? dataRow : null;
}

/** Posts the rows as one SIS import, waits for it, and answers one result per op in order of first appearance. */
export async function pushViaSisImport(
  client: CanvasClient,
  accountId: string,
  rows: readonly SisEnrollmentRow[],
  options: SisImportOptions = {},
): Promise<PushResult[]> {
  if (rows.length === 0) return [];
  for (const [index, row] of rows.entries()) {
    if (row.courseId === '' && row.sectionId === '') {
      throw new Error(`SIS row ${index + 1} (op ${row.opId}) names neither a course nor a section`);
    }
    if (row.userId === '') throw new Error(`SIS row ${index + 1} (op ${row.opId}) names no user`);
  }
  const created = await client.createSisImport(accountId, sisEnrollmentsCsv(rows), options.signal);
  const done = await waitForImport(client, accountId, created, options);
  return resultsOf(done, rows);
}

async function waitForImport(
  client: CanvasClient,
  accountId: string,
  started: CanvasSisImport,
  options: SisImportOptions,
): Promise<CanvasSisImport> {
  const now = options.now ?? (() => performance.now());
  const longest = options.pollIntervalMs ?? 2000;
  let interval = Math.min(FIRST_POLL_MS, longest);
  const deadline = now() + (options.maxWaitMs ?? 600_000);
  let current = started;
  while (!isDone(current)) {
    if (now() >= deadline) {
      throw new LmsError(
        'timeout',
        `GET accounts/${accountId}/sis_imports/${current.id}`,
        `SIS import ${current.id} was still ${current.workflow_state} (${current.progress ?? 0}%) when we stopped waiting; ` +
          'its rows are safe to send again',
      );
    }
    try {
      await sleep(interval, options.signal);
      interval = Math.min(interval * 2, longest);
    } catch (reason) {
      throw new LmsError('aborted', `GET accounts/${accountId}/sis_imports/${current.id}`, 'cancelled', { cause: reason });
    }
    current = await client.getSisImport(accountId, current.id, options.signal);
  }
  return current;
}

function isDone(sisImport: CanvasSisImport): boolean {
  return (SIS_IMPORT_DONE_STATES as readonly string[]).includes(sisImport.workflow_state);
}

function resultsOf(done: CanvasSisImport, rows: readonly SisEnrollmentRow[]): PushResult[] {
  const problems = new Map<string, string>();
  const unplaced: string[] = [];
  for (const { message } of done.processing_errors) {
    const row = rowOfMessage(message);
    const owner = row !== null ? rows[row - 1] : undefined;
    if (!owner) {
      unplaced.push(message);
      continue;
    }
    if (!problems.has(owner.opId)) problems.set(owner.opId, message);
  }
  const failed = done.workflow_state !== 'imported' && done.workflow_state !== 'imported_with_messages';
  const opIds = [...new Set(rows.map((row) => row.opId))];
  return opIds.map((opId): PushResult => {
    const problem = problems.get(opId);
    if (problem !== undefined) return { opId, outcome: 'rejected', code: 422, reason: `Canvas SIS import ${done.id}: ${problem}` };
    if (failed) {
      return {
        opId,
        outcome: 'rejected',
        code: 422,
        reason: `Canvas SIS import ${done.id} ended ${done.workflow_state}${unplaced.length ? ` (${unplaced.join('; ')})` : ''}; this row was not applied`,
      };
    }
    if (unplaced.length > 0) {
      // Canvas reported a problem without saying which row: this op may be the one, so it is not called applied.
      return {
        opId,
        outcome: 'rejected',
        code: 422,
        reason: `Canvas SIS import ${done.id} reported a problem it did not tie to a row: ${unplaced.join('; ')}`,
      };
    }
    return { opId, outcome: 'applied' };
  });
}
