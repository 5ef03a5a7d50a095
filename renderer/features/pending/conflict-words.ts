/**
 * A conflict's fields in words staff know: the provider's own role and status labels ("Admin", "Expired" for
 * Schoology), and for a vanished enrollment the plain fact that the LMS no longer has it.
 */
import type { PendingView } from '../../../shared/api';
import type { Provider } from '../../../shared/domain/provider';
import { ROLES, STATUSES, type Role, type Status, roleLabel, statusLabel } from '../../../shared/domain/roles';

export type ConflictField = PendingView['conflicts'][number]['conflicts'][number];

export interface ConflictRowWords {
  field: string;
  yours: string;
  theirs: string;
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
const isStatus = (value: string): value is Status => (STATUSES as readonly string[]).includes(value);

export function conflictRowWords(provider: Provider, conflict: ConflictField): ConflictRowWords {
  switch (conflict.field) {
    case 'role':
      return { field: 'Role', yours: roleWords(provider, conflict.mine), theirs: roleWords(provider, conflict.theirs) };
    case 'status':
      return { field: 'Status', yours: statusWords(provider, conflict.mine), theirs: statusWords(provider, conflict.theirs) };
    case 'enrollment':
      return { field: 'Enrollment', yours: 'Your edit of this enrollment', theirs: 'The LMS no longer has this enrollment' };
  }
}

function roleWords(provider: Provider, value: string | null): string {
  if (value === null) return 'Not set';
  return isRole(value) ? roleLabel(provider, value) : value;
}

function statusWords(provider: Provider, value: string | null): string {
  if (value === null) return 'Not set';
  return isStatus(value) ? statusLabel(provider, value) : value;
}
