"""Every whole number the API reads from a query or a path has a range (``api.bounds``): outside
it, a query parameter is a 400 naming it and a path id a 404, on SQLite and PostgreSQL alike,
never a 500 (SQLite cannot even bind an integer past 64 bits). The schema declares each range,
which the schemathesis coverage phase probes at and past its ends."""

from __future__ import annotations

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from api.bounds import MAX_KEY
from tests.api.api_records import NOON, build_records
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HUGE = 227018328560858966270148608  # past 64 bits
OUT_OF_RANGE = (-1, 0, MAX_KEY + 1, HUGE)

#: Every integer query parameter of every list and report, with the query that makes the rest of
#: the request valid.
KEY_PARAMETERS = {
    "/api/v1/agencies/": ["parent"],
    "/api/v1/requests/": ["agency", "owner", "lawsuit"],
    "/api/v1/appeals/": ["request", "agency", "owner"],
    "/api/v1/reminders/": ["recipient", "deadline"],
    "/api/v1/lawsuits/": ["agency", "request", "counsel"],
    "/api/v1/deadlines/": ["request", "appeal", "lawsuit", "agency", "owner"],
    "/api/v1/releases/": ["request", "lawsuit", "agency", "owner"],
    "/api/v1/documents/": ["release", "request", "lawsuit", "agency"],
    "/api/v1/reports/overdue-deadlines/": ["agency", "owner"],
    "/api/v1/reports/agency-performance/": ["agency"],
    "/api/v1/reports/releases/": ["agency", "lawsuit"],
    "/api/v1/reports/exemptions/": ["agency"],
    "/api/v1/reports/pipeline/": ["agency", "owner"],
    "/api/v1/documents/search/": ["release", "request", "lawsuit"],
}
BASE_QUERY = {"/api/v1/documents/search/": {"q": "meeting"}}
RESOURCES = [
    "jurisdictions",
    "agencies",
    "requests",
    "appeals",
    "reminders",
    "lawsuits",
    "deadlines",
    "releases",
    "documents",
]


@pytest.fixture
def reader():
    with time_machine.travel(NOON, tick=False):
        build_records(1)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(UserFactory(username="reader", is_superuser=True))
    return client


def error(response, status=400) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


@pytest.mark.parametrize("path", sorted(KEY_PARAMETERS))
def test_an_id_out_of_range_is_a_400_naming_the_parameter(reader, path):
    for name in KEY_PARAMETERS[path]:
        for value in OUT_OF_RANGE:
            response = reader.get(path, {**BASE_QUERY.get(path, {}), name: value})
            body = error(response)
            assert list(body["fields"]) == [name], (path, name, value, body)
            assert str(MAX_KEY) in body["fields"][name][0], body
        # The largest key names no row here: an ordinary answer, not a database error.
        response = reader.get(path, {**BASE_QUERY.get(path, {}), name: MAX_KEY})
        assert response.status_code in (200, 400), (path, name, response.content[:300])


@pytest.mark.parametrize(
    ("path", "name", "bad", "good"),
    [
        ("/api/v1/requests/", "page", (-1, 0, MAX_KEY + 1, HUGE), (1,)),
        ("/api/v1/requests/", "page_size", (-1, 0, 101, MAX_KEY + 1, HUGE), (1, 100)),
        ("/api/v1/reports/pipeline/", "page", (-1, 0, MAX_KEY + 1, HUGE), (1,)),
        ("/api/v1/reports/pipeline/", "page_size", (-1, 0, 101, HUGE), (100,)),
        ("/api/v1/requests/", "due_within", (-1, 3661, MAX_KEY + 1, HUGE), (0, 3660)),
        ("/api/v1/deadlines/", "due_within", (-1, 3661, HUGE), (0, 3660)),
        ("/api/v1/appeals/", "due_within", (-1, HUGE), (0,)),
        ("/api/v1/lawsuits/", "due_within", (-1, HUGE), (0,)),
        ("/api/v1/reports/agency-performance/", "year_from", (-1, 0, HUGE), (2019,)),
        ("/api/v1/reports/agency-performance/", "year_to", (-1, 0, HUGE), (2020,)),
        ("/api/v1/documents/search/", "limit", (-1, 0, 101, HUGE), (1, 100)),
    ],
)
def test_every_other_whole_number_has_its_range(reader, path, name, bad, good):
    base = BASE_QUERY.get(path, {})
    for value in bad:
        assert list(error(reader.get(path, {**base, name: value}))["fields"]) == [name], value
    for value in good:
        assert reader.get(path, {**base, name: value}).status_code == 200, (name, value)


def test_a_page_past_the_end_in_range_is_still_a_404(reader):
    assert error(reader.get("/api/v1/requests/", {"page": MAX_KEY}), 404)["code"] == "not_found"


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("key", [-1, 0, MAX_KEY, MAX_KEY + 1, HUGE])
def test_a_path_id_out_of_range_is_a_json_404(reader, resource, key):
    assert error(reader.get(f"/api/v1/{resource}/{key}/"), 404)["code"] == "not_found"


def test_a_write_to_a_path_id_out_of_range_is_a_json_404(reader):
    huge = f"/api/v1/deadlines/{HUGE}/mark/"
    assert error(reader.post(huge, {"status": "met"}, format="json"), 404)["code"] == "not_found"
    huge = f"/api/v1/requests/{HUGE}/"
    assert error(reader.patch(huge, {}, format="json"), 404)["code"] == "not_found"


def test_every_integer_parameter_in_the_schema_declares_its_range():
    """What the schemathesis coverage phase probes: an integer parameter without a declared
    range is never tried past 64 bits, so a bound missing in the code would go unseen."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    unbounded = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                declared = parameter.get("schema", {})
                declared = declared.get("items", declared)
                integer = parameter["in"] == "query" and declared.get("type") == "integer"
                if integer and not {"minimum", "maximum"} <= set(declared):
                    unbounded.append((method, path, parameter["name"]))
    assert unbounded == []


def test_the_key_parameters_above_are_every_integer_query_parameter():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    keys = {
        (path, parameter["name"])
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
        and parameter.get("schema", {}).get("maximum") == MAX_KEY
        and parameter["name"] != "page"
    }
    listed = {(path, name) for path, names in KEY_PARAMETERS.items() for name in names}
    assert keys == listed
