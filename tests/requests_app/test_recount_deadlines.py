"""Calendars are code: after a release changes one, `migrate` recounts the open deadlines it
moves (a fingerprint per jurisdiction over the years of its open deadlines), and
`manage.py recount_deadlines` recounts on demand or, with --dry-run, only reports."""

from __future__ import annotations

import dataclasses
import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app import services
from requests_app.deadlines import calendars, recount
from requests_app.deadlines.holiday_law import FORUM_LAWS
from requests_app.models import CalendarFingerprint, Deadline, District
from requests_app.workflow import RequestStatus
from tests.factories import AgencyFactory, LawsuitFactory, RecordsRequestFactory, jurisdiction

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


def _forget_counted_calendars() -> None:
    for cached in (calendars._statutory_table, calendars._last_day_holidays, calendars._calendar):
        cached.cache_clear()


@pytest.fixture
def massachusetts_without_patriots_day(monkeypatch):
    """A release whose Massachusetts law lost Patriots' Day: the law the US-MA court forum uses
    (FRCP 6(a)(6)(C)) as changed in code, for as long as the test runs."""
    law = FORUM_LAWS["US-MA"]

    def without(year: int, observance: str = "statute"):
        return [h for h in law.business_days_off(year, observance) if h.name != "Patriots' Day"]

    def change() -> None:
        monkeypatch.setitem(
            FORUM_LAWS, "US-MA", dataclasses.replace(law, business_days_off=without)
        )
        _forget_counted_calendars()

    yield change
    monkeypatch.undo()
    _forget_counted_calendars()


@time_machine.travel(datetime.datetime(2020, 3, 30, 12, tzinfo=datetime.UTC), tick=False)
def test_a_forum_states_holiday_changed_in_code_changes_the_fingerprint_and_is_recounted(
    massachusetts_without_patriots_day,
):
    # 5 U.S.C. 552(a)(4)(C): the answer is due 30 days after service; served Sat 2020-03-21, the
    # 30th day is Mon 2020-04-20, Patriots' Day (G.L. c.4 §7 cl. 18), a legal holiday in the
    # District of Massachusetts (FRCP 6(a)(6)(C)), so it runs to Tue 2020-04-21 (6(a)(1)(C)).
    lawsuit = LawsuitFactory(district=District.D_MASS)
    services.lawsuit_record_service(lawsuit=lawsuit, served_on=D(2020, 3, 21))
    deadline = lawsuit.deadlines.get(rule="foia_answer", status=Deadline.Status.OPEN)
    assert deadline.due_on == D(2020, 4, 21)
    recount.deadlines_recount_changed_calendars()  # fingerprints remembered
    before = recount.calendar_fingerprint("US", 2020, 2020)

    massachusetts_without_patriots_day()

    # Only the US-MA forum's variant of the federal calendar changed, and the fingerprint sees it.
    assert recount.calendar_fingerprint("US", 2020, 2020) != before
    out = StringIO()
    call_command("migrate", verbosity=1, stdout=out)  # nothing to apply; the handler runs
    assert "US: 1 open deadline(s) moved." in out.getvalue()
    assert Deadline.objects.get(pk=deadline.pk).due_on == D(2020, 4, 20)
