"""The permission matrix: every endpoint and method of the API, for every persona.

The endpoints come from the live OpenAPI schema (plus the schema and docs pages themselves), and
the test fails if the schema has an operation the matrix below does not list, so a new endpoint
cannot ship without a decision about who may call it. The README's table is this matrix.
"""

from __future__ import annotations

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.api.api_records import NOON, build_records
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "no_role", "reporting", "staff", "lawyer", "superuser")
READ = frozenset({"reporting", "staff", "lawyer", "superuser"})
LOGIN = READ | {"no_role"}
STAFF = frozenset({"staff", "superuser"})
LAWYER = frozenset({"lawyer", "superuser"})

MATRIX: dict[tuple[str, str], frozenset[str]] = {
    ("/api/schema/", "get"): LOGIN,
    ("/api/docs/", "get"): LOGIN,
    ("/api/v1/", "get"): READ,
    ("/api/v1/jurisdictions/", "get"): READ,
    ("/api/v1/jurisdictions/{id}/", "get"): READ,
    ("/api/v1/agencies/", "get"): READ,
    ("/api/v1/agencies/{id}/", "get"): READ,
    ("/api/v1/requests/", "get"): READ,
    ("/api/v1/requests/", "post"): STAFF,
    ("/api/v1/requests/{id}/", "get"): READ,
    ("/api/v1/requests/{id}/", "patch"): STAFF,
    ("/api/v1/requests/{id}/events/", "post"): STAFF,
    ("/api/v1/appeals/", "get"): READ,
    ("/api/v1/appeals/{id}/", "get"): READ,
    ("/api/v1/reminders/", "get"): READ,
    ("/api/v1/reminders/{id}/", "get"): READ,
    ("/api/v1/lawsuits/", "get"): READ,
    ("/api/v1/lawsuits/", "post"): LAWYER,
    ("/api/v1/lawsuits/{id}/", "get"): READ,
    ("/api/v1/lawsuits/{id}/", "patch"): LAWYER,
    ("/api/v1/deadlines/", "get"): READ,
    ("/api/v1/deadlines/", "post"): LAWYER,
    ("/api/v1/deadlines/{id}/", "get"): READ,
    ("/api/v1/deadlines/{id}/mark/", "post"): LAWYER,
    ("/api/v1/deadlines/calculate/", "get"): LOGIN,
    ("/api/v1/deadlines/rules/", "get"): LOGIN,
    ("/api/v1/releases/", "get"): READ,
    ("/api/v1/releases/{id}/", "get"): READ,
    ("/api/v1/documents/", "get"): READ,
    ("/api/v1/documents/{id}/", "get"): READ,
    ("/api/v1/documents/{id}/original/", "get"): READ,
    ("/api/v1/documents/search/", "get"): READ,
    ("/api/v1/reports/", "get"): READ,
    ("/api/v1/reports/overdue-deadlines/", "get"): READ,
    ("/api/v1/reports/agency-performance/", "get"): READ,
    ("/api/v1/reports/releases/", "get"): READ,
    ("/api/v1/reports/exemptions/", "get"): READ,
    ("/api/v1/reports/pipeline/", "get"): READ,
}
# Not in the schema by design: the schema and docs pages, and the router's index.
OUTSIDE_SCHEMA = {("/api/schema/", "get"), ("/api/docs/", "get"), ("/api/v1/", "get")}


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_the_matrix_lists_every_operation_in_the_schema():
    operations = schema_operations()
    assert operations - set(MATRIX) == set(), "decide who may call these, then add them here"
    assert set(MATRIX) - OUTSIDE_SCHEMA - operations == set(), "these no longer exist"


def _client(persona: str) -> APIClient:
    client = APIClient()
    if persona == "anonymous":
        return client
    if persona == "superuser":
        user = UserFactory(username="root", is_superuser=True)
    elif persona == "no_role":
        user = UserFactory(username="outsider", is_staff=False)
    else:
        user = UserFactory(username=f"as-{persona}", roles=[persona])
    client.force_authenticate(user)  # type: ignore[arg-type]
    return client


@time_machine.travel(NOON, tick=False)
def test_every_endpoint_and_method_for_every_persona():
    records = build_records(2)
    ids = {
        "jurisdictions": records.requests[0].jurisdiction_id,
        "agencies": records.department.pk,
        "requests": records.requests[0].pk,
        "appeals": records.appeals[0].pk,
        "lawsuits": records.lawsuits[0].pk,
        "deadlines": records.deadlines[1].pk,
        "releases": records.releases[0].pk,
        "documents": records.documents[0].pk,
    }
    queries = {
        "/api/v1/deadlines/calculate/": {
            "jurisdiction": "US",
            "rule": "response",
            "start": "2019-01-16",
        },
        "/api/v1/documents/search/": {"q": "meeting"},
    }
    clients = {persona: _client(persona) for persona in PERSONAS}
    outcomes: dict[tuple[str, str, str], int] = {}
    for (path, method), allowed in sorted(MATRIX.items()):
        resource = path.split("/")[3] if path.startswith("/api/v1/") else ""
        url = path.replace("{id}", str(ids.get(resource, 0)))
        for persona, client in clients.items():
            if method == "get":
                response = client.get(url, queries.get(path, {}))
            else:
                response = getattr(client, method)(url, {}, format="json")
            status = response.status_code
            outcomes[path, method, persona] = status
            if persona == "anonymous":
                expected_ok = status == 401
            elif persona in allowed:
                expected_ok = status not in (401, 403) and status < 500
            else:
                expected_ok = status == 403
            assert expected_ok, (path, method, persona, status, response.content[:300])
            if status == 403 or status == 401:
                assert set(response.json()["error"]) == {"code", "message", "fields"}
    # Every reader gets the original's bytes (the records' files are stored), nobody else.
    original = {
        persona: outcomes["/api/v1/documents/{id}/original/", "get", persona]
        for persona in PERSONAS
    }
    assert original == {
        "anonymous": 401,
        "no_role": 403,
        **dict.fromkeys(READ, 200),
    }
    # Anonymous callers are told how to authenticate.
    assert clients["anonymous"].get("/api/v1/requests/")["WWW-Authenticate"] == "Token"


def test_healthz_needs_no_login():
    assert APIClient().get("/healthz").status_code in (200, 503)
