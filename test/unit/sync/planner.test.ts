import { describe, expect, it } from 'vitest';
import { describeBatch, planPush, type PlanItem } from '../../../electron/sync/planner';

const upsert = (n: number, realm = n % 3 === 0 ? 'groups/65371' : 'sections/3719526'): PlanItem => ({
  kind: 'upsert',
  opId: `u${n}`,
  realmKey: realm,
  userId: String(1000 + n),
  fields: { role: 'student', status: 'active' },
});
const remove = (n: number): PlanItem => ({ kind: 'remove', opId: `d${n}`, realmKey: 'sections/4318461', enrollmentId: String(5000 + n) });
const range = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

describe('planPush', () => {
  it('uses exactly ceil(U/50) + ceil(D/50) requests: 120 upserts and 51 removes are 3 + 2', () => {
    const batches = planPush([...range(120).map((n) => upsert(n)), ...range(51).map(remove)], 50);
    expect(batches.map((b) => `${b.kind}:${b.items.length}`)).toEqual(['upsert:50', 'upsert:50', 'upsert:20', 'remove:50', 'remove:1']);
  });

  it('mixes realms within one upsert batch', () => {
    const [batch] = planPush(range(6).map((n) => upsert(n)), 50);
    expect(new Set(batch?.items.map((item) => (item as { realmKey: string }).realmKey))).toEqual(new Set(['sections/3719526', 'groups/65371']));
  });

  it('keeps the given (seq) order within each kind, whatever the interleaving', () => {
    const batches = planPush([upsert(1), remove(1), upsert(2), remove(2), upsert(3)], 2);
    expect(batches.map((b) => b.items.map((item) => item.opId))).toEqual([['u1', 'u2'], ['u3'], ['d1', 'd2']]);
  });

  it('sends each access-code join on its own, after the bulk requests', () => {
    const joins: PlanItem[] = [
      { kind: 'accesscode', opId: 'j1', realmKind: 'section', accessCode: 'A' },
      { kind: 'accesscode', opId: 'j2', realmKind: 'group', accessCode: 'B' },
    ];
    const batches = planPush([joins[0]!, upsert(1), joins[1]!], 50);
    expect(batches.map((b) => `${b.kind}:${b.items.map((item) => item.opId).join(',')}`)).toEqual(['upsert:u1', 'accesscode:j1', 'accesscode:j2']);
  });

  it('plans nothing for nothing', () => {
    expect(planPush([], 50)).toEqual([]);
  });

  it('refuses a batch size below one', () => {
    expect(() => planPush([upsert(1)], 0)).toThrow('at least one item');
  });
});

describe('describeBatch', () => {
  it('names the multi-realm upsert endpoint for creates and updates', () => {
    const [batch] = planPush([upsert(1), upsert(2)], 50);
    expect(describeBatch(batch!)).toEqual({ method: 'POST', endpoint: 'enrollments?update_existing=1', kind: 'upsert', opIds: ['u1', 'u2'] });
  });

  it('lists the enrollment ids of a bulk delete', () => {
    const [batch] = planPush([remove(1), remove(2)], 50);
    expect(describeBatch(batch!)).toEqual({ method: 'DELETE', endpoint: 'enrollments?enrollment_ids=5001,5002', kind: 'remove', opIds: ['d1', 'd2'] });
  });

  it('names the join endpoint of the realm kind', () => {
    const [batch] = planPush([{ kind: 'accesscode', opId: 'j1', realmKind: 'group', accessCode: 'B' }], 50);
    expect(describeBatch(batch!)).toEqual({ method: 'POST', endpoint: 'groups/accesscode', kind: 'accesscode', opIds: ['j1'] });
  });
});
