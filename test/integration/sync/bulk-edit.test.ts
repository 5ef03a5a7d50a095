import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BulkChange } from '../../../shared/api';
import { editFiltered } from '../../../electron/sync/bulk-edit';
import { EditError, type Edit } from '../../../electron/sync/outbox';
import { ACCOUNT, ANN, ART, BOB, CARA, EVE, ONE, openFixture, type Fixture } from './outbox-fixture';

/**
 * A bulk change reads its realms once and writes without a savepoint per row (electron/sync/target-store.ts); what it
 * queues must be exactly what the same edits made one at a time through Outbox.apply queue.
 */
let bulk: Fixture;
let single: Fixture;

/** The same history in both caches: a queued update, a rejected op, a pending enroll (edited again), an op in flight. */
function prepare(f: Fixture): void {
  f.outbox.apply([{ kind: 'update', realmId: ONE, enrollmentId: ANN.id, fields: { role: 'teacher' } }]);
  const [rejected] = f.outbox.apply([{ kind: 'update', realmId: ONE, enrollmentId: BOB.id, fields: { status: 'inactive' } }]);
  f.outbox.settleRejected(rejected!.op!.id, 400, 'The section is locked');
  const [enroll] = f.outbox.apply([{ kind: 'enroll', realmId: ONE, userId: EVE.uid, fields: { role: 'student', status: 'active' } }]);
  f.outbox.apply([{ kind: 'update', realmId: ONE, enrollmentId: enroll!.op!.id, fields: { role: 'ta' } }]);
  const [sending] = f.outbox.apply([{ kind: 'update', realmId: ART, enrollmentId: EVE.id, fields: { status: 'inactive' } }]);
  f.outbox.markInFlight([sending!.op!.id]);
}

/** The outbox and people as stored, without what differs between two caches anyway (op ids, times). */
function stored(f: Fixture): unknown {
  const ops = f.cache.db
    .prepare('SELECT seq, realm_id, kind, enrollment_id, user_id, fields, base, state, error, attempts FROM outbox ORDER BY seq')
    .all();
  const people = f.cache.db.prepare('SELECT * FROM people ORDER BY account_id, user_id').all();
  return { ops, people, seq: f.cache.db.prepare(`SELECT value FROM counters WHERE name = 'outbox_seq'`).pluck().get() };
}

/** What editFiltered does, one Outbox.apply per row: the reference. */
function oneByOne(f: Fixture, realmIds: string[], change: BulkChange): void {
  const rows = [...f.cache.roster.each({ realmIds, sort: { column: 'name', direction: 'asc' } })];
  for (const row of rows) {
    const ref = row.enrollmentId ?? row.pending?.opId;
    if (!ref || (row.pending && row.pending.state !== 'queued')) continue;
    if (row.pending && f.cache.outbox.get(row.pending.opId)?.state === 'in_flight') continue;
    if (row.pending?.kind === 'remove') continue;
    let edit: Edit;
    if (change.kind === 'remove') edit = { kind: 'remove', realmId: row.realmId, enrollmentId: ref };
    else {
      const fields = Object.fromEntries(Object.entries(change.fields).filter(([key, value]) => row[key as 'role' | 'status'] !== value));
      if (Object.keys(fields).length === 0) continue;
      edit = { kind: 'update', realmId: row.realmId, enrollmentId: ref, fields };
    }
    try {
      f.outbox.apply([edit]);
    } catch (error) {
      if (!(error instanceof EditError && error.code === 'held')) throw error;
    }
  }
}

beforeEach(() => {
  bulk = openFixture();
  single = openFixture();
  prepare(bulk);
  prepare(single);
});
afterEach(() => {
  bulk.close();
  single.close();
});

describe('a bulk change', () => {
  const changes: Array<[string, BulkChange]> = [
    ['a status change', { kind: 'update', fields: { status: 'inactive' } }],
    ['a role and status change', { kind: 'update', fields: { role: 'student', status: 'active' } }],
    ['a removal', { kind: 'remove' }],
  ];
  for (const [name, change] of changes) {
    it(`queues what the same edits made one by one queue: ${name}`, () => {
      editFiltered(bulk.cache, bulk.outbox, { filter: { realmIds: [ONE, ART] }, except: [], change });
      oneByOne(single, [ONE, ART], change);
      expect(stored(bulk)).toEqual(stored(single));
    });
  }

  it('queues what single edits queue when run twice over its own ops (merging and cancelling)', () => {
    const there: BulkChange = { kind: 'update', fields: { status: 'completed' } };
    const back: BulkChange = { kind: 'update', fields: { status: 'active' } };
    editFiltered(bulk.cache, bulk.outbox, { filter: { realmIds: [ONE] }, except: [], change: there });
    editFiltered(bulk.cache, bulk.outbox, { filter: { realmIds: [ONE] }, except: [], change: back });
    oneByOne(single, [ONE], there);
    oneByOne(single, [ONE], back);
    expect(stored(bulk)).toEqual(stored(single));
  });

  it('copies the people of the rows it queues edits for, so the roster can still name them', () => {
    editFiltered(bulk.cache, bulk.outbox, { filter: { realmIds: [ONE] }, except: [], change: { kind: 'update', fields: { status: 'completed' } } });
    expect(bulk.cache.enrollments.getPerson(ACCOUNT, CARA.uid)).toMatchObject({ displayName: 'Cara Diaz' });
    expect(bulk.cache.db.prepare('SELECT user_id FROM people ORDER BY user_id').pluck().all()).toEqual([ANN.uid, BOB.uid, CARA.uid, EVE.uid]);
  });

  it('numbers its ops after every earlier op, and an edit after it after them', () => {
    editFiltered(bulk.cache, bulk.outbox, { filter: { realmIds: [ONE] }, except: [], change: { kind: 'update', fields: { status: 'completed' } } });
    const [later] = bulk.outbox.apply([{ kind: 'update', realmId: ART, enrollmentId: EVE.id, fields: { role: 'teacher' } }]);
    const seqs = bulk.cache.outbox.listByAccount(ACCOUNT).map((op) => op.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(later!.op!.seq).toBe(Math.max(...seqs));
  });
});
