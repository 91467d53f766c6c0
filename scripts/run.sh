#!/usr/bin/env bash
# `make run`: migrate, load the real agency directory and the demo case, print the logins, and serve
# the admin, dashboard and API on http://127.0.0.1:8000. With REDIS_URL set, a Celery worker and
# Celery beat run beside the web server; without it, background tasks run in-process.
#
# `scripts/run.sh --check-port` only checks that the server's address is free: `make run` calls it
# before building .venv, so a busy port stops it at once, not after the whole setup.
# `scripts/run.sh --site-url` prints the public address the links in emails and calendar feeds
# will carry (SITE_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
PY=.venv/bin/python
HOST="${RUN_HOST:-127.0.0.1}"
PORT="${RUN_PORT:-8000}"

# Links that leave the site (reminder emails, calendar feeds, the feed link on every page) are on
# SITE_URL. Unless the environment or the settings file sets it, it is where this server listens,
# so a `RUN_PORT=8001 make run` hands out links to port 8001. A wildcard address is no address
# to link to: then localhost.
env_file="${FOIATRACKER_ENV_FILE-.env}"
if [ -z "${SITE_URL:-}" ] && ! { [ -n "$env_file" ] && [ -f "$env_file" ] &&
  grep -Eq '^[[:space:]]*(export[[:space:]]+)?SITE_URL=' "$env_file"; }; then
  link_host="${HOST#[}"
  link_host="${link_host%]}"
  case "$link_host" in
    0.0.0.0 | :: | "") link_host=localhost ;;
    *:*) link_host="[$link_host]" ;;
  esac
  export SITE_URL="http://$link_host:$PORT"
fi
if [ "${1:-}" = "--site-url" ]; then
  if [ -n "${SITE_URL:-}" ]; then
    echo "$SITE_URL"
  else
    echo "(SITE_URL from $env_file)"
  fi
  exit 0
fi

# Bind the address as runserver will (with SO_REUSEADDR, like it), with the Python that builds
# .venv, so the answer is runserver's own: in use, not an address of this machine, not allowed.
check_port() {
  local other=8001
  if ! [[ "$PORT" =~ ^[0-9]+$ ]] || (( PORT < 1 || PORT > 65535 )); then
    echo "RUN_PORT=$PORT is not a port number (1-65535); e.g. RUN_PORT=$other make run" >&2
    return 1
  fi
  (( PORT == other )) && other=8002
  local problem status=0
  problem=$("${PYTHON:-python3}" - "$HOST" "$PORT" 2>&1 <<'PY'
import errno, socket, sys
host, port = sys.argv[1].strip("[]"), int(sys.argv[2])
with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((host, port))
    except OSError as exc:
        print(exc.strerror or exc)
        sys.exit(2 if exc.errno == errno.EADDRINUSE else 1)
PY
  ) || status=$?
  if (( status == 2 )); then
    echo "Port $PORT on $HOST is already in use (another server, perhaps an earlier" \
      "\`make run\`, is listening there): stop it, or choose another port," \
      "e.g. RUN_PORT=$other make run" >&2
  elif (( status != 0 )); then
    echo "Cannot serve on $HOST:$PORT: $problem. Set RUN_HOST to an address of this machine" \
      "(default 127.0.0.1) and RUN_PORT to a free port, e.g. RUN_PORT=$other make run" >&2
  fi
  return "$status"
}

check_port
if [ "${1:-}" = "--check-port" ]; then
  exit 0
fi

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
  # One worker on every queue (foiatracker/celery.py): no -Q.
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
    API        http://$HOST:$PORT/api/v1/   (docs: /api/docs/; your tokens: /accounts/tokens/)
    health     http://$HOST:$PORT/healthz
  logins (password ${DEMO_PASSWORD:-foiatracker-demo} for each):
    demo       Dana Reyes, staff and superuser: the admin
    lawyer     Lee Okafor, lawyer: the dashboard
    reporter   Sam Ortiz, reporting client: the API (lands on their tokens page)
  background:  $background
  links in emails and calendar feeds: ${SITE_URL:-SITE_URL from $env_file}
  Stop with Ctrl-C.

MSG
$PY manage.py runserver "$HOST:$PORT" --noreload
