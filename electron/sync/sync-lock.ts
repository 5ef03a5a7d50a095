/**
 * One sync at a time per data dir, across processes (the app and `roster sync` share the cache file). The lock is
 * the single row of the sync_lock table, taken in a BEGIN IMMEDIATE transaction so two processes cannot both see it
 * free. It is a lease, not a flag: it expires unless renewed (the engine renews it every 15 s while syncing), and a
 * holder whose process is gone on this machine loses it at once — so a SIGKILLed sync never blocks the next run.
 */
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { hostname } from 'node:os';

export interface LockHolder {
  owner: string;
  pid: number;
  host: string;
  acquiredAt: string;
  expiresAt: string;
}

export type AcquireResult = { acquired: true; tookOverFrom: LockHolder | null } | { acquired: false; holder: LockHolder };

export interface SyncLockOptions {
  /**
   * Who holds it, for messages ("busy: roster sync (pid 4242) is syncing"). The row is ours only with our pid and
   * host too, so two processes given the same name still exclude each other.
   */
  owner: string;
  now?: () => Date;
  /** Default 60 s. */
  leaseMs?: number;
  /** This process; tests pass others to stand for a holder that died. */
  pid?: number;
  host?: string;
  isAlive?: (pid: number) => boolean;
}

interface LockRow {
  owner: string;
  pid: number;
  host: string;
  acquired_at: string;
  expires_at: string;
}

export const LOCK_LEASE_MS = 60_000;
export const LOCK_RENEW_MS = 15_000;

/** Whether a process with this id exists on this machine. EPERM means it exists but belongs to someone else. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // kill(pid, 0) also succeeds for a zombie: a SIGKILLed sync whose parent has not reaped it yet holds nothing, and
  // must not make the next run report "busy". Linux says so in /proc; elsewhere the lease expiry covers it.
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // Format: "pid (comm) S ..." — comm may hold spaces and parentheses, so the state follows the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

const toHolder = (row: LockRow): LockHolder => ({
  owner: row.owner,
  pid: row.pid,
  host: row.host,
  acquiredAt: row.acquired_at,
  expiresAt: row.expires_at,
});

export class SyncLock {
  private readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly pid: number;
  private readonly host: string;
  private readonly isAlive: (pid: number) => boolean;
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly options: SyncLockOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? LOCK_LEASE_MS;
    this.pid = options.pid ?? process.pid;
    this.host = options.host ?? hostname();
    this.isAlive = options.isAlive ?? processAlive;
    this.stmt = {
      read: db.prepare<[], LockRow>('SELECT owner, pid, host, acquired_at, expires_at FROM sync_lock LIMIT 1'),
      clear: db.prepare('DELETE FROM sync_lock'),
      insert: db.prepare('INSERT INTO sync_lock (owner, pid, host, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      renew: db.prepare('UPDATE sync_lock SET expires_at = ? WHERE owner = ? AND pid = ? AND host = ?'),
      release: db.prepare('DELETE FROM sync_lock WHERE owner = ? AND pid = ? AND host = ?'),
    };
  }

  get owner(): string {
    return this.options.owner;
  }

  /** Who holds the lock now (expired or not), or null. */
  holder(): LockHolder | null {
    const row = this.stmt.read.get();
    return row ? toHolder(row) : null;
  }

  /** Takes the lock when it is free, expired, or held by a process of this machine that no longer exists. */
  acquire(): AcquireResult {
    return this.db
      .transaction((): AcquireResult => {
        const row = this.stmt.read.get();
        const current = row ? toHolder(row) : null;
        if (current && !this.takeable(current)) return { acquired: false, holder: current };
        const at = this.now();
        this.stmt.clear.run();
        this.stmt.insert.run(this.owner, this.pid, this.host, at.toISOString(), this.expiry(at));
        return { acquired: true, tookOverFrom: current };
      })
      .immediate();
  }

  /** Extends the lease; false when the lock is no longer ours (it expired and someone took it). */
  renew(): boolean {
    return this.stmt.renew.run(this.expiry(this.now()), this.owner, this.pid, this.host).changes > 0;
  }

  release(): void {
    this.stmt.release.run(this.owner, this.pid, this.host);
  }

  private takeable(holder: LockHolder): boolean {
    if (Date.parse(holder.expiresAt) <= this.now().getTime()) return true;
    return holder.host === this.host && !this.isAlive(holder.pid);
  }

  private expiry(from: Date): string {
    return new Date(from.getTime() + this.leaseMs).toISOString();
  }
}
