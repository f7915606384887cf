-- Least privilege on the server, and bounded heartbeats. The schema belongs to jett_owner (the VPS install applies
-- every migration as it: apply-migrations.sh does SET ROLE jett_owner). The desktop and n8n log in as roles that may
-- only run the functions they call: each function runs with its owner's rights (SECURITY DEFINER, with a fixed
-- search_path so that no caller can slip its own objects in) and only the roles named below may execute it.
-- Same conventions as 0001, plus, from this file on:
--   * a new function gets SECURITY DEFINER and SET search_path = public, pg_temp, and a GRANT EXECUTE to the role
--     that calls it (the default privileges below keep it from PUBLIC); CREATE OR REPLACE must repeat both clauses;
--   * each migration records oldest_compatible: the oldest schema version a desktop may know and still work
--     against this one (NULL: only a desktop that knows this migration). The desktop checks it before syncing.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jett_desktop') OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jett_n8n') THEN
    RAISE EXCEPTION '0003_least_privilege: the roles jett_desktop and jett_n8n do not exist'
      USING HINT = 'run postgres/init/10-jett-roles.sh first, as the superuser (install.sh and apply-migrations.sh without arguments do)';
  END IF;
END $$;

-- A heartbeat period is what a desktop can be configured with (heartbeat.intervalS: 1 to 3600 s), nothing else.
-- Before, one row with interval_s near 2^31 made 3 * interval_s overflow in desktop_presence ("integer out of
-- range"), which broke presence and the offline detector for every desktop. 3600 s is the desktop's own maximum
-- (offline then shows after 3 hours); 1 s is its minimum, which `jett demo` uses to show offline within seconds.
UPDATE desktop_heartbeats SET interval_s = least(greatest(interval_s, 1), 3600) WHERE interval_s NOT BETWEEN 1 AND 3600;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'desktop_heartbeats'::regclass AND conname = 'desktop_heartbeats_interval_s_range') THEN
    ALTER TABLE desktop_heartbeats ADD CONSTRAINT desktop_heartbeats_interval_s_range CHECK (interval_s BETWEEN 1 AND 3600);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION jett_record_heartbeat(p_body jsonb) RETURNS timestamptz LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_now      timestamptz := now();
  v_interval numeric;
BEGIN
  IF jsonb_typeof(p_body -> 'client_id') IS DISTINCT FROM 'string' OR jsonb_typeof(p_body -> 'interval_s') IS DISTINCT FROM 'number' THEN
    RAISE EXCEPTION 'jett_record_heartbeat: the body needs client_id (uuid) and interval_s (seconds)' USING ERRCODE = '22023';
  END IF;
  -- As numeric first: a cast of 2^31 or of 1.5 straight to integer would fail with a message that names neither.
  v_interval := (p_body ->> 'interval_s')::numeric;
  IF v_interval <> trunc(v_interval) OR v_interval NOT BETWEEN 1 AND 3600 THEN
    RAISE EXCEPTION 'jett_record_heartbeat: interval_s must be a whole number of seconds from 1 to 3600, not %', left(p_body ->> 'interval_s', 40)
      USING ERRCODE = '22023', HINT = 'the desktop sends its heartbeat.intervalS, which `jett config set heartbeat.intervalS 60` keeps in that range';
  END IF;
  INSERT INTO desktop_heartbeats AS h (client_id, device, app_version, interval_s, body, received_at)
  VALUES ((p_body ->> 'client_id')::uuid, coalesce(p_body ->> 'device', ''), coalesce(p_body ->> 'app_version', ''),
          v_interval::integer, p_body, v_now)
  ON CONFLICT (client_id) DO UPDATE
    SET device = EXCLUDED.device, app_version = EXCLUDED.app_version, interval_s = EXCLUDED.interval_s,
        body = EXCLUDED.body, beats = h.beats + 1, received_at = v_now;
  RETURN v_now;
END $$;

-- The same view, with arithmetic that cannot overflow whatever a row holds (numeric instead of integer seconds).
CREATE OR REPLACE VIEW desktop_presence AS
SELECT client_id, device, app_version, interval_s, received_at,
       extract(epoch FROM now() - received_at)::double precision AS age_s,
       CASE WHEN extract(epoch FROM now() - received_at) > 3.0 * interval_s THEN 'offline' ELSE 'online' END AS status
  FROM desktop_heartbeats;

-- Every function runs as its owner, with a search_path no caller can write to (only the owner may CREATE in public).
ALTER FUNCTION jett_push(uuid, bigint[], uuid[], text[], text[], double precision[]) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION jett_inbox_claim(integer, double precision) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION jett_inbox_ack(text[]) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION jett_presence_changes() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION jett_queue_request(text, jsonb, text) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION jett_desktop_inbox_notify() SET search_path = public, pg_temp;

-- Nothing for PUBLIC: not the schema, not a table, not a function (PostgreSQL lets PUBLIC execute every new function
-- unless told otherwise, and these run with the owner's rights).
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- The desktop: push, pull and acknowledge, and read the schema version it checks before it syncs.
GRANT USAGE ON SCHEMA public TO jett_desktop, jett_n8n;
GRANT EXECUTE ON FUNCTION jett_push(uuid, bigint[], uuid[], text[], text[], double precision[]) TO jett_desktop;
GRANT EXECUTE ON FUNCTION jett_inbox_claim(integer, double precision) TO jett_desktop;
GRANT EXECUTE ON FUNCTION jett_inbox_ack(text[]) TO jett_desktop;
GRANT SELECT ON jett_schema_migrations TO jett_desktop;

-- n8n: what the workflows in resources/vps/n8n run, and nothing else.
GRANT EXECUTE ON FUNCTION jett_record_heartbeat(jsonb) TO jett_n8n;
GRANT EXECUTE ON FUNCTION jett_presence_changes() TO jett_n8n;
GRANT EXECUTE ON FUNCTION jett_queue_request(text, jsonb, text) TO jett_n8n;

ALTER TABLE jett_schema_migrations ADD COLUMN IF NOT EXISTS oldest_compatible integer;
-- Desktops from before this migration still sync against it: the grants cover everything they run.
INSERT INTO jett_schema_migrations (version, name, oldest_compatible) VALUES (3, '0003_least_privilege', 1) ON CONFLICT (version) DO NOTHING;
