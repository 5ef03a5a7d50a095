/**
 * Schoology REST v1 wire formats (JSON, or XML already turned into plain objects).
 *
 * Every object is loose: fields Schoology sends that we do not model are kept in the parsed output, because the
 * Enrollment keeps its source record and a record must survive a round trip through the cache unchanged.
 * Only the fields Schoology marks required (enrollment uid, admin, status; and id on records it returns) are required;
 * the embedded user fields are optional because Schoology leaves them out of some responses (e.g. bulk echoes).
 */
import { z } from 'zod';
import { oneOrMany, optionalElement, wireChoice, wireFlag, wireId, wireInt, wireText } from './tolerant';

export const schoologyStatus = wireChoice([1, 2, 3, 4, 5] as const, '1..5');

const text = wireText.optional();
const flag = wireFlag.optional();

/** `links` on a record: `self` is an absolute (often http://, not https) URL that is not always the documented path. */
export const SchoologyLinksSchema = z.looseObject({ self: wireText, next: text });

/** The person fields Schoology embeds in enrollment and user records alike. */
const personFields = {
  school_uid: text,
  name_title: text,
  name_title_show: flag,
  name_first: text,
  name_first_preferred: text,
  name_middle: text,
  name_middle_show: flag,
  name_last: text,
  name_display: text,
  picture_url: text,
};

export const SchoologyEnrollmentSchema = z.looseObject({
  id: wireId,
  uid: wireId,
  ...personFields,
  admin: wireFlag,
  status: schoologyStatus,
  links: optionalElement(SchoologyLinksSchema),
});
export type SchoologyEnrollment = z.output<typeof SchoologyEnrollmentSchema>;

/** Schoology's paged list envelope: the items under their singular name, `total` (a string in practice) and links. */
export function schoologyList<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.looseObject({ [key]: oneOrMany(item), total: wireInt, links: SchoologyLinksSchema } as {
    [P in K]: ReturnType<typeof oneOrMany<T>>;
  } & { total: typeof wireInt; links: typeof SchoologyLinksSchema });
}

export const SchoologyEnrollmentListSchema = schoologyList('enrollment', SchoologyEnrollmentSchema);
export type SchoologyEnrollmentList = z.output<typeof SchoologyEnrollmentListSchema>;

/**
 * One row of a bulk result (create, multi-realm create, import by code, bulk update, bulk delete). Rows echo whatever
 * identified the input item, so which fields appear depends on the endpoint. Ids here are tolerant text, not strict
 * ids: a failed row may echo the bad value it was given, and refusing the whole result would hide which of the other
 * rows were applied — the one thing a caller of a partially successful batch must know.
 */
export const SchoologyBulkResultRowSchema = z.looseObject({
  response_code: wireInt,
  id: text,
  uid: text,
  location: text,
  realm: text,
  realm_id: text,
  school_uid: text,
  course_code: text,
  section_code: text,
  section_school_code: text,
  error: text,
  message: text,
});
export type SchoologyBulkResultRow = z.output<typeof SchoologyBulkResultRowSchema>;

export const SchoologyBulkResultSchema = z.looseObject({
  enrollments: z.looseObject({ enrollment: oneOrMany(SchoologyBulkResultRowSchema) }),
});
export type SchoologyBulkResult = z.output<typeof SchoologyBulkResultSchema>;

/** `users/{uid}`: here `id` is the user's uid. */
export const SchoologyUserSchema = z.looseObject({
  id: wireId,
  uid: wireId.optional(),
  school_id: wireId.optional(),
  building_id: wireId.optional(),
  ...personFields,
  username: text,
  primary_email: text,
  role_id: wireId.optional(),
});
export type SchoologyUser = z.output<typeof SchoologyUserSchema>;

export const SchoologyUserListSchema = schoologyList('user', SchoologyUserSchema);
export type SchoologyUserList = z.output<typeof SchoologyUserListSchema>;

export const SchoologySectionSchema = z.looseObject({
  id: wireId,
  course_title: text,
  course_code: text,
  course_id: wireId.optional(),
  school_id: wireId.optional(),
  building_id: wireId.optional(),
  access_code: text,
  section_title: wireText,
  section_code: text,
  section_school_code: text,
  synced: flag,
  active: flag,
  description: text,
  /** XML repeats the tag per period, so one period arrives unwrapped; the import-by-code endpoints need these ids. */
  grading_periods: oneOrMany(wireId),
  profile_url: text,
  links: optionalElement(SchoologyLinksSchema),
});
export type SchoologySection = z.output<typeof SchoologySectionSchema>;

export const SchoologySectionListSchema = schoologyList('section', SchoologySectionSchema);
export type SchoologySectionList = z.output<typeof SchoologySectionListSchema>;

export const SchoologyGroupSchema = z.looseObject({
  id: wireId,
  title: wireText,
  description: text,
  group_code: text,
  website: text,
  access_code: text,
  category: text,
  school_id: wireId.optional(),
  building_id: wireId.optional(),
  picture_url: text,
  links: optionalElement(SchoologyLinksSchema),
});
export type SchoologyGroup = z.output<typeof SchoologyGroupSchema>;

export const SchoologyGroupListSchema = schoologyList('group', SchoologyGroupSchema);
export type SchoologyGroupList = z.output<typeof SchoologyGroupListSchema>;
