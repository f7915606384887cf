-- Memory (issue 18): what Jett remembers - each answered voice turn and each explicit "remember ..." - with its
-- embedding. The id is the item's outbox event id (the Qdrant point id on the VPS); a private item never enters the
-- outbox, its id is made here. Forgetting redacts text and vector in place and keeps the row as the tombstone's
-- anchor. The k-NN index over the vectors (sqlite-vec's vec0, a derived copy) is made by main/core/memory/store.ts
-- once the extension is loaded, so a desktop whose sqlite-vec cannot load still opens its outbox.

CREATE TABLE memory_items (
  rowid        INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT    NOT NULL UNIQUE,
  at           TEXT    NOT NULL,
  kind         TEXT    NOT NULL CHECK (kind IN ('turn', 'fact')),
  text         TEXT    NOT NULL,
  private      INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
  model        TEXT    NOT NULL,
  -- float32 x dims, little-endian; empty once forgotten
  embedding    BLOB    NOT NULL,
  forgotten_at TEXT
) STRICT;

CREATE INDEX memory_items_live ON memory_items (rowid) WHERE forgotten_at IS NULL;
-- The newest turns, which recall leaves to the prompt's recent exchanges: read before every recall, so found from an
-- index even where facts far outnumber turns.
CREATE INDEX memory_items_live_turns ON memory_items (rowid) WHERE kind = 'turn' AND forgotten_at IS NULL;

-- The projector's durable cursor: the last memory event it applied to Qdrant, so it resumes after a crash or a cut.
CREATE TABLE memory_projection (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  cursor INTEGER NOT NULL
) STRICT;
