# The production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 FOIATRACKER_VAR_DIR=/data
WORKDIR /app

COPY requirements/base.lock requirements/base.lock
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements/base.lock

COPY . .
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --home /app foiatracker && mkdir -p /data && chown foiatracker /data
USER foiatracker

EXPOSE 8000
CMD ["gunicorn", "foiatracker.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
