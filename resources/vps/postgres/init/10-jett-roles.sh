#!/usr/bin/env bash
# The stack's PostgreSQL roles and databases, made or brought in line as the superuser over the local socket: at the
# first start of an empty data folder (docker-entrypoint-initdb.d) and on every install.sh run (apply-migrations.sh).
#   jett_owner    owns the sync's database and every object in it; no login: migrations run as it (SET ROLE)
#   jett_desktop  what the desktop may run (granted by the migrations); the desktop logs in as JETT_DB_USER, a member
#   jett_n8n      what the Jett workflows in n8n may run (granted by the migrations); logs in
#   jett_backup   reads every table (pg_read_all_data), for backup/backup.sh's pg_dump; logs in on the local socket
#   n8n           n8n's own role and database
# On a VPS installed before these roles, JETT_DB_USER owned the database: its objects pass to jett_owner here.
# Passwords come from the environment (env/postgres.env) through psql's \getenv, never argv.
set -euo pipefail
: "${JETT_DB_USER:?}" "${JETT_DB_NAME:?}" "${JETT_DB_PASSWORD:?}" "${N8N_DB_PASSWORD:?}" "${JETT_N8N_DB_PASSWORD:?}" "${JETT_BACKUP_DB_PASSWORD:?}"

psql -v ON_ERROR_STOP=1 -X -q --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" <<'SQL'
\getenv jett_user JETT_DB_USER
\getenv jett_db JETT_DB_NAME
\getenv jett_pw JETT_DB_PASSWORD
\getenv n8n_pw N8N_DB_PASSWORD
\getenv jett_n8n_pw JETT_N8N_DB_PASSWORD
\getenv backup_pw JETT_BACKUP_DB_PASSWORD
-- "already a member" and the like are not news on a second run.
SET client_min_messages = warning;
-- Passwords are stored as SCRAM verifiers, whatever the server's default.
SET password_encryption = 'scram-sha-256';

SELECT format('CREATE ROLE %I', r) FROM unnest(ARRAY['jett_owner', 'jett_desktop', 'jett_n8n', 'jett_backup', 'n8n', :'jett_user']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
-- Every run sets every attribute, so a role made by hand or by an older bundle ends up as described above.
ALTER ROLE jett_owner WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE jett_desktop WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE :"jett_user" WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'jett_pw';
ALTER ROLE jett_n8n WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'jett_n8n_pw';
ALTER ROLE jett_backup WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'backup_pw';
ALTER ROLE n8n WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'n8n_pw';
GRANT jett_desktop TO :"jett_user";
GRANT pg_read_all_data TO jett_backup;

SELECT format('CREATE DATABASE %I OWNER jett_owner', :'jett_db') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'jett_db') \gexec
SELECT 'CREATE DATABASE n8n OWNER n8n' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'n8n') \gexec
ALTER DATABASE :"jett_db" OWNER TO jett_owner;
-- No TEMP and no CONNECT for PUBLIC: each role reaches the databases named here and nothing else.
REVOKE ALL ON DATABASE :"jett_db" FROM PUBLIC, :"jett_user";
REVOKE ALL ON DATABASE n8n FROM PUBLIC;
REVOKE ALL ON DATABASE postgres, template1 FROM PUBLIC;
GRANT CONNECT ON DATABASE :"jett_db" TO jett_desktop, jett_n8n, jett_backup;
GRANT CONNECT ON DATABASE n8n TO jett_backup;

\connect :"jett_db"
SET client_min_messages = warning;
REASSIGN OWNED BY :"jett_user" TO jett_owner;
SQL
