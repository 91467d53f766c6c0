#!/usr/bin/env bash
# `make run`: migrate, load the real agency directory and the demo case, print the login, and serve
# the admin, dashboard and API on http://127.0.0.1:8000. With REDIS_URL set, a Celery worker and
# Celery beat run beside the web server; without it, background tasks run in-process.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
PY=.venv/bin/python
HOST="${RUN_HOST:-127.0.0.1}"
PORT="${RUN_PORT:-8000}"

$PY manage.py migrate --noinput -v0
if [ -d "${AGENCY_DIRECTORY_DIR:-../shared/data/agency-directory-18f-2017}" ]; then
  $PY manage.py import_agencies
else
  echo "(agency directory not found; skipping import — the demo creates the agencies it needs)"
fi
$PY manage.py seed_demo

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
if [ -n "${REDIS_URL:-}" ]; then
  mkdir -p var
  .venv/bin/celery -A foiatracker worker --loglevel=INFO --concurrency=2 >var/worker.log 2>&1 &
  pids+=($!)
  .venv/bin/celery -A foiatracker beat --loglevel=INFO --schedule=var/celerybeat-schedule >var/beat.log 2>&1 &
  pids+=($!)
  background="Celery worker and beat on $REDIS_URL (logs in var/worker.log, var/beat.log)"
else
  background="in-process (no REDIS_URL): tasks run right after each save commits"
fi

cat <<MSG

  foiatracker is starting on http://$HOST:$PORT/
    dashboard  http://$HOST:$PORT/dashboard/   (lawyers and staff)
    admin      http://$HOST:$PORT/admin/
    API        http://$HOST:$PORT/api/v1/   (docs: /api/docs/)
    health     http://$HOST:$PORT/healthz
  login:       demo / ${DEMO_PASSWORD:-foiatracker-demo}   (lawyer / same password)
  background:  $background
  Stop with Ctrl-C.

MSG
$PY manage.py runserver "$HOST:$PORT" --noreload
