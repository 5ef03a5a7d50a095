import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../electron/sandbox/sandbox-server';
import type { SandboxEnrollment } from '../../../electron/sandbox/sandbox-store';
import {
  accountNameFor,
  addAccount,
  filesHolding,
  forgetKeychain,
  jsonOf,
  outcome,
  removeDir,
  roster,
  sandboxOf,
  SEED,
  spawnRoster,
  tempDataDir,
  type RunResult,
} from './cli-kit';

/**
 * `roster sync`, `sync --dry-run`, `pending` of held edits and `resolve`, as staff run them: the real bin in a child
 * process against a sandbox LMS in this process, the real keychain (scripts/with-keyring.sh). The exit code is the
 * contract scripts rely on: 0 done, 3 done but some edits rejected or in conflict (kept), 4 the LMS unreachable
 * (every edit kept).
 */
interface PendingJson {
  queued: Array<Record<string, unknown>>;
  rejected: Array<Record<string, unknown>>;
  conflicts: Array<Record<string, unknown>>;
}

const runsOf: RunResult[] = [];
async function run(dataDir: string, args: string[], stdin?: string): Promise<RunResult> {
  const result = await roster(dataDir, args, stdin === undefined ? {} : { stdin });
  runsOf.push(result);
  return result;
}
const pendingOf = async (dataDir: string) => jsonOf<PendingJson>(await run(dataDir, ['pending', '--json']));

describe('roster sync against a reachable LMS', () => {
  let sandbox: Sandbox;
  let template: string;
  let dataDir: string;

  beforeAll(async () => {
    sandbox = await sandboxOf();
    template = tempDataDir();
    runsOf.push(await addAccount(template, sandbox));
    const pulled = await run(template, ['pull']);
    if (pulled.code !== 0) throw new Error(`pull failed: ${outcome(pulled)}`);
  });

  afterAll(async () => {
    await forgetKeychain(sandbox);
    await sandbox.close();
    removeDir(template);
  });

  beforeEach(() => {
    dataDir = tempDataDir();
    cpSync(template, dataDir, { recursive: true });
  });

  afterEach(() => {
    removeDir(dataDir);
  });

  /** Users of the district enrolled in neither Algebra section, so an enroll of them is a real create. */
  const newcomers = (count: number): string[] => {
    const taken = new Set([...sandbox.store.enrollmentsIn(SEED.algebraP3), ...sandbox.store.enrollmentsIn(SEED.algebraP5)].map((e) => e.uid));
    const all = sandbox.store.listSections().flatMap((s) => sandbox.store.enrollmentsIn(`sections/${s.id}`)).map((e) => e.uid);
    return [...new Set(all)].filter((uid) => !taken.has(uid)).slice(0, count);
  };
  const studentsOf = (realm: string, count: number) =>
    sandbox.store
      .enrollmentsIn(realm)
      .filter((e) => e.admin === 0 && e.uid !== SEED.howlett)
      .slice(0, count);
  const applyLines = (dataDir: string, lines: object[]) => run(dataDir, ['apply', '-'], lines.map((line) => JSON.stringify(line)).join('\n'));

  it('pushes enrolls, updates and removes in ceil(U/50) + ceil(D/50) requests, then shows the LMS state with nothing pending', async () => {
    const [a, b] = newcomers(2) as [string, string];
    const [updated, removed] = studentsOf(SEED.algebraP3, 2) as [SandboxEnrollment, SandboxEnrollment];
    expect(
      (
        await applyLines(dataDir, [
          { op: 'enroll', realm: SEED.algebraP3, uid: a, admin: 0, status: 1 },
          { op: 'enroll', realm: SEED.algebraP5, uid: b, admin: 1, status: 3 },
          { op: 'update', realm: SEED.algebraP3, id: updated.id, status: 2 },
          { op: 'remove', realm: SEED.algebraP3, id: removed.id },
        ])
      ).code,
    ).toBe(0);
    const writesBefore = sandbox.requests.filter((r) => r.method !== 'GET').length;

    const result = await run(dataDir, ['sync']);
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout).toMatch(/^Pushed 4 edits in 2 requests\. Refreshed \d+ realms\.\n$/);
    expect(sandbox.requests.filter((r) => r.method !== 'GET').length - writesBefore).toBe(2);
    expect(sandbox.store.findEnrollment(SEED.algebraP3, a)).toMatchObject({ admin: 0, status: 1 });
    expect(sandbox.store.findEnrollment(SEED.algebraP5, b)).toMatchObject({ admin: 1, status: 3 });
    expect(sandbox.store.getEnrollment(updated.id)).toMatchObject({ status: 2 });
    expect(sandbox.store.getEnrollment(removed.id)).toBeUndefined();
    expect(await pendingOf(dataDir)).toEqual({ queued: [], rejected: [], conflicts: [] });

    const listed = jsonOf<Array<{ id: string | null; uid: string; pending: unknown }>>(await run(dataDir, ['list', SEED.algebraP3, '--json']));
    expect(listed.every((row) => row.pending === null && row.id !== null)).toBe(true);
    expect(listed.find((row) => row.uid === a)?.id).toBe(sandbox.store.findEnrollment(SEED.algebraP3, a)?.id);
  });

  it('prints the JSON report with --json', async () => {
    await applyLines(dataDir, [{ op: 'enroll', realm: SEED.algebraP3, uid: newcomers(1)[0], admin: 0, status: 1 }]);
    const result = await run(dataDir, ['sync', '--json']);
    expect(result.code, outcome(result)).toBe(0);
    expect(jsonOf(result)).toMatchObject({ outcome: 'ok', applied: 1, rejected: 0, conflicts: 0, requests: { writes: 1 } });
  });

  it('--dry-run prints one line per request and sends nothing', async () => {
    const uids = newcomers(3);
    const students = studentsOf(SEED.algebraP5, 2);
    await applyLines(dataDir, [
      ...uids.map((uid) => ({ op: 'enroll', realm: SEED.algebraP3, uid, admin: 0, status: 1 })),
      ...students.map((s) => ({ op: 'remove', realm: SEED.algebraP5, id: s.id })),
    ]);
    const before = sandbox.requests.length;
    const result = await run(dataDir, ['sync', '--dry-run']);
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      'POST enrollments?update_existing=1  upsert  3 edits',
      `DELETE enrollments?enrollment_ids=${students.map((s) => s.id).join(',')}  remove  2 edits`,
    ]);
    const plan = jsonOf<Array<{ method: string; kind: string; opIds: string[] }>>(await run(dataDir, ['sync', '--dry-run', '--json']));
    expect(plan.map((r) => [r.method, r.kind, r.opIds.length])).toEqual([
      ['POST', 'upsert', 3],
      ['DELETE', 'remove', 2],
    ]);
    expect(sandbox.requests.length).toBe(before);
    expect((await pendingOf(dataDir)).queued).toHaveLength(5);
  });

  it('says there is nothing to send, and syncs an empty queue with exit 0', async () => {
    expect((await run(dataDir, ['sync', '--dry-run'])).stdout).toBe('Nothing to send.\n');
    const result = await run(dataDir, ['sync']);
    expect(result.code, outcome(result)).toBe(0);
    expect(result.stdout).toMatch(/^Pushed 0 edits in 0 requests/);
  });

  it('exits 3 when the LMS rejects an edit, keeps it with the reason, and applies the rest', async () => {
    const [good] = newcomers(1) as [string];
    await applyLines(dataDir, [
      { op: 'enroll', realm: SEED.algebraP3, uid: good, admin: 0, status: 1 },
      { op: 'enroll', realm: SEED.algebraP3, uid: '99999999', admin: 0, status: 1 },
    ]);
    const result = await run(dataDir, ['sync']);
    expect(result.code, outcome(result)).toBe(3);
    expect(result.stdout).toMatch(/^Pushed 1 edit in 1 request; 1 rejected \(kept\)\./);
    expect(result.stdout).toMatch(/ {2}rejected [0-9a-f]{8}: enroll uid 99999999 in sections\/3719526 admin=0 status=1: .+/);
    expect(sandbox.store.findEnrollment(SEED.algebraP3, good)).toBeDefined();
    const pending = await pendingOf(dataDir);
    expect(pending.queued).toEqual([]);
    expect(pending.rejected).toEqual([
      expect.objectContaining({ kind: 'enroll', state: 'rejected', uid: '99999999', realm: SEED.algebraP3, reason: expect.any(String), server: null }),
    ]);
    expect(String(pending.rejected[0]?.reason)).not.toBe('');
  });

  it('drops a rejected edit with resolve --take-theirs, and refuses --keep-mine for it', async () => {
    await applyLines(dataDir, [{ op: 'enroll', realm: SEED.algebraP3, uid: '99999999', admin: 0, status: 1 }]);
    await run(dataDir, ['sync']);
    const [rejected] = (await pendingOf(dataDir)).rejected as [{ id: string }];
    const keep = await run(dataDir, ['resolve', rejected.id.slice(0, 8), '--keep-mine']);
    expect(keep.code, outcome(keep)).toBe(1);
    expect(keep.stderr).toContain('sent again it would fail again');
    const take = await run(dataDir, ['resolve', rejected.id.slice(0, 8), '--take-theirs']);
    expect(take.code, outcome(take)).toBe(0);
    expect(await pendingOf(dataDir)).toEqual({ queued: [], rejected: [], conflicts: [] });
  });

  it('resolves by the short id `pending` shows, which tells apart edits made in the same minute', async () => {
    await applyLines(dataDir, [
      { op: 'enroll', realm: SEED.algebraP3, uid: '99999998', admin: 0, status: 1 },
      { op: 'enroll', realm: SEED.algebraP3, uid: '99999999', admin: 0, status: 1 },
    ]);
    await run(dataDir, ['sync']);
    const table = await run(dataDir, ['pending']);
    const labels = [...table.stdout.matchAll(/^([0-9a-f]{8}) +rejected/gm)].map((match) => match[1]!);
    expect(labels).toHaveLength(2);
    expect(new Set(labels).size).toBe(2);
    const take = await run(dataDir, ['resolve', labels[0]!, '--take-theirs']);
    expect(take.code, outcome(take)).toBe(0);
    const left = (await pendingOf(dataDir)).rejected as Array<{ id: string }>;
    expect(left).toHaveLength(1);
    expect(left[0]!.id.endsWith(labels[1]!)).toBe(true);
  });

  describe('a conflict: the LMS changed a field the edit changes too', () => {
    const conflicted = async (): Promise<{ id: string; enrollmentId: string }> => {
      const [student] = studentsOf(SEED.robotics, 1) as [SandboxEnrollment];
      expect((await run(dataDir, ['update', SEED.robotics, student.id, '--status', '2'])).code).toBe(0);
      // Another admin archives the student on the LMS between our pull and our sync.
      sandbox.store.updateEnrollment(student.id, { status: 5 });
      const result = await run(dataDir, ['sync']);
      expect(result.code, outcome(result)).toBe(3);
      expect(result.stdout).toMatch(/; 1 in conflict \(kept\)\./);
      expect(sandbox.store.getEnrollment(student.id)).toMatchObject({ status: 5 });
      const [op] = (await pendingOf(dataDir)).conflicts as [{ id: string }];
      return { id: op.id, enrollmentId: student.id };
    };

    afterEach(() => {
      // The store is shared by this describe's tests: put the student back as the seed had them.
      for (const e of studentsOf(SEED.robotics, 1)) sandbox.store.updateEnrollment(e.id, { status: 1 });
    });

    it('holds it, and pending shows both values and the reason', async () => {
      const { enrollmentId } = await conflicted();
      const pending = await pendingOf(dataDir);
      expect(pending.conflicts).toEqual([
        expect.objectContaining({
          kind: 'update',
          state: 'conflict',
          realm: SEED.robotics,
          enrollment_id: enrollmentId,
          fields: { status: 2 },
          conflicts: [{ field: 'status', mine: 2, theirs: 5 }],
          reason: 'the LMS has status 5 where you set 2',
          server: { id: enrollmentId, admin: 0, status: 5 },
        }),
      ]);
    });

    it('resolve --keep-mine queues it again and the next sync pushes it', async () => {
      const { id, enrollmentId } = await conflicted();
      const resolved = await run(dataDir, ['resolve', id, '--keep-mine']);
      expect(resolved.code, outcome(resolved)).toBe(0);
      expect((await pendingOf(dataDir)).queued).toHaveLength(1);
      const result = await run(dataDir, ['sync']);
      expect(result.code, outcome(result)).toBe(0);
      expect(sandbox.store.getEnrollment(enrollmentId)).toMatchObject({ status: 2 });
    });

    it('resolve --take-theirs drops the edit and the LMS value stands', async () => {
      const { id, enrollmentId } = await conflicted();
      const resolved = await run(dataDir, ['resolve', id, '--take-theirs', '--json']);
      expect(resolved.code, outcome(resolved)).toBe(0);
      expect(jsonOf(resolved)).toEqual({ id, choice: 'take-theirs', op: null });
      expect(await pendingOf(dataDir)).toEqual({ queued: [], rejected: [], conflicts: [] });
      expect((await run(dataDir, ['sync'])).code).toBe(0);
      expect(sandbox.store.getEnrollment(enrollmentId)).toMatchObject({ status: 5 });
    });

    it('resolve needs exactly one of --keep-mine and --take-theirs (exit 2), and a known op (exit 1)', async () => {
      expect((await run(dataDir, ['resolve', 'abcd'])).code).toBe(2);
      expect((await run(dataDir, ['resolve', 'abcd', '--keep-mine', '--take-theirs'])).code).toBe(2);
      const unknown = await run(dataDir, ['resolve', 'ffffffff', '--keep-mine']);
      expect(unknown.code, outcome(unknown)).toBe(1);
      expect(unknown.stderr).toContain('no unsynced edit ffffffff');
    });
  });

  it('stops on Ctrl+C (SIGINT) after the request under way: exit 1, and every unsent edit stays queued', async () => {
    await applyLines(dataDir, newcomers(2).map((uid) => ({ op: 'enroll', realm: SEED.algebraP3, uid, admin: 0, status: 1 })));
    sandbox.setFaults('latency=300');
    try {
      const start = sandbox.requests.length;
      const { child, result } = spawnRoster(dataDir, ['sync']);
      while (sandbox.requests.length === start) await delay(5);
      // To the launcher, which passes it on to the CLI, as a terminal's Ctrl+C would reach both.
      child.kill('SIGINT');
      const ended = await result;
      runsOf.push(ended);
      expect(ended.code, outcome(ended)).toBe(1);
      expect(ended.stderr).toContain('stopping after the current request');
      expect(ended.stderr).toMatch(/roster: Sync stopped: interrupted\. 2 edits stay queued for the next sync\./);
    } finally {
      sandbox.setFaults(null);
    }
    const pending = await pendingOf(dataDir);
    expect(pending.queued.map((op) => op.state)).toEqual(['queued', 'queued']);
  });

  it('leaves the secret in no file of the data folder and in no output after add, pull, edits, sync and list', async () => {
    const file = join(dataDir, 'edits.jsonl');
    writeFileSync(file, JSON.stringify({ op: 'enroll', realm: SEED.algebraP3, uid: newcomers(1)[0], admin: 0, status: 1 }));
    await run(dataDir, ['apply', file]);
    await run(dataDir, ['sync']);
    await run(dataDir, ['list', SEED.algebraP3]);
    await run(dataDir, ['--json', 'account', 'list']);
    expect(filesHolding(dataDir, sandbox.consumerSecret)).toEqual([]);
    expect(filesHolding(template, sandbox.consumerSecret)).toEqual([]);
    for (const result of runsOf) expect(result.stdout + result.stderr).not.toContain(sandbox.consumerSecret);
  });
});

describe('roster with the LMS unreachable', () => {
  let sandbox: Sandbox;
  let dataDir: string;

  beforeAll(async () => {
    sandbox = await sandboxOf();
    dataDir = tempDataDir();
    await addAccount(dataDir, sandbox);
    const pulled = await roster(dataDir, ['pull']);
    if (pulled.code !== 0) throw new Error(`pull failed: ${outcome(pulled)}`);
    await sandbox.close();
  });

  afterAll(async () => {
    await forgetKeychain(sandbox);
    removeDir(dataDir);
  });

  it('still queues edits, then sync exits 4 and keeps every edit', async () => {
    const enroll = await run(dataDir, ['enroll', SEED.algebraP5, '--uid', SEED.howlett]);
    expect(enroll.code, outcome(enroll)).toBe(0);
    const update = await run(dataDir, ['update', SEED.algebraP3, SEED.howlettEnrollment, '--status', '5']);
    expect(update.code, outcome(update)).toBe(0);

    const result = await run(dataDir, ['sync']);
    expect(result.code, outcome(result)).toBe(4);
    expect(result.stderr).toMatch(/could not be reached.*nothing was lost/);
    const pending = await pendingOf(dataDir);
    expect(pending.queued.map((op) => op.kind)).toEqual(['enroll', 'update']);
    expect(pending.queued.every((op) => op.state === 'queued')).toBe(true);
  });

  it('refuses an edit to a realm it has not pulled, asking for `roster pull`', async () => {
    const result = await run(dataDir, ['enroll', 'sections/999', '--uid', SEED.howlett]);
    expect(result.code, outcome(result)).toBe(1);
    expect(result.stderr).toMatch(/^roster: sections\/999 is not in the offline cache and could not be pulled \(.*\); run `roster pull` first\n$/);
  });

  it('exits 4 for a pull', async () => {
    const result = await run(dataDir, ['pull', '--account', accountNameFor(sandbox)]);
    expect(result.code, outcome(result)).toBe(4);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
