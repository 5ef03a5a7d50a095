/** Schoology enrollment records ⇄ the unified Enrollment. The vocabulary mapping itself lives in roles.ts. */
import { type Enrollment, type EnrollmentFields, type PersonName } from './enrollment';
import {
  roleFromSchoology,
  roleToSchoology,
  statusFromSchoology,
  statusToSchoology,
  type SchoologyAdmin,
  type SchoologyStatus,
} from './roles';
import { type SchoologyEnrollment } from './schoology-wire';

/** "Last, First" — Schoology has no sortable name, and the roster sorts the same way for both providers. */
export function sortableName(first: string, last: string): string {
  return first && last ? `${last}, ${first}` : last || first;
}

/**
 * Schoology normally sends name_display; when it is empty (some accounts, some XML responses) build what Schoology
 * itself would show: the title and middle name only when the person chose to show them, the preferred first name
 * over the legal one.
 */
function displayName(record: SchoologyEnrollment): string {
  if (record.name_display) return record.name_display;
  return [
    record.name_title_show === 1 ? record.name_title : '',
    record.name_first_preferred || record.name_first,
    record.name_middle_show === 1 ? record.name_middle : '',
    record.name_last,
  ]
    .filter(Boolean)
    .join(' ');
}

function personName(record: SchoologyEnrollment): PersonName {
  const first = record.name_first ?? '';
  const last = record.name_last ?? '';
  return {
    title: record.name_title ?? '',
    first,
    firstPreferred: record.name_first_preferred ?? '',
    middle: record.name_middle ?? '',
    last,
    display: displayName(record),
    sortable: sortableName(first, last),
  };
}

export function enrollmentFromSchoology(record: SchoologyEnrollment, realmKey: string): Enrollment {
  return {
    provider: 'schoology',
    id: record.id,
    realmKey,
    userId: record.uid,
    schoolUid: record.school_uid ?? '',
    name: personName(record),
    role: roleFromSchoology(record.admin),
    status: statusFromSchoology(record.status),
    pictureUrl: record.picture_url ?? '',
    source: { provider: 'schoology', record },
  };
}

export interface SchoologyWriteFields {
  admin?: SchoologyAdmin;
  status?: SchoologyStatus;
}

/**
 * The Schoology body fields for an edit. Only the fields being changed are present, so a PUT never rewrites the
 * other one with a stale value. Throws UnmappableValueError for a status Schoology cannot hold.
 */
export function schoologyWriteFields(fields: Partial<EnrollmentFields>): SchoologyWriteFields {
  const out: SchoologyWriteFields = {};
  if (fields.role !== undefined) out.admin = roleToSchoology(fields.role);
  if (fields.status !== undefined) out.status = statusToSchoology(fields.status);
  return out;
}
