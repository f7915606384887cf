-- Wakes that no question followed (false wakes), so the user can see them and tune voice.wakeThreshold. Only these
-- four facts: no audio, no transcript. Local only: nothing reads this table into the outbox or syncs it.

CREATE TABLE wake_events (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  word      TEXT NOT NULL,
  score     REAL NOT NULL,
  threshold REAL NOT NULL
) STRICT;
