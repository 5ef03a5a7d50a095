import type Database from 'better-sqlite3';
import { type Account } from '../../shared/api';
import { type Provider } from '../../shared/domain/provider';

/** An account as cached. Deliberately no token, secret or password: those live in the OS keychain only. */
export interface AccountRecord extends Account {
  createdAt: string;
}

export interface NewAccount {
  id: string;
  name: string;
  provider: Provider;
  baseUrl: string;
  user?: { id: string; name: string } | null;
}

interface AccountRow {
  id: string;
  name: string;
  provider: Provider;
  base_url: string;
  user_id: string | null;
  user_name: string | null;
  created_at: string;
}

const COLUMNS = 'id, name, provider, base_url, user_id, user_name, created_at';

const SQL = {
  upsert: `
    INSERT INTO accounts (id, name, provider, base_url, user_id, user_name, created_at)
    VALUES (@id, @name, @provider, @baseUrl, @userId, @userName, @createdAt)
    ON CONFLICT (id) DO UPDATE SET
      name = excluded.name, provider = excluded.provider, base_url = excluded.base_url,
      user_id = coalesce(excluded.user_id, accounts.user_id), user_name = coalesce(excluded.user_name, accounts.user_name)`,
  get: `SELECT ${COLUMNS} FROM accounts WHERE id = ?`,
  list: `SELECT ${COLUMNS} FROM accounts ORDER BY name, id`,
  setUser: `UPDATE accounts SET user_id = @userId, user_name = @userName WHERE id = @id`,
  remove: `DELETE FROM accounts WHERE id = ?`,
} as const;

function toRecord(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    baseUrl: row.base_url,
    user: row.user_id === null ? null : { id: row.user_id, name: row.user_name ?? '' },
    createdAt: row.created_at,
  };
}

export class AccountsRepo {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stmt = {
      upsert: db.prepare(SQL.upsert),
      get: db.prepare<[string], AccountRow>(SQL.get),
      list: db.prepare<[], AccountRow>(SQL.list),
      setUser: db.prepare(SQL.setUser),
      remove: db.prepare<[string]>(SQL.remove),
    };
  }

  /** Adds the account, or updates its name/URL; a known user is kept when the new value has none. */
  save(account: NewAccount): AccountRecord {
    this.stmt.upsert.run({
      id: account.id,
      name: account.name,
      provider: account.provider,
      baseUrl: account.baseUrl,
      userId: account.user?.id ?? null,
      userName: account.user?.name ?? null,
      createdAt: this.now().toISOString(),
    });
    return this.require(account.id);
  }

  get(id: string): AccountRecord | null {
    const row = this.stmt.get.get(id);
    return row ? toRecord(row) : null;
  }

  require(id: string): AccountRecord {
    const account = this.get(id);
    if (!account) throw new Error(`Account "${id}" is not in the offline cache; add the account again.`);
    return account;
  }

  list(): AccountRecord[] {
    return this.stmt.list.all().map(toRecord);
  }

  setUser(id: string, user: { id: string; name: string }): void {
    const { changes } = this.stmt.setUser.run({ id, userId: user.id, userName: user.name });
    if (changes === 0) throw new Error(`Account "${id}" is not in the offline cache; cannot record its user.`);
  }

  /** Removes the account and, by cascade, its realms, rosters, people, queued edits and sync history. */
  remove(id: string): boolean {
    return this.stmt.remove.run(id).changes > 0;
  }
}
