import { type Migration } from '../migrate';

/**
 * Schema 2: the outbox for offline edits and the sync engine's lock.
 *
 * - outbox.realm_id becomes nullable and stops being a foreign key. An access-code join names no realm until the LMS
 *   has applied it; and a realm that drops out of the LMS's listing (or is removed from the cache) must never take
 *   queued edits with it silently: they stay for the user to see, sync or discard. Account removal still cascades.
 * - outbox.user_id is filled for update/remove ops too (from the cached enrollment), so every op of one person in one
 *   realm — their "target" — can be found through outbox_by_target, whatever its kind.
 * - conflicts.field may be 'enrollment': the server removed the enrollment an update or remove was made against.
 * - sync_lock: at most one row (id = 1) naming the process syncing this data directory; absent when nobody is.
 *
 * The rebuild order matters because migrate() runs with foreign_keys ON: DROP TABLE on a parent performs an implicit
 * DELETE that fires ON DELETE CASCADE in its children. So the new conflicts table references the NEW outbox from the
 * start, the old conflicts table (the only child of the old outbox) is dropped before the old outbox, and the renames
 * at the end rewrite conflicts_v2's reference from outbox_v2 to outbox (legacy_alter_table is off by default).
 */
export const outboxOutlivesRealmsMigration: Migration = {
  version: 2,
  name: 'outbox outlives realms; enrollment conflicts; sync lock',
  sql: `
CREATE TABLE outbox_v2 (
  id            TEXT PRIMARY KEY,
  seq           INTEGER NOT NULL UNIQUE,
  account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  realm_id      TEXT,
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
INSERT INTO outbox_v2 (id, seq, account_id, realm_id, kind, enrollment_id, user_id, fields, base, state, error, attempts,
  created_at, updated_at)
SELECT o.id, o.seq, o.account_id, o.realm_id, o.kind, o.enrollment_id,
  coalesce(o.user_id, (SELECT e.user_id FROM realms r JOIN enrollments e ON e.realm_no = r.no
                       WHERE r.id = o.realm_id AND e.enrollment_id = o.enrollment_id)),
  o.fields, o.base, o.state, o.error, o.attempts, o.created_at, o.updated_at
FROM outbox o;

CREATE TABLE conflicts_v2 (
  id          INTEGER PRIMARY KEY,
  op_id       TEXT NOT NULL REFERENCES outbox_v2 (id) ON DELETE CASCADE,
  field       TEXT NOT NULL CHECK (field IN ('role', 'status', 'enrollment')),
  mine        TEXT,
  theirs      TEXT,
  detected_at TEXT NOT NULL,
  resolved_at TEXT
) STRICT;
INSERT INTO conflicts_v2 (id, op_id, field, mine, theirs, detected_at, resolved_at)
SELECT id, op_id, field, mine, theirs, detected_at, resolved_at FROM conflicts;

DROP TABLE conflicts;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
ALTER TABLE conflicts_v2 RENAME TO conflicts;

-- The roster overlay probes a person's ops per realm (newest by seq); the sync engine drains an account's ops in seq
-- order; outbox_by_realm is kept for lookups by enrollment id.
CREATE INDEX outbox_by_realm ON outbox (realm_id, enrollment_id);
CREATE INDEX outbox_by_account ON outbox (account_id, seq);
CREATE INDEX outbox_by_target ON outbox (realm_id, user_id, seq);
CREATE INDEX conflicts_by_op ON conflicts (op_id);

CREATE TABLE sync_lock (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  owner       TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  host        TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  expires_at  TEXT NOT NULL
) STRICT;
`,
};
