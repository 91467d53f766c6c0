"""`/healthz` reports the database and the broker, against the real services."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.django_db
def test_healthy_with_the_configured_broker(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": body["database"]["vendor"]}
    if settings.REDIS_URL:  # the PostgreSQL + Redis run in CI: a real PING to Redis
        assert body["broker"] == {"ok": True, "kind": "redis"}
    else:
        assert body["broker"]["kind"].startswith("in-process")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # released on close: nothing listens there


@pytest.mark.django_db
def test_unavailable_when_the_broker_does_not_answer(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert "error" in body["broker"]
    assert body["database"]["ok"] is True


def test_unavailable_when_the_database_does_not_answer():
    """A real outage: a fresh process whose DATABASE_URL points at a port where nothing listens."""
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.json()['database']['ok'], r.json()['broker']['ok'])"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_closed_port()}/nothing",
        "DJANGO_SETTINGS_MODULE": "foiatracker.settings",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["503", "False", "True"]


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code in (200, 503)
