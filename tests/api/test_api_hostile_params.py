"""Hostile values in every query parameter of every operation the OpenAPI schema declares.

The operations and their parameters come from the live schema (as in test_api_permissions.py),
so a new endpoint or filter is probed as soon as it exists. Each parameter gets, one at a time in
an otherwise valid request: a lone ``%`` (which broke django-filter's error messages), the text
``%00``, a NUL character (PostgreSQL refuses one in text, SQLite does not: the suite runs on
both), 10^30, -1, ``true `` with its space, a line separator and a very long string. None may be
answered with a server error. A NUL character, and 10^30 in an integer, are never valid: each is
a 400 in the API's error shape naming the parameter.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.api.api_records import NOON, build_records
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = ("%", "%00", "\x00", "a\x00b", "1" + "0" * 30, "-1", "true ", "\u2028", "x" * 5000)
#: Never valid in any parameter: a 400 naming it.
REFUSED = ("\x00", "a\x00b")
#: Parameters a request needs before the one under test is looked at.
REQUIRED = {
    "/api/v1/deadlines/calculate/": {
        "jurisdiction": "US",
        "rule": "response",
        "start": "2019-01-16",
    },
    "/api/v1/documents/search/": {"q": "meeting"},
}


def _operations() -> list[tuple[str, str, list[dict]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method, [p for p in operation.get("parameters", []) if p["in"] == "query"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _first_id(client: APIClient, path: str) -> int:
    """A real row for a path's ``{id}``, so the request reaches its query parameters."""
    listing = client.get(path.split("{id}")[0]).json()
    return listing["results"][0]["id"] if listing.get("results") else 1


@time_machine.travel(NOON, tick=False)
def test_no_query_parameter_value_is_a_server_error():
    build_records(2)
    client = APIClient()
    client.force_authenticate(UserFactory(username="root", is_superuser=True))
    client.raise_request_exception = False
    operations = _operations()
    assert len(operations) >= 30
    probed, failures = 0, []
    for path, method, parameters in operations:
        url = path.replace("{id}", str(_first_id(client, path))) if "{id}" in path else path
        for parameter in parameters:
            name = parameter["name"]
            integer = parameter["schema"].get("type") == "integer"
            for value in HOSTILE:
                query = {**REQUIRED.get(path, {}), name: value}
                if method == "get":
                    response = client.get(url, query)
                else:
                    send = getattr(client, method)
                    response = send(f"{url}?{urlencode(query)}", {}, format="json")
                probed += 1
                label = f"{method.upper()} {path} ?{name}={value[:12]!r}"
                if response.status_code >= 500:
                    failures.append(f"{label}: {response.status_code} {response.content[:200]!r}")
                    continue
                must_refuse = value in REFUSED or (integer and value == HOSTILE[4])
                if method == "get" and must_refuse:
                    body = response.json() if response.status_code == 400 else {}
                    fields = body.get("error", {}).get("fields", {})
                    if response.status_code != 400 or name not in fields:
                        failures.append(
                            f"{label}: expected a 400 naming {name}, got "
                            f"{response.status_code} {response.content[:200]!r}"
                        )
    assert probed > 500
    assert not failures, "\n".join(failures)
