"""Property-based tests of the whole API against its live OpenAPI schema (schemathesis).

For each role, schemathesis loads /api/schema/ from the running application (in-process WSGI,
authenticated with that role's token), generates requests for every operation from the schema,
and checks that no response is a server error and that every response (status code, content type
and body) is one the schema documents.

Bounded in time on purpose: ``MAX_EXAMPLES`` examples per operation and role (36 operations, 4
roles), which runs in about a minute on each database. Hypothesis is derandomized so a failure
reproduces; a deeper run is the same test with a larger number (``SCHEMATHESIS_EXAMPLES``).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.api_records import NOON, build_records
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app():
    """The real WSGI application, minus closing the database connection at the end of each
    request (Django's test client does the same): the test's transaction must survive it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["reporting", "staff", "lawyer", "superuser"])
def test_the_api_keeps_to_its_schema(role, wsgi_app):
    with time_machine.travel(NOON, tick=False):
        build_records(2)
    if role == "superuser":
        user = UserFactory(username="root", is_superuser=True)
    else:
        user = UserFactory(username=f"as-{role}", roles=[role])
    token = Token.objects.create(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            exercise()
        except Exception as exc:  # collect all operations' failures, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
