"""Lists: filters (a bad value is a 400 naming it), pagination, ordering, CSV, error shape."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.module_loading import import_string
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from api.lists import StrictSearchFilter
from requests_app.models import Deadline, Jurisdiction, TrackingNumber
from tests.api.api_records import NOON, TODAY, build_records
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db):
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader", roles=["reporting"]))
    return client


@pytest.fixture
def records(db):
    with time_machine.travel(NOON, tick=False):
        yield build_records(3)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def error(response, status=400) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


# --- Filters ------------------------------------------------------------------------------------


def test_agency_filter_includes_the_components(api, records):
    department = api.get("/api/v1/requests/", {"agency": records.department.pk})
    component = api.get("/api/v1/requests/", {"agency": records.component.pk})
    assert sorted(ids(department)) == sorted(r.pk for r in records.requests)
    assert sorted(ids(component)) == sorted(
        r.pk for r in records.requests if r.agency_id == records.component.pk
    )


def test_overdue_and_due_within_are_counted_from_today(api, records):
    with time_machine.travel(NOON, tick=False):
        overdue = api.get("/api/v1/deadlines/", {"overdue": "true"})
        # Answer deadlines are due TODAY + 10: inside 10 days, outside 9.
        within_10 = api.get("/api/v1/deadlines/", {"due_within": 10})
        within_9 = api.get("/api/v1/deadlines/", {"due_within": 9})
        appeals_overdue = api.get("/api/v1/appeals/", {"overdue": "true"})
        requests_overdue = api.get("/api/v1/requests/", {"overdue": "true"})
    appeal_deadlines = [d.pk for d in records.deadlines if d.appeal_id]
    assert sorted(ids(overdue)) == sorted(appeal_deadlines)
    assert all(row["overdue"] for row in overdue.json()["results"])
    assert sorted(ids(within_10)) == sorted(d.pk for d in records.deadlines if d.lawsuit_id)
    assert ids(within_9) == []
    assert sorted(ids(appeals_overdue)) == sorted(a.pk for a in records.appeals)
    # A request's own deadline (missed) is not open, so no request is overdue itself.
    assert ids(requests_overdue) == []


def test_a_day_later_a_deadline_becomes_overdue(api, records):
    lawsuit_deadline = next(d for d in records.deadlines if d.lawsuit_id)
    due_day = NOON + datetime.timedelta(days=10)
    with time_machine.travel(due_day, tick=False):
        assert lawsuit_deadline.pk not in ids(api.get("/api/v1/deadlines/", {"overdue": "true"}))
    with time_machine.travel(due_day + datetime.timedelta(days=1), tick=False):
        assert lawsuit_deadline.pk in ids(api.get("/api/v1/deadlines/", {"overdue": "true"}))


def test_date_ranges_status_topic_owner_lawsuit_and_has_release(api, records):
    first, second, third = records.requests
    assert ids(api.get("/api/v1/requests/", {"filed_after": "2019-01-03"})) == [third.pk, second.pk]
    assert ids(api.get("/api/v1/requests/", {"filed_before": "2019-01-02"})) == [first.pk]
    assert ids(api.get("/api/v1/requests/", {"received_after": "2019-01-05"})) == [third.pk]
    assert len(ids(api.get("/api/v1/requests/", {"status": "in_litigation"}))) == 3
    assert ids(api.get("/api/v1/requests/", {"status": "draft"})) == []
    assert len(ids(api.get("/api/v1/requests/", {"topic": "Face Recognition"}))) == 3
    assert ids(api.get("/api/v1/requests/", {"topic": "drones"})) == []
    assert len(ids(api.get("/api/v1/requests/", {"owner": records.owner.pk}))) == 3
    assert ids(api.get("/api/v1/requests/", {"lawsuit": records.lawsuits[1].pk})) == [second.pk]
    assert len(ids(api.get("/api/v1/requests/", {"has_release": "true"}))) == 3
    assert ids(api.get("/api/v1/requests/", {"has_release": "false"})) == []
    assert len(ids(api.get("/api/v1/requests/", {"jurisdiction": "US"}))) == 3
    assert ids(api.get("/api/v1/requests/", {"jurisdiction": "US-MA"})) == []
    due = api.get("/api/v1/requests/", {"due_after": "2019-01-01", "due_before": "2019-12-31"})
    assert ids(due) == []  # their own deadlines are closed (missed), not open


def test_search_finds_tracking_numbers_once(api, records):
    number = records.requests[1].tracking_numbers.get().number
    assert ids(api.get("/api/v1/requests/", {"search": number})) == [records.requests[1].pk]


def test_every_search_term_must_match_a_field_or_a_tracking_number(api, records):
    request = records.requests[2]
    number = request.tracking_numbers.get().number
    # One term in the title, the other only in a tracking number: both must match.
    assert ids(api.get("/api/v1/requests/", {"search": f"recognition {number}"})) == [request.pk]
    assert ids(api.get("/api/v1/requests/", {"search": f"nowhere {number}"})) == []
    # A request with two matching tracking numbers is listed once, and counted once.
    TrackingNumber.objects.create(
        request=request, agency=request.agency, number=f"{number}-R", assigned_on=TODAY
    )
    body = api.get("/api/v1/requests/", {"search": number}).json()
    assert [row["id"] for row in body["results"]] == [request.pk]
    assert body["count"] == 1
    # Each word on its own: two words found in two different tracking numbers of one request.
    TrackingNumber.objects.create(
        request=request, agency=request.agency, number="ALPHA-77", assigned_on=TODAY
    )
    TrackingNumber.objects.create(
        request=request, agency=request.agency, number="BETA-88", assigned_on=TODAY
    )
    assert ids(api.get("/api/v1/requests/", {"search": "alpha beta"})) == [request.pk]


def test_deadlines_of_an_agency_are_its_requests_appeals_and_suits(api, records):
    def listed(agency):
        return sorted(ids(api.get("/api/v1/deadlines/", {"agency": agency.pk, "page_size": 100})))

    everything = sorted(d.pk for d in records.deadlines)
    # The department: its own requests and its component's (request and appeal deadlines), and
    # the suits naming it as a defendant.
    assert listed(records.department) == everything
    # The component: only its requests' and their appeals' deadlines; no suit names it.
    component_requests = {r.pk for r in records.requests if r.agency_id == records.component.pk}
    assert listed(records.component) == sorted(
        d.pk
        for d in records.deadlines
        if d.request_id in component_requests
        or (d.appeal_id and d.appeal.request_id in component_requests)
    )


def test_other_lists_filter_too(api, records):
    lawsuit = records.lawsuits[0]
    assert ids(api.get("/api/v1/releases/", {"lawsuit": lawsuit.pk})) == [records.releases[0].pk]
    assert len(ids(api.get("/api/v1/releases/", {"exemption": "B5"}))) == 3
    assert len(ids(api.get("/api/v1/documents/", {"agency": records.department.pk}))) == 3
    assert len(ids(api.get("/api/v1/lawsuits/", {"agency": records.department.pk}))) == 3
    assert ids(api.get("/api/v1/lawsuits/", {"agency": records.component.pk})) == []
    assert len(ids(api.get("/api/v1/agencies/", {"top_level": "false"}))) >= 1


@pytest.mark.parametrize(
    ("url", "param", "value"),
    [
        ("/api/v1/requests/", "status", "nonsense"),
        ("/api/v1/requests/", "agency", "999999"),
        ("/api/v1/requests/", "agency", "DEA"),
        ("/api/v1/requests/", "jurisdiction", "US-ZZ"),
        ("/api/v1/requests/", "owner", "x"),
        ("/api/v1/requests/", "filed_after", "2019-13-01"),
        ("/api/v1/requests/", "overdue", "maybe"),
        ("/api/v1/requests/", "due_within", "-1"),
        ("/api/v1/requests/", "due_within", "1.5"),
        ("/api/v1/requests/", "has_release", "sometimes"),
        ("/api/v1/deadlines/", "status", "late"),
        ("/api/v1/deadlines/", "overdue", "2"),
        ("/api/v1/documents/", "kind", "fax"),
        ("/api/v1/requests/", "page_size", "101"),
        ("/api/v1/requests/", "page_size", "0"),
        ("/api/v1/requests/", "page", "first"),
        ("/api/v1/requests/", "ordering", "secret_field"),
        ("/api/v1/requests/", "format", "xml"),
        ("/api/v1/reports/agency-performance/", "year_from", "1492"),
        ("/api/v1/reports/releases/", "released_after", "yesterday"),
    ],
)
def test_an_invalid_value_is_a_400_naming_the_parameter(api, records, url, param, value):
    body = error(api.get(url, {param: value}))
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [param]
    assert body["message"].startswith(f"{param}: ")


def test_a_nul_in_the_search_is_a_400_naming_search(api, records):
    assert list(error(api.get("/api/v1/requests/", {"search": "a\x00b"}))["fields"]) == ["search"]


def test_unknown_parameters_are_ignored(api, records):
    assert len(ids(api.get("/api/v1/requests/", {"cache_buster": "123"}))) == 3


def test_a_page_past_the_end_is_404_in_the_error_shape(api, records):
    assert error(api.get("/api/v1/requests/", {"page": 9}), 404)["code"] == "not_found"


# --- Pagination and order -------------------------------------------------------------------------


def test_pages_are_stable_and_never_overlap(api):
    with time_machine.travel(NOON, tick=False):
        records = build_records(5)
    Deadline.objects.update(due_on=TODAY)  # every due date ties: the primary key decides
    seen = []
    for page in (1, 2, 3, 4, 5, 6, 7, 8):
        seen += ids(api.get("/api/v1/deadlines/", {"page_size": 2, "page": page}))
    assert seen == sorted(d.pk for d in records.deadlines)
    desc = ids(api.get("/api/v1/deadlines/", {"ordering": "-due_on", "page_size": 100}))
    assert desc == sorted(d.pk for d in records.deadlines)  # ties still broken by pk ascending


def test_page_size_up_to_100(api, records):
    response = api.get("/api/v1/deadlines/", {"page_size": 100})
    assert response.json()["count"] == 9
    assert len(response.json()["results"]) == 9
    assert api.get("/api/v1/deadlines/").json()["next"] is None


def _counted(queries) -> bool:
    return any("COUNT(" in q["sql"].upper() for q in queries)


def test_a_first_page_shorter_than_the_page_size_is_counted_by_its_length(api):
    total = Jurisdiction.objects.count()  # seeded by the migrations
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/jurisdictions/", {"page_size": total + 1}).json()
    assert body["count"] == len(body["results"]) == total
    assert body["next"] is None
    assert not _counted(queries), [q["sql"] for q in queries]


@pytest.mark.parametrize("page_size", [3, "exact"])
def test_a_full_first_page_and_later_pages_are_counted(api, page_size):
    total = Jurisdiction.objects.count()
    size = total if page_size == "exact" else page_size
    with CaptureQueriesContext(connection) as queries:
        first = api.get("/api/v1/jurisdictions/", {"page_size": size}).json()
    assert _counted(queries)
    assert first["count"] == total
    assert len(first["results"]) == size
    assert (first["next"] is None) == (size == total)
    if size < total:
        second = api.get("/api/v1/jurisdictions/", {"page_size": size, "page": 2}).json()
        assert second["count"] == total
        assert {r["id"] for r in first["results"]}.isdisjoint(r["id"] for r in second["results"])
    past = (total // size) + 2
    assert error(api.get("/api/v1/jurisdictions/", {"page_size": size, "page": past}), 404)


def test_an_empty_list_is_one_page_with_count_0(api):
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/requests/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    assert not _counted(queries)


def test_ordering_by_a_listed_field(api, records):
    asc = ids(api.get("/api/v1/requests/", {"ordering": "filed_on"}))
    assert asc == [r.pk for r in records.requests]


# --- CSV ------------------------------------------------------------------------------------------


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_by_format_or_accept_with_the_same_filters(api, records):
    by_format = _csv(
        api.get("/api/v1/requests/", {"format": "csv", "agency": records.component.pk})
    )
    by_accept = _csv(
        api.get("/api/v1/requests/", {"agency": records.component.pk}, HTTP_ACCEPT="text/csv")
    )
    expected = [
        str(r.pk) for r in reversed(records.requests) if r.agency_id == records.component.pk
    ]
    assert [row["id"] for row in by_format] == expected
    assert by_format == by_accept
    assert by_format[0]["topics"] == "face recognition"


def test_csv_is_not_paginated(api):
    with time_machine.travel(NOON, tick=False):
        build_records(4)
    rows = _csv(api.get("/api/v1/deadlines/", {"format": "csv", "page_size": 2}))
    assert len(rows) == 12


def test_csv_defuses_formulas(api, records):
    rows = _csv(api.get("/api/v1/documents/", {"format": "csv"}))
    subjects = [row["subject"] for row in rows]
    assert '\'=HYPERLINK("http://example.org")' in subjects


def test_errors_stay_json_when_csv_was_asked_for(api, records):
    response = api.get("/api/v1/requests/", {"format": "csv", "overdue": "maybe"})
    assert response["Content-Type"].startswith("application/json")
    assert error(response)["fields"] == {"overdue": ["Expected true or false; got 'maybe'."]}


def test_anonymous_csv_is_401(records):
    response = APIClient().get("/api/v1/requests/", {"format": "csv"})
    assert error(response, 401)["code"] == "not_authenticated"


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("view", "indexes"),
    [
        (
            "api.requests.RecordsRequestViewSet",
            {"request_title_trgm", "request_records_sought_trgm", "tracking_number_trgm"},
        ),
        (
            "api.requests.DeadlineViewSet",
            {"deadline_label_trgm", "deadline_citation_trgm", "deadline_court_order_trgm"},
        ),
        (
            "api.documents.DocumentViewSet",
            {
                "document_subject_trgm",
                "document_sender_trgm",
                "document_original_name_trgm",
                "document_bates_number_trgm",
            },
        ),
    ],
)
def test_postgres_searches_every_field_of_a_large_list_through_its_trigram_index(view, indexes):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes exist on PostgreSQL only")
    view_class = import_string(view)
    assert StrictSearchFilter in view_class.filter_backends  # the view searches this way
    request = Request(APIRequestFactory().get("/", {"search": "face 1:19-cv"}))
    searched = StrictSearchFilter().filter_queryset(
        request, view_class.queryset.model.objects.all(), view_class()
    )
    # Plain and index scans off: a bitmap scan needs an index that can test the condition, so
    # each field's expression must be the one indexed.
    switches = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")
    with connection.cursor() as cursor:
        for switch in switches:
            cursor.execute(f"SET {switch} = off")
        plan = searched.values("pk").explain()
        for switch in switches:
            cursor.execute(f"SET {switch} = on")
    assert {index for index in indexes if index in plan} == indexes, plan
