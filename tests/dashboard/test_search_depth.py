"""How deep a search pages (core.paging): the dashboard's document search and the API's lists
with ?search= stop at the first SEARCH_MAX_RESULTS matches and say to refine the search. Checked
through the SQL the pages send (their LIMIT and OFFSET), not through time."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core.paging import SEARCH_MAX_RESULTS, search_last_page
from dashboard.documents import PAGE_SIZE
from documents import selectors
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
WINDOW = re.compile(r"LIMIT (\d+)(?: OFFSET (\d+))?")


def deepest_row(queries: CaptureQueriesContext) -> int:
    """The furthest row any statement asked for (its OFFSET plus LIMIT)."""
    return max(
        (
            int(limit) + int(offset or 0)
            for query in queries.captured_queries
            for limit, offset in WINDOW.findall(query["sql"])
        ),
        default=0,
    )


def test_the_last_search_page_reads_no_deeper_than_the_cap(lawyer_client):
    last = search_last_page(PAGE_SIZE)
    with CaptureQueriesContext(connection) as queries:
        response = lawyer_client.get(reverse("dashboard:documents"), {"q": "face", "page": last})
    assert response.status_code == 200
    # One row past the page tells whether another follows; nothing deeper is read.
    assert deepest_row(queries) <= SEARCH_MAX_RESULTS + 1


def test_a_page_past_the_cap_says_to_refine_the_search_and_searches_nothing(lawyer_client):
    last = search_last_page(PAGE_SIZE)
    with CaptureQueriesContext(connection) as queries:
        response = lawyer_client.get(
            reverse("dashboard:documents"), {"q": "face", "page": last + 1}
        )
    assert response.status_code == 400
    text = response.content.decode()
    assert f"Search results stop at page {last}" in text
    assert "refine your search" in text
    assert deepest_row(queries) <= SEARCH_MAX_RESULTS  # the form's choices, not a search
    for page in (2000, 10_000):
        deep = lawyer_client.get(reverse("dashboard:documents"), {"q": "face", "page": page})
        assert deep.status_code == 400


def test_the_search_selector_refuses_to_page_past_the_cap():
    with pytest.raises(ValueError, match="at most"):
        selectors.document_search(query="face", limit=PAGE_SIZE + 1, offset=SEARCH_MAX_RESULTS)


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(UserFactory(username="root", is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("page_size", "page"),
    [(50, SEARCH_MAX_RESULTS // 50 + 1), (100, SEARCH_MAX_RESULTS // 100 + 1), (1, 10**6)],
)
def test_an_api_search_page_past_the_cap_is_a_400_naming_page(api, page_size, page):
    response = api.get(
        "/api/v1/requests/", {"search": "face", "page": page, "page_size": page_size}
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["page"]
    assert "refine your search" in fields["page"][0]


def test_an_api_search_within_the_cap_and_a_list_without_search_page_as_before(api):
    last = SEARCH_MAX_RESULTS // 50
    assert api.get("/api/v1/requests/", {"search": "face", "page": last}).status_code == 404
    assert api.get("/api/v1/requests/", {"page": last + 1}).status_code == 404  # past the end
