/** An import's layouts and changes in the words staff see, in the realm's provider's vocabulary. */
import type { ImportChange, ImportLayout } from '../../../shared/api';
import type { Provider } from '../../../shared/domain/provider';
import { roleLabel, statusLabel } from '../../../shared/domain/roles';

export const LAYOUT_LABELS: Record<ImportLayout, string> = {
  plain: 'Roster Desk plain CSV',
  schoology: "Schoology's course-enrollment import layout",
};

export const plural = (n: number, one: string, many: string): string => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** "Enroll as Member, Active", "Status: Active → Archived", "Remove (Admin, Active)". */
export function describeChange(provider: Provider, change: ImportChange): string {
  const role = roleLabel(provider, change.role);
  const status = statusLabel(provider, change.status);
  if (change.kind === 'enroll') return `Enroll as ${role}, ${status}`;
  if (change.kind === 'remove') return `Remove (${role}, ${status})`;
  const parts: string[] = [];
  const before = change.before;
  if (before && roleLabel(provider, before.role) !== role) parts.push(`Role: ${roleLabel(provider, before.role)} → ${role}`);
  if (before && statusLabel(provider, before.status) !== status) parts.push(`Status: ${statusLabel(provider, before.status)} → ${status}`);
  // A change the provider's words cannot tell apart (e.g. a TA made a teacher, both "Admin" in Schoology).
  return parts.length > 0 ? parts.join('; ') : `Set to ${role}, ${status}`;
}

/** The confirm button: it says how many changes it queues and, when there are bad rows, that it leaves them out. */
export function queueLabel(changes: number, problems: number): string {
  const queue = `queue ${plural(changes, 'change', 'changes')}`;
  return problems > 0 ? `Skip ${plural(problems, 'bad row', 'bad rows')} and ${queue}` : `Queue ${plural(changes, 'change', 'changes')}`;
}
