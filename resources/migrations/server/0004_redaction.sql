-- Deletion on the VPS: a tombstone event (kind event.redact, sent by the desktop's outbox like any event) redacts this
-- desktop's earlier events it names, in the push's own transaction. Rows are redacted, never deleted: the seqs stay
-- contiguous, so the push's gap check and exactly-once hold. A redacted payload is {"id": <its id>, "redacted": true},
-- the same as the desktop writes into its own outbox rows.
-- Tombstone payload: {"kind": text, "ids": [text], "all": boolean, "reason": text} (main/core/contracts/redaction.ts).
-- Same conventions as 0003: idempotent, SECURITY DEFINER with a fixed search_path, records itself at its end.

-- The lookup a tombstone by ids makes; without it each deletion would read every event of the desktop. Partial, on
-- the kinds a user deletes, so that other events pay nothing for it (on every kind it added about a fifth to a push
-- of 50,000 events here); a migration that makes another kind deletable adds its own index like this one.
CREATE INDEX IF NOT EXISTS events_voice_turn_item ON events (client_id, (payload ->> 'id')) WHERE kind = 'voice.turn';

CREATE OR REPLACE FUNCTION jett_apply_redaction() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_kind text;
  v_all  boolean;
  v_ids  text[];
BEGIN
  -- A malformed tombstone is a bad row (22023, data_exception): jett_push rejects that row alone and moves on.
  IF jsonb_typeof(NEW.payload) IS DISTINCT FROM 'object'
     OR jsonb_typeof(NEW.payload -> 'kind') IS DISTINCT FROM 'string'
     OR jsonb_typeof(NEW.payload -> 'ids') IS DISTINCT FROM 'array'
     OR jsonb_typeof(NEW.payload -> 'all') IS DISTINCT FROM 'boolean'
     OR NEW.payload ->> 'kind' = 'event.redact' THEN
    RAISE EXCEPTION 'event.redact: the payload needs kind (an event kind other than event.redact), ids (an array) and all (a boolean)'
      USING ERRCODE = '22023';
  END IF;
  v_kind := NEW.payload ->> 'kind';
  v_all := (NEW.payload ->> 'all')::boolean;
  SELECT coalesce(array_agg(x), '{}') INTO v_ids FROM jsonb_array_elements_text(NEW.payload -> 'ids') AS x;

  -- Only events logged before the tombstone (lower seq): one logged after it is a new item the user kept.
  IF v_all THEN
    UPDATE events e
       SET payload = jsonb_build_object('id', CASE WHEN jsonb_typeof(e.payload -> 'id') = 'string' THEN e.payload -> 'id' ELSE 'null'::jsonb END, 'redacted', true)
     WHERE e.client_id = NEW.client_id AND e.kind = v_kind AND e.seq < NEW.seq
       AND e.payload IS DISTINCT FROM jsonb_build_object('id', CASE WHEN jsonb_typeof(e.payload -> 'id') = 'string' THEN e.payload -> 'id' ELSE 'null'::jsonb END, 'redacted', true);
    UPDATE events_rejected r
       SET payload = '{"id": null, "redacted": true}'
     WHERE r.client_id = NEW.client_id AND r.kind = v_kind AND r.seq < NEW.seq;
  ELSIF cardinality(v_ids) > 0 THEN
    UPDATE events e
       SET payload = jsonb_build_object('id', e.payload -> 'id', 'redacted', true)
     WHERE e.client_id = NEW.client_id AND e.kind = v_kind AND (e.payload ->> 'id') = ANY (v_ids) AND e.seq < NEW.seq
       AND jsonb_typeof(e.payload -> 'id') = 'string'
       AND e.payload IS DISTINCT FROM jsonb_build_object('id', e.payload -> 'id', 'redacted', true);
    -- A refused row's payload is text that jsonb would not take, so its id cannot be read: any that holds one of the
    -- ids as a JSON string is redacted (a refused row is broken anyway; over-redacting one loses nothing of use).
    UPDATE events_rejected r
       SET payload = jsonb_build_object('id', (SELECT i FROM unnest(v_ids) AS i WHERE strpos(r.payload, to_jsonb(i)::text) > 0 LIMIT 1), 'redacted', true)::text
     WHERE r.client_id = NEW.client_id AND r.kind = v_kind AND r.seq < NEW.seq
       AND EXISTS (SELECT 1 FROM unnest(v_ids) AS i WHERE strpos(r.payload, to_jsonb(i)::text) > 0);
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS events_redact ON events;
CREATE TRIGGER events_redact AFTER INSERT ON events
  FOR EACH ROW WHEN (NEW.kind = 'event.redact') EXECUTE FUNCTION jett_apply_redaction();

-- Desktops that do not know this migration never send a tombstone, and sync against it as before.
INSERT INTO jett_schema_migrations (version, name, oldest_compatible) VALUES (4, '0004_redaction', 1) ON CONFLICT (version) DO NOTHING;
