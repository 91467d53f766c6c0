"""When a deadline's reminders fall due: plain date arithmetic, no Django.

The policy (offsets and cadence are settings):
- **upcoming** on the 7th and the 2nd working day before the due date, counted back in the
  deadline's own calendar (the day before the due date is the 1st);
- **due today** on the due date itself;
- **overdue** the day after the due date, then every 7 days until the deadline is met, waived or
  superseded.

The sweep asks one question per deadline: *of its reminders, which is the latest whose day has
come?* Asking for the latest (not "is one due exactly today") is what makes a skipped sweep
harmless: the reminder is created, late, by the next sweep — and a reminder overtaken by a newer
one (the sweep was down for a week) is not sent stale.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from requests_app.deadlines.calendars import WorkingCalendar

UPCOMING = "upcoming"
DUE_TODAY = "due_today"
OVERDUE = "overdue"

_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Slot:
    reason: str
    scheduled_for: datetime.date
    business_days_before: int | None = None


def working_days_before(cal: WorkingCalendar, due: datetime.date, n: int) -> datetime.date:
    """The n-th working day before ``due`` (``due`` itself is not counted)."""
    if n < 1:
        raise ValueError(f"Reminders come at least one working day before, not {n}")
    day = due
    while n:
        day -= _ONE_DAY
        if cal.is_working_day(day):
            n -= 1
    return day


def overdue_slot(due: datetime.date, today: datetime.date, every: int) -> datetime.date:
    """The latest overdue reminder day on or before ``today`` (``due < today``)."""
    first = due + _ONE_DAY
    return today - datetime.timedelta(days=(today - first).days % every)


def latest_slot(
    cal: WorkingCalendar,
    due: datetime.date,
    today: datetime.date,
    *,
    upcoming: Sequence[int],
    overdue_every: int,
) -> Slot | None:
    """The latest reminder for a deadline due on ``due`` whose day is on or before ``today``."""
    if due < today:
        return Slot(OVERDUE, overdue_slot(due, today, overdue_every))
    if due == today:
        return Slot(DUE_TODAY, today)
    best: Slot | None = None
    for n in upcoming:
        day = working_days_before(cal, due, n)
        if day <= today and (best is None or day > best.scheduled_for):
            best = Slot(UPCOMING, day, n)
    return best


def upcoming_slots(
    cal: WorkingCalendar, today: datetime.date, *, upcoming: Sequence[int]
) -> Iterator[tuple[datetime.date, Slot]]:
    """(due date, slot) for every future due date whose latest upcoming reminder day has come.

    A due date more than ``max(upcoming)`` working days ahead has none yet, so the walk stops one
    working day past that (the bound only has to be large enough; each date is checked exactly).
    """
    if not upcoming:
        return
    limit = max(upcoming) + 1
    due, working_seen = today, 0
    while working_seen <= limit:
        due += _ONE_DAY
        if cal.is_working_day(due):
            working_seen += 1
        slot = latest_slot(cal, due, today, upcoming=upcoming, overdue_every=1)
        if slot is not None:
            yield due, slot
