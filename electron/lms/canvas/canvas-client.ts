/**
 * Canvas LMS REST API, endpoint by endpoint (lms-api-notes §2.1, canvas-lms enrollments_api_controller.rb,
 * sis_imports_api_controller.rb, progress_controller.rb): the enrollment reads and writes, realm discovery, SIS
 * imports and bulk enrollment. One method per documented call; retries, timeouts and redirects belong to the
 * Transport, pacing to CanvasThrottle, paging to canvas-paging.ts. Every answer is validated before it is returned.
 *
 * Auth is `Authorization: Bearer <token>` on every request (§2.5; the `?access_token=` form is discouraged and
 * would leak the token into logs). The token comes from a token source: an OAuth2 token that Canvas answers 401 with
 * WWW-Authenticate (expired or revoked, §2.5) is refreshed once — one refresh for all requests that failed with it —
 * and the request sent again; a 401 without that header is a permission refusal and is not retried. Bodies go as
 * JSON, which Canvas accepts for every parameter the docs show
 * form-encoded (`enrollment[user_id]` ↔ `{"enrollment":{"user_id":…}}`).
 *
 * Which calls may be retried is decided here: reads, DELETEs with a task and reactivate are idempotent; so is
 * enrolling, because Canvas answers an enrollment of the same user, type and section with the existing one
 * instead of making a second (§2.1, "allow_multiple_enrollments"); a SIS import or bulk enrollment is not (a
 * lost answer may mean the job was queued).
 */
import { z } from 'zod';
import {
  CanvasEnrollmentListSchema,
  CanvasEnrollmentSchema,
  CanvasUserSchema,
  parseWire,
  type CanvasEnrollment,
  type CanvasState,
  type CanvasType,
  type CanvasUser,
} from '../../../shared/domain';
import { LmsError } from '../lms-error';
import { Transport, type TransportOptions, type TransportResponse } from '../transport';
import { CANVAS_PER_PAGE, nextPageUrl } from './canvas-paging';
import type { CanvasTokenSource } from './canvas-oauth2';
import { CanvasThrottle, isRateLimitRefusal, type CanvasThrottleOptions } from './canvas-throttle';
import {
  CanvasCourseListSchema,
  CanvasProgressSchema,
  CanvasSectionListSchema,
  CanvasSisImportSchema,
  CanvasSuccessSchema,
  type CanvasCourse,
  type CanvasProgress,
  type CanvasSection,
  type CanvasSisImport,
} from './canvas-wire-extra';

export interface CanvasClientOptions {
  /** The Canvas instance, "https://school.instructure.com" or "http://127.0.0.1:PORT"; a trailing /api/v1 is fine. */
  baseUrl: string;
  /** A personal access token, or a source of OAuth2 access tokens that can refresh (canvas-oauth2.ts). */
  token: string | CanvasTokenSource;
  /** Timeouts and retries. The throttle replaces `limiter` and `rateLimit`, and wraps `fetch`. */
  transport?: TransportOptions;
  /** Pacing from X-Rate-Limit-Remaining; a throttle may be shared by clients using the same token. */
  throttle?: CanvasThrottle | CanvasThrottleOptions;
}

/** Where an enrollment list hangs: a course's, a section's, or a user's enrollments. */
export type EnrollmentScope = { course: string } | { section: string } | { user: string };

export interface EnrollmentFilters {
  type?: CanvasType[];
  role?: string[];
  state?: Array<CanvasState | 'current_and_invited' | 'current_and_future' | 'current_future_and_restricted' | 'current_and_concluded'>;
  include?: Array<'avatar_url' | 'group_ids' | 'locked' | 'observed_users' | 'can_be_removed' | 'uuid' | 'current_points'>;
  userId?: string;
}

/** POST courses/:id/enrollments or sections/:id/enrollments (`enrollment[…]` parameters, §2.1). */
export interface EnrollParams {
  userId: string;
  type: CanvasType;
  roleId?: string;
  /** Canvas's default is "invited"; the client always says which it wants. */
  enrollmentState: 'active' | 'invited' | 'inactive';
  /** Ignored by Canvas on a section URL. */
  courseSectionId?: string;
  limitPrivilegesToCourseSection?: boolean;
  /** Canvas sends no notification unless asked. */
  notify?: boolean;
}

export type EnrollTarget = { course: string } | { section: string };

/** DELETE courses/:id/enrollments/:id `task` (§2.1); deactivate is Canvas's other name for inactivate. */
export type EnrollmentTask = 'conclude' | 'delete' | 'inactivate' | 'deactivate';

export interface BulkEnrollmentParams {
  userIds: string[];
  courseIds: string[];
  enrollmentType: CanvasType;
  enrollmentRoleId?: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface CallSpec<T> {
  method: Method;
  /** Relative to /api/v1/, without query; also the endpoint in messages. */
  path: string;
  query?: Array<[string, string]>;
  url?: URL;
  body?: { type: 'json'; value: unknown } | { type: 'csv'; text: string };
  idempotent: boolean;
  read: (data: unknown, response: TransportResponse) => T;
  signal?: AbortSignal | undefined;
}

const ID = /^\d+$/;

function checkId(what: string, id: string): string {
  if (!ID.test(id)) throw new Error(`${what} "${id}" is not a Canvas id`);
  return id;
}

/** "https://x/api/v1/" from the instance URL, with or without a trailing /api/v1 or slashes. */
export function canvasApiBase(baseUrl: string): URL {
  const instance = baseUrl.trim().replace(/\/+$/, '').replace(/\/api\/v1$/i, '');
  const url = new URL(`${instance}/api/v1/`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${baseUrl}" is not an http(s) URL`);
  return url;
}

function scopePath(scope: EnrollmentScope): string {
  if ('course' in scope) return `courses/${checkId('course id', scope.course)}/enrollments`;
  if ('section' in scope) return `sections/${checkId('section id', scope.section)}/enrollments`;
  return `users/${checkId('user id', scope.user)}/enrollments`;
}

function decodeJson(response: TransportResponse): unknown {
  const text = response.body.trim();
  if (text === '') throw new Error('expected JSON, got an empty body');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`expected JSON, got ${/^</.test(text) ? 'markup (an HTML page)' : `"${text.slice(0, 60)}"`}`);
  }
}

export class CanvasClient {
  readonly throttle: CanvasThrottle;
  private readonly base: URL;
  private readonly tokens: CanvasTokenSource;
  private readonly transport: Transport;
  /** Tokens Canvas answered 401 + WWW-Authenticate to, noted at the wire (an LmsError carries no headers). */
  private readonly challenged = new Set<string>();

  constructor(options: CanvasClientOptions) {
    this.base = canvasApiBase(options.baseUrl);
    this.tokens = typeof options.token === 'string' ? personalToken(options.token) : options.token;
    this.throttle = options.throttle instanceof CanvasThrottle ? options.throttle : new CanvasThrottle(options.throttle);
    const inner = options.transport?.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const noting: typeof globalThis.fetch = async (input, init) => {
      const response = await inner(input, init);
      if (response.status === 401 && response.headers.has('www-authenticate') && this.tokens.refresh) {
        const sent = /^Bearer (\S+)$/.exec(new Headers(init?.headers).get('authorization') ?? '')?.[1];
        if (sent !== undefined) this.challenged.add(sent);
      }
      return response;
    };
    this.transport = new Transport({
      ...options.transport,
      limiter: this.throttle,
      fetch: this.throttle.wrapFetch(noting),
      isThrottled: (response) => isRateLimitRefusal(response),
    });
  }

  // ---- who and where ----

  /** GET users/self: the token's user. */
  self(signal?: AbortSignal): Promise<CanvasUser> {
    return this.call({ method: 'GET', path: 'users/self', idempotent: true, signal, read: (data) => parseWire(CanvasUserSchema, data, 'Canvas user') });
  }

  /** GET courses: every course the user is enrolled in, all pages. */
  async listCourses(signal?: AbortSignal): Promise<CanvasCourse[]> {
    const courses: CanvasCourse[] = [];
    for await (const page of this.pages('courses', [], signal, (data) => parseWire(CanvasCourseListSchema, data, 'Canvas course list'))) {
      courses.push(...page);
    }
    return courses;
  }

  /** GET courses/:id/sections, all pages. */
  async listSections(courseId: string, signal?: AbortSignal): Promise<CanvasSection[]> {
    const sections: CanvasSection[] = [];
    const path = `courses/${checkId('course id', courseId)}/sections`;
    for await (const page of this.pages(path, [], signal, (data) => parseWire(CanvasSectionListSchema, data, 'Canvas section list'))) {
      sections.push(...page);
    }
    return sections;
  }

  // ---- enrollment reads ----

  /** A course's, section's or user's enrollments, one page (up to 100) at a time, following Link rel="next". */
  async *listEnrollments(scope: EnrollmentScope, filters: EnrollmentFilters = {}, signal?: AbortSignal): AsyncGenerator<CanvasEnrollment[]> {
    const query: Array<[string, string]> = [];
    for (const type of filters.type ?? []) query.push(['type[]', type]);
    for (const role of filters.role ?? []) query.push(['role[]', role]);
    for (const state of filters.state ?? []) query.push(['state[]', state]);
    for (const include of filters.include ?? []) query.push(['include[]', include]);
    if (filters.userId !== undefined) query.push(['user_id', checkId('user id', filters.userId)]);
    yield* this.pages(scopePath(scope), query, signal, (data) => parseWire(CanvasEnrollmentListSchema, data, 'Canvas enrollment list'));
  }

  /** GET accounts/:account_id/enrollments/:id: one enrollment by id, whatever its course. */
  getEnrollment(accountId: string, enrollmentId: string, signal?: AbortSignal): Promise<CanvasEnrollment> {
    return this.call({
      method: 'GET',
      path: `accounts/${checkId('account id', accountId)}/enrollments/${checkId('enrollment id', enrollmentId)}`,
      idempotent: true,
      signal,
      read: (data) => parseWire(CanvasEnrollmentSchema, data, 'Canvas enrollment'),
    });
  }

  // ---- enrollment writes ----

  /** POST courses/:id/enrollments or sections/:id/enrollments. Canvas answers an existing enrollment of the same
   * user, type and section instead of making a second, so this is safe to retry. */
  enroll(target: EnrollTarget, params: EnrollParams, signal?: AbortSignal): Promise<CanvasEnrollment> {
    const path =
      'course' in target
        ? `courses/${checkId('course id', target.course)}/enrollments`
        : `sections/${checkId('section id', target.section)}/enrollments`;
    const enrollment: Record<string, unknown> = {
      user_id: checkId('user id', params.userId),
      type: params.type,
      enrollment_state: params.enrollmentState,
    };
    if (params.roleId !== undefined) enrollment.role_id = checkId('role id', params.roleId);
    if (params.courseSectionId !== undefined) enrollment.course_section_id = checkId('section id', params.courseSectionId);
    if (params.limitPrivilegesToCourseSection !== undefined) enrollment.limit_privileges_to_course_section = params.limitPrivilegesToCourseSection;
    if (params.notify !== undefined) enrollment.notify = params.notify;
    return this.call({
      method: 'POST',
      path,
      body: { type: 'json', value: { enrollment } },
      idempotent: true,
      signal,
      read: (data) => parseWire(CanvasEnrollmentSchema, data, 'Canvas enrollment'),
    });
  }

  /** DELETE courses/:course/enrollments/:id?task=…: conclude, inactivate or delete; answers the enrollment. */
  deleteEnrollment(courseId: string, enrollmentId: string, task: EnrollmentTask, signal?: AbortSignal): Promise<CanvasEnrollment> {
    return this.call({
      method: 'DELETE',
      path: `courses/${checkId('course id', courseId)}/enrollments/${checkId('enrollment id', enrollmentId)}`,
      query: [['task', task]],
      idempotent: true,
      signal,
      read: (data) => parseWire(CanvasEnrollmentSchema, data, 'Canvas enrollment'),
    });
  }

  /** PUT courses/:course/enrollments/:id/reactivate: inactive → active (400 "enrollment not inactive" otherwise). */
  reactivateEnrollment(courseId: string, enrollmentId: string, signal?: AbortSignal): Promise<CanvasEnrollment> {
    return this.call({
      method: 'PUT',
      path: `courses/${checkId('course id', courseId)}/enrollments/${checkId('enrollment id', enrollmentId)}/reactivate`,
      idempotent: true,
      signal,
      read: (data) => parseWire(CanvasEnrollmentSchema, data, 'Canvas enrollment'),
    });
  }

  /** POST …/enrollments/:id/accept: the invited user (the token's own) accepts. */
  acceptInvitation(courseId: string, enrollmentId: string, signal?: AbortSignal): Promise<boolean> {
    return this.invitation('accept', courseId, enrollmentId, signal);
  }

  /** POST …/enrollments/:id/reject: the invited user (the token's own) declines. */
  rejectInvitation(courseId: string, enrollmentId: string, signal?: AbortSignal): Promise<boolean> {
    return this.invitation('reject', courseId, enrollmentId, signal);
  }

  // ---- bulk ----

  /**
   * POST accounts/:id/sis_imports with an enrollments.csv as the raw body (§2.6: Content-Type text/csv +
   * extension=csv, import_type=instructure_csv). Not retried: a lost answer may mean the import was queued.
   */
  createSisImport(accountId: string, csv: string, signal?: AbortSignal): Promise<CanvasSisImport> {
    return this.call({
      method: 'POST',
      path: `accounts/${checkId('account id', accountId)}/sis_imports`,
      query: [
        ['import_type', 'instructure_csv'],
        ['extension', 'csv'],
      ],
      body: { type: 'csv', text: csv },
      idempotent: false,
      signal,
      read: (data) => parseWire(CanvasSisImportSchema, data, 'Canvas SIS import'),
    });
  }

  /** GET accounts/:id/sis_imports/:id: the import's state, progress and messages. */
  getSisImport(accountId: string, importId: string, signal?: AbortSignal): Promise<CanvasSisImport> {
    return this.call({
      method: 'GET',
      path: `accounts/${checkId('account id', accountId)}/sis_imports/${checkId('SIS import id', importId)}`,
      idempotent: true,
      signal,
      read: (data) => parseWire(CanvasSisImportSchema, data, 'Canvas SIS import'),
    });
  }

  /** POST accounts/:id/bulk_enrollment (at most 500 user × course pairs, §2.1) → a Progress to poll. Not retried. */
  bulkEnroll(accountId: string, params: BulkEnrollmentParams, signal?: AbortSignal): Promise<CanvasProgress> {
    const pairs = params.userIds.length * params.courseIds.length;
    if (pairs === 0) throw new Error('a bulk enrollment needs at least one user and one course');
    if (pairs > 500) throw new Error(`Canvas enrolls at most 500 user × course pairs at once, got ${pairs}; split the request`);
    return this.call({
      method: 'POST',
      path: `accounts/${checkId('account id', accountId)}/bulk_enrollment`,
      body: {
        type: 'json',
        value: {
          user_ids: params.userIds.map((id) => checkId('user id', id)),
          course_ids: params.courseIds.map((id) => checkId('course id', id)),
          enrollment_type: params.enrollmentType,
          ...(params.enrollmentRoleId !== undefined ? { enrollment_role_id: checkId('role id', params.enrollmentRoleId) } : {}),
        },
      },
      idempotent: false,
      signal,
      read: (data) => parseWire(CanvasProgressSchema, data, 'Canvas progress'),
    });
  }

  /** GET progress/:id. */
  getProgress(progressId: string, signal?: AbortSignal): Promise<CanvasProgress> {
    return this.call({
      method: 'GET',
      path: `progress/${checkId('progress id', progressId)}`,
      idempotent: true,
      signal,
      read: (data) => parseWire(CanvasProgressSchema, data, 'Canvas progress'),
    });
  }

  /**
   * GET accounts/:id/permissions?permissions[]=…: whether the token's user holds each named permission on the account
   * (canvas-lms accounts_controller.rb#permissions; `import_sis` is the right to run SIS imports, lms-api-notes §2.6).
   * Canvas answers 403 (older versions 401) to a user with no role on the account at all, a plain teacher say
   * (§2.5): that is "none of them", not a failure. Values may come as booleans or as "true"/"false".
   */
  async accountPermissions(accountId: string, names: readonly string[], signal?: AbortSignal): Promise<Record<string, boolean>> {
    const none = (): Record<string, boolean> => Object.fromEntries(names.map((name) => [name, false]));
    const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).optional();
    const schema = z.looseObject(Object.fromEntries(names.map((name) => [name, flag])));
    try {
      const granted = await this.call({
        method: 'GET',
        path: `accounts/${checkId('account id', accountId)}/permissions`,
        query: names.map((name): [string, string] => ['permissions[]', name]),
        idempotent: true,
        signal,
        read: (data) => parseWire(schema, data, 'Canvas account permissions'),
      });
      return Object.fromEntries(names.map((name) => [name, granted[name] === true]));
    } catch (error) {
      if (error instanceof LmsError && (error.kind === 'forbidden' || error.kind === 'unauthorized')) return none();
      throw error;
    }
  }

  // ---- plumbing ----

  private invitation(action: 'accept' | 'reject', courseId: string, enrollmentId: string, signal?: AbortSignal): Promise<boolean> {
    return this.call({
      method: 'POST',
      path: `courses/${checkId('course id', courseId)}/enrollments/${checkId('enrollment id', enrollmentId)}/${action}`,
      idempotent: true,
      signal,
      read: (data) => parseWire(CanvasSuccessSchema, data, `Canvas ${action} answer`).success,
    });
  }

  private urlFor(path: string, query: Array<[string, string]> = []): URL {
    const url = new URL(path, this.base);
    for (const [name, value] of query) url.searchParams.append(name, value);
    return url;
  }

  /**
   * One call; when its token turns out expired (401 + WWW-Authenticate) and the source can refresh, the source renews
   * it (once, whoever asks) and the call is sent once more with the new token. A refresh failure is the caller's error.
   */
  private async call<T>(spec: CallSpec<T>): Promise<T> {
    let sent = '';
    const authorize = () => {
      sent = this.tokens.current();
      return `Bearer ${sent}`;
    };
    try {
      return await this.send(spec, authorize);
    } catch (error) {
      if (!(error instanceof LmsError) || error.kind !== 'unauthorized' || !this.tokens.refresh || !this.challenged.delete(sent)) throw error;
      await this.tokens.refresh(sent, spec.signal);
      try {
        return await this.send(spec, authorize);
      } finally {
        // Refused again (revoked meanwhile): the caller gets that 401; the note is not needed any more.
        this.challenged.delete(sent);
      }
    }
  }

  private send<T>(spec: CallSpec<T>, authorize: () => string): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: string | undefined;
    if (spec.body?.type === 'json') {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.body.value);
    } else if (spec.body?.type === 'csv') {
      headers['Content-Type'] = 'text/csv; charset=utf-8';
      body = spec.body.text;
    }
    return this.transport.request<T>({
      method: spec.method,
      url: spec.url ?? this.urlFor(spec.path, spec.query),
      endpoint: `${spec.method} ${spec.path}`,
      headers,
      ...(body !== undefined ? { body } : {}),
      idempotent: spec.idempotent,
      authorize,
      parse: (response) => spec.read(decodeJson(response), response),
      ...(spec.signal ? { signal: spec.signal } : {}),
    });
  }

  /**
   * Every page of a list, following Link rel="next" as Canvas wrote it. The next URL is fetched from our own
   * base's origin whatever host it names: the bearer token must never be sent anywhere else.
   */
  private async *pages<P>(
    path: string,
    filters: Array<[string, string]>,
    signal: AbortSignal | undefined,
    read: (data: unknown) => P,
  ): AsyncGenerator<P> {
    const endpoint = `GET ${path}`;
    const seen = new Set<string>();
    let url: URL | null = this.urlFor(path, [...filters, ['per_page', String(CANVAS_PER_PAGE)]]);
    while (url) {
      seen.add(url.href);
      const current: URL = url;
      const page: { items: P; next: URL | null } = await this.call({
        method: 'GET',
        path,
        url: current,
        idempotent: true,
        signal,
        read: (data, response) => ({ items: read(data), next: nextPageUrl(response.headers, current) }),
      });
      yield page.items;
      if (!page.next) return;
      url = new URL(`${page.next.pathname}${page.next.search}`, this.base.origin);
      if (seen.has(url.href)) {
        throw new LmsError('malformed', endpoint, `the Link header's next page repeats a page already read (${url.pathname}${url.search})`);
      }
    }
  }
}

/** A personal access token (Account → Settings → Approved Integrations): fixed, nothing to refresh it with. */
function personalToken(token: string): CanvasTokenSource {
  const trimmed = token.trim();
  if (trimmed === '') throw new Error('a Canvas access token is needed (Account → Settings → Approved Integrations)');
  return { current: () => trimmed };
}

/** Canvas's error bodies (lms-api-notes §2.1, §2.5): {"message"}, {"error"}, {"errors":[{"message"}]} or {"errors":["…"]}. */
const CanvasErrorBodySchema = z.union([
  z.looseObject({ message: z.string() }),
  z.looseObject({ error: z.string() }),
  z.looseObject({ errors: z.array(z.union([z.string(), z.looseObject({ message: z.string() })])).min(1) }),
]);

/**
 * The reason Canvas gave in an LmsError, for a person: without the endpoint prefix, and with a JSON error body
 * read out ("HTTP 404 Not Found: The specified resource does not exist.").
 */
export function lmsReason(error: LmsError): string {
  const text = error.message.startsWith(`${error.endpoint}: `) ? error.message.slice(error.endpoint.length + 2) : error.message;
  const match = /^(HTTP \d{3}[^:]*): (\{.*\})$/s.exec(text);
  if (!match) return text;
  let body: unknown;
  try {
    body = JSON.parse(match[2] as string);
  } catch {
    return text;
  }
  const parsed = CanvasErrorBodySchema.safeParse(body);
  if (!parsed.success) return text;
  const value = parsed.data;
  const words =
    'message' in value
      ? value.message
      : 'error' in value
        ? value.error
        : value.errors.map((item) => (typeof item === 'string' ? item : item.message)).join('; ');
  return `${match[1]}: ${words}`;
}
