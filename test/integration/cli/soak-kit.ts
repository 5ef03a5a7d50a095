/**
 * What the SIGKILL soaks share (sync-soak.test.ts for Schoology, canvas-sync-soak.test.ts for Canvas): drawing where a
 * `roster sync` is cut short, killing the CLI process there, the outbox read straight from the cache file, and a
 * seeded shuffle. Linux only: the kill finds the CLI process through /proc.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { Random } from '../../../electron/sandbox/sandbox-random';
import { CACHE_FILE_NAME } from '../../../electron/services';
import { spawnRoster } from './cli-kit';

/** What a soak needs of a sandbox's request log (both sandboxes' records have these). */
export interface SeenRequest {
  method: string;
  fault?: string | undefined;
}

/**
 * How one sync is cut short: after a delay from its start, once the sandbox has seen `count` of its requests, or once
 * it has seen `count` of its writes (POST/PUT/DELETE) — each plus `ms`.
 */
export type KillPlan = { after: 'delay' | 'requests' | 'writes'; count: number; ms: number };

export function drawKill(random: Random): KillPlan {
  const roll = random();
  // A fifth die on a timer, most of those before the CLI has sent anything (starting it takes ~0.5 s); the rest once
  // the sandbox has seen some of their reads (the check, the refresh) or their writes, a few ms later, so the kill
  // lands while a request is in flight, between the server's commit and its reply, or while results are settled.
  if (roll < 0.2) return { after: 'delay', count: 0, ms: Math.floor(random() * 700) };
  if (roll < 0.4) return { after: 'requests', count: 1 + Math.floor(random() * 8), ms: Math.floor(random() * 25) };
  return { after: 'writes', count: random() < 0.7 ? 1 : 2, ms: Math.floor(random() * 40) };
}

export const isWrite = (r: { method: string }): boolean => r.method === 'POST' || r.method === 'DELETE' || r.method === 'PUT';

export function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * Edits still in the outbox, read straight from the cache file (read-only, beside the CLI's own connections): a
 * `roster pending` per round would cost a process start each.
 */
export function queuedEdits(dataDir: string): number {
  const db = new Database(join(dataDir, CACHE_FILE_NAME), { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], number>('SELECT count(*) FROM outbox').pluck().get() ?? 0;
  } finally {
    db.close();
  }
}

/**
 * The pid of the CLI process the launcher (roster-bin.js) started, once it exists. The kill goes to that process, not
 * to the launcher's group: the launcher, alive, reaps it at once and then dies of the same signal. Killing the group
 * instead would leave the CLI a zombie until PID 1 reaps it, which in a container can take seconds, and a zombie's
 * pid still answers kill(pid, 0), so the next sync would find the lock "held".
 */
function cliPidOf(launcherPid: number): number | null {
  try {
    const children = readFileSync(`/proc/${launcherPid}/task/${launcherPid}/children`, 'utf8').trim();
    return children ? Number(children.split(/\s+/)[0]) : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !readable(`/proc/${launcherPid}/stat`)) return null;
  }
  // A kernel without /proc/PID/task/PID/children: find the process whose parent is the launcher.
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readable(`/proc/${name}/stat`);
    // "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ")".
    if (stat && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === launcherPid) return Number(name);
  }
  return null;
}

function readable(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Runs `roster sync` on `dataDir` and SIGKILLs the CLI process at the planned point (unless it finished first).
 * `requests` is the sandbox's request log, read as the sync goes. The entry says what happened, for the failure log.
 */
export async function killedSync(dataDir: string, requests: readonly SeenRequest[], plan: KillPlan): Promise<{ entry: string; killed: boolean; code: number | null }> {
  const start = requests.length;
  const began = Date.now();
  const { child, result } = spawnRoster(dataDir, ['sync']);
  let done = false;
  void result.then(() => (done = true));
  let killAt: number | null = plan.after === 'delay' ? began + plan.ms : null;
  let killed = false;
  while (!done && !killed) {
    if (killAt === null) {
      const seen = requests.slice(start);
      const reached = plan.after === 'writes' ? seen.filter(isWrite).length : seen.length;
      if (reached >= plan.count) killAt = Date.now() + plan.ms;
    }
    const pid = cliPidOf(child.pid!);
    if (killAt !== null && Date.now() >= killAt && pid !== null) {
      try {
        process.kill(pid, 'SIGKILL');
        killed = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    await delay(1);
  }
  const ended = await result;
  const seen = requests.slice(start);
  const how = ended.signal ?? `exit ${ended.code}`;
  const faults = seen.filter((r) => r.fault).map((r) => `${r.method} ${r.fault}`);
  return {
    entry:
      `${plan.after} ${plan.count} +${plan.ms} ms → ${how} after ${seen.length} requests (${seen.filter(isWrite).length} writes` +
      `${faults.length ? `; ${faults.join(', ')}` : ''})${ended.stderr ? `: ${ended.stderr.trim()}` : ''}` +
      // A sync that ended with edits held (exit 3) says which on stdout.
      (ended.code === 3 ? `\n${ended.stdout.trim()}` : ''),
    killed: ended.signal === 'SIGKILL',
    code: ended.code,
  };
}
