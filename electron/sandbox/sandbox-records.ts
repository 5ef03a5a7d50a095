/**
 * The sandbox's data as Schoology puts it on the wire, mixed spellings included: in enrollment records ids and
 * status are strings and admin a number (a created enrollment's status a number too), user ids numbers, section
 * flags numbers — exactly as the seed examples show, so clients meet the same inconsistencies they will meet live.
 */
import type { SandboxEnrollment, SandboxGroup, SandboxSection, SandboxStore, SandboxUser } from './sandbox-store';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;

export function enrollmentUrl(base: string, enrollment: SandboxEnrollment): string {
  return `${base}/${enrollment.realmKey}/enrollments/${enrollment.id}`;
}

/**
 * - 'read': list and single reads (status as a string, as in the list example);
 * - 'created': the reply to a create (the seed shows status as a number there);
 * - 'accesscode': the reply to an access-code join (no links, as in its example).
 */
export type EnrollmentStyle = 'read' | 'created' | 'accesscode';

export function enrollmentRecord(store: SandboxStore, enrollment: SandboxEnrollment, base: string, style: EnrollmentStyle): Record<string, unknown> {
  const user = store.getUser(enrollment.uid);
  const record: Record<string, unknown> = {
    id: enrollment.id,
    uid: enrollment.uid,
    school_uid: user?.school_uid ?? '',
    name_title: user?.name_title ?? '',
    name_title_show: user?.name_title_show ?? '0',
    name_first: user?.name_first ?? '',
    name_first_preferred: user?.name_first_preferred ?? '',
    name_middle: user?.name_middle ?? '',
    name_middle_show: user?.name_middle_show ?? '0',
    name_last: user?.name_last ?? '',
    name_display: user?.name_display ?? '',
    admin: enrollment.admin,
    status: style === 'created' ? enrollment.status : String(enrollment.status),
    picture_url: user?.picture_url ?? '',
  };
  if (style !== 'accesscode') record.links = { self: enrollmentUrl(base, enrollment) };
  return record;
}

export function userRecord(user: SandboxUser, base: string): Record<string, unknown> {
  return {
    id: Number(user.uid),
    uid: user.uid,
    school_id: user.school_id,
    building_id: user.building_id,
    synced: '0',
    school_uid: user.school_uid,
    additional_buildings: '',
    name_title: user.name_title,
    name_title_show: user.name_title_show,
    name_first: user.name_first,
    name_first_preferred: user.name_first_preferred,
    use_first_name_preferred: user.name_first_preferred ? '1' : '0',
    name_middle: user.name_middle,
    name_middle_show: user.name_middle_show,
    name_last: user.name_last,
    name_display: user.name_display,
    username: user.username,
    primary_email: user.primary_email,
    picture_url: user.picture_url,
    gender: '',
    position: '',
    grad_year: '',
    role_id: Number(user.role_id),
    tz_offset: -5,
    tz_name: 'America/New_York',
    language: 'en',
    links: { self: `${base}/users/${user.uid}` },
  };
}

export function sectionRecord(section: SandboxSection, base: string): Record<string, unknown> {
  return {
    id: section.id,
    course_title: section.course_title,
    course_code: section.course_code,
    course_id: section.course_id,
    school_id: section.school_id,
    building_id: section.building_id,
    access_code: section.access_code,
    section_title: section.section_title,
    section_code: section.section_code,
    section_school_code: section.section_school_code,
    synced: '0',
    active: section.active,
    description: section.description,
    subject_area: section.subject_area,
    grade_level_range: section.grade_level_range,
    grading_periods: section.grading_periods,
    profile_url: '',
    location: '',
    weight: '',
    links: { self: `${base}/sections/${section.id}` },
  };
}

export function groupRecord(group: SandboxGroup, base: string): Record<string, unknown> {
  return {
    id: group.id,
    title: group.title,
    description: group.description,
    website: group.website,
    access_code: group.access_code,
    category: group.category,
    group_code: group.group_code,
    privacy_level: group.privacy_level,
    picture_url: group.picture_url,
    school_id: group.school_id,
    building_id: group.building_id,
    links: { self: `${base}/groups/${group.id}` },
  };
}

function whole(value: string | null, fallback: number): number {
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : fallback;
}

/**
 * One page of a list, Schoology style: `start` and `limit` (default 20, clamped to 1..200), `total` as a string,
 * `links.self` and — only while more remain — `links.next`, both absolute and keeping the caller's other query
 * parameters (the filters) as written.
 */
export function page<T>(items: readonly T[], query: URLSearchParams, rawQuery: string, base: string, path: string) {
  const start = whole(query.get('start'), 0);
  const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, whole(query.get('limit'), DEFAULT_PAGE_SIZE)));
  const kept = rawQuery
    .split('&')
    .filter((part) => part && !/^(start|limit)(=|$)/.test(part))
    .join('&');
  const link = (from: number) => `${base}/${path}?${kept ? `${kept}&` : ''}start=${from}&limit=${limit}`;
  const links: { self: string; next?: string } = { self: link(start) };
  if (start + limit < items.length) links.next = link(start + limit);
  return { items: items.slice(start, start + limit), total: String(items.length), links };
}
