"""`seed_demo` loads the demo case of docs/design.md, and a second run changes nothing.

The demo's live strand is dated from the day it is loaded, so every load here runs on a frozen
day (tests/sample_data/test_demo_live_strand.py tests the strand itself)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from requests_app.models import Agency, Lawsuit, RecordsRequest, RequestEvent
from requests_app.workflow import RequestStatus
from tests.requests_app.test_import_agencies import DIRECTORY

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 9, 15, 0, tzinfo=datetime.UTC)
HISTORICAL_REQUESTS = {
    "DOJ face recognition and biometric tracking records",
    "FBI face recognition and biometric tracking records",
    "DEA face recognition and biometric tracking records",
    "CBP face recognition at airports (Traveler Verification Service)",
}


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@time_machine.travel(NOW, tick=False)
def test_the_demo_case_is_loaded_with_its_real_dates():
    out = StringIO()
    call_command("seed_demo", "--password", "demo-pass-1", stdout=out)
    assert "Demo data loaded" in out.getvalue()

    suit = Lawsuit.objects.get(caption="ACLU v. DOJ, FBI and DEA")
    assert suit.filed_on == datetime.date(2019, 10, 31)  # October 2019
    assert suit.docket_number == "1:19-cv-12242"  # the complaint's header (ECF No. 1)
    assert suit.court == "U.S. District Court for the District of Massachusetts"
    # Its deadlines roll past Massachusetts' legal holidays too (FRCP 6(a)(6)(C)).
    assert suit.get_district_display() == "D. Mass."
    assert "ACLU of Massachusetts" in suit.plaintiffs
    assert {a.abbreviation for a in suit.defendant_agencies.all()} == {"DOJ", "FBI", "DEA"}
    assert {r.agency.abbreviation for r in suit.requests.all()} == {"DOJ", "FBI", "DEA"}
    assert all(r.status == RequestStatus.IN_LITIGATION for r in suit.requests.all())
    assert suit.counsel.get().username == "lawyer"

    dea = RecordsRequest.objects.get(title="DEA face recognition and biometric tracking records")
    assert dea.agency.parent.abbreviation == "DOJ"
    release = dea.events.get(kind=RequestEvent.Kind.INTERIM_RELEASE)
    assert release.occurred_on == datetime.date(2020, 6, 17)
    assert "2017-09-15" in release.text
    assert "Reston, Virginia" in release.text
    assert "Demo data" in release.text  # the demo documents say what they are

    dhs = Lawsuit.objects.get(caption="ACLU v. DHS")
    assert (dhs.filed_on.year, dhs.filed_on.month) == (2020, 3)
    assert dhs.get_district_display() == "S.D.N.Y."
    assert "22 airports" in dhs.requests.get().events.get(kind=RequestEvent.Kind.NOTE).text

    for username in ("demo", "lawyer", "reporter"):
        assert authenticate(username=username, password="demo-pass-1") is not None
    # Beside the historical requests, only the demo's own follow-ups, which say so.
    titles = set(RecordsRequest.objects.values_list("title", flat=True))
    assert titles >= HISTORICAL_REQUESTS
    assert all(t.endswith("(demo follow-up)") for t in titles - HISTORICAL_REQUESTS)


@time_machine.travel(NOW, tick=False)
def test_running_it_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    before = row_counts()
    history_before = {m: RecordsRequest.history.count() for m in ("requests",)}
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert row_counts() == before
    assert {m: RecordsRequest.history.count() for m in ("requests",)} == history_before
    # The four historical requests and two suits, and the live strand's four follow-ups and suit.
    assert before["requests_app.RecordsRequest"] == 8
    assert before["requests_app.Lawsuit"] == 3
    assert before["documents.Document"] == 5  # four emails and the attachment withheld in full


@time_machine.travel(NOW, tick=False)
def test_the_demo_reuses_the_imported_directory_rows(tmp_path):
    if not DIRECTORY.is_dir():
        pytest.skip(f"the agency directory is not at {DIRECTORY}")
    call_command(
        "import_agencies",
        str(DIRECTORY / "DOJ.json"),
        str(DIRECTORY / "DHS.json"),
        stdout=StringIO(),
    )
    agencies_before = Agency.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Agency.objects.count() == agencies_before  # no duplicate DOJ, FBI, DEA, DHS, CBP
    fbi = Agency.objects.get(source_key="18f:DOJ/Federal Bureau of Investigation")
    assert fbi.abbreviation == "FBI"  # filled in where the directory has none
    assert fbi.foia_email == "foiparequest@ic.fbi.gov"  # the directory's contact kept
