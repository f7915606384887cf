-- Voice history: the voice pipeline's turn records (until now created by main/core/voice/store.ts when first opened,
-- which still does so for a database it is handed bare) join the migration sequence, with the index the window's
-- and `jett voice history`'s newest-first listing reads. A deleted turn's row is removed (secure_delete on, see
-- main/core/outbox/redact.ts); its outbox row stays, redacted in place.

CREATE TABLE IF NOT EXISTS voice_turns (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  transcript TEXT NOT NULL,
  reply TEXT NOT NULL,
  record TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS voice_turns_at ON voice_turns (at);
