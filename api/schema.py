"""OpenAPI post-processing: every operation documents the error shape it may answer.

Added to each operation that does not document them itself (the calculator does, with its own
400): 400 (a parameter or field is invalid), 401 (no or bad credentials), 403 (the role does not
allow it), 404 (no such record or page), 409 (a write the workflow refuses), 429 (too many failed
token attempts), all as ``{"error": {"code", "message", "fields"}}`` (``api.errors``); an error
response a view declares with its description alone gets the same shape.
"""

from __future__ import annotations

from typing import Any

from api.errors import ERROR_CODES

ERROR_COMPONENT = {
    "type": "object",
    "description": "The one error shape of the API.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "enum": list(ERROR_CODES)},
                "message": {
                    "type": "string",
                    "description": "One sentence naming every parameter or field at fault.",
                },
                "fields": {
                    "type": "object",
                    "description": "Parameter or field name → what is wrong with it.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
    "example": {
        "error": {
            "code": "invalid",
            "message": "overdue: Expected true or false; got 'maybe'.",
            "fields": {"overdue": ["Expected true or false; got 'maybe'."]},
        }
    },
}

_DESCRIPTIONS = {
    "400": "A parameter or field is invalid; `fields` names each one.",
    "401": (
        "No credentials, or a token that is unknown, expired or revoked (send "
        "`Authorization: Token <key>`; make tokens at /accounts/tokens/)."
    ),
    "403": "Your role does not allow this.",
    "404": "No such record, or a page past the end.",
    "406": "The Accept header asks for a format the API does not serve (JSON or CSV).",
    "409": "The workflow refuses this move (the message lists the allowed ones).",
    "429": "Too many failed token attempts from this address; wait and retry.",
}
_WRITE = ("post", "put", "patch", "delete")


def add_error_responses(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """A drf-spectacular POSTPROCESSING_HOOK."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not path.startswith("/api/v1/"):
                continue
            codes = ["400", "401", "403", "406", "429"]
            if "{" in path or method == "get":
                codes.append("404")
            if method in _WRITE:
                codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                if code not in responses:
                    responses[code] = {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    }
            # An error a view declares itself, by its description alone (the original's 410),
            # is in the same shape.
            for code, response in responses.items():
                if code[:1] in ("4", "5") and "content" not in response:
                    response["content"] = {"application/json": {"schema": ref}}
    return result
