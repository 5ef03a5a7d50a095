import { type Migration } from '../migrate';

/**
 * The first cache schema.
 *
 * Why the shapes are what they are:
 * - accounts never hold secrets: tokens and keys live in the OS keychain (electron/vault), keyed by account id.
 * - realms.id is "<accountId>/<key>" so a realm id alone says which account it belongs to. Enrollment rows refer to
 *   their realm by realms.no, a small integer: keys compare faster and each of 100,000 rows is ~30 bytes shorter than
 *   with the text id (measured: ~8% faster ingest).
 * - enrollments is WITHOUT ROWID keyed (realm_no, enrollment_id): a roster query reads one realm as one contiguous key
 *   range, and ingest maintains one b-tree instead of a table plus a unique index. The raw provider record (`source`)
 *   is the last column so the roster query, which never reads it, stops decoding before it (and before any overflow
 *   page a large Canvas record spills into).
 * - sort_key is the sortable name lowercased in JS (Unicode-aware, unlike SQLite's lower()), so sorting by name is a
 *   plain binary comparison.
 * - enrollments has no CHECK constraints and no foreign key: ingest writes 100,000 rows at a time, and per-row CHECK
 *   (IN lists) and foreign-key probes cost about a third of the insert. The ingest validates role/status in JS and
 *   checks the realm once per snapshot; a trigger does the cascade from realms.
 * - people is the directory of people known outside a cached roster row: those the app looked up or queued to enroll
 *   (the roster overlay names pending enrolls from it). Ingest does not fill it: enrollments already carry the names a
 *   roster shows, and upserting them on every pull cost ~15% of the ingest rate (bench: 0.68× → 0.80× of bare).
 * - outbox.seq comes from the counters table rather than max(seq)+1, so it never repeats after ops are deleted.
 */
export const initialMigration: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;
INSERT INTO counters (name, value) VALUES ('outbox_seq', 0);

CREATE TABLE accounts (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  provider   TEXT NOT NULL CHECK (provider IN ('schoology', 'canvas')),
  base_url   TEXT NOT NULL,
  user_id    TEXT,
  user_name  TEXT,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE realms (
  no                  INTEGER PRIMARY KEY,
  id                  TEXT NOT NULL UNIQUE,
  account_id          TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  key                 TEXT NOT NULL,
  provider            TEXT NOT NULL CHECK (provider IN ('schoology', 'canvas')),
  kind                TEXT NOT NULL CHECK (kind IN ('section', 'group', 'course')),
  remote_id           TEXT NOT NULL,
  title               TEXT NOT NULL,
  course_title        TEXT NOT NULL DEFAULT '',
  course_code         TEXT NOT NULL DEFAULT '',
  section_code        TEXT NOT NULL DEFAULT '',
  section_school_code TEXT NOT NULL DEFAULT '',
  grading_periods     TEXT NOT NULL DEFAULT '[]',
  pulled_at           TEXT,
  enrollment_count    INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, key)
) STRICT;

CREATE TABLE people (
  account_id           TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  user_id              TEXT NOT NULL,
  school_uid           TEXT NOT NULL,
  name_title           TEXT NOT NULL,
  name_first           TEXT NOT NULL,
  name_first_preferred TEXT NOT NULL,
  name_middle          TEXT NOT NULL,
  name_last            TEXT NOT NULL,
  display_name         TEXT NOT NULL,
  sortable_name        TEXT NOT NULL,
  sort_key             TEXT NOT NULL,
  picture_url          TEXT NOT NULL,
  PRIMARY KEY (account_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE enrollments (
  realm_no             INTEGER NOT NULL,
  enrollment_id        TEXT NOT NULL,
  user_id              TEXT NOT NULL,
  school_uid           TEXT NOT NULL,
  name_first           TEXT NOT NULL,
  name_first_preferred TEXT NOT NULL,
  name_last            TEXT NOT NULL,
  display_name         TEXT NOT NULL,
  sortable_name        TEXT NOT NULL,
  sort_key             TEXT NOT NULL,
  picture_url          TEXT NOT NULL,
  role                 TEXT NOT NULL,
  status               TEXT NOT NULL,
  source               TEXT NOT NULL,
  PRIMARY KEY (realm_no, enrollment_id)
) STRICT, WITHOUT ROWID;
-- Stands in for ON DELETE CASCADE (see above); fires for account removal too, whose cascade deletes the realms.
CREATE TRIGGER realms_delete_enrollments AFTER DELETE ON realms BEGIN
  DELETE FROM enrollments WHERE realm_no = old.no;
END;

CREATE TABLE outbox (
  id            TEXT PRIMARY KEY,
  seq           INTEGER NOT NULL UNIQUE,
  account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  realm_id      TEXT NOT NULL REFERENCES realms (id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('enroll', 'update', 'remove', 'access_code')),
  enrollment_id TEXT,
  user_id       TEXT,
  fields        TEXT NOT NULL DEFAULT '{}',
  base          TEXT,
  state         TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'in_flight', 'rejected', 'conflict')),
  error         TEXT,
  attempts      INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;
-- The roster overlay probes ops per enrollment (and per realm for enrolls); the sync engine drains an account's
-- ops in seq order.
CREATE INDEX outbox_by_realm ON outbox (realm_id, enrollment_id);
CREATE INDEX outbox_by_account ON outbox (account_id, seq);

CREATE TABLE conflicts (
  id          INTEGER PRIMARY KEY,
  op_id       TEXT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
  field       TEXT NOT NULL CHECK (field IN ('role', 'status')),
  mine        TEXT,
  theirs      TEXT,
  detected_at TEXT NOT NULL,
  resolved_at TEXT
) STRICT;
CREATE INDEX conflicts_by_op ON conflicts (op_id);

CREATE TABLE sync_runs (
  id          INTEGER PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  outcome     TEXT CHECK (outcome IN ('ok', 'partial', 'failed', 'offline', 'cancelled')),
  counts      TEXT NOT NULL DEFAULT '{}',
  message     TEXT
) STRICT;
CREATE INDEX sync_runs_by_account ON sync_runs (account_id, started_at);
`,
};
