-- Memory (issue 18): memory.item events (an item's text and vector, payload {id, at, kind, text, model, vector}) are
-- deletable like voice turns: a "forget" sends an event.redact tombstone naming their ids (0004 applies it). This
-- adds the lookup that tombstone makes, partial on memory.item so other events pay nothing for it.
-- Same conventions as 0003 and 0004: idempotent, records itself at its end.

CREATE INDEX IF NOT EXISTS events_memory_item ON events (client_id, (payload ->> 'id')) WHERE kind = 'memory.item';

INSERT INTO jett_schema_migrations (version, name, oldest_compatible) VALUES (5, '0005_memory', 1) ON CONFLICT (version) DO NOTHING;
