"""Lists built as plain rows (``row_selector``) answer byte for byte what the serializer would.

Each such list is called twice on the same rows, once through its selector and once with the
selector switched off (instances through the serializer, the schema's source of truth), with
filters, search, ordering and pages; the bodies must be identical.
"""

from __future__ import annotations

import datetime
import decimal
import inspect

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api import requests as request_views
from api.filters import AgencyFilter, DeadlineFilter
from api.lists import ListApiMixin, NamedFilterBackend
from documents.models import Release
from requests_app.models import (
    Agency,
    Appeal,
    Deadline,
    Lawsuit,
    RecordsRequest,
    Topic,
    TrackingNumber,
)
from tests.api.api_records import NOON, TODAY, build_records
from tests.factories import UserFactory, jurisdiction

pytestmark = pytest.mark.django_db

PLAIN_ROW_VIEWS = {
    view.__name__: view
    for _name, view in inspect.getmembers(request_views, inspect.isclass)
    if issubclass(view, ListApiMixin) and view.row_selector is not None
}

#: Per list: the queries each is called with (filters, search, ordering, pages).
QUERIES = {
    "/api/v1/jurisdictions/": [{}, {"level": "federal"}, {"ordering": "-name"}, {"search": "US"}],
    "/api/v1/agencies/": [
        {},
        {"top_level": "true"},
        {"ordering": "-abbreviation"},
        {"search": "Justice"},
        {"page_size": 1, "page": 2},
    ],
    "/api/v1/appeals/": [{}, {"outcome": "denied"}, {"ordering": "decided_on"}, {"page_size": 2}],
    "/api/v1/lawsuits/": [
        {},
        {"status": "filed"},
        {"ordering": "caption"},
        {"search": "DOJ 1"},
        {"page_size": 2, "page": 2},
    ],
    "/api/v1/requests/": [
        {},
        {"status": "in_litigation"},
        {"overdue": "true"},
        {"ordering": "title"},
        {"search": "DEA-0000"},  # over tracking numbers: the distinct path
        {"page_size": 2, "page": 2},
    ],
    "/api/v1/deadlines/": [
        {},
        {"overdue": "true"},
        {"overdue": "false"},
        {"due_within": 14},
        {"ordering": "-status,label"},
        {"search": "due"},
        {"page_size": 3, "page": 2},
    ],
}


@pytest.fixture
def client(db):
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader", roles=["reporting"]))
    return client


@pytest.fixture
def varied_records(db):
    """build_records, plus the values a plain row could get wrong: nulls and filled-in optional
    fields, a paused and a met deadline, several components ordered by name."""
    with time_machine.travel(NOON, tick=False):
        records = build_records(4)
    us = jurisdiction("US")
    department = records.department
    department.foia_email = "foia@example.gov"
    department.request_url = "https://example.gov/foia"
    department.mailing_address = "950 Pennsylvania Ave NW\nWashington, DC"
    department.phone = "+1 202 514 2000"
    department.website = "https://example.gov"
    department.save()
    for name in ("Federal Bureau of Investigation", "Antitrust Division"):
        Agency.objects.create(name=name, parent=department, jurisdiction=us)
    Agency.objects.create(name="Another Antitrust Division", parent=department, jurisdiction=us)
    appeal = records.appeals[0]
    Appeal.objects.filter(pk=appeal.pk).update(
        received_on=datetime.date(2019, 4, 3),
        decided_on=datetime.date(2019, 5, 1),
        outcome=Appeal.Outcome.DENIED,
        tracking_number="A-2019-01",
    )
    request = records.requests[0]
    Deadline.objects.create(
        request=request,
        label="Response due (tolled)",
        due_on=TODAY - datetime.timedelta(days=3),
        jurisdiction=us,
        rule="response",
        citation="5 U.S.C. 552(a)(6)(A)(i)",
        paused_on=TODAY - datetime.timedelta(days=10),
        days_left=7,
        responsible=records.owner,
    )
    Deadline.objects.create(
        request=request,
        label="Met response due",
        due_on=TODAY - datetime.timedelta(days=5),
        jurisdiction=us,
        status=Deadline.Status.MET,
        met_on=TODAY - datetime.timedelta(days=6),
        note="Answered early.",
    )
    # A suit over several requests, against several defendants, with several counsel: the
    # lists of ids and names keep the serializer's order.
    lawsuit = records.lawsuits[0]
    lawsuit.requests.add(*records.requests[1:3])
    lawsuit.defendant_agencies.add(records.component, *Agency.objects.filter(name__contains="Anti"))
    lawsuit.counsel.add(UserFactory(username="zed-counsel"), UserFactory(username="amy-counsel"))
    Lawsuit.objects.filter(pk=lawsuit.pk).update(
        served_on=datetime.date(2019, 11, 4), judge="Hon. A. Judge", outcome="Settled."
    )
    # Requests: several topics, fees to format, two tracking numbers assigned the same day, a
    # request with no topics or timeline, one in two suits with two releases, one overdue.
    first, second, third = records.requests[:3]
    first.topics.add(Topic.objects.create(name="biometrics"))
    RecordsRequest.objects.filter(pk=first.pk).update(
        fees_estimated=decimal.Decimal("25.5"),
        fees_paid=decimal.Decimal("0"),
        acknowledged_on=datetime.date(2019, 1, 10),
        closed_on=datetime.date(2020, 1, 2),
    )
    TrackingNumber.objects.create(
        request=first,
        agency=department,
        number="DOJ-OIP-2019-1",
        assigned_on=TODAY,
        note="re-numbered on referral",
    )
    records.lawsuits[1].requests.add(first)
    Release.objects.create(request=first, released_on=datetime.date(2020, 7, 1))
    third.topics.clear()
    third.events.all().delete()
    Deadline.objects.create(
        request=second,
        label="Acknowledgement due",
        due_on=TODAY - datetime.timedelta(days=1),
        jurisdiction=us,
        rule="response",
    )
    return records


def test_every_plain_row_list_is_compared():
    assert set(PLAIN_ROW_VIEWS) == {
        "JurisdictionViewSet",
        "AgencyViewSet",
        "AppealViewSet",
        "LawsuitViewSet",
        "DeadlineViewSet",
        "RecordsRequestViewSet",
    }
    assert {f"/api/v1/{_prefix(view)}/" for view in PLAIN_ROW_VIEWS.values()} == set(QUERIES)


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("path", sorted(QUERIES))
def test_plain_rows_equal_the_serializer(client, varied_records, monkeypatch, path):
    view = next(v for v in PLAIN_ROW_VIEWS.values() if path.endswith(f"/{_prefix(v)}/"))
    for query in QUERIES[path]:
        params = {"page_size": 100, **query}
        plain = client.get(path, params)
        assert plain.status_code == 200, plain.content
        with monkeypatch.context() as patched:
            patched.setattr(view, "row_selector", None)
            serialized = client.get(path, params)
        assert plain.content == serialized.content, query
        assert plain.json()["results"] or query, f"{path} lists nothing to compare"


def _prefix(view: type) -> str:
    return {
        "JurisdictionViewSet": "jurisdictions",
        "AgencyViewSet": "agencies",
        "AppealViewSet": "appeals",
        "LawsuitViewSet": "lawsuits",
        "DeadlineViewSet": "deadlines",
        "RecordsRequestViewSet": "requests",
    }[view.__name__]


@time_machine.travel(NOON, tick=False)
def test_overdue_in_a_plain_row_follows_today(client, varied_records):
    rows = client.get("/api/v1/deadlines/", {"page_size": 100}).json()["results"]
    overdue = {row["label"] for row in rows if row["overdue"]}
    assert "Response due (tolled)" not in overdue  # paused: the clock is stopped
    assert "Met response due" not in overdue
    assert overdue  # build_records makes one overdue on the frozen day


@time_machine.travel(NOON, tick=False)
def test_agency_components_cost_one_query_whatever_the_page_size(client, varied_records):
    client.get("/api/v1/agencies/")  # the forced user keeps its roles from this first call
    counts = []
    for size in (1, 2, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/agencies/", {"page_size": size})
        assert response.status_code == 200
        counts.append(len(queries))
    # Full pages of 1 and 2 cost the same; the short page of 50 saves its COUNT (its length is
    # the count), so it costs one query less, never more.
    assert counts[0] == counts[1] == counts[2] + 1, counts
    department = next(
        row
        for row in client.get("/api/v1/agencies/", {"page_size": 50}).json()["results"]
        if row["id"] == varied_records.department.pk
    )
    assert [c["name"] for c in department["components"]] == sorted(
        c["name"] for c in department["components"]
    )


# --- Filters only when the query names one ------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_a_query_without_a_filter_builds_no_filterset(client, varied_records, monkeypatch):
    built = []
    original = DeadlineFilter.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(DeadlineFilter, "__init__", counting_init)
    assert client.get("/api/v1/deadlines/", {"page_size": 5, "search": "due"}).status_code == 200
    assert built == []
    assert client.get("/api/v1/deadlines/", {"overdue": "true"}).status_code == 200
    assert len(built) == 1
    # An invalid value still is the FilterSet's 400.
    response = client.get("/api/v1/deadlines/", {"overdue": "maybe"})
    assert response.status_code == 400
    assert "overdue" in response.json()["error"]["fields"]


class _Request:
    def __init__(self, **params: str) -> None:
        self.query_params = params


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({}, False),
        ({"page": "2", "page_size": "5", "search": "x", "ordering": "name"}, False),
        ({"cache_buster": "1"}, False),
        ({"top_level": "true"}, True),
        ({"jurisdiction": ""}, True),  # an empty value goes through the form, as before
        ({"parent_min": "1"}, True),  # a widget's suffixed parameter
    ],
)
def test_which_queries_name_a_filter(params, named):
    request = _Request(**params)
    view = type("View", (), {"filterset_class": AgencyFilter, "filterset_fields": None})()
    backend = NamedFilterBackend()
    queryset = Agency.objects.all()
    filtered = backend.filter_queryset(request, queryset, view)
    assert (filtered is not queryset) is named
