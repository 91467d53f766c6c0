"""Precomputed reports (reports.snapshots): the snapshot answers what the live report
would, filters included; it says when it was computed; a refresh replaces it whole."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient

from documents.models import Document, Release
from foiatracker.celery import app as celery_app
from reports import selectors, snapshots, tasks
from reports.models import (
    AgencyYearPerformance,
    ReleaseDayTotals,
    ReleaseMonthTotals,
    ReportRefresh,
)
from requests_app.models import RecordsRequest
from tests.api.api_records import NOON, build_records
from tests.factories import UserFactory, jurisdiction

pytestmark = pytest.mark.django_db

REFRESHED = datetime.datetime(2020, 3, 4, 17, 0, tzinfo=datetime.UTC)


@pytest.fixture
def api(db):
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader", roles=["reporting"]))
    return client


@pytest.fixture
def records(db):
    """Four requests (two to the DEA, two to the DOJ), plus releases on other days and months,
    one outside any lawsuit, so the per-day and per-month totals differ."""
    with time_machine.travel(NOON, tick=False):
        records = build_records(4)
    extra = [
        (records.requests[0], records.lawsuits[0], datetime.date(2020, 6, 30), 2),
        (records.requests[1], None, datetime.date(2020, 7, 2), 3),
        (records.requests[2], records.lawsuits[2], datetime.date(2021, 1, 15), 0),
    ]
    for i, (request, lawsuit, day, documents) in enumerate(extra):
        release = Release.objects.create(
            request=request, lawsuit=lawsuit, released_on=day, pages_released=5 + i,
            pages_withheld_in_full=i, pages_withheld_in_part=1,
        )  # fmt: skip
        for k in range(documents):
            Document.objects.create(
                release=release, request=request, original_name=f"extra-{i}-{k}.pdf",
                source=f"extra-{i}-{k}.pdf", kind=Document.Kind.PDF,
                sha256=f"{i}{k}".rjust(64, "e"),
            )  # fmt: skip
    return records


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _filters(records):
    us = jurisdiction("US")
    return {
        "agency-performance": [
            {},
            {"agency": records.department},
            {"agency": records.component},
            {"jurisdiction": us},
            {"jurisdiction": jurisdiction("US-MA")},
            {"year_from": 2019, "year_to": 2019},
            {"year_from": 2020},
        ],
        "releases": [
            {},
            {"agency": records.component},
            {"lawsuit": records.lawsuits[0]},
            {"released_after": datetime.date(2020, 6, 18)},
            {"released_before": datetime.date(2020, 6, 30)},
            {
                "released_after": datetime.date(2020, 6, 17),
                "released_before": datetime.date(2020, 7, 1),
            },
        ],
        "exemptions": [{}, {"agency": records.department}, {"agency": records.component}],
    }


LIVE = snapshots.LIVE_REPORTS


def test_the_snapshot_answers_what_the_live_report_would(records):
    snapshots.reports_refresh()
    for report, filter_sets in _filters(records).items():
        for filters in filter_sets:
            live = LIVE[report](**filters)
            snapshot = list(snapshots.SNAPSHOT_READERS[report](**filters))
            assert snapshot == live, (report, filters)
    # The case is not trivial: months, days and a release outside litigation all show.
    months = {(row["month"], row["lawsuit"]) for row in selectors.releases_by_month()}
    assert ("2020-07", None) in months
    assert ("2021-01", records.lawsuits[2].pk) in months
    june = snapshots.releases_by_month(released_before=datetime.date(2020, 6, 30))
    assert sum(row["documents"] for row in june) == 4 + 2  # one each from build_records, +2


@pytest.fixture
def broker(settings):
    """A broker configured, so Celery beat refreshes the reports (nothing connects to it here)."""
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def no_broker(settings):
    settings.REDIS_URL = ""
    settings.REPORTS_REFRESH_MINUTES = 10


def test_the_api_reads_the_snapshot_and_says_when_it_was_computed(api, records, broker):
    with time_machine.travel(REFRESHED, tick=False):
        snapshots.report_refresh(report="agency-performance")
    before = api.get("/api/v1/reports/agency-performance/")
    assert before.json()["as_of"] == "2020-03-04T17:00:00Z"
    assert before["X-Report-As-Of"] == "2020-03-04T17:00:00Z"
    filed_2019 = {r["agency_name"]: r["requests_filed"] for r in rows(before)}
    assert filed_2019 == {"Department of Justice": 2, "Drug Enforcement Administration": 2}

    RecordsRequest.objects.create(
        title="later", records_sought="x", jurisdiction=jurisdiction("US"),
        agency=records.component, owner=records.owner, filed_on=datetime.date(2019, 5, 1),
    )  # fmt: skip
    # Until the next refresh the figures are those of its as_of, and say so.
    stale = api.get("/api/v1/reports/agency-performance/")
    assert stale.json()["as_of"] == "2020-03-04T17:00:00Z"
    assert {r["agency_name"]: r["requests_filed"] for r in rows(stale)} == filed_2019
    with time_machine.travel(REFRESHED + datetime.timedelta(minutes=10), tick=False):
        tasks.reports_refresh()
    fresh = api.get("/api/v1/reports/agency-performance/")
    assert fresh.json()["as_of"] == "2020-03-04T17:10:00Z"
    counted = {r["agency_name"]: r["requests_filed"] for r in rows(fresh)}
    assert counted["Drug Enforcement Administration"] == 3


def test_a_report_never_computed_is_computed_by_the_first_call(api, records):
    assert not ReportRefresh.objects.filter(refreshed_at__isnull=False).exists()
    with time_machine.travel(REFRESHED, tick=False):
        result = api.get("/api/v1/reports/releases/", {"agency": records.component.pk})
    assert result.json()["as_of"] == "2020-03-04T17:00:00Z"
    # The DEA's requests are the first and third: June 2020 under both suits, January 2021.
    assert [row["month"] for row in rows(result)] == ["2021-01", "2020-06", "2020-06"]
    state = ReportRefresh.objects.get(report="releases")
    assert state.rows == ReleaseMonthTotals.objects.count() > 0
    assert ReportRefresh.objects.filter(refreshed_at__isnull=False).count() == 1  # only this one


def _filed(response) -> dict[str, int]:
    return {r["agency_name"]: r["requests_filed"] for r in rows(response)}


def _file_one_more(records) -> None:
    RecordsRequest.objects.create(
        title="later", records_sought="x", jurisdiction=jurisdiction("US"),
        agency=records.component, owner=records.owner, filed_on=datetime.date(2019, 5, 1),
    )  # fmt: skip


def test_without_a_broker_a_read_after_the_period_refreshes_first(api, records, no_broker):
    """No beat runs without a broker (``make run`` on a laptop): the read stands in for it."""
    with time_machine.travel(REFRESHED, tick=False):
        snapshots.reports_refresh()
    _file_one_more(records)
    within = REFRESHED + datetime.timedelta(minutes=9, seconds=59)
    with time_machine.travel(within, tick=False):
        stale = api.get("/api/v1/reports/agency-performance/")
    assert stale.json()["as_of"] == "2020-03-04T17:00:00Z"
    assert _filed(stale)["Drug Enforcement Administration"] == 2
    with time_machine.travel(REFRESHED + datetime.timedelta(minutes=10), tick=False):
        fresh = api.get("/api/v1/reports/agency-performance/")
    assert fresh.json()["as_of"] == "2020-03-04T17:10:00Z"
    assert fresh["X-Report-As-Of"] == "2020-03-04T17:10:00Z"
    assert _filed(fresh)["Drug Enforcement Administration"] == 3
    # Only the report read was refreshed; the others wait for their own readers.
    assert ReportRefresh.objects.get(report="releases").refreshed_at == REFRESHED
    # The same figures as the live report.
    with time_machine.travel(REFRESHED + datetime.timedelta(minutes=11), tick=False):
        assert _filed(api.get("/api/v1/reports/agency-performance/")) == {
            row["agency_name"]: row["requests_filed"]
            for row in selectors.agency_performance()
            if row["year"] == 2019
        }


def test_the_refresh_period_is_a_setting(api, records, no_broker, settings):
    settings.REPORTS_REFRESH_MINUTES = 30
    with time_machine.travel(REFRESHED, tick=False):
        snapshots.reports_refresh()
    _file_one_more(records)
    with time_machine.travel(REFRESHED + datetime.timedelta(minutes=29), tick=False):
        assert api.get("/api/v1/reports/exemptions/").json()["as_of"] == "2020-03-04T17:00:00Z"
    with time_machine.travel(REFRESHED + datetime.timedelta(minutes=30), tick=False):
        assert api.get("/api/v1/reports/exemptions/").json()["as_of"] == "2020-03-04T17:30:00Z"


def test_with_a_broker_a_read_never_refreshes_beat_does(api, records, broker):
    with time_machine.travel(REFRESHED, tick=False):
        snapshots.reports_refresh()
    _file_one_more(records)
    with time_machine.travel(REFRESHED + datetime.timedelta(days=3), tick=False):
        later = api.get("/api/v1/reports/agency-performance/")
    assert later.json()["as_of"] == "2020-03-04T17:00:00Z"
    assert _filed(later)["Drug Enforcement Administration"] == 2
    assert ReportRefresh.objects.get(report="agency-performance").refreshed_at == REFRESHED


def test_beat_refreshes_the_reports_on_the_same_period():
    schedule = celery_app.conf.beat_schedule["reports-refresh"]["schedule"]
    assert schedule == datetime.timedelta(minutes=10)


def test_live_reports_say_they_are_as_of_now(api, records):
    with time_machine.travel(REFRESHED, tick=False):
        response = api.get("/api/v1/reports/pipeline/")
        csv = api.get("/api/v1/reports/overdue-deadlines/", {"format": "csv"})
    assert response.json()["as_of"] == "2020-03-04T17:00:00Z"
    assert csv["X-Report-As-Of"] == "2020-03-04T17:00:00Z"


def test_a_csv_export_of_a_snapshot_carries_its_time(api, records, broker):
    with time_machine.travel(REFRESHED, tick=False):
        snapshots.reports_refresh()
    response = api.get("/api/v1/reports/releases/", HTTP_ACCEPT="text/csv")
    assert response["X-Report-As-Of"] == "2020-03-04T17:00:00Z"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("month,agency,agency_name,lawsuit")
    assert len(lines) == 1 + ReleaseMonthTotals.objects.count()


def test_a_second_refresh_replaces_the_rows_instead_of_adding(records):
    first = [state.rows for state in snapshots.reports_refresh()]
    second = [state.rows for state in snapshots.reports_refresh()]
    assert first == second
    assert AgencyYearPerformance.objects.count() == first[0]
    assert ReleaseMonthTotals.objects.count() == first[1]
    # 2020-06-17 once per suit (four), then 2020-06-30, 2020-07-02 and 2021-01-15.
    assert ReleaseDayTotals.objects.count() == 7


def test_an_unknown_report_is_refused_by_name():
    with pytest.raises(ValueError, match="Unknown precomputed report 'pipeline'"):
        snapshots.report_refresh(report="pipeline")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("refresh_reports", "--report", "pipeline")


def test_refresh_reports_command_says_what_it_did(records, capsys):
    call_command("refresh_reports", "--report", "exemptions")
    out = capsys.readouterr().out
    assert "exemptions: 2 rows" in out
    assert ReportRefresh.objects.get(report="exemptions").refreshed_at is not None
    assert not ReportRefresh.objects.filter(report="releases", refreshed_at__isnull=False).exists()


def test_the_schema_documents_as_of(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paged = schema["components"]["schemas"]["PaginatedPerformanceRowList"]
    assert "as_of" in paged["required"]
    assert paged["properties"]["as_of"]["format"] == "date-time"
    description = schema["paths"]["/api/v1/reports/releases/"]["get"]["description"]
    assert "Precomputed" in description


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer itself; the row lock is PostgreSQL's to prove",
)
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_take_turns_and_leave_one_copy():
    with time_machine.travel(NOON, tick=False):
        build_records(3)
    expected = len(selectors.releases_by_month())
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            snapshots.report_refresh(report="releases")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ReleaseMonthTotals.objects.count() == expected
    assert ReportRefresh.objects.filter(report="releases").count() == 1
