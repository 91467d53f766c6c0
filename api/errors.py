"""One error shape for every 4xx the API answers, through one DRF exception handler.

::

    {"error": {"code": "invalid", "message": "status: “x” is not a valid choice.",
               "fields": {"status": ["“x” is not a valid choice."]}}}

``code`` is a stable machine word (below), ``message`` one human sentence naming every parameter or
field at fault, ``fields`` maps each of them to what is wrong with it (empty when the error is not
about a field). Domain errors from the services are mapped here, so views never catch them:
``django.core.exceptions.ValidationError`` → 400, ``TransitionNotAllowed`` → 409, a database
constraint that still fired (a race) → 409, a statement cut off by the web requests' time limit
(``WEB_STATEMENT_TIMEOUT_MS``) → 503 ``timeout``; a document's original whose stored file is
missing or changed → 410 ``original_unavailable``.

The deadline calculator keeps its older top-level ``{"code", "message", "errors"}`` (a stable
interface, docs/design.md) and carries this ``error`` object beside it.

Outside the views, the URL configuration's ``handler404`` and ``handler500`` answer paths under
/api/ with ``not_found`` and ``server_error`` below, in the same shape: a path that names no
endpoint (``/api/v2/``, ``/api/v1/appeals/0.5/``) is a JSON 404, an unhandled exception a JSON 500
(with DEBUG off; with it on, Django's debug page).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from core.middleware import API_PATH_PREFIX, is_statement_timeout, statement_timeout_message
from requests_app.workflow import TransitionNotAllowed

#: Every ``code`` the API may answer, for the schema.
ERROR_CODES = (
    "invalid",
    "parse_error",
    "not_authenticated",
    "authentication_failed",
    "permission_denied",
    "not_found",
    "method_not_allowed",
    "not_acceptable",
    "unsupported_media_type",
    "throttled",
    "transition_not_allowed",
    "conflict",
    "timeout",
    "original_unavailable",
    "server_error",
)


class OriginalUnavailable(exceptions.APIException):
    """410: a document's stored file is missing, unreadable or no longer the bytes recorded
    (documents.originals); logged for the operators, who restore it from a backup."""

    status_code = status.HTTP_410_GONE
    default_code = "original_unavailable"
    default_detail = "The stored file of this document cannot be handed out."


_NON_FIELD = "non_field_errors"


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field" or "field.sub" or "items.0.x": [messages]}``."""
    if isinstance(detail, Mapping):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key in (_NON_FIELD, "__all__") and prefix:
                name = prefix
            out.update(_flatten(value, name))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (Mapping, list)) for item in detail):
            return {prefix or _NON_FIELD: [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix or _NON_FIELD: [str(detail)]}


def error_body(code: str, message: str, fields: Mapping[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": dict(fields or {})}}


def validation_body(detail: Any, code: str = "invalid") -> dict:
    fields = _flatten(detail)
    if "__all__" in fields:
        fields[_NON_FIELD] = fields.pop("__all__")
    parts = [
        " ".join(messages) if name == _NON_FIELD else f"{name}: {' '.join(messages)}"
        for name, messages in fields.items()
    ]
    return error_body(code, "; ".join(parts) or "The input is not valid.", fields)


def _django_validation_detail(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {_NON_FIELD: list(exc.messages)}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The REST_FRAMEWORK exception handler: every 4xx in one shape; anything else re-raised.

    Errors are JSON even when CSV was asked for, so a script sees what went wrong."""
    response = _error_response(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def _error_response(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response(validation_body(_django_validation_detail(exc)), status=400)
    if isinstance(exc, TransitionNotAllowed):
        set_rollback()
        fields = {"status": [str(exc)]}
        return Response(error_body("transition_not_allowed", str(exc), fields), status=409)
    if isinstance(exc, ProtectedError):
        set_rollback()
        message = "Other records still refer to this one; it cannot be deleted."
        return Response(error_body("conflict", message), status=409)
    if isinstance(exc, IntegrityError):
        # The services validate first; a constraint that still fires lost a race with another
        # write of the same thing. Retrying sees the other write.
        set_rollback()
        message = "This conflicts with a record saved at the same time; reload and try again."
        return Response(error_body("conflict", message), status=409)
    if is_statement_timeout(exc):
        # The web requests' time limit (core/middleware.py) cut a statement off: the caller can
        # narrow the query, which is no server fault.
        set_rollback()
        return Response(error_body("timeout", statement_timeout_message()), status=503)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(exc.detail)
        return response
    detail = exc.detail
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    message = str(detail) if not isinstance(detail, (list, dict)) else str(exc.default_detail)
    if response.status_code == status.HTTP_404_NOT_FOUND:
        code = "not_found"
    response.data = error_body(str(code), message)
    return response


#: As DRF's JSONRenderer writes it, so every error reads the same.
_COMPACT = {"separators": (",", ":")}


def is_api_path(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PATH_PREFIX)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """A path under /api/ that names no endpoint (Django's ``handler404`` for them)."""
    message = f"Nothing here: {request.path_info} is not an endpoint; /api/v1/ lists them all."
    return JsonResponse(error_body("not_found", message), status=404, json_dumps_params=_COMPACT)


def server_error(request: HttpRequest) -> JsonResponse:
    """An unhandled exception under /api/ (Django's ``handler500`` for them); the details are in
    the server's log, never in the answer."""
    message = "The server failed to answer this request; the error has been logged."
    return JsonResponse(error_body("server_error", message), status=500, json_dumps_params=_COMPACT)
