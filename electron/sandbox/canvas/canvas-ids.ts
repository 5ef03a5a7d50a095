/**
 * Path and parameter ids as Canvas reads them: a numeric id, or a SIS id with its prefix (`sis_course_id:ALG1-2026`,
 * `sis_section_id:…`, `sis_user_id:0000101`), and `self` for the token's user (Canvas API "SIS IDs" convention).
 * Anything that finds nothing is Canvas's 404.
 */
import { notFound, type CanvasContext } from './canvas-context';
import type { SandboxCanvasAccount, SandboxCanvasCourse, SandboxCanvasSection, SandboxCanvasUser } from './canvas-store';

function numeric(raw: string): number | undefined {
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export function findCourse(ctx: CanvasContext, raw: string): SandboxCanvasCourse {
  const decoded = decodeURIComponent(raw);
  const course = decoded.startsWith('sis_course_id:')
    ? ctx.store.courseBySisId(decoded.slice('sis_course_id:'.length))
    : ctx.store.getCourse(numeric(decoded) ?? -1);
  if (!course) throw notFound();
  return course;
}

export function findSection(ctx: CanvasContext, raw: string): SandboxCanvasSection {
  const decoded = decodeURIComponent(raw);
  const section = decoded.startsWith('sis_section_id:')
    ? ctx.store.sectionBySisId(decoded.slice('sis_section_id:'.length))
    : ctx.store.getSection(numeric(decoded) ?? -1);
  if (!section) throw notFound();
  return section;
}

/** A user id, `self`, or `sis_user_id:…`; undefined when it names no one (callers choose 404 or 400). */
export function lookupUser(ctx: CanvasContext, raw: string): SandboxCanvasUser | undefined {
  const decoded = decodeURIComponent(raw.trim());
  if (decoded === 'self') return ctx.store.getUser(ctx.userId);
  if (decoded.startsWith('sis_user_id:')) return ctx.store.userBySisId(decoded.slice('sis_user_id:'.length));
  const id = numeric(decoded);
  return id === undefined ? undefined : ctx.store.getUser(id);
}

export function findUser(ctx: CanvasContext, raw: string): SandboxCanvasUser {
  const user = lookupUser(ctx, raw);
  if (!user) throw notFound();
  return user;
}

/** The account in a path: the root account or its sub-account. */
export function findAccount(ctx: CanvasContext, raw: string): SandboxCanvasAccount {
  const account = ctx.store.getAccount(numeric(decodeURIComponent(raw)) ?? -1);
  if (!account) throw notFound();
  return account;
}
