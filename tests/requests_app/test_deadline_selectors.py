"""The one definition of a deadline's state (requests_app.deadlines.selectors): running, overdue
and due within select the same deadlines as a query, as the reminder sweep's SQL and row by row;
the words for a state are the same in the admin and on the dashboard; closure days make one
calendar however many are asked for."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.today import organisation_today
from requests_app.deadlines.selectors import (
    DeadlineState,
    closures_by_jurisdiction,
    closures_for,
    deadline_sql,
    deadline_state,
    deadlines_due_within,
    deadlines_overdue,
    due_within_q,
    is_due_within,
    is_overdue,
    is_running,
    open_running,
    overdue_q,
    running_q,
    working_calendar,
    working_calendars,
)
from requests_app.models import ClosureDay, Deadline, RecordsRequest
from tests.factories import DeadlineFactory, RecordsRequestFactory, UserFactory, jurisdiction

D = datetime.date
Status = Deadline.Status
# Wednesday 20 November 2019, 10:00 in New York: the organisation's today is the 20th.
NOW = datetime.datetime(2019, 11, 20, 15, 0, tzinfo=datetime.UTC)
TODAY = D(2019, 11, 20)
YESTERDAY, TOMORROW = D(2019, 11, 19), D(2019, 11, 21)


def _deadline(request: RecordsRequest, label: str, due_on: datetime.date, **fields) -> Deadline:
    return Deadline.objects.create(
        request=request,
        label=label,
        due_on=due_on,
        jurisdiction=jurisdiction("US"),
        rule="response",
        citation="5 U.S.C. 552(a)(6)(A)(i)",
        **fields,
    )


@pytest.fixture
def deadlines(db):
    """Every state a deadline can be in, each due yesterday, today, tomorrow and further out."""
    late = RecordsRequestFactory(title="Has an overdue deadline")
    calm = RecordsRequestFactory(title="Has no overdue deadline")
    made = []
    for due in (D(2019, 6, 3), YESTERDAY, TODAY, TOMORROW, D(2019, 11, 27), D(2019, 11, 28)):
        made.append(_deadline(late, f"open, due {due}", due))
        made.append(
            _deadline(calm, f"stopped, due {due}", due, paused_on=D(2019, 6, 1), days_left=9)
        )
        made.append(_deadline(calm, f"met, due {due}", due, status=Status.MET, met_on=due))
        made.append(_deadline(calm, f"missed, due {due}", due, status=Status.MISSED))
        made.append(_deadline(calm, f"waived, due {due}", due, status=Status.WAIVED))
        # A clock that stopped and then resumed keeps its stop date, superseded.
        made.append(
            _deadline(
                calm,
                f"superseded, due {due}",
                due,
                status=Status.SUPERSEDED,
                paused_on=D(2019, 6, 1),
            )
        )
    # The overdue ones belong to `late` only; both have one due within eight days.
    Deadline.objects.filter(label=f"open, due {D(2019, 11, 28)}").update(request=calm)
    return made


def _ids_by_sql(condition) -> set[int]:
    sql, params = deadline_sql(condition, "d")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.id FROM {Deadline._meta.db_table} d WHERE {sql}", params)
        return {pk for (pk,) in cursor.fetchall()}


def _labels(queryset) -> set[str]:
    return set(queryset.values_list("label", flat=True))


@time_machine.travel(NOW, tick=False)
def test_each_notion_selects_the_same_deadlines_as_a_query_as_sql_and_row_by_row(deadlines):
    assert organisation_today() == TODAY
    notions = {
        "running": (running_q(), is_running),
        "not running": (~running_q(), lambda row: not is_running(row)),
        "overdue": (overdue_q(), is_overdue),
        "due today": (due_within_q(0), lambda row: is_due_within(row, 0)),
        "due within 7 days": (due_within_q(7), lambda row: is_due_within(row, 7)),
    }
    everything = Deadline.objects.all()
    for name, (condition, holds) in notions.items():
        by_query = set(everything.filter(condition).values_list("pk", flat=True))
        by_row = {d.pk for d in everything if holds(d)}
        by_plain_row = {row["id"] for row in everything.values() if holds(row)}
        assert by_query == by_row == by_plain_row == _ids_by_sql(condition), name
        assert 0 < len(by_query) < len(deadlines), name

    # What each one holds, spelled out.
    assert _labels(deadlines_overdue()) == {"open, due 2019-06-03", "open, due 2019-11-19"}
    assert _labels(deadlines_due_within(None, 0)) == {"open, due 2019-11-20"}
    assert _labels(deadlines_due_within(TODAY, 7)) == {
        "open, due 2019-11-20",
        "open, due 2019-11-21",
        "open, due 2019-11-27",
    }
    assert _labels(open_running()) == {d.label for d in deadlines if d.label.startswith("open")}


@time_machine.travel(NOW, tick=False)
def test_the_conditions_reach_a_deadline_through_a_relation(deadlines):
    with_overdue = RecordsRequest.objects.filter(overdue_q("deadlines__")).distinct()
    assert set(with_overdue.values_list("title", flat=True)) == {"Has an overdue deadline"}
    due_soon = RecordsRequest.objects.filter(due_within_q(8, "deadlines__")).distinct()
    assert set(due_soon.values_list("title", flat=True)) == {
        "Has an overdue deadline",
        "Has no overdue deadline",
    }


def test_today_defaults_to_the_organisations_date_not_utc(db):
    deadline = DeadlineFactory(due_on=D(2019, 2, 14))
    # 03:00 UTC on the 15th is still the 14th in New York: due today, not overdue.
    with time_machine.travel(datetime.datetime(2019, 2, 15, 3, tzinfo=datetime.UTC), tick=False):
        assert not is_overdue(deadline)
        assert is_due_within(deadline, 0)
        assert deadline_state(deadline) == ("today", "Due today")
    with time_machine.travel(datetime.datetime(2019, 2, 15, 6, tzinfo=datetime.UTC), tick=False):
        assert is_overdue(deadline)
        assert list(deadlines_overdue()) == [deadline]
        assert deadline_state(deadline) == ("overdue", "Overdue by 1 day")


def test_the_partial_indexes_of_running_deadlines_use_the_one_definition():
    partial = [index for index in Deadline._meta.indexes if index.condition is not None]
    assert len(partial) == 4
    for index in partial:
        assert index.condition == running_q(), index.name


def test_sql_is_for_the_deadlines_own_columns_only():
    with pytest.raises(ValueError, match="own columns"):
        deadline_sql(overdue_q("request__deadlines__", today=TODAY), "d")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"due_on": D(2019, 11, 17)}, ("overdue", "Overdue by 3 days")),
        ({"due_on": YESTERDAY}, ("overdue", "Overdue by 1 day")),
        ({"due_on": TODAY}, ("today", "Due today")),
        ({"due_on": TOMORROW}, ("soon", "Due in 1 day")),
        ({"due_on": D(2019, 11, 27)}, ("soon", "Due in 7 days")),
        ({"due_on": D(2019, 11, 28)}, ("upcoming", "Due in 8 days")),
        (
            {"due_on": D(2019, 11, 2), "paused_on": D(2019, 11, 1), "days_left": 9},
            ("paused", "Clock stopped since Nov 1, 2019 (9 working days left)"),
        ),
        (
            {"due_on": D(2019, 11, 22), "paused_on": D(2019, 11, 21), "days_left": 1},
            ("paused", "Clock stopped since Nov 21, 2019 (1 working day left)"),
        ),
        (
            {"due_on": TODAY, "status": "met", "met_on": D(2019, 11, 18)},
            ("met", "Met on Nov 18, 2019"),
        ),
        (
            {"due_on": D(2019, 11, 1), "status": "missed", "met_on": D(2019, 11, 5)},
            ("missed", "Missed (done Nov 5, 2019)"),
        ),
        ({"due_on": D(2019, 11, 1), "status": "missed"}, ("missed", "Missed")),
        ({"due_on": YESTERDAY, "status": "waived"}, ("waived", "Waived")),
        # The admin used to say "Clock stopped" for any deadline with a stop date, closed or
        # not: a stopped clock that resumed is superseded, and says so.
        (
            {"due_on": YESTERDAY, "status": "superseded", "paused_on": D(2019, 11, 1)},
            ("superseded", "Superseded"),
        ),
        (
            {"due_on": YESTERDAY, "status": "waived", "paused_on": D(2019, 11, 1)},
            ("waived", "Waived"),
        ),
    ],
)
def test_a_deadlines_state_in_words(fields, expected):
    state = deadline_state(Deadline(label="x", **fields), TODAY)
    assert isinstance(state, DeadlineState)
    assert state == expected


@time_machine.travel(NOW, tick=False)
def test_the_admin_and_the_dashboard_say_the_same_words_for_a_state(db, staff_client):
    request = RecordsRequestFactory(title="One of each")
    shown = [
        _deadline(request, "Late", D(2019, 11, 15)),
        _deadline(request, "Today", TODAY),
        _deadline(request, "Soon", D(2019, 11, 25)),
        _deadline(request, "Stopped", D(2019, 11, 22), paused_on=D(2019, 11, 4), days_left=3),
        _deadline(request, "Done", D(2019, 11, 1), status=Status.MET, met_on=D(2019, 10, 30)),
        _deadline(
            request, "Late, done", D(2019, 10, 1), status=Status.MISSED, met_on=D(2019, 10, 9)
        ),
        _deadline(request, "Dropped", D(2019, 10, 2), status=Status.WAIVED),
    ]
    lawyer = Client()
    lawyer.force_login(UserFactory(username="lawyer-reads", roles=["lawyer"]))
    pages = {
        "admin request page": staff_client.get(
            reverse("admin:requests_app_recordsrequest_change", args=[request.pk])
        ),
        "admin deadline list": staff_client.get(reverse("admin:requests_app_deadline_changelist")),
        "dashboard request page": lawyer.get(reverse("dashboard:request", args=[request.pk])),
    }
    for page in pages.values():
        assert page.status_code == 200
    texts = {name: page.content.decode() for name, page in pages.items()}
    for deadline in shown:
        words = deadline_state(deadline).words
        for name, text in texts.items():
            assert words in text, f"{deadline.label}: {words!r} not on the {name}"
    assert "OVERDUE" not in texts["admin request page"]


def test_closure_days_make_one_calendar_however_many_are_asked_for(db):
    us, ma = jurisdiction("US"), jurisdiction("US-MA")
    ClosureDay.objects.create(jurisdiction=us, date=D(2019, 12, 24), reason="E.O. 13900")
    ClosureDay.objects.create(jurisdiction=us, date=D(2018, 12, 24), reason="E.O. 13854")
    ClosureDay.objects.create(jurisdiction=ma, date=D(2019, 2, 1), reason="Storm")

    assert closures_for("US") == {D(2019, 12, 24): "E.O. 13900", D(2018, 12, 24): "E.O. 13854"}
    assert closures_for("US-CA") == {}
    assert closures_by_jurisdiction(["US", "US-CA"]) == {"US": closures_for("US"), "US-CA": {}}
    assert closures_by_jurisdiction(since=D(2019, 1, 1)) == {
        "US": {D(2019, 12, 24): "E.O. 13900"},
        "US-MA": {D(2019, 2, 1): "Storm"},
    }
    one = working_calendar("US")
    many = working_calendars(["US", "US-MA", "XX"])  # no calendar for XX: left out
    assert set(many) == {"US", "US-MA"}
    assert many["US"].closures == one.closures
    assert not one.is_working_day(D(2019, 12, 24))
    assert not many["US-MA"].is_working_day(D(2019, 2, 1))
    assert many["US"].is_working_day(D(2019, 2, 1))
