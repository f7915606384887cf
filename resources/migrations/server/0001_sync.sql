-- Server schema for the desktop's outbox (push) and the VPS inbox (pull), PostgreSQL 15.
-- Convention for every file of this folder: idempotent (IF NOT EXISTS / OR REPLACE), so it is safe under any
-- applier (Jett's, psql, a Docker init script), and it records itself in jett_schema_migrations at its end.

CREATE TABLE IF NOT EXISTS jett_schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- One row per desktop: the highest seq applied, locked by every push so pushes of one client never interleave.
CREATE TABLE IF NOT EXISTS sync_clients (
  client_id     uuid PRIMARY KEY,
  last_seq      bigint NOT NULL DEFAULT 0,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_push_at  timestamptz
);

CREATE TABLE IF NOT EXISTS events (
  client_id   uuid NOT NULL,
  seq         bigint NOT NULL,
  event_id    uuid NOT NULL UNIQUE,
  kind        text NOT NULL,
  payload     jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, seq)
);

-- Rows the server refused for good (bad data, a constraint, a permission): kept verbatim, their seq consumed.
CREATE TABLE IF NOT EXISTS events_rejected (
  client_id   uuid NOT NULL,
  seq         bigint NOT NULL,
  event_id    uuid NOT NULL,
  kind        text NOT NULL,
  payload     text NOT NULL,
  created_at  timestamptz NOT NULL,
  rejected_at timestamptz NOT NULL DEFAULT now(),
  sqlstate    text NOT NULL,
  error       text NOT NULL,
  PRIMARY KEY (client_id, seq)
);
CREATE INDEX IF NOT EXISTS events_rejected_event_id ON events_rejected (event_id);

-- Requests for the desktop (notify, speak, ask), queued while it may be off; it claims them with a lease.
CREATE TABLE IF NOT EXISTS desktop_inbox (
  id           bigserial PRIMARY KEY,
  request_id   text NOT NULL UNIQUE,
  kind         text NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
  state        text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'leased', 'delivered', 'answered')),
  available_at timestamptz NOT NULL DEFAULT now(),
  lease_until  timestamptz,
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  answered_at  timestamptz,
  result       jsonb
);
CREATE INDEX IF NOT EXISTS desktop_inbox_ready ON desktop_inbox (available_at, id) WHERE state IN ('queued', 'leased');

CREATE OR REPLACE FUNCTION jett_desktop_inbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('jett_desktop_inbox', NEW.request_id);
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS desktop_inbox_notify ON desktop_inbox;
CREATE TRIGGER desktop_inbox_notify AFTER INSERT ON desktop_inbox
  FOR EACH ROW EXECUTE FUNCTION jett_desktop_inbox_notify();

-- One push in one round trip and one transaction. The arrays hold one batch in seq order. Rows at or below the
-- client's last_seq were applied by an earlier push whose answer was lost, and are skipped; the rest must continue
-- last_seq without a gap (SQLSTATE JT001 otherwise). Payloads arrive as text so that a payload jsonb refuses is a
-- per-row rejection inside the function, not a failed call. Returns the new last_seq and the rejected rows of the
-- batch's range (including those rejected by an earlier push whose answer was lost).
CREATE OR REPLACE FUNCTION jett_push(
  p_client   uuid,
  p_seqs     bigint[],
  p_ids      uuid[],
  p_kinds    text[],
  p_payloads text[],
  p_created  double precision[]
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_last    bigint;
  v_n       integer := coalesce(array_length(p_seqs, 1), 0);
  v_first   integer;
  v_ok      boolean;
  v_state   text;
  v_msg     text;
  v_new     bigint;
  v_lo      bigint := p_seqs[1];
  v_taken   bigint;
BEGIN
  INSERT INTO sync_clients (client_id) VALUES (p_client) ON CONFLICT (client_id) DO NOTHING;
  SELECT last_seq INTO v_last FROM sync_clients WHERE client_id = p_client FOR UPDATE;
  IF v_n = 0 THEN
    RETURN jsonb_build_object('last_seq', v_last, 'rejected', '[]'::jsonb);
  END IF;

  SELECT min(o)::integer INTO v_first FROM unnest(p_seqs) WITH ORDINALITY AS u(s, o) WHERE s > v_last;

  -- Rows at or below last_seq are normally a resend of what was applied. If the server holds a different event
  -- under such a seq, this desktop's database went back in time (restored from a backup, or copied): its seqs are
  -- taken. Refuse (JT002, DETAIL = last_seq) so that it renumbers its pending rows above last_seq, keeping their
  -- event ids; skipping them would lose them.
  IF v_first IS DISTINCT FROM 1 THEN
    SELECT u.s INTO v_taken
      FROM unnest(p_seqs, p_ids) AS u(s, e)
     WHERE u.s <= v_last
       AND (EXISTS (SELECT 1 FROM events ev WHERE ev.client_id = p_client AND ev.seq = u.s AND ev.event_id <> u.e)
         OR EXISTS (SELECT 1 FROM events_rejected r WHERE r.client_id = p_client AND r.seq = u.s AND r.event_id <> u.e))
     LIMIT 1;
    IF v_taken IS NOT NULL THEN
      RAISE EXCEPTION 'jett_push: client % sent seq % with another event than the server has under it: the desktop database went back in time', p_client, v_taken
        USING ERRCODE = 'JT002', DETAIL = v_last::text;
    END IF;
  END IF;
  IF v_first IS NOT NULL THEN
    SELECT bool_and(s = v_last + o) INTO v_ok FROM unnest(p_seqs[v_first:]) WITH ORDINALITY AS u(s, o);
    IF NOT v_ok THEN
      RAISE EXCEPTION 'jett_push: client % sent seq % after last_seq %: the seqs between are missing', p_client, p_seqs[v_first], v_last
        USING ERRCODE = 'JT001', DETAIL = v_last::text;
    END IF;

    -- Drop the rows applied before (only after a lost answer); slicing copies the arrays, so only then.
    IF v_first > 1 THEN
      p_seqs := p_seqs[v_first:];
      p_ids := p_ids[v_first:];
      p_kinds := p_kinds[v_first:];
      p_payloads := p_payloads[v_first:];
      p_created := p_created[v_first:];
      v_n := v_n - v_first + 1;
    END IF;

    BEGIN
      INSERT INTO events (client_id, seq, event_id, kind, payload, created_at)
      SELECT p_client, s, e, k, p::jsonb, to_timestamp(c / 1000.0)
        FROM unnest(p_seqs, p_ids, p_kinds, p_payloads, p_created) AS u(s, e, k, p, c)
      ON CONFLICT DO NOTHING;
    EXCEPTION WHEN data_exception OR integrity_constraint_violation OR insufficient_privilege THEN
      -- Slow path, only when the batch holds a bad row: find it (them) one row at a time.
      FOR i IN 1 .. v_n LOOP
        BEGIN
          INSERT INTO events (client_id, seq, event_id, kind, payload, created_at)
          VALUES (p_client, p_seqs[i], p_ids[i], p_kinds[i], p_payloads[i]::jsonb, to_timestamp(p_created[i] / 1000.0))
          ON CONFLICT DO NOTHING;
        EXCEPTION WHEN data_exception OR integrity_constraint_violation OR insufficient_privilege THEN
          GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT;
          INSERT INTO events_rejected (client_id, seq, event_id, kind, payload, created_at, sqlstate, error)
          VALUES (p_client, p_seqs[i], p_ids[i], p_kinds[i], p_payloads[i], to_timestamp(p_created[i] / 1000.0), v_state, v_msg)
          ON CONFLICT DO NOTHING;
        END;
      END LOOP;
    END;

    v_new := p_seqs[v_n];
    UPDATE sync_clients SET last_seq = v_new, last_push_at = now() WHERE client_id = p_client;
    v_last := v_new;

    -- Results of inbox requests close the request on the server in the same transaction.
    IF 'inbox.result' = ANY (p_kinds) THEN
      UPDATE desktop_inbox d
         SET state = 'answered', answered_at = now(), result = e.payload
        FROM events e
       WHERE e.client_id = p_client AND e.seq BETWEEN p_seqs[1] AND v_new
         AND e.kind = 'inbox.result' AND d.request_id = e.payload ->> 'request_id';
    END IF;
  END IF;

  RETURN jsonb_build_object(
    'last_seq', v_last,
    'rejected', (SELECT coalesce(jsonb_agg(jsonb_build_object('seq', r.seq, 'sqlstate', r.sqlstate, 'error', r.error) ORDER BY r.seq), '[]'::jsonb)
                   FROM events_rejected r
                  WHERE r.client_id = p_client AND r.seq BETWEEN v_lo AND v_last));
END $$;

-- Claims up to p_limit ready requests for p_lease_s seconds; an expired lease makes a request ready again.
CREATE OR REPLACE FUNCTION jett_inbox_claim(p_limit integer, p_lease_s double precision)
RETURNS TABLE (request_id text, kind text, payload jsonb, attempts integer) LANGUAGE sql AS $$
  UPDATE desktop_inbox d
     SET state = 'leased', lease_until = now() + make_interval(secs => p_lease_s), attempts = d.attempts + 1
   WHERE d.id IN (
           SELECT q.id FROM desktop_inbox q
            WHERE q.available_at <= now()
              AND (q.state = 'queued' OR (q.state = 'leased' AND q.lease_until < now()))
            ORDER BY q.available_at, q.id
            LIMIT p_limit
              FOR UPDATE SKIP LOCKED)
  RETURNING d.request_id, d.kind, d.payload, d.attempts;
$$;

-- Acknowledges requests the desktop stored durably; a crash before this only redelivers them.
CREATE OR REPLACE FUNCTION jett_inbox_ack(p_request_ids text[]) RETURNS integer LANGUAGE sql AS $$
  WITH done AS (
    UPDATE desktop_inbox SET state = 'delivered', delivered_at = now(), lease_until = NULL
     WHERE request_id = ANY (p_request_ids) AND state IN ('queued', 'leased')
    RETURNING 1)
  SELECT count(*)::integer FROM done;
$$;

INSERT INTO jett_schema_migrations (version, name) VALUES (1, '0001_sync') ON CONFLICT (version) DO NOTHING;
