"""Property-based tests of the whole API against its live OpenAPI schema (schemathesis).

For each role, schemathesis loads /api/schema/ from the running application (in-process WSGI,
authenticated with that role's token), generates requests for every operation from the schema,
and checks that no response is a server error and that every response (status code, content type
and body) is one the schema documents. Two of schemathesis' phases run for each operation:

- coverage (for the superuser, who reaches every operation's validation; the test fails if it
  yields no cases): deterministic cases at
  every boundary the schema declares: each integer at its minimum and maximum and one past each
  (0 and 2**63 for a key, 101 for ``page_size``), values of the wrong type, a missing required
  parameter, a path id that names nothing, methods the path does not allow. A bound the code does
  not enforce (a key past 64 bits reaching the database) shows up here as a 500, on SQLite and
  PostgreSQL alike;
- fuzzing (with the schema's examples first): ``MAX_EXAMPLES`` random examples per operation and
  role, Hypothesis derandomized so a failure reproduces.

Beside the coverage phase, which probes only the ranges the schema declares, every integer query
or path parameter is also tried at ``BOUNDARY_VALUES`` (negative, zero, past 64 bits) in an
otherwise valid request: a range the schema forgets to declare is probed all the same.

Bounded in time on purpose: about a minute on each database for the four roles, some 35 s of it
the superuser's coverage cases; a deeper run is the same test with a larger number
(``SCHEMATHESIS_EXAMPLES``).
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
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.api_records import NOON, build_records
from tests.factories import UserFactory, api_key_for

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))
#: The roles the coverage phase runs for: the superuser reaches every operation's validation
#: (the other roles meet a 403 before a write's input is read, and the same reads), so repeating
#: it per role would only repeat its cost (about 30 s).
COVERAGE_ROLES = {"superuser"}
#: Tried in every integer query and path parameter: negative, zero, one past the largest 64-bit
#: key, and far past it (SQLite cannot bind these at all).
BOUNDARY_VALUES = (-1, 0, 2**63, 227018328560858966270148608)
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


def _boundary_cases(operation, schema, headers):
    """``BOUNDARY_VALUES`` in each integer query or path parameter of a request the coverage
    phase made valid in every other respect (its first positive case that the API accepts)."""
    integers = [
        parameter
        for parameter in operation.iter_parameters()
        if parameter.location in ("query", "path")
        and parameter.definition.get("schema", {}).get("type") == "integer"
    ]
    if not integers:
        return
    cases = schema.iter_coverage_cases(
        operation,
        generation_modes=[GenerationMode.POSITIVE],
        generation_config=schema.config.generation_for(operation=operation, phase="coverage"),
    )
    valid = next((case for case in cases if case.call(headers=headers).status_code < 300), None)
    if valid is None:
        return
    for parameter in integers:
        for value in BOUNDARY_VALUES:
            path_parameters = dict(valid.path_parameters or {})
            query = dict(valid.query or {})
            (path_parameters if parameter.location == "path" else query)[parameter.name] = value
            yield operation.Case(
                path_parameters=path_parameters,
                query=query,
                body=valid.body,
                media_type=valid.media_type,
            )


@pytest.mark.parametrize("role", ["reporting", "staff", "lawyer", "superuser"])
def test_the_api_keeps_to_its_schema(role, wsgi_app):
    with time_machine.travel(NOON, tick=False):
        build_records(2)
    if role == "superuser":
        user = UserFactory(username="root", is_superuser=True)
    else:
        user = UserFactory(username=f"as-{role}", roles=[role])
    headers = {"Authorization": f"Token {api_key_for(user)}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
    failures = []
    coverage_cases = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30

    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        coverage = []
        if role in COVERAGE_ROLES:
            coverage = [
                *schema.iter_coverage_cases(
                    operation,
                    generation_modes=list(GenerationMode),
                    generation_config=schema.config.generation_for(
                        operation=operation, phase="coverage"
                    ),
                ),
                *_boundary_cases(operation, schema, headers),
            ]
        coverage_cases += len(coverage)
        for case in coverage:
            try:
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
            # schemathesis reports its checks' failures as an exception group.
            except (Exception, BaseExceptionGroup) as exc:  # the first per operation is enough
                failures.append(f"{label} (coverage) {case.as_curl_command()}: {exc}")
                break

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
            failures.append(f"{label}: {exc}")
    if role in COVERAGE_ROLES:
        # The coverage phase really ran: a schemathesis upgrade that quietly yields no cases
        # (or a schema it cannot read) fails here instead of passing on fuzzing alone.
        assert coverage_cases > 10 * len(operations), coverage_cases
    assert not failures, "\n\n".join(failures)
