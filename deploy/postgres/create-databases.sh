#!/bin/bash
# One database per component, each owned by its own role: no service can read another's tables.
# Run once by the postgres image on an empty data volume. The services migrate their own schema.
set -euo pipefail
for component in survey delegation scoring benchmark reporting mail gateway; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        -v role="$component" -v password="$PLATFORM_DB_PASSWORD" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
