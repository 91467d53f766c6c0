"""Plain views: the health check that operators and load balancers poll."""

from __future__ import annotations

from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_state() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not fine"; say which
        return {"ok": False, "vendor": connection.vendor, "error": str(exc)[:200]}
    return {"ok": True, "vendor": connection.vendor}


def _broker_state() -> dict[str, Any]:
    if not settings.REDIS_URL:
        # No broker configured: tasks run in-process after commit, which is a working setup.
        return {"ok": True, "kind": "in-process (no REDIS_URL)"}

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
    except Exception as exc:  # connection refused, timeout, auth error…
        return {"ok": False, "kind": "redis", "error": str(exc)[:200]}
    return {"ok": True, "kind": "redis"}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker both answer, 503 otherwise; never needs a login."""
    database = _database_state()
    broker = _broker_state()
    ok = database["ok"] and broker["ok"]
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "database": database, "broker": broker},
        status=200 if ok else 503,
    )
