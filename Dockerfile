# The production image: gunicorn for the web, the same image runs the Celery worker and beat,
# and `manage.py backup` / `restore` (README, "Backup and restore").
FROM python:3.12-slim

# The PostgreSQL client tools for backup and restore, of the server's major version (the
# `postgres:` image in docker-compose.yml; a test keeps the two equal): pg_dump refuses a newer
# server, and a newer pg_restore writes SQL an older server may not run. Debian ships one
# major version per release, so they come from the PostgreSQL project's Debian repository,
# whose signing key postgresql-common carries.
ARG PG_MAJOR=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}" \
    && rm -rf /var/lib/apt/lists/*

# The image runs as this user, never as root. The uid and gid are fixed, so that files in
# volumes and bind mounts (stored documents, backups) keep one owner across image rebuilds.
ARG APP_UID=10001
ARG APP_GID=10001
RUN groupadd --system --gid "${APP_GID}" foiatracker \
    && useradd --system --uid "${APP_UID}" --gid "${APP_GID}" --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin foiatracker

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 FOIATRACKER_VAR_DIR=/data
WORKDIR /app

COPY requirements/base.lock requirements/base.lock
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements/base.lock

COPY . .
# collectstatic runs as root (the collected files stay root's, read-only to the app); the data
# folders are created here and given to the app's user, because a new named volume takes its
# owner from the folder it is mounted over: without them, /data/media would be root's.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /data/media /data/backups \
    && chown "${APP_UID}:${APP_GID}" /data \
    && chown -R "${APP_UID}:${APP_GID}" /data/media /data/backups
USER ${APP_UID}:${APP_GID}

EXPOSE 8000
CMD ["gunicorn", "foiatracker.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
