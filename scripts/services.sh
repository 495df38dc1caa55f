#!/usr/bin/env bash
# Starts the local PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) that integration tests
# use, when they are installed but not running. Does nothing for a service that is already up.
set -uo pipefail
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  if ! (command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432); then
    echo "› starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
else
  echo "› PostgreSQL is not installed here; tests that need it will fail" >&2
fi
if command -v redis-server >/dev/null 2>&1; then
  if ! (command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1); then
    echo "› starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  fi
else
  echo "› Redis is not installed here; tests that need it will fail" >&2
fi
