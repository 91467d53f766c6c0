"""Every list endpoint and report runs the same number of queries for 1 row as for 50.

The endpoints come from the live schema (every GET without a path parameter), so a new list is
covered without being named here. Joins are prefetched in the selectors; a serializer that
reached for a relation per row would make the 50-row page cost more queries than the 1-row page.
"""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.api.api_records import NOON, build_records
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Lists that are not of records, or need a parameter to list anything.
NOT_RECORD_LISTS = {"/api/v1/deadlines/calculate/"}
PARAMS = {"/api/v1/documents/search/": {"q": "meeting"}}


def list_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and "{" not in path and path not in NOT_RECORD_LISTS
    )


def test_the_walk_covers_the_resources_and_reports():
    paths = list_paths()
    for resource in ("requests", "deadlines", "releases", "documents", "reports/pipeline"):
        assert f"/api/v1/{resource}/" in paths


@time_machine.travel(NOON, tick=False)
def test_queries_do_not_grow_with_the_page_size():
    build_records(50)
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader", roles=["reporting"]))
    counts = {}
    for path in list_paths():
        sizes = {}
        for size, limit_param in ((1, {"page_size": 1}), (50, {"page_size": 50})):
            params = {**PARAMS.get(path, {}), **limit_param}
            if path == "/api/v1/documents/search/":
                params = {"q": "meeting", "limit": size}
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, params)
            assert response.status_code == 200, (path, response.content[:300])
            sizes[size] = len(queries)
        counts[path] = sizes
    grew = {path: sizes for path, sizes in counts.items() if sizes[50] > sizes[1]}
    assert grew == {}, counts
    # And the pages are really of different sizes (the comparison means something).
    body = client.get("/api/v1/requests/", {"page_size": 50}).json()
    assert len(body["results"]) == 50


@time_machine.travel(NOON, tick=False)
def test_csv_queries_grow_per_chunk_not_per_row():
    build_records(30)
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader", roles=["reporting"]))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/requests/", {"format": "csv"})
        lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 31
    assert len(queries) < 20, [q["sql"][:80] for q in queries]
