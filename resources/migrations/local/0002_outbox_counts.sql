-- The outbox's counts by state, kept by triggers in the same transaction as every write to the outbox, so that
-- status (polled by the tray, `jett outbox status`) reads one row instead of counting a backlog of a million rows.
-- The first count, of a database made before this migration, is the one full scan; every later count is O(1).

CREATE TABLE outbox_counts (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  pending INTEGER NOT NULL,
  sent    INTEGER NOT NULL,
  dead    INTEGER NOT NULL
) STRICT;

INSERT INTO outbox_counts (id, pending, sent, dead)
SELECT 1,
       coalesce(sum(state = 'pending'), 0),
       coalesce(sum(state = 'sent'), 0),
       coalesce(sum(state = 'dead'), 0)
  FROM outbox;

-- One single-row UPDATE per changed row: a batch marked sent pays a few microseconds a row, in its own transaction.
CREATE TRIGGER outbox_counts_insert AFTER INSERT ON outbox BEGIN
  UPDATE outbox_counts
     SET pending = pending + (new.state = 'pending'), sent = sent + (new.state = 'sent'), dead = dead + (new.state = 'dead')
   WHERE id = 1;
END;

CREATE TRIGGER outbox_counts_delete AFTER DELETE ON outbox BEGIN
  UPDATE outbox_counts
     SET pending = pending - (old.state = 'pending'), sent = sent - (old.state = 'sent'), dead = dead - (old.state = 'dead')
   WHERE id = 1;
END;

CREATE TRIGGER outbox_counts_state AFTER UPDATE OF state ON outbox WHEN old.state <> new.state BEGIN
  UPDATE outbox_counts
     SET pending = pending + (new.state = 'pending') - (old.state = 'pending'),
         sent    = sent    + (new.state = 'sent')    - (old.state = 'sent'),
         dead    = dead    + (new.state = 'dead')    - (old.state = 'dead')
   WHERE id = 1;
END;
