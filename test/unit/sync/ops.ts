/** Hand-built outbox ops for the sync engine's pure parts: every field a real op has, overridable per test. */
import type { OutboxOp } from '../../../electron/db/outbox-repo';

export const REALM_KEY = 'sections/3719526';
export const REALM_ID = `school/${REALM_KEY}`;

let seq = 0;

export function op(overrides: Partial<OutboxOp> & Pick<OutboxOp, 'kind'>): OutboxOp {
  seq += 1;
  return {
    id: `op-${seq}`,
    seq,
    accountId: 'school',
    realmId: REALM_ID,
    enrollmentId: null,
    userId: null,
    fields: {},
    base: null,
    state: 'queued',
    error: null,
    attempts: 0,
    createdAt: '2026-11-20T08:00:00.000Z',
    updatedAt: '2026-11-20T08:00:00.000Z',
    ...overrides,
  };
}
