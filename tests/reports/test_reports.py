"""Reports under /api/v1/reports/ and their selectors (reports.selectors)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from rest_framework.test import APIClient

from reports import selectors
from requests_app.models import ClosureDay, Deadline, RecordsRequest
from tests.api.api_records import NOON, TODAY, build_records
from tests.factories import AgencyFactory, UserFactory, jurisdiction

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


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_percentile_is_nearest_rank():
    assert selectors.percentile([], 0.9) is None
    assert selectors.percentile(list(range(1, 11)), 0.9) == 9.0
    assert selectors.percentile([5], 0.9) == 5.0
    assert selectors.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9) == 10.0


def test_overdue_by_agency_and_owner(api, records):
    with time_machine.travel(NOON, tick=False):
        result = rows(api.get("/api/v1/reports/overdue-deadlines/"))
    # The three appeal deadlines (due TODAY - 3) are overdue: two of requests to the DEA, one to
    # the DOJ itself; all owned by the same person.
    by_agency = {row["agency_name"]: row for row in result}
    assert by_agency["Drug Enforcement Administration"]["overdue"] == 2
    assert by_agency["Department of Justice"]["overdue"] == 1
    assert {row["owner_username"] for row in result} == {"owner-of-records"}
    assert all(row["oldest_due"] == str(TODAY - datetime.timedelta(days=3)) for row in result)
    with time_machine.travel(NOON, tick=False):
        dea_only = rows(
            api.get("/api/v1/reports/overdue-deadlines/", {"agency": records.component.pk})
        )
        whole_doj = rows(
            api.get("/api/v1/reports/overdue-deadlines/", {"agency": records.department.pk})
        )
    assert [row["overdue"] for row in dea_only] == [2]
    assert sum(row["overdue"] for row in whole_doj) == 3


def test_agency_performance_counts_working_days_on_the_calendar(api):
    us = jurisdiction("US")
    owner = UserFactory(username="perf")

    agency = AgencyFactory(name="Federal Bureau of Investigation")
    # Received Wed 2019-01-16; determined Thu 2019-02-14: 20 working days with MLK Day skipped
    # (5 U.S.C. 6103; see the calculator tests), but a closure day on Thu 2019-01-31 leaves 19.
    # Determined Fri 2019-02-15: one more, 20.
    ClosureDay.objects.create(jurisdiction=us, date=datetime.date(2019, 1, 31), reason="Storm")
    fast = RecordsRequest.objects.create(
        title="a", records_sought="x", jurisdiction=us, agency=agency, owner=owner,
        status="denied", filed_on=datetime.date(2019, 1, 14),
        received_on=datetime.date(2019, 1, 16), determined_on=datetime.date(2019, 2, 14),
    )  # fmt: skip
    RecordsRequest.objects.create(
        title="b", records_sought="x", jurisdiction=us, agency=agency, owner=owner,
        status="released_in_full", filed_on=datetime.date(2019, 1, 14),
        received_on=datetime.date(2019, 1, 16), determined_on=datetime.date(2019, 2, 15),
    )  # fmt: skip
    RecordsRequest.objects.create(
        title="c", records_sought="x", jurisdiction=us, agency=agency, owner=owner,
        status="processing", filed_on=datetime.date(2020, 5, 1),
    )  # fmt: skip
    Deadline.objects.create(
        request=fast, label="Response", due_on=datetime.date(2019, 2, 14), jurisdiction=us,
        rule="response", status="met", met_on=datetime.date(2019, 2, 14),
    )  # fmt: skip
    result = rows(api.get("/api/v1/reports/agency-performance/", {"agency": agency.pk}))
    assert [(row["year"], row["requests_filed"], row["determined"]) for row in result] == [
        (2019, 2, 2),
        (2020, 1, 0),
    ]
    y2019 = result[0]
    assert y2019["median_working_days"] == 19.5
    assert y2019["p90_working_days"] == 20.0
    assert y2019["share_on_time"] == 1.0  # one clock closed, and it was met
    assert y2019["share_appealed"] == 0.0
    filtered = rows(
        api.get("/api/v1/reports/agency-performance/", {"agency": agency.pk, "year_from": 2020})
    )
    assert [row["year"] for row in filtered] == [2020]


def test_agency_performance_shares_and_outcomes(api, records):
    result = rows(api.get("/api/v1/reports/agency-performance/"))
    dea = next(r for r in result if r["agency_name"] == "Drug Enforcement Administration")
    assert dea["requests_filed"] == 2
    assert dea["share_appealed"] == 1.0
    assert dea["share_litigated"] == 1.0
    assert dea["share_on_time"] == 0.0  # the response clocks were missed
    assert dea["outcome_denied"] == 2


def test_releases_per_month_agency_and_lawsuit(api, records):
    result = rows(api.get("/api/v1/reports/releases/"))
    assert len(result) == 3  # one per lawsuit
    assert {row["month"] for row in result} == {"2020-06"}
    assert all(
        (row["releases"], row["documents"], row["pages_released"], row["pages_withheld_in_full"])
        == (1, 1, 10, 2)
        for row in result
    )
    one = rows(api.get("/api/v1/reports/releases/", {"lawsuit": records.lawsuits[0].pk}))
    assert [row["lawsuit_caption"] for row in one] == [records.lawsuits[0].caption]
    assert rows(api.get("/api/v1/reports/releases/", {"released_before": "2020-05-31"})) == []


def test_exemptions_per_agency(api, records):
    result = rows(api.get("/api/v1/reports/exemptions/"))
    assert {(r["agency_name"], r["exemption"], r["releases"], r["documents"]) for r in result} == {
        ("Department of Justice", "b5", 1, 1),
        ("Drug Enforcement Administration", "b5", 2, 2),
    }


def test_pipeline_lists_every_status_with_zeros(api, records):
    with time_machine.travel(NOON, tick=False):
        result = rows(api.get("/api/v1/reports/pipeline/", {"page_size": 100}))
    by_status = {row["status"]: row for row in result}
    assert by_status["in_litigation"]["requests"] == 3
    assert by_status["draft"]["requests"] == 0
    assert by_status["in_litigation"]["overdue"] == 0  # the overdue deadlines are the appeals'
    assert len(result) == 14


def test_reports_as_csv(api, records):
    response = api.get("/api/v1/reports/exemptions/", HTTP_ACCEPT="text/csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == [
        "agency",
        "agency_name",
        "exemption",
        "exemption_description",
        "exemption_citation",
        "releases",
        "documents",
    ]
    assert len(table) == 2


def test_an_unknown_agency_is_a_400_naming_it(api, records):
    response = api.get("/api/v1/reports/pipeline/", {"agency": 99999})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["agency"]
