import type Database from 'better-sqlite3';
import { AccountsRepo } from './accounts-repo';
import { ConflictsRepo } from './conflicts-repo';
import { EnrollmentsRepo } from './enrollments-repo';
import { openDatabase, type OpenDatabaseOptions } from './open-database';
import { OutboxRepo } from './outbox-repo';
import { PeopleSearch } from './people-search';
import { RealmsRepo } from './realms-repo';
import { RosterQueryRepo } from './roster-query';
import { SyncRunsRepo } from './sync-runs-repo';

export interface Cache {
  db: Database.Database;
  /** Something staff must be told about the cache on start-up (see openDatabase), or null. */
  notice: string | null;
  accounts: AccountsRepo;
  realms: RealmsRepo;
  enrollments: EnrollmentsRepo;
  /** "Add people": who the account's cache knows, by name or school uid. */
  people: PeopleSearch;
  roster: RosterQueryRepo;
  outbox: OutboxRepo;
  conflicts: ConflictsRepo;
  syncRuns: SyncRunsRepo;
  close(): void;
}

export interface OpenCacheOptions extends OpenDatabaseOptions {
  now?: () => Date;
}

/** Opens the offline cache at `file` (or ':memory:') with one repository per table family. */
export function openCache(file: string, options: OpenCacheOptions = {}): Cache {
  const { db, notice } = openDatabase(file, options);
  const now = options.now ?? (() => new Date());
  return {
    db,
    notice,
    accounts: new AccountsRepo(db, now),
    realms: new RealmsRepo(db),
    enrollments: new EnrollmentsRepo(db, now),
    people: new PeopleSearch(db),
    roster: new RosterQueryRepo(db),
    outbox: new OutboxRepo(db, now),
    conflicts: new ConflictsRepo(db, now),
    syncRuns: new SyncRunsRepo(db, now),
    close: () => db.close(),
  };
}
