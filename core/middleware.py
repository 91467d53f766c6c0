"""What every web request shares: a time limit on its SQL, and no NUL character reaching a query.

Workers, beat, migrations and management commands never pass through here, so neither applies to
them: a sweep or an import may legitimately run a long statement.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

#: PostgreSQL's SQLSTATE for a statement cancelled by ``statement_timeout`` (query_canceled).
QUERY_CANCELED = "57014"
#: Paths answered by the API, which validates each parameter itself and answers in its own shape.
API_PATH_PREFIX = "/api/"


def is_statement_timeout(error: BaseException) -> bool:
    """Whether ``error`` is a statement cut off by the web requests' time limit."""
    return (
        isinstance(error, OperationalError)
        and getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED
    )


def statement_timeout_message() -> str:
    seconds = settings.WEB_STATEMENT_TIMEOUT_MS / 1000
    return (
        f"This took longer than the {seconds:g} seconds a page may take and was stopped. "
        "Narrow it (more search words, a filter, a date range, an earlier page) and try again."
    )


class _StatementTimeout:
    """A database execute wrapper: before the request's first statement, limit the session's
    statements to ``milliseconds``. Sent on the driver's connection, not through Django: it is
    no query of the page's, and query counts stay those of the page."""

    def __init__(self, milliseconds: int) -> None:
        self.milliseconds = milliseconds
        self.applied = False

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict
    ) -> Any:
        if not self.applied:
            # A cursor of its own: the statement's may be a server-side one (.iterator()).
            with context["connection"].connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, false)",
                    [f"{self.milliseconds}ms"],
                )
            self.applied = True
        return execute(sql, params, many, context)

    def lift(self) -> None:
        """Back to the server's default, so nothing after the request inherits the limit."""
        raw = connection.connection
        if not self.applied or raw is None:
            return
        try:
            with raw.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
        except Exception:
            # An aborted transaction refuses even this; a connection that cannot be reset is
            # not handed on with the limit still set.
            log.warning("Could not reset statement_timeout; closing the connection")
            if not connection.in_atomic_block:
                connection.close()


class StatementTimeoutMiddleware:
    """On PostgreSQL, every statement of a web request is cancelled after
    ``WEB_STATEMENT_TIMEOUT_MS`` (0: no limit), so one expensive page cannot hold a web worker
    until the server kills it. A cancelled statement is answered 503 with a sentence saying what
    to do (the API answers its JSON error, api/errors.py), never a traceback.

    A streamed response (CSV) reads its rows after this returns, and is not limited: it has
    started answering and could not report the error anyway."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        milliseconds = settings.WEB_STATEMENT_TIMEOUT_MS
        if not milliseconds or connection.vendor != "postgresql":
            return self.get_response(request)
        limit = _StatementTimeout(milliseconds)
        with connection.execute_wrapper(limit):
            try:
                return self.get_response(request)
            finally:
                limit.lift()

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not is_statement_timeout(exception):
            return None
        log.warning("Statement timeout on %s", request.get_full_path())
        html = render_to_string(
            "statement_timeout.html", {"message": statement_timeout_message()}, request=request
        )
        return HttpResponse(html, status=503)


def _has_nul(request: HttpRequest) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


class NulCharacterMiddleware:
    """A NUL character in a query string, outside the API, never reaches a query: PostgreSQL
    refuses one in text (SQLite does not), which made the admin's and the dashboard's filters
    answer 500 on one database only.

    In the admin it is treated as Django treats any lookup it cannot apply: a redirect to the
    unfiltered page with ``?e=1``. Elsewhere it is a 400. The API validates each parameter and
    answers a 400 naming it (api/), so it is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.path_info.startswith(API_PATH_PREFIX) or not _has_nul(request):
            return None
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces:
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return HttpResponseBadRequest(
            "A parameter holds a NUL character, which no value here can contain.",
            content_type="text/plain; charset=utf-8",
        )
