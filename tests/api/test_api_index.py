"""The API's indexes: the root (/api/v1/) links every endpoint a client can call, absolute, and
/api/v1/reports/ lists the reports."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.reports import REPORTS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader", roles=["reporting"]))
    return client


def test_the_root_links_every_endpoint_absolute(reader):
    response = reader.get("/api/v1/")
    assert response.status_code == 200, response.content
    links = response.json()
    base = "http://testserver/api/v1/"
    for resource in (
        "jurisdictions",
        "agencies",
        "requests",
        "appeals",
        "reminders",
        "lawsuits",
        "deadlines",
        "releases",
        "documents",
    ):
        assert links[resource] == f"{base}{resource}/"
    assert links["deadlines/calculate"] == f"{base}deadlines/calculate/"
    assert links["deadlines/rules"] == f"{base}deadlines/rules/"
    assert links["documents/search"] == f"{base}documents/search/"
    assert links["reports"] == f"{base}reports/"
    for name in REPORTS:
        assert links[f"reports/{name}"] == f"{base}reports/{name}/"


def test_every_link_of_the_root_answers(reader):
    for name, link in reader.get("/api/v1/").json().items():
        status = reader.get(link).status_code
        # The calculator and search need their parameters: 400 naming them, not 404.
        assert status in (200, 400), (name, link, status)


def test_the_reports_index_lists_every_report_with_its_link(reader):
    response = reader.get("/api/v1/reports/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    results = response.json()["results"]
    assert [row["name"] for row in results] == list(REPORTS)
    for row in results:
        assert set(row) == {"name", "title", "description", "precomputed", "url"}
        assert row["url"] == f"http://testserver/api/v1/reports/{row['name']}/"
        assert row["title"]
        assert row["description"]
        assert reader.get(row["url"]).status_code == 200
    precomputed = {row["name"] for row in results if row["precomputed"]}
    assert precomputed == {"agency-performance", "releases", "exemptions"}


def test_the_reports_index_needs_a_reading_role():
    assert APIClient().get("/api/v1/reports/").status_code == 401
    outsider = APIClient()
    outsider.force_authenticate(UserFactory(username="outsider"))
    response = outsider.get("/api/v1/reports/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_the_browsable_root_says_what_the_api_is(reader):
    page = reader.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    assert "The default basic root view for DefaultRouter" not in page
    assert "foiatracker API" in page
    assert "Records requests, appeals, lawsuits and their deadlines" in page
    assert "/api/docs/" in page
