/**
 * The CLI speaks Schoology's numbers (admin 0|1, status 1–5), as the LMS's own pages and exports do; the cache and
 * the outbox hold the unified vocabulary (shared/domain/roles.ts). These convert at the edge.
 */
import type { OutboxFields } from '../db/outbox-repo';
import {
  roleFromSchoology,
  roleToSchoology,
  statusFromSchoology,
  statusToSchoology,
  STATUSES,
  type Role,
  type SchoologyAdmin,
  type SchoologyStatus,
  type Status,
} from '../../shared/domain/roles';
import type { Provider } from '../../shared/domain/provider';
import { UsageError } from './usage-error';

/** Statuses for `--status N` and the `status` of an edit line; the CLI's help names them. */
export const STATUS_WORDS = '1 active, 2 expired, 3 invite pending, 4 request pending, 5 archived';

export const adminOf = (role: Role): SchoologyAdmin => roleToSchoology(role);

/** The Schoology number of a status, or null for the two it cannot hold (never the case for Schoology data). */
export function statusNumberOf(status: Status): SchoologyStatus | null {
  try {
    return statusToSchoology(status);
  } catch {
    return null;
  }
}

export function parseStatus(text: string, flag = '--status'): SchoologyStatus {
  const n = Number(text);
  if (!/^[1-5]$/.test(text.trim()) || !Number.isInteger(n)) throw new UsageError(`${flag} must be 1 to 5 (${STATUS_WORDS}), got "${text}"`);
  return n as SchoologyStatus;
}

export function parseAdmin(text: string, flag = '--admin'): SchoologyAdmin {
  if (text !== '0' && text !== '1') throw new UsageError(`${flag} must be 0 (member) or 1 (admin), got "${text}"`);
  return Number(text) as SchoologyAdmin;
}

export const roleOfAdmin = (admin: SchoologyAdmin): Role => roleFromSchoology(admin);
export const statusOfNumber = (status: SchoologyStatus): Status => statusFromSchoology(status);

/** Every unified status that Schoology shows as `n` (3 is both "invited" and "creation_pending"). */
export function statusesShownAs(n: SchoologyStatus): Status[] {
  return STATUSES.filter((status) => statusNumberOf(status) === n);
}

export interface SchoologyFields {
  admin?: SchoologyAdmin;
  /** For a Canvas account only: the role itself, which admin alone cannot tell (a TA and a teacher are both 1). */
  role?: Role;
  status?: SchoologyStatus | null;
  access_code?: string;
  realm_kind?: 'section' | 'group';
}

/**
 * An op's fields as the CLI prints them: admin/status numbers (and, for a Canvas account, the role); an access-code
 * join's code and realm kind.
 */
export function schoologyFields(fields: OutboxFields & { realmKind?: 'section' | 'group' }, provider?: Provider): SchoologyFields {
  const out: SchoologyFields = {};
  if (fields.role !== undefined) out.admin = adminOf(fields.role);
  if (fields.role !== undefined && provider === 'canvas') out.role = fields.role;
  if (fields.status !== undefined) out.status = statusNumberOf(fields.status);
  if (fields.accessCode !== undefined) out.access_code = fields.accessCode;
  if (fields.realmKind !== undefined) out.realm_kind = fields.realmKind;
  return out;
}

/** A conflict's value (a unified role or status, or null) in Schoology's terms. */
export function schoologyValue(field: 'role' | 'status' | 'enrollment', value: string | null): number | string | null {
  if (value === null) return null;
  if (field === 'role') return adminOf(value as Role);
  if (field === 'status') return statusNumberOf(value as Status);
  return value;
}

/** The field name the CLI uses: Schoology calls the role "admin". */
export const schoologyFieldName = (field: 'role' | 'status' | 'enrollment'): 'admin' | 'status' | 'enrollment' =>
  field === 'role' ? 'admin' : field;
