#!/usr/bin/env bash
# Runs once, when the postgres container starts on an empty data folder: creates the sync's role and database
# and n8n's. Passwords come from the environment (env/postgres.env) through psql's \getenv, never argv.
set -euo pipefail
: "${JETT_DB_USER:?}" "${JETT_DB_NAME:?}" "${JETT_DB_PASSWORD:?}" "${N8N_DB_PASSWORD:?}"

psql -v ON_ERROR_STOP=1 -X --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" <<'SQL'
\getenv jett_user JETT_DB_USER
\getenv jett_db JETT_DB_NAME
\getenv jett_pw JETT_DB_PASSWORD
\getenv n8n_pw N8N_DB_PASSWORD
CREATE ROLE :"jett_user" LOGIN PASSWORD :'jett_pw';
CREATE DATABASE :"jett_db" OWNER :"jett_user";
REVOKE ALL ON DATABASE :"jett_db" FROM PUBLIC;
CREATE ROLE n8n LOGIN PASSWORD :'n8n_pw';
CREATE DATABASE n8n OWNER n8n;
REVOKE ALL ON DATABASE n8n FROM PUBLIC;
SQL
