/** Canvas enrollment records ⇄ the unified Enrollment. The vocabulary mapping itself lives in roles.ts. */
import { type CanvasEnrollment } from './canvas-wire';
import { type Enrollment, type EnrollmentFields, type PersonName } from './enrollment';
import {
  roleFromCanvas,
  roleToCanvas,
  statusFromCanvas,
  statusToCanvas,
  type CanvasState,
  type CanvasType,
} from './roles';

/**
 * Canvas has no first/last fields; its sortable_name is "Last, First", so split at the first ", ". Without a comma
 * (a one-word name) the whole name is the surname, which is how Canvas sorts it.
 */
export function splitSortableName(sortable: string): { first: string; last: string } {
  const at = sortable.indexOf(', ');
  if (at < 0) return { first: '', last: sortable.trim() };
  return { first: sortable.slice(at + 2).trim(), last: sortable.slice(0, at).trim() };
}

/** When sortable_name is missing, guess the way Canvas itself derives it: the last word of the name is the surname. */
function sortableFromName(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length < 2) return words.join('');
  return `${words.slice(-1).join('')}, ${words.slice(0, -1).join(' ')}`;
}

function personName(record: CanvasEnrollment): PersonName {
  const display = record.user?.name ?? '';
  const sortable = record.user?.sortable_name || sortableFromName(display);
  const { first, last } = splitSortableName(sortable);
  // short_name is a whole display name ("Stud 1"), not a first name, so it stays in the source record only.
  return { title: '', first, firstPreferred: '', middle: '', last, display, sortable };
}

export function enrollmentFromCanvas(record: CanvasEnrollment, realmKey: string): Enrollment {
  return {
    provider: 'canvas',
    id: record.id,
    realmKey,
    userId: record.user_id,
    // The enrollment's SIS id is only shown to SIS-permitted callers; the embedded user may still carry it.
    schoolUid: record.sis_user_id ?? record.user?.sis_user_id ?? '',
    name: personName(record),
    role: roleFromCanvas(record.type),
    status: statusFromCanvas(record.enrollment_state),
    pictureUrl: record.user?.avatar_url ?? '',
    source: { provider: 'canvas', record },
  };
}

export interface CanvasWriteFields {
  type?: CanvasType;
  enrollment_state?: CanvasState;
}

/**
 * The Canvas fields for an edit; only the fields being changed are present. Throws UnmappableValueError for a status
 * Canvas cannot hold. A custom role (role_id) is not derived here: it lives in the source record.
 */
export function canvasWriteFields(fields: Partial<EnrollmentFields>): CanvasWriteFields {
  const out: CanvasWriteFields = {};
  if (fields.role !== undefined) out.type = roleToCanvas(fields.role);
  if (fields.status !== undefined) out.enrollment_state = statusToCanvas(fields.status);
  return out;
}
