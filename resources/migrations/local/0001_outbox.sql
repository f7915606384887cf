-- The desktop's local store (SQLite): the outbox of events bound for the VPS, and the inbox of requests pulled from it.
-- Applied by main/core/db/local-db.ts inside one transaction; PRAGMA user_version records the version.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- seq is the per-client order the server keeps; AUTOINCREMENT so a seq is never reused after pruning.
CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        TEXT    NOT NULL UNIQUE,
  kind            TEXT    NOT NULL,
  payload         TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error      TEXT,
  sent_at         INTEGER
) STRICT;

-- Pending and dead rows are few and looked up often. Sent rows get no index: marking a batch sent must stay cheap,
-- and pruning them (every few hours) can afford a scan.
CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox (seq) WHERE state = 'dead';

CREATE TABLE inbox (
  request_id  TEXT    PRIMARY KEY,
  kind        TEXT    NOT NULL,
  payload     TEXT    NOT NULL,
  received_at INTEGER NOT NULL,
  state       TEXT    NOT NULL DEFAULT 'received' CHECK (state IN ('received', 'done')),
  result      TEXT,
  handled_at  INTEGER
) STRICT;

CREATE INDEX inbox_received ON inbox (received_at) WHERE state = 'received';
