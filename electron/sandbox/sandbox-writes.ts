/**
 * The sandbox's write endpoints: single and bulk creates, updates and deletes, the multi-realm upsert, the
 * import-by-code endpoints and access-code joins.
 *
 * Bulk rules, as Schoology applies them: more than 50 items is a 400 for the whole request and nothing changes;
 * otherwise HTTP 200 with one row per input item in input order, where a failed item has a non-200 response_code
 * and an `error` naming the problem while the others apply. A one-item bulk may arrive unwrapped (XML always does).
 * Like Schoology, a plain create never checks for an existing enrollment — a retried create makes a duplicate.
 */
import { ApiError, type ApiContext, type ApiReply } from './sandbox-context';
import { enrollmentRecord, enrollmentUrl } from './sandbox-records';
import { isAdminFlag, isEnrollmentStatus, type AdminFlag, type EnrollmentStatus, type SandboxEnrollment } from './sandbox-store';

export const MAX_BULK_ITEMS = 50;

/** A failure of one bulk item: it becomes that item's row, the rest of the request goes on. */
class ItemError extends Error {
  constructor(
    readonly code: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

type Item = Record<string, unknown>;
type Row = Record<string, unknown>;

function asItem(value: unknown): Item | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Item) : undefined;
}

function isBulk(body: unknown): boolean {
  return asItem(body)?.enrollments !== undefined;
}

/** `{enrollments:{enrollment:[…]}}` → the items; the whole request fails (400) when it is empty or over 50. */
function bulkItems(body: unknown): unknown[] {
  const list = asItem(asItem(body)?.enrollments)?.enrollment;
  if (list === undefined) {
    throw new ApiError(400, 'Send the enrollments wrapped as {"enrollments":{"enrollment":[...]}} (XML: <body><enrollments><enrollment>...).');
  }
  const items = Array.isArray(list) ? list : [list];
  if (items.length === 0) throw new ApiError(400, 'The request holds no enrollments.');
  if (items.length > MAX_BULK_ITEMS) {
    throw new ApiError(400, `A bulk request takes at most ${MAX_BULK_ITEMS} enrollments; this one has ${items.length}. Nothing was changed.`);
  }
  return items;
}

function requireBody(body: unknown): Item {
  const item = asItem(body);
  if (!item) throw new ApiError(400, 'The request needs a body: an enrollment object.');
  return item;
}

/** A scalar field as text ("" when absent); objects and lists are a 400 for the item. */
function textField(item: Item, name: string): string {
  const value = item[name];
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'string') return String(value).trim();
  throw new ItemError(400, `${name} must be a single value`);
}

function idField(item: Item, name: string): string {
  const value = textField(item, name);
  if (!value) throw new ItemError(400, `${name} is required`);
  if (!/^\d+$/.test(value)) throw new ItemError(400, `${name} must be a numeric id, got "${value}"`);
  return value;
}

function adminField(item: Item): AdminFlag | undefined {
  const value = textField(item, 'admin');
  if (!value) return undefined;
  const admin = Number(value);
  if (!/^\d+$/.test(value) || !isAdminFlag(admin)) throw new ItemError(400, `admin must be 0 or 1, got "${value}"`);
  return admin;
}

function statusField(item: Item): EnrollmentStatus | undefined {
  const value = textField(item, 'status');
  if (!value) return undefined;
  const status = Number(value);
  if (!/^\d+$/.test(value) || !isEnrollmentStatus(status)) throw new ItemError(400, `status must be 1 to 5, got "${value}"`);
  return status;
}

function flagSet(item: Item, name: string): boolean {
  const value = textField(item, name).toLowerCase();
  return value === '1' || value === 'true';
}

/** The uid an item named, echoed in its row as Schoology does (a number when it is one). */
function echoUid(item: Item | undefined): unknown {
  const raw = item?.uid;
  if (typeof raw === 'string' && /^\d+$/.test(raw.trim())) return Number(raw);
  return typeof raw === 'number' || typeof raw === 'string' ? raw : undefined;
}

function realmName(realmKey: string): string {
  const [kind, id] = realmKey.split('/');
  return `${kind === 'groups' ? 'Group' : 'Section'} ${id}`;
}

function requireRealm(ctx: ApiContext, realmKey: string, failure: 'request' | 'item'): void {
  if (ctx.store.hasRealm(realmKey)) return;
  const message = `${realmName(realmKey)} not found`;
  throw failure === 'request' ? new ApiError(404, `${message}.`) : new ItemError(404, message);
}

function requireUser(ctx: ApiContext, uid: string): void {
  if (!ctx.store.getUser(uid)) throw new ItemError(404, `User ${uid} not found`);
}

/** Runs one bulk item; an ItemError becomes its failure row, anything else is a bug and fails the request. */
function eachItem(items: unknown[], apply: (item: Item) => Row, echo: (item: Item | undefined) => Row): Row[] {
  return items.map((raw) => {
    const item = asItem(raw);
    try {
      if (!item) throw new ItemError(400, 'each enrollment must be an object');
      return apply(item);
    } catch (error) {
      if (!(error instanceof ItemError)) throw error;
      return { response_code: error.code, error: error.message, ...echo(item) };
    }
  });
}

const bulkReply = (rows: Row[]): ApiReply => ({ status: 200, value: { enrollments: { enrollment: rows } } });

/** Single-item failures outside a bulk are the whole request's status. */
function single<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ItemError) throw new ApiError(error.code, `${error.message}.`);
    throw error;
  }
}

function create(ctx: ApiContext, realmKey: string, item: Item): SandboxEnrollment {
  const uid = idField(item, 'uid');
  const admin = adminField(item) ?? 0;
  const status = statusField(item) ?? 1;
  requireUser(ctx, uid);
  return ctx.store.addEnrollment(realmKey, { uid, admin, status });
}

/** POST {realm}/enrollments: one enrollment (201 + the record) or a bulk (200 + rows). */
export function createInRealm(ctx: ApiContext, realmKey: string): ApiReply {
  requireRealm(ctx, realmKey, 'request');
  if (!isBulk(ctx.body)) {
    const enrollment = single(() => create(ctx, realmKey, requireBody(ctx.body)));
    return { status: 201, value: enrollmentRecord(ctx.store, enrollment, ctx.base, 'created') };
  }
  const rows = eachItem(
    bulkItems(ctx.body),
    (item) => {
      const enrollment = create(ctx, realmKey, item);
      return { response_code: 200, id: enrollment.id, uid: Number(enrollment.uid), location: enrollmentUrl(ctx.base, enrollment) };
    },
    (item) => ({ uid: echoUid(item) }),
  );
  return bulkReply(rows);
}

function enrollmentInRealm(ctx: ApiContext, realmKey: string, id: string): SandboxEnrollment {
  const enrollment = ctx.store.getEnrollment(id);
  if (!enrollment || enrollment.realmKey !== realmKey) throw new ItemError(404, `Enrollment ${id} not found in ${realmName(realmKey).toLowerCase()}`);
  return enrollment;
}

function changesOf(item: Item): { admin?: AdminFlag; status?: EnrollmentStatus } {
  const changes: { admin?: AdminFlag; status?: EnrollmentStatus } = {};
  const admin = adminField(item);
  const status = statusField(item);
  if (admin !== undefined) changes.admin = admin;
  if (status !== undefined) changes.status = status;
  return changes;
}

/** PUT {realm}/enrollments/{id}: 204 and an empty body. */
export function updateOne(ctx: ApiContext, realmKey: string, id: string): ApiReply {
  requireRealm(ctx, realmKey, 'request');
  single(() => {
    const changes = changesOf(requireBody(ctx.body));
    if (changes.admin === undefined && changes.status === undefined) throw new ItemError(400, 'Send admin and/or status to change');
    enrollmentInRealm(ctx, realmKey, id);
    ctx.store.updateEnrollment(id, changes);
  });
  return { status: 204 };
}

/**
 * PUT {realm}/enrollments (bulk): items carry `id`. The documentation's own XML example sends `uid` instead, so an
 * item without an id is matched to that person's enrollment in the realm.
 */
export function updateInRealm(ctx: ApiContext, realmKey: string): ApiReply {
  requireRealm(ctx, realmKey, 'request');
  const rows = eachItem(
    bulkItems(ctx.body),
    (item) => {
      let enrollment: SandboxEnrollment;
      if (textField(item, 'id') || !textField(item, 'uid')) {
        enrollment = enrollmentInRealm(ctx, realmKey, idField(item, 'id'));
      } else {
        const uid = idField(item, 'uid');
        const found = ctx.store.findEnrollment(realmKey, uid);
        if (!found) throw new ItemError(404, `User ${uid} has no enrollment in ${realmName(realmKey).toLowerCase()}`);
        enrollment = found;
      }
      const changes = changesOf(item);
      if (changes.admin === undefined && changes.status === undefined) throw new ItemError(400, 'send admin and/or status to change');
      ctx.store.updateEnrollment(enrollment.id, changes);
      return { response_code: 200, id: enrollment.id };
    },
    (item) => ({ id: item ? textField(item, 'id') || undefined : undefined }),
  );
  return bulkReply(rows);
}

/** DELETE {realm}/enrollments/{id}: 204, or 404 when it is not in that realm. */
export function deleteOne(ctx: ApiContext, realmKey: string, id: string): ApiReply {
  requireRealm(ctx, realmKey, 'request');
  single(() => enrollmentInRealm(ctx, realmKey, id));
  ctx.store.removeEnrollment(id);
  return { status: 204 };
}

/** DELETE enrollments?enrollment_ids=1,2: HTTP 200 with a row per id (404 for one that does not exist). */
export function deleteMany(ctx: ApiContext): ApiReply {
  const ids = (ctx.query.get('enrollment_ids') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new ApiError(400, 'enrollment_ids is required: a comma-separated list of enrollment ids.');
  if (ids.length > MAX_BULK_ITEMS) {
    throw new ApiError(400, `A bulk delete takes at most ${MAX_BULK_ITEMS} enrollment ids; this one has ${ids.length}. Nothing was changed.`);
  }
  return bulkReply(
    ids.map((id) => {
      if (!/^\d+$/.test(id)) return { response_code: 400, id, error: `"${id}" is not an enrollment id` };
      if (!ctx.store.removeEnrollment(id)) return { response_code: 404, id, error: `Enrollment ${id} not found` };
      return { response_code: 200, id };
    }),
  );
}

/** POST enrollments: multi-realm bulk; with ?update_existing=1 an existing enrollment of the person is updated. */
export function createAcrossRealms(ctx: ApiContext): ApiReply {
  const updateExisting = ['1', 'true'].includes((ctx.query.get('update_existing') ?? '').toLowerCase());
  const rows = eachItem(
    bulkItems(ctx.body),
    (item) => {
      const realm = textField(item, 'realm');
      if (realm !== 'section' && realm !== 'group') throw new ItemError(400, `realm must be "section" or "group", got "${realm}"`);
      const realmId = idField(item, `${realm}_id`);
      const realmKey = `${realm}s/${realmId}`;
      const uid = idField(item, 'uid');
      const admin = adminField(item);
      const status = statusField(item);
      requireRealm(ctx, realmKey, 'item');
      requireUser(ctx, uid);
      const existing = updateExisting ? ctx.store.findEnrollment(realmKey, uid) : undefined;
      const enrollment = existing
        ? ctx.store.updateEnrollment(existing.id, changesOf(item))
        : ctx.store.addEnrollment(realmKey, { uid, admin: admin ?? 0, status: status ?? 1 });
      return {
        response_code: 200,
        location: enrollmentUrl(ctx.base, enrollment),
        uid: Number(uid),
        id: enrollment.id,
        realm,
        realm_id: realmId,
      };
    },
    (item) => ({
      uid: echoUid(item),
      realm: item ? textField(item, 'realm') || undefined : undefined,
      realm_id: item ? textField(item, 'section_id') || textField(item, 'group_id') || undefined : undefined,
    }),
  );
  return bulkReply(rows);
}

/**
 * Create-or-update by codes (import endpoints): the person's enrollment in the section gets `admin`, or is made
 * (active) when there is none; `delete: 1` removes every enrollment of the person there.
 */
function importInto(ctx: ApiContext, sectionId: string, item: Item): SandboxEnrollment {
  const schoolUid = textField(item, 'school_uid');
  if (!schoolUid) throw new ItemError(400, 'school_uid is required');
  const admin = adminField(item);
  const user = ctx.store.userBySchoolUid(schoolUid);
  if (!user) throw new ItemError(404, `No user with school_uid "${schoolUid}"`);
  const realmKey = `sections/${sectionId}`;
  const existing = ctx.store.findEnrollment(realmKey, user.uid);
  if (flagSet(item, 'delete')) {
    if (!existing) throw new ItemError(404, `User with school_uid "${schoolUid}" is not enrolled in section ${sectionId}`);
    for (const enrollment of ctx.store.enrollmentsOf(user.uid)) {
      if (enrollment.realmKey === realmKey) ctx.store.removeEnrollment(enrollment.id);
    }
    return existing;
  }
  if (existing) return admin === undefined ? existing : ctx.store.updateEnrollment(existing.id, { admin });
  return ctx.store.addEnrollment(realmKey, { uid: user.uid, admin: admin ?? 0, status: 1 });
}

/** POST enrollments/import/course/{grading period ids}: sections found by course_code + section_code. */
export function importByCourseCodes(ctx: ApiContext, gradingPeriodList: string): ApiReply {
  const periods = gradingPeriodList.split(',').map((id) => id.trim()).filter(Boolean);
  if (periods.length === 0 || periods.some((id) => !/^\d+$/.test(id))) {
    throw new ApiError(400, `The grading period ids must be comma-separated numbers, got "${gradingPeriodList}".`);
  }
  const wanted = new Set(periods.map(Number));
  const rows = eachItem(
    bulkItems(ctx.body),
    (item) => {
      const courseCode = textField(item, 'course_code');
      const sectionCode = textField(item, 'section_code');
      if (!courseCode || !sectionCode) throw new ItemError(400, 'course_code and section_code are required');
      const section = ctx.store
        .sectionsWithCodes(courseCode, sectionCode)
        .find((candidate) => candidate.grading_periods.some((period) => wanted.has(period)));
      if (!section) {
        throw new ItemError(404, `No section with course_code "${courseCode}" and section_code "${sectionCode}" in grading period ${periods.join(', ')}`);
      }
      const enrollment = importInto(ctx, section.id, item);
      return {
        response_code: 200,
        location: enrollmentUrl(ctx.base, enrollment),
        school_uid: textField(item, 'school_uid'),
        course_code: courseCode,
        section_code: sectionCode,
      };
    },
    (item) => ({
      school_uid: item ? textField(item, 'school_uid') : undefined,
      course_code: item ? textField(item, 'course_code') : undefined,
      section_code: item ? textField(item, 'section_code') : undefined,
    }),
  );
  return bulkReply(rows);
}

/** POST enrollments/import/course: sections found by section_school_code. */
export function importBySchoolCodes(ctx: ApiContext): ApiReply {
  const rows = eachItem(
    bulkItems(ctx.body),
    (item) => {
      const code = textField(item, 'section_school_code');
      if (!code) throw new ItemError(400, 'section_school_code is required');
      const section = ctx.store.sectionWithSchoolCode(code);
      if (!section) throw new ItemError(404, `No section with section_school_code "${code}"`);
      const enrollment = importInto(ctx, section.id, item);
      return {
        response_code: 200,
        location: enrollmentUrl(ctx.base, enrollment),
        school_uid: textField(item, 'school_uid'),
        section_school_code: code,
        course_code: section.course_code,
        section_code: '',
      };
    },
    (item) => ({
      school_uid: item ? textField(item, 'school_uid') : undefined,
      section_school_code: item ? textField(item, 'section_school_code') : undefined,
    }),
  );
  return bulkReply(rows);
}

/** POST sections/accesscode, groups/accesscode: the signed-in user joins the realm holding the code, as a member. */
export function joinWithAccessCode(ctx: ApiContext, kind: 'sections' | 'groups'): ApiReply {
  const code = single(() => textField(requireBody(ctx.body), 'access_code'));
  if (!code) throw new ApiError(400, 'access_code is required.');
  const realmKey = ctx.store.realmWithAccessCode(code);
  if (!realmKey || !realmKey.startsWith(`${kind}/`)) throw new ApiError(400, `Invalid access code "${code}": no ${kind === 'groups' ? 'group' : 'section'} has it.`);
  const enrollment = ctx.store.addEnrollment(realmKey, { uid: ctx.identity.uid, admin: 0, status: 1 });
  return { status: 201, value: enrollmentRecord(ctx.store, enrollment, ctx.base, 'accesscode') };
}
