/** What every endpoint handler of the Canvas sandbox receives and returns, and Canvas's error bodies. */
import type { BulkEnrollmentJob } from './canvas-bulk-enrollment';
import type { CanvasJobs } from './canvas-jobs';
import type { CanvasParams } from './canvas-params';
import type { SisImportJob } from './canvas-sis-import';
import type { CanvasStore } from './canvas-store';

export interface CanvasContext {
  method: string;
  /** The path after /api/v1/, split on "/" (empty segments dropped). */
  segments: string[];
  /** The request's full URL, for paging links. */
  url: URL;
  /** Query and body parameters merged, Rails style (the body wins). */
  params: CanvasParams;
  /** The raw body and its media type, for SIS imports (a CSV file as the body). */
  body: { raw: Buffer; contentType: string };
  /** The token's user. */
  userId: number;
  /** "http://127.0.0.1:PORT": html_url fields and Progress urls are built on it. */
  web: string;
  store: CanvasStore;
  jobs: CanvasJobs<SisImportJob, BulkEnrollmentJob>;
  now: () => number;
  perPageMax: number;
  sisImports: boolean;
}

export interface CanvasReply {
  status: number;
  /** Sent as JSON; absent for an empty body. */
  value?: unknown;
  headers?: Record<string, string>;
}

/** A whole-request failure with the JSON body Canvas sends for it. */
export class CanvasApiError extends Error {
  override name = 'CanvasApiError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body !== null ? JSON.stringify(body) : String(body));
  }
}

/** Canvas's 404 for anything an id does not find (api_find → ActiveRecord::RecordNotFound). */
export const notFound = (): CanvasApiError => new CanvasApiError(404, { errors: [{ message: 'The specified resource does not exist.' }] });

/** render_create_errors: 400 {"message": "…"} (enrollments_api_controller.rb, lms-api-notes §2.1). */
export const createError = (message: string): CanvasApiError => new CanvasApiError(400, { message });

/** The `{"error": "…"}` shape of reactivate/accept/reject and of the list filters (lms-api-notes §2.1). */
export const plainError = (status: number, message: string): CanvasApiError => new CanvasApiError(status, { error: message });

/** Canvas's time stamps: ISO 8601 to the second with a Z. */
export const isoNow = (now: () => number): string => new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
