#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server, then stop it and remove it, whatever the command's result.
#
#   bash .ci/with-postgres.sh .venv/bin/python -m pytest
#
# Uses Debian's postgresql package (`make test` installs it when missing). A fresh cluster is created in a
# temporary directory, listens on 127.0.0.1 only, on a free port, with a random password (no trust
# authentication), and holds one empty database. The command sees it as
#   TEST_DATABASE_URL=postgresql+psycopg://postgres:PASSWORD@127.0.0.1:PORT/dashboard_test
# The server runs as the `postgres` user when this script runs as root (PostgreSQL refuses to run as root),
# otherwise as the calling user. The system's own cluster (if any) is never touched.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 64
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL is not installed: run \`make test\` (it installs Debian's postgresql) or apt-get install postgresql." >&2
  exit 69
fi

if [ "$(id -u)" = 0 ]; then
  as_server() { runuser -u postgres -- "$@"; }
  owner=postgres
else
  as_server() { "$@"; }
  owner=$(id -un)
fi

# As root the server user must reach the folder: /tmp, whatever TMPDIR says.
if [ "$(id -u)" = 0 ]; then base=/tmp; else base=${TMPDIR:-/tmp}; fi
workdir=$(mktemp -d "$base/dashboard-pg.XXXXXX")
chmod 700 "$workdir"
chown "$owner" "$workdir"
data="$workdir/data"
log="$workdir/server.log"
password=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
started=""

stop() {
  local rc=$?
  if [ -n "$started" ]; then
    as_server "$bindir/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_server "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
  exit "$rc"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

(umask 077 && printf '%s\n' "$password" >"$workdir/pwfile")
chown "$owner" "$workdir/pwfile"
as_server "$bindir/initdb" -D "$data" -U postgres --pwfile="$workdir/pwfile" --auth-host=scram-sha-256 \
  --auth-local=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$workdir/initdb.log" 2>&1 \
  || { cat "$workdir/initdb.log" >&2; exit 1; }
rm -f "$workdir/pwfile"

free_port() {
  "${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A free port can be taken between asking and binding: try a few.
for attempt in 1 2 3 4 5; do
  port=$(free_port)
  if as_server "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 -o \
      "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null 2>&1; then
    started=1
    break
  fi
  echo "PostgreSQL did not start on port $port (attempt $attempt):" >&2
  tail -n 5 "$log" >&2 || true
done
[ -n "$started" ] || { echo "Could not start a test PostgreSQL server." >&2; exit 1; }

PGPASSWORD="$password" "$bindir/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
  -c "CREATE DATABASE dashboard_test" >/dev/null

export TEST_DATABASE_URL="postgresql+psycopg://postgres:${password}@127.0.0.1:${port}/dashboard_test"
echo "Test PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (removed afterwards)"
set +e
"$@"
rc=$?
set -e
exit "$rc"
