"""Calendars are code: after a release changes one, `migrate` recounts the open deadlines it
moves (a fingerprint per jurisdiction over the years of its open deadlines), and
`manage.py recount_deadlines` recounts on demand or, with --dry-run, only reports."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app import services
from requests_app.deadlines import recount
from requests_app.models import CalendarFingerprint, Deadline
from requests_app.workflow import RequestStatus
from tests.factories import AgencyFactory, RecordsRequestFactory, jurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.datetime(2019, 1, 20, 12, tzinfo=datetime.UTC)


def federal_response():
    # 5 U.S.C. 552(a)(6)(A)(i): received Wed 2019-01-16, due Thu 2019-02-14 (20 working days,
    # skipping the Birthday of Martin Luther King, Jr., Mon Jan 21, 5 U.S.C. 6103(a)).
    request = RecordsRequestFactory(status=RequestStatus.SUBMITTED, filed_on=D(2019, 1, 16))
    services.request_record_receipt(request=request, received_on=D(2019, 1, 16))
    return request.deadlines.get(rule="response")


def stale(deadline: Deadline, due: datetime.date) -> None:
    """The row as an older calendar counted it: as if the code had not known MLK Day."""
    Deadline.objects.filter(pk=deadline.pk).update(due_on=due)


@time_machine.travel(TODAY, tick=False)
def test_the_command_recounts_a_deadline_an_older_calendar_counted_and_reports_it():
    deadline = federal_response()
    assert deadline.due_on == D(2019, 2, 14)
    stale(deadline, D(2019, 2, 13))

    dry = StringIO()
    call_command("recount_deadlines", "--jurisdiction", "us", "--dry-run", stdout=dry)
    assert "US: Determination on a FOIA request: 2019-02-13 → 2019-02-14 (+1 day)" in (
        dry.getvalue()
    )
    assert "US: 1 open deadline(s) would move." in dry.getvalue()
    assert Deadline.objects.get(pk=deadline.pk).due_on == D(2019, 2, 13)  # nothing kept

    out = StringIO()
    call_command("recount_deadlines", stdout=out)
    assert "US: 1 open deadline(s) moved." in out.getvalue()
    assert "US-MA: 0 open deadline(s) moved." in out.getvalue()
    assert Deadline.objects.get(pk=deadline.pk).due_on == D(2019, 2, 14)
    assert CalendarFingerprint.objects.get(jurisdiction__code="US").first_year == 2018


def test_an_unknown_jurisdiction_is_refused_naming_the_option():
    with pytest.raises(CommandError, match="--jurisdiction: no calendar for 'US-ZZ'"):
        call_command("recount_deadlines", "--jurisdiction", "US-ZZ")


@time_machine.travel(TODAY, tick=False)
def test_after_migrate_only_a_jurisdiction_whose_calendar_changed_is_recounted():
    deadline = federal_response()
    massachusetts = RecordsRequestFactory(
        agency=AgencyFactory(jurisdiction=jurisdiction("US-MA")),
        status=RequestStatus.SUBMITTED,
        filed_on=D(2019, 1, 16),
    )
    services.request_record_receipt(request=massachusetts, received_on=D(2019, 1, 16))
    # First run: no fingerprint yet, so both are counted and remembered.
    first = recount.deadlines_recount_changed_calendars()
    assert [r.jurisdiction for r in first] == ["US", "US-MA"]
    assert recount.deadlines_recount_changed_calendars() == []  # nothing changed since

    # A release changes the federal calendar (here: the fingerprint no longer matches) while
    # the stored dates are those of the older one.
    stale(deadline, D(2019, 2, 13))
    CalendarFingerprint.objects.filter(jurisdiction__code="US").update(fingerprint="older")
    out = StringIO()
    call_command("migrate", verbosity=1, stdout=out)  # nothing to apply; the handler runs
    assert out.getvalue().splitlines()[-2:] == [
        "US: Determination on a FOIA request: 2019-02-13 → 2019-02-14 (+1 day)",
        "US: 1 open deadline(s) moved.",
    ]
    assert Deadline.objects.get(pk=deadline.pk).due_on == D(2019, 2, 14)
    # The same fingerprint now: a second migrate recounts nothing.
    assert recount.deadlines_recount_changed_calendars() == []


def test_the_fingerprint_changes_with_the_holidays_of_any_variant():
    # 2019 and 2020: the federal calendar and every forum state's; Patriots' Day is in the
    # Massachusetts forum's variant, so the fingerprint covers it.
    years = (2019, 2020)
    assert recount.calendar_fingerprint("US", *years) == recount.calendar_fingerprint("US", *years)
    assert recount.calendar_fingerprint("US", *years) != recount.calendar_fingerprint(
        "US", 2019, 2021
    )
    assert recount.calendar_fingerprint("US-TX", *years) != recount.calendar_fingerprint(
        "US-IL", *years
    )
