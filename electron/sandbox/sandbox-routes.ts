/**
 * The sandbox's endpoint table (paths relative to /v1) and its read endpoints. Writes live in sandbox-writes.ts;
 * the OAuth token endpoints are answered by the server, which checks them with their own token rules.
 */
import { ApiError, type ApiContext, type ApiReply } from './sandbox-context';
import { enrollmentRecord, groupRecord, page, sectionRecord, userRecord } from './sandbox-records';
import type { SandboxEnrollment } from './sandbox-store';
import {
  createAcrossRealms,
  createInRealm,
  deleteMany,
  deleteOne,
  importByCourseCodes,
  importBySchoolCodes,
  joinWithAccessCode,
  updateInRealm,
  updateOne,
} from './sandbox-writes';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Handler = (ctx: ApiContext, params: string[]) => ApiReply;

interface Route {
  pattern: RegExp;
  methods: Partial<Record<Method, Handler>>;
}

const realm = (params: string[]) => `${params[0]}/${params[1]}`;

const ROUTES: Route[] = [
  {
    pattern: /^(sections|groups)\/(\d+)\/enrollments$/,
    methods: {
      GET: (ctx, p) => listEnrollments(ctx, realm(p)),
      POST: (ctx, p) => createInRealm(ctx, realm(p)),
      PUT: (ctx, p) => updateInRealm(ctx, realm(p)),
    },
  },
  {
    pattern: /^(sections|groups)\/(\d+)\/enrollments\/(\d+)$/,
    methods: {
      GET: (ctx, p) => readEnrollment(ctx, realm(p), p[2] as string),
      PUT: (ctx, p) => updateOne(ctx, realm(p), p[2] as string),
      DELETE: (ctx, p) => deleteOne(ctx, realm(p), p[2] as string),
    },
  },
  { pattern: /^(sections|groups)\/accesscode$/, methods: { POST: (ctx, p) => joinWithAccessCode(ctx, p[0] as 'sections' | 'groups') } },
  { pattern: /^enrollments$/, methods: { POST: (ctx) => createAcrossRealms(ctx), DELETE: (ctx) => deleteMany(ctx) } },
  { pattern: /^enrollments\/import\/course$/, methods: { POST: (ctx) => importBySchoolCodes(ctx) } },
  { pattern: /^enrollments\/import\/course\/([^/]+)$/, methods: { POST: (ctx, p) => importByCourseCodes(ctx, p[0] as string) } },
  { pattern: /^users\/me$/, methods: { GET: (ctx) => ({ status: 303, headers: { Location: `${ctx.base}/users/${ctx.identity.uid}` } }) } },
  { pattern: /^users\/(\d+)$/, methods: { GET: (ctx, p) => readUser(ctx, p[0] as string) } },
  { pattern: /^users\/(\d+)\/(sections|groups)$/, methods: { GET: (ctx, p) => listUserRealms(ctx, p[0] as string, p[1] as 'sections' | 'groups') } },
  { pattern: /^sections\/(\d+)$/, methods: { GET: (ctx, p) => readSection(ctx, p[0] as string) } },
  { pattern: /^groups\/(\d+)$/, methods: { GET: (ctx, p) => readGroup(ctx, p[0] as string) } },
];

/** Answers one authenticated API request; throws ApiError for whole-request failures. */
export function route(ctx: ApiContext): ApiReply {
  const path = ctx.segments.join('/');
  for (const { pattern, methods } of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const handler = methods[ctx.method as Method];
    if (!handler) {
      const allowed = Object.keys(methods).join(', ');
      throw new ApiError(405, `${ctx.method} is not supported on ${path}; use ${allowed}.`, { Allow: allowed });
    }
    return handler(ctx, match.slice(1));
  }
  throw new ApiError(404, `No such endpoint: ${ctx.method} /v1/${path}`);
}

function requireRealm(ctx: ApiContext, realmKey: string): void {
  if (!ctx.store.hasRealm(realmKey)) {
    const [kind, id] = realmKey.split('/');
    throw new ApiError(404, `${kind === 'groups' ? 'Group' : 'Section'} ${id} not found.`);
  }
}

/** A comma-delimited filter as a set, or null when the parameter is absent (no filtering). */
function filter(ctx: ApiContext, name: string): Set<string> | null {
  const value = ctx.query.get(name);
  if (value === null) return null;
  return new Set(value.split(',').map((part) => part.trim()).filter(Boolean));
}

/** GET {realm}/enrollments: paged, filtered by uid, enrollment_status and type (admin|member); picture_size is ignored. */
function listEnrollments(ctx: ApiContext, realmKey: string): ApiReply {
  requireRealm(ctx, realmKey);
  const uids = filter(ctx, 'uid');
  const statuses = filter(ctx, 'enrollment_status');
  const types = filter(ctx, 'type');
  const matches = (e: SandboxEnrollment) =>
    (!uids || uids.has(e.uid)) && (!statuses || statuses.has(String(e.status))) && (!types || types.has(e.admin ? 'admin' : 'member'));
  const all = ctx.store.enrollmentsIn(realmKey);
  const { items, total, links } = page(uids || statuses || types ? all.filter(matches) : all, ctx.query, ctx.rawQuery, ctx.base, `${realmKey}/enrollments`);
  return { status: 200, value: { enrollment: items.map((e) => enrollmentRecord(ctx.store, e, ctx.base, 'read')), total, links } };
}

function readEnrollment(ctx: ApiContext, realmKey: string, id: string): ApiReply {
  requireRealm(ctx, realmKey);
  const enrollment = ctx.store.getEnrollment(id);
  if (!enrollment || enrollment.realmKey !== realmKey) throw new ApiError(404, `Enrollment ${id} not found in ${realmKey}.`);
  return { status: 200, value: enrollmentRecord(ctx.store, enrollment, ctx.base, 'read') };
}

function readUser(ctx: ApiContext, uid: string): ApiReply {
  const user = ctx.store.getUser(uid);
  if (!user) throw new ApiError(404, `User ${uid} not found.`);
  return { status: 200, value: userRecord(user, ctx.base) };
}

/** GET users/{uid}/sections|groups: the realms the person is enrolled in, each once, paged like any list. */
function listUserRealms(ctx: ApiContext, uid: string, kind: 'sections' | 'groups'): ApiReply {
  if (!ctx.store.getUser(uid)) throw new ApiError(404, `User ${uid} not found.`);
  const ids = new Set<string>();
  for (const enrollment of ctx.store.enrollmentsOf(uid)) {
    const [realmKind, id] = enrollment.realmKey.split('/');
    if (realmKind === kind && id) ids.add(id);
  }
  const { items, total, links } = page([...ids], ctx.query, ctx.rawQuery, ctx.base, `users/${uid}/${kind}`);
  const records =
    kind === 'sections'
      ? items.flatMap((id) => {
          const section = ctx.store.getSection(id);
          return section ? [sectionRecord(section, ctx.base)] : [];
        })
      : items.flatMap((id) => {
          const group = ctx.store.getGroup(id);
          return group ? [groupRecord(group, ctx.base)] : [];
        });
  return { status: 200, value: { [kind === 'sections' ? 'section' : 'group']: records, total, links } };
}

function readSection(ctx: ApiContext, id: string): ApiReply {
  const section = ctx.store.getSection(id);
  if (!section) throw new ApiError(404, `Section ${id} not found.`);
  return { status: 200, value: sectionRecord(section, ctx.base) };
}

function readGroup(ctx: ApiContext, id: string): ApiReply {
  const group = ctx.store.getGroup(id);
  if (!group) throw new ApiError(404, `Group ${id} not found.`);
  return { status: 200, value: groupRecord(group, ctx.base) };
}
