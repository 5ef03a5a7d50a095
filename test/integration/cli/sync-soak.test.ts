import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, type Random } from '../../../electron/sandbox/sandbox-random';
import type { Sandbox } from '../../../electron/sandbox/sandbox-server';
import type { AdminFlag, EnrollmentStatus, SandboxEnrollment } from '../../../electron/sandbox/sandbox-store';
import { addAccount, forgetKeychain, jsonOf, outcome, removeDir, roster, sandboxOf, tempDataDir } from './cli-kit';
import { drawKill, killedSync, queuedEdits, shuffled } from './soak-kit';

/**
 * The soak the sync issue demands: `roster sync` killed with SIGKILL at random points — before its first request,
 * in the middle of requests, between a commit on the server and the reply — at least 20 times, against a sandbox
 * that drops replies after committing (drop-after) and answers 503; then one sync with the faults cleared. The LMS
 * must end up holding exactly the intended rosters: every edit applied once, nothing lost, no one enrolled twice,
 * and the outbox empty.
 *
 * The edits come in chunks queued with `roster apply` whenever the syncs so far got everything through (each chunk
 * names people no other chunk touches), so every killed sync has work to be interrupted in; the first chunk holds
 * over 50 upserts, so its sync needs two upsert requests. Kill points and edits are drawn from a seeded PRNG; the
 * timing of a kill relative to the server still varies from run to run, which is the point. Linux only: the kill
 * finds the CLI process through /proc (soak-kit.ts).
 */
const SEED = 20260426;
const FAULTS = 'drop-after=0.2,error503=0.1,seed=7';
const KILLS = 20;
/** Give up (and fail) rather than loop forever if syncs keep finishing before their kill. */
const MAX_SYNCS = 60;
const CHUNKS = 12;
const KEY_OWNER = '45552';
const REALMS = ['sections/3719526', 'sections/4318461', 'sections/3719531', 'sections/3719544', 'groups/65371', 'groups/65402'];

type Fields = { admin: AdminFlag; status: EnrollmentStatus };
type Line =
  | ({ op: 'enroll'; realm: string; uid: string } & Fields)
  | { op: 'update'; realm: string; id: string; admin?: AdminFlag; status?: EnrollmentStatus }
  | { op: 'remove'; realm: string; id: string };

let sandbox: Sandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await sandboxOf();
  dataDir = tempDataDir();
  await addAccount(dataDir, sandbox);
  const pulled = await roster(dataDir, ['pull']);
  if (pulled.code !== 0) throw new Error(`pull failed: ${outcome(pulled)}`);
});

afterAll(async () => {
  await forgetKeychain(sandbox);
  await sandbox.close();
  removeDir(dataDir);
});

/** uid → {admin, status} of a realm as the sandbox holds it now. */
function serverRoster(realm: string): Map<string, Fields> {
  return new Map(sandbox.store.enrollmentsIn(realm).map((e) => [e.uid, { admin: e.admin, status: e.status }]));
}

/** Which realms chunk `c` edits: all six in the first (big) one, then two at a time in turn, so a sync is short. */
const realmsOfChunk = (c: number): string[] => (c === 0 ? REALMS : [REALMS[(2 * c) % REALMS.length]!, REALMS[(2 * c + 1) % REALMS.length]!]);

/** CHUNKS chunks of enrolls, updates and removes; no person is touched twice in a realm. */
function planEdits(random: Random): Line[][] {
  const people = [...new Set(REALMS.flatMap((realm) => sandbox.store.enrollmentsIn(realm).filter((e) => e.admin === 0).map((e) => e.uid)))];
  const statuses: EnrollmentStatus[] = [1, 2, 3, 5];
  const pools = new Map(
    REALMS.map((realm) => {
      const initial = sandbox.store.enrollmentsIn(realm);
      const members = new Set(initial.map((e) => e.uid));
      return [
        realm,
        {
          // The key owner stays untouched: he is how the account sees the realm at all.
          movable: shuffled(random, initial.filter((e) => e.uid !== KEY_OWNER)),
          outsiders: shuffled(random, people.filter((uid) => !members.has(uid))),
        },
      ];
    }),
  );
  const chunks: Line[][] = [];
  for (let c = 0; c < CHUNKS; c++) {
    const chunk: Line[] = [];
    for (const realm of realmsOfChunk(c)) {
      const { movable, outsiders } = pools.get(realm)!;
      // The first chunk is the big one: over 50 upserts in all, so its sync needs two upsert requests.
      for (const uid of outsiders.splice(0, c === 0 ? 9 : 3)) {
        const fields: Fields = { admin: random() < 0.15 ? 1 : 0, status: statuses[Math.floor(random() * statuses.length)] as EnrollmentStatus };
        chunk.push({ op: 'enroll', realm, uid, ...fields });
      }
      for (const e of movable.splice(0, c === 0 ? 1 : 2)) {
        const status = statuses.filter((s) => s !== e.status)[Math.floor(random() * 3)] as EnrollmentStatus;
        const flip = random() < 0.3;
        chunk.push({ op: 'update', realm, id: e.id, status, ...(flip ? { admin: (1 - e.admin) as AdminFlag } : {}) });
      }
      for (const e of movable.splice(0, 1)) {
        chunk.push({ op: 'remove', realm, id: e.id });
      }
    }
    chunks.push(shuffled(random, chunk));
  }
  return chunks;
}

/** The rosters the LMS should end with: `initial` (realm → uid → fields, by enrollment id too) with `lines` applied in order. */
function intended(initial: ReadonlyMap<string, SandboxEnrollment[]>, lines: readonly Line[]): Map<string, Map<string, Fields>> {
  const rosters = new Map([...initial].map(([realm, rows]) => [realm, new Map(rows.map((e) => [e.uid, { admin: e.admin, status: e.status }]))]));
  const uidOf = new Map([...initial.values()].flat().map((e) => [e.id, e.uid]));
  for (const line of lines) {
    const roster = rosters.get(line.realm)!;
    if (line.op === 'enroll') roster.set(line.uid, { admin: line.admin, status: line.status });
    else if (line.op === 'remove') roster.delete(uidOf.get(line.id)!);
    else {
      const uid = uidOf.get(line.id)!;
      const was = roster.get(uid)!;
      roster.set(uid, { admin: line.admin ?? was.admin, status: line.status ?? was.status });
    }
  }
  return rosters;
}

describe('roster sync killed with SIGKILL at random points under drops-after-commit and 503s', () => {
  it.runIf(process.platform === 'linux')(
    'leaves the LMS with exactly the intended rosters, no one enrolled twice, and an empty outbox',
    async () => {
      const random = mulberry32(SEED);
      const chunks = planEdits(random);
      const initial = new Map(REALMS.map((realm) => [realm, sandbox.store.enrollmentsIn(realm).map((e) => ({ ...e }))]));
      const queued: Line[] = [];
      sandbox.setFaults(FAULTS);

      const log: string[] = [];
      const queue = async (chunk: Line[]) => {
        const applied = await roster(dataDir, ['apply', '-'], { stdin: chunk.map((line) => JSON.stringify(line)).join('\n') });
        expect(applied.code, outcome(applied)).toBe(0);
        queued.push(...chunk);
        log.push(`queued ${chunk.length} edits`);
      };
      let next = 0;
      let kills = 0;
      for (let syncs = 0; kills < KILLS && syncs < MAX_SYNCS; syncs++) {
        // Whenever the syncs so far got every edit through, queue the next chunk: each sync has work to be cut off in.
        if (queuedEdits(dataDir) === 0 && next < chunks.length) await queue(chunks[next++]!);
        const { entry, killed } = await killedSync(dataDir, sandbox.requests, drawKill(random));
        log.push(entry);
        if (killed) kills += 1;
      }
      expect(kills, log.join('\n')).toBeGreaterThanOrEqual(20);

      sandbox.setFaults(null);
      const last = await roster(dataDir, ['sync']);
      expect(last.code, `${outcome(last)}\n${log.join('\n')}`).toBe(0);

      const expected = intended(initial, queued);
      for (const realm of REALMS) {
        const uids = sandbox.store.enrollmentsIn(realm).map((e) => e.uid);
        expect(uids.length, `${realm}: someone is enrolled twice\n${log.join('\n')}`).toBe(new Set(uids).size);
        expect(Object.fromEntries(serverRoster(realm)), `${realm}\n${log.join('\n')}`).toEqual(Object.fromEntries(expected.get(realm)!));
        // People who stayed kept their enrollment: nothing was removed and created again.
        const initialIds = new Map(initial.get(realm)!.map((e) => [e.uid, e.id]));
        for (const e of sandbox.store.enrollmentsIn(realm)) {
          const before = initialIds.get(e.uid);
          if (before !== undefined) expect(e.id, `${realm} uid ${e.uid}`).toBe(before);
        }
      }
      const pending = jsonOf(await roster(dataDir, ['pending', '--json']));
      expect(pending).toEqual({ queued: [], rejected: [], conflicts: [] });
    },
    120_000,
  );
});
