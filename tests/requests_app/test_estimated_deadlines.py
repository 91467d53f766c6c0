"""Filed, receipt not yet known: a provisional deadline counted from the filing date, marked
"estimated: receipt not confirmed" wherever it is shown, which the receipt date replaces.

Federal requests: 20 working days "after the date of receipt" (5 U.S.C. 552(a)(6)(A)(i)), so the
statutory clock starts on receipt; the estimate only gives staff a date to watch until then.
Federal holidays counted over: Veterans Day (2026-11-11) and Thanksgiving (2026-11-26),
5 U.S.C. 6103(a).
"""

from __future__ import annotations

import datetime
import importlib
import zoneinfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.urls import reverse
from rest_framework.test import APIClient

from reminders import outbox
from reminders.models import Reminder
from requests_app import services
from requests_app.deadlines import hooks
from requests_app.deadlines.selectors import deadline_state, explanation_text
from requests_app.models import Deadline, Jurisdiction
from requests_app.workflow import RequestStatus
from tests.factories import AgencyFactory, RecordsRequestFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
S = RequestStatus
NY = zoneinfo.ZoneInfo("America/New_York")
TODAY = datetime.datetime(2026, 11, 20, 12, tzinfo=NY)
ESTIMATE = Deadline.Source.ESTIMATE


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


FILED = D(2026, 11, 2)


def _filed(on=FILED, **fields):
    return services.request_create(
        title="FBI face recognition",
        records_sought="All records …",
        agency=AgencyFactory(),
        owner=UserFactory(username="owner"),
        status=S.SUBMITTED,
        filed_on=on,
        **fields,
    )


def test_filing_alone_shows_a_deadline_estimated_from_the_filing_date():
    request = _filed()
    estimate = Deadline.objects.get(request=request)
    assert estimate.source == ESTIMATE
    assert estimate.status == Deadline.Status.OPEN
    assert estimate.basis == {"rule": "response", "trigger": "2026-11-02"}
    # 20 working days after filing on Mon 2026-11-02, over Veterans Day: Wed 2026-12-02.
    assert estimate.due_on == D(2026, 12, 2)
    assert estimate.responsible == request.owner
    assert deadline_state(estimate).words == "Due in 12 days (estimated: receipt not confirmed)"
    text = explanation_text(estimate)
    assert text == (
        "Estimated: receipt not confirmed: counted from the filing date. Due 2026-12-02: "
        "20 working days after 2026-11-02 (5 U.S.C. 552(a)(6)(A)(i)); skipped 2026-11-11 "
        "Veterans Day (5 U.S.C. 6103(a)), 2026-11-26 Thanksgiving Day (5 U.S.C. 6103(a)) and 8 "
        "Saturdays and Sundays. The statutory clock "
        "starts when the agency receives the request (5 U.S.C. 552(a)(6)(A)(i)); the date "
        "counted from receipt replaces this one when receipt is recorded."
    )
    assert text.lower().count("receipt not confirmed") == 1
    assert text.count("counted from the filing date") == 1


def test_a_note_stored_before_says_receipt_not_confirmed_once_after_migrating():
    """Migration 0014 takes the repeated opening sentence out of the notes already stored."""
    said_once = importlib.import_module(
        "requests_app.migrations.0014_estimate_note_said_once"
    ).said_once
    request = _filed()
    estimate = Deadline.objects.get(request=request)
    kept = "Receipt not confirmed: this date is counted from the filing date. " + estimate.note
    Deadline.objects.filter(pk=estimate.pk).update(note=kept + " Moved by staff.")
    counted = Deadline.objects.create(
        request=request,
        label="Kept as written",
        due_on=D(2026, 12, 2),
        jurisdiction=estimate.jurisdiction,
        note="Receipt not confirmed: this date is counted from the filing date. Staff's words.",
    )
    said_once(django_apps, None)
    estimate.refresh_from_db()
    assert estimate.note == (
        "The statutory clock starts when the agency receives the request "
        "(5 U.S.C. 552(a)(6)(A)(i)); the date counted from receipt replaces this one when "
        "receipt is recorded. Moved by staff."
    )
    assert explanation_text(estimate).lower().count("receipt not confirmed") == 1
    counted.refresh_from_db()  # not an estimate: left as it is
    assert counted.note.startswith("Receipt not confirmed")


def test_the_receipt_date_replaces_the_estimate_with_the_statutory_clock():
    request = RecordsRequestFactory(status=S.DRAFT, filed_on=None)
    services.request_submit(request=request, filed_on=D(2026, 11, 2))
    estimate = Deadline.objects.get(request=request, source=ESTIMATE)
    services.request_record_receipt(request=request, received_on=D(2026, 11, 4))
    estimate.refresh_from_db()
    clock = Deadline.objects.get(request=request, source=Deadline.Source.RULE, rule="response")
    # 552(a)(6)(A)(i): 20 working days after receipt on 2026-11-04, over Veterans Day and
    # Thanksgiving: Fri 2026-12-04.
    assert clock.due_on == D(2026, 12, 4)
    assert estimate.status == Deadline.Status.SUPERSEDED
    assert estimate.superseded_by == clock
    assert "Replaced by the date counted from receipt on 2026-11-04." in estimate.note
    assert deadline_state(clock).words == "Due in 14 days"  # no marker on the real clock


def test_a_corrected_filing_date_recounts_the_estimate():
    request = _filed()
    services.request_update(request=request, changes={"filed_on": D(2026, 11, 3)})
    estimate = Deadline.objects.get(request=request)
    assert estimate.basis["trigger"] == "2026-11-03"
    assert estimate.due_on == D(2026, 12, 3)  # one working day later (552(a)(6)(A)(i))


def test_a_request_logged_with_its_receipt_gets_no_estimate():
    request = _filed(received_on=D(2026, 11, 4))
    assert not Deadline.objects.filter(request=request, source=ESTIMATE).exists()


def test_a_determination_before_receipt_was_recorded_waives_the_estimate():
    request = _filed()
    services.request_record_determination(
        request=request, outcome=S.RELEASED_IN_FULL, determined_on=D(2026, 11, 19)
    )
    estimate = Deadline.objects.get(request=request, source=ESTIMATE)
    assert estimate.status == Deadline.Status.WAIVED  # never a clock to meet or miss


def test_tolling_and_extension_act_on_the_statutory_clock_not_the_estimate():
    request = _filed()
    assert hooks.extension_problem(request) == (
        "There is no open response deadline to extend (enter the receipt date first)."
    )


def test_estimates_are_not_reminded_of_as_if_the_statute_set_them():
    """Decision: no reminders for estimates (no statutory clock runs before receipt); the real
    deadline counted from receipt is reminded of as usual."""
    us = Jurisdiction.objects.get(code="US")
    common = {
        "label": "Response to the request",
        "due_on": D(2026, 11, 20),  # due today
        "jurisdiction": us,
        "rule": "response",
        "citation": "5 U.S.C. 552(a)(6)(A)(i)",
    }
    estimate = Deadline.objects.create(request=RecordsRequestFactory(), source=ESTIMATE, **common)
    real = Deadline.objects.create(request=RecordsRequestFactory(), **common)
    outbox.reminders_sweep(now=TODAY)
    reminded = set(Reminder.objects.values_list("deadline_id", flat=True))
    assert real.pk in reminded
    assert estimate.pk not in reminded


def test_the_api_marks_the_estimate(reporting_user):
    request = _filed()
    client = APIClient()
    client.force_authenticate(reporting_user)
    body = client.get("/api/v1/deadlines/", {"request": request.pk}).json()
    [row] = body["results"]
    assert row["estimated"] is True
    assert row["source"] == "estimate"
    assert "receipt" in row["note"]


def test_the_dashboard_and_the_admin_list_show_the_marker(lawyer_client, staff_client):
    request = _filed()
    page = lawyer_client.get(reverse("dashboard:request", args=[request.pk])).content.decode()
    assert "Due in 12 days (estimated: receipt not confirmed)" in page
    listing = staff_client.get(reverse("admin:requests_app_recordsrequest_changelist"))
    assert "(estimated: receipt not confirmed)" in listing.content.decode()
