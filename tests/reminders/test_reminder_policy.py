"""When reminders fall due (reminders/policy.py): pure dates, no database.

Working days are counted in the deadline's calendar: federal holidays per 5 U.S.C. 6103
(Thanksgiving, 26 November 2026, is one)."""

import datetime

import pytest

from reminders.policy import (
    DUE_TODAY,
    OVERDUE,
    UPCOMING,
    Slot,
    latest_slot,
    overdue_slot,
    upcoming_slots,
    working_days_before,
)
from requests_app.deadlines.calendars import calendar_for

US = calendar_for("US")
D = datetime.date


def test_working_days_before_skips_weekends_and_thanksgiving():
    # Due Monday 30 November 2026: back over the weekend, Friday 27, then Thanksgiving (26th).
    assert working_days_before(US, D(2026, 11, 30), 1) == D(2026, 11, 27)
    assert working_days_before(US, D(2026, 11, 30), 2) == D(2026, 11, 25)
    assert working_days_before(US, D(2026, 11, 30), 7) == D(2026, 11, 18)


def test_working_days_before_refuses_zero():
    with pytest.raises(ValueError, match="at least one working day"):
        working_days_before(US, D(2026, 11, 30), 0)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 11, 17), None),  # 8 working days before: nothing yet
        (D(2026, 11, 18), Slot(UPCOMING, D(2026, 11, 18), 7)),
        (D(2026, 11, 24), Slot(UPCOMING, D(2026, 11, 18), 7)),  # still the 7-day one
        (D(2026, 11, 25), Slot(UPCOMING, D(2026, 11, 25), 2)),
        (D(2026, 11, 28), Slot(UPCOMING, D(2026, 11, 25), 2)),  # a Saturday: no new one
        (D(2026, 11, 30), Slot(DUE_TODAY, D(2026, 11, 30))),
        (D(2026, 12, 1), Slot(OVERDUE, D(2026, 12, 1))),  # the first day overdue
        (D(2026, 12, 7), Slot(OVERDUE, D(2026, 12, 1))),
        (D(2026, 12, 8), Slot(OVERDUE, D(2026, 12, 8))),  # then weekly
        (D(2026, 12, 20), Slot(OVERDUE, D(2026, 12, 15))),
    ],
)
def test_latest_slot_for_a_deadline_due_monday_30_november(today, expected):
    assert latest_slot(US, D(2026, 11, 30), today, upcoming=[7, 2], overdue_every=7) == expected


def test_a_sweep_that_missed_days_still_finds_the_reminder_but_not_a_stale_one():
    """The 7-day reminder (18 Nov) is found on the 20th if the sweep was down until then; once
    the 2-day one's day has come, only that one is."""
    due = D(2026, 11, 30)
    assert latest_slot(US, due, D(2026, 11, 20), upcoming=[7, 2], overdue_every=7) == Slot(
        UPCOMING, D(2026, 11, 18), 7
    )
    assert latest_slot(US, due, D(2026, 11, 27), upcoming=[7, 2], overdue_every=7) == Slot(
        UPCOMING, D(2026, 11, 25), 2
    )


def test_overdue_slot_is_weekly_from_the_day_after():
    due = D(2026, 1, 1)
    assert overdue_slot(due, D(2026, 1, 2), 7) == D(2026, 1, 2)
    assert overdue_slot(due, D(2026, 1, 8), 7) == D(2026, 1, 2)
    assert overdue_slot(due, D(2026, 1, 9), 7) == D(2026, 1, 9)


def test_upcoming_slots_cover_exactly_the_due_dates_with_a_reminder_by_today():
    today = D(2026, 11, 20)  # a Friday
    found = dict(upcoming_slots(US, today, upcoming=[7, 2]))
    for offset in range(1, 40):
        due = today + datetime.timedelta(days=offset)
        slot = latest_slot(US, due, today, upcoming=[7, 2], overdue_every=7)
        assert found.get(due) == slot, due
    # Seven working days after Friday 20 November, skipping Thanksgiving: Wednesday 2 December.
    assert max(found) == D(2026, 12, 2)


def test_no_upcoming_offsets_means_no_upcoming_reminders():
    assert list(upcoming_slots(US, D(2026, 11, 20), upcoming=[])) == []
