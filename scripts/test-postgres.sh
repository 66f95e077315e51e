#!/usr/bin/env bash
# A throwaway PostgreSQL server for the registry's tests, on loopback only:
#   scripts/test-postgres.sh start   # installs Debian's postgresql if missing, initdb, starts it
#   scripts/test-postgres.sh url     # prints the URL the tests read from SEER_TEST_POSTGRES
#   scripts/test-postgres.sh stop    # stops it and deletes its data
# Port 54329 on 127.0.0.1, trust authentication, data under /tmp; never the machine's own cluster.
set -euo pipefail
PORT=${SEER_TEST_PG_PORT:-54329}
DATA=/tmp/seer-test-postgres-$PORT
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
# initdb and the server refuse to run as root; run them as the postgres user when we are root.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
start)
    if [ -z "$(bin)" ]; then
        echo "test-postgres: installing postgresql"
        $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
    fi
    BIN=$(bin)
    [ -n "$BIN" ] || { echo "test-postgres: no PostgreSQL server binaries"; exit 1; }
    # A server another suite is using is left alone: re-initialising it under a running suite
    # failed that suite's PostgreSQL tests (every test makes a database of its own, so sharing is safe).
    if [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        echo "test-postgres: already running on 127.0.0.1:$PORT"
        exit 0
    fi
    "$0" stop >/dev/null 2>&1 || true
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres "$DATA"
    as_owner "$BIN/initdb" -D "$DATA" -A trust -U postgres >/dev/null
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=on -c max_connections=50" start >/dev/null
    echo "test-postgres: started on 127.0.0.1:$PORT"
    ;;
url)
    echo "postgres://postgres@127.0.0.1:$PORT/postgres"
    ;;
stop)
    BIN=$(bin)
    if [ -n "$BIN" ] && [ -f "$DATA/postmaster.pid" ]; then as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true; fi
    rm -rf "$DATA"
    ;;
*)
    echo "usage: $0 start|url|stop" >&2; exit 64 ;;
esac
