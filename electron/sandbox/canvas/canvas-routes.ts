/**
 * The Canvas sandbox's endpoint table (paths relative to /api/v1, lms-api-notes §2.1 and §2.6) and its small reads:
 * the token's user, their courses, a course's sections, the user's permissions on an account. Enrollment reads and
 * writes, SIS imports and bulk enrollment live in their own files. A trailing ".json" is accepted, as Rails routes
 * take it. Before any endpoint runs, the background jobs whose time has come are finished (canvas-jobs.ts), so every
 * answer shows the world as Canvas's worker would have left it.
 */
import { notFound, type CanvasContext, type CanvasReply } from './canvas-context';
import { bulkEnroll, readProgress } from './canvas-bulk-enrollment';
import { listEnrollments, readEnrollment } from './canvas-enrollment-reads';
import { answerInvitation, createEnrollment, endEnrollment, reactivateEnrollment } from './canvas-enrollment-writes';
import { findAccount, findCourse, findUser } from './canvas-ids';
import { bookmarkPage, sortByKey } from './canvas-paging';
import { courseRecord, sectionRecord, selfRecord } from './canvas-records';
import { createSisImport, readSisImport } from './canvas-sis-import';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Handler = (ctx: CanvasContext, params: string[]) => CanvasReply;

interface Route {
  pattern: RegExp;
  methods: Partial<Record<Method, Handler>>;
}

/** An id in a path: digits, or a `sis_…_id:` form (percent-encoded or not), or self. */
const ID = '([^/]+)';
const at = (params: string[], index: number): string => params[index] ?? '';

const ROUTES: Route[] = [
  { pattern: /^users\/self$/, methods: { GET: (ctx) => ({ status: 200, value: selfRecord(findUser(ctx, 'self'), ctx.web) }) } },
  { pattern: /^courses$/, methods: { GET: (ctx) => listCourses(ctx) } },
  { pattern: new RegExp(`^courses/${ID}/sections$`), methods: { GET: (ctx, p) => listSections(ctx, at(p, 0)) } },
  {
    pattern: new RegExp(`^courses/${ID}/enrollments$`),
    methods: { GET: (ctx, p) => listEnrollments(ctx, 'course', at(p, 0)), POST: (ctx, p) => createEnrollment(ctx, 'course', at(p, 0)) },
  },
  {
    pattern: new RegExp(`^sections/${ID}/enrollments$`),
    methods: { GET: (ctx, p) => listEnrollments(ctx, 'section', at(p, 0)), POST: (ctx, p) => createEnrollment(ctx, 'section', at(p, 0)) },
  },
  { pattern: new RegExp(`^users/${ID}/enrollments$`), methods: { GET: (ctx, p) => listEnrollments(ctx, 'user', at(p, 0)) } },
  { pattern: new RegExp(`^courses/${ID}/enrollments/(\\d+)$`), methods: { DELETE: (ctx, p) => endEnrollment(ctx, at(p, 0), at(p, 1)) } },
  { pattern: new RegExp(`^courses/${ID}/enrollments/(\\d+)/reactivate$`), methods: { PUT: (ctx, p) => reactivateEnrollment(ctx, at(p, 0), at(p, 1)) } },
  { pattern: new RegExp(`^courses/${ID}/enrollments/(\\d+)/accept$`), methods: { POST: (ctx, p) => answerInvitation(ctx, at(p, 0), at(p, 1), 'accept') } },
  { pattern: new RegExp(`^courses/${ID}/enrollments/(\\d+)/reject$`), methods: { POST: (ctx, p) => answerInvitation(ctx, at(p, 0), at(p, 1), 'reject') } },
  { pattern: new RegExp(`^accounts/${ID}/permissions$`), methods: { GET: (ctx, p) => accountPermissions(ctx, at(p, 0)) } },
  { pattern: new RegExp(`^accounts/${ID}/enrollments/(\\d+)$`), methods: { GET: (ctx, p) => readEnrollment(ctx, at(p, 0), at(p, 1)) } },
  { pattern: new RegExp(`^accounts/${ID}/sis_imports$`), methods: { POST: (ctx, p) => createSisImport(ctx, at(p, 0)) } },
  { pattern: new RegExp(`^accounts/${ID}/sis_imports/(\\d+)$`), methods: { GET: (ctx, p) => readSisImport(ctx, at(p, 0), at(p, 1)) } },
  { pattern: new RegExp(`^accounts/${ID}/bulk_enrollment$`), methods: { POST: (ctx, p) => bulkEnroll(ctx, at(p, 0)) } },
  { pattern: /^progress\/(\d+)$/, methods: { GET: (ctx, p) => readProgress(ctx, at(p, 0)) } },
];

/** Answers one authenticated request; throws CanvasApiError for whole-request failures. */
export function route(ctx: CanvasContext): CanvasReply {
  ctx.jobs.finishDue(ctx.now());
  const path = ctx.segments.join('/').replace(/\.json$/, '');
  for (const { pattern, methods } of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const handler = methods[ctx.method as Method];
    // Rails answers a known path with an unrouted verb as it answers an unknown path.
    if (!handler) throw notFound();
    return handler(ctx, match.slice(1));
  }
  throw notFound();
}

/** GET courses: the token user's courses (active or invited enrollments), by id. */
function listCourses(ctx: CanvasContext): CanvasReply {
  const mine = new Set(
    ctx.store
      .enrollmentsOfUser(ctx.userId)
      .filter((e) => e.workflow_state === 'active' || e.workflow_state === 'invited')
      .map((e) => e.course_id),
  );
  const courses = ctx.store.listCourses().filter((course) => mine.has(course.id));
  const page = bookmarkPage(sortByKey(courses, (course) => [course.id]), ctx.url, ctx.perPageMax);
  return { status: 200, value: page.items.map((course) => courseRecord(ctx.store, course, ctx.userId)), headers: { Link: page.link } };
}

/** GET courses/:id/sections (include[]=total_students honoured). */
function listSections(ctx: CanvasContext, courseId: string): CanvasReply {
  const course = findCourse(ctx, courseId);
  const totals = ctx.params.list('include').includes('total_students');
  const page = bookmarkPage(sortByKey(ctx.store.sectionsOf(course.id), (section) => [section.id]), ctx.url, ctx.perPageMax);
  return { status: 200, value: page.items.map((section) => sectionRecord(ctx.store, section, totals)), headers: { Link: page.link } };
}

/**
 * GET accounts/:account_id/permissions?permissions[]=…: {name: true|false} for each permission asked (canvas-lms
 * accounts_controller.rb#permissions, the Accounts API's "Permissions"; `self` names the root account there).
 * `import_sis` is what the sandbox's `sisImports` option grants, and only on the root account, the one account SIS
 * imports run on (lms-api-notes §2.6). The token's user holds no other account permission here.
 */
function accountPermissions(ctx: CanvasContext, accountId: string): CanvasReply {
  // Both seeds make the root account 1 (canvas-seed.ts).
  const account = accountId === 'self' ? ctx.store.getAccount(1) : findAccount(ctx, accountId);
  if (!account) throw notFound();
  const rights: Record<string, boolean> = {};
  for (const name of ctx.params.list('permissions')) {
    rights[name] = name === 'import_sis' && ctx.sisImports && account.parent_account_id === null;
  }
  return { status: 200, value: rights };
}
