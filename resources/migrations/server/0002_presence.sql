-- The VPS side of offline handling: heartbeats, the desktop's presence, and requests queued for the desktop.
-- Same conventions as 0001: idempotent, and it records itself in jett_schema_migrations at its end.

-- The latest heartbeat per desktop. received_at is the server's clock, never the desktop's.
CREATE TABLE IF NOT EXISTS desktop_heartbeats (
  client_id     uuid PRIMARY KEY,
  device        text NOT NULL,
  app_version   text NOT NULL,
  interval_s    integer NOT NULL CHECK (interval_s > 0),
  body          jsonb NOT NULL,
  beats         bigint NOT NULL DEFAULT 1,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  received_at   timestamptz NOT NULL DEFAULT now()
);

-- What the heartbeat webhook (n8n, or the demo's receiver) calls with the POSTed body; returns received_at.
CREATE OR REPLACE FUNCTION jett_record_heartbeat(p_body jsonb) RETURNS timestamptz LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := now();
BEGIN
  IF jsonb_typeof(p_body -> 'client_id') IS DISTINCT FROM 'string' OR jsonb_typeof(p_body -> 'interval_s') IS DISTINCT FROM 'number' THEN
    RAISE EXCEPTION 'jett_record_heartbeat: the body needs client_id (uuid) and interval_s (seconds)' USING ERRCODE = '22023';
  END IF;
  INSERT INTO desktop_heartbeats AS h (client_id, device, app_version, interval_s, body, received_at)
  VALUES ((p_body ->> 'client_id')::uuid, coalesce(p_body ->> 'device', ''), coalesce(p_body ->> 'app_version', ''),
          (p_body ->> 'interval_s')::integer, p_body, v_now)
  ON CONFLICT (client_id) DO UPDATE
    SET device = EXCLUDED.device, app_version = EXCLUDED.app_version, interval_s = EXCLUDED.interval_s,
        body = EXCLUDED.body, beats = h.beats + 1, received_at = v_now;
  RETURN v_now;
END $$;

-- Offline once three heartbeat periods have passed without one (one lost beat is not an outage).
CREATE OR REPLACE VIEW desktop_presence AS
SELECT client_id, device, app_version, interval_s, received_at,
       extract(epoch FROM now() - received_at)::double precision AS age_s,
       CASE WHEN now() - received_at > make_interval(secs => 3 * interval_s) THEN 'offline' ELSE 'online' END AS status
  FROM desktop_heartbeats;

-- Each change of presence, once: what the offline detector reports.
CREATE TABLE IF NOT EXISTS desktop_presence_log (
  id        bigserial PRIMARY KEY,
  client_id uuid NOT NULL,
  status    text NOT NULL CHECK (status IN ('online', 'offline')),
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS desktop_presence_log_client ON desktop_presence_log (client_id, id DESC);

-- Called on a schedule: logs and returns the desktops whose presence changed since the last call.
CREATE OR REPLACE FUNCTION jett_presence_changes()
RETURNS TABLE (client_id uuid, device text, status text, last_heartbeat timestamptz) LANGUAGE plpgsql AS $$
BEGIN
  -- One detector at a time (the key is 'jetu' in ASCII), so overlapping runs never report a change twice.
  PERFORM pg_advisory_xact_lock(1785033845);
  RETURN QUERY
  WITH changed AS (
    SELECT p.client_id, p.device, p.status, p.received_at
      FROM desktop_presence p
     WHERE p.status IS DISTINCT FROM (SELECT l.status FROM desktop_presence_log l
                                       WHERE l.client_id = p.client_id ORDER BY l.id DESC LIMIT 1)
  ), logged AS (
    INSERT INTO desktop_presence_log (client_id, status) SELECT c.client_id, c.status FROM changed c RETURNING 1
  )
  SELECT c.client_id, c.device, c.status, c.received_at FROM changed c;
END $$;

-- What the inbound webhook calls to queue a request for the desktop; a repeated request_id is queued once.
CREATE OR REPLACE FUNCTION jett_queue_request(p_kind text, p_payload jsonb, p_request_id text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_id text := coalesce(nullif(p_request_id, ''), gen_random_uuid()::text);
BEGIN
  IF p_kind IS NULL OR p_kind !~ '^[a-z][a-z0-9_.-]{0,63}$' THEN
    RAISE EXCEPTION 'jett_queue_request: kind must be a short lowercase name such as notify, speak or ask' USING ERRCODE = '22023';
  END IF;
  INSERT INTO desktop_inbox (request_id, kind, payload) VALUES (v_id, p_kind, coalesce(p_payload, '{}'::jsonb))
  ON CONFLICT (request_id) DO NOTHING;
  RETURN v_id;
END $$;

INSERT INTO jett_schema_migrations (version, name) VALUES (2, '0002_presence') ON CONFLICT (version) DO NOTHING;
