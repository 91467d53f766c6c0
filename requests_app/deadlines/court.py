"""Court-ordered deadlines and court schedules (joint status reports, rolling productions)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.today import organisation_today
from requests_app.deadlines import rules
from requests_app.deadlines.selectors import working_calendar
from requests_app.models import CourtSchedule, Deadline, Jurisdiction, Lawsuit

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = Any


import calendar

from requests_app.deadlines.hooks import (
    Status,
    calendar_variant,
    iso_date,
    lead_counsel,
    note_appended,
)

COURT_SCHEDULE_HORIZON_DAYS = 730  # an open-ended schedule is expanded two years ahead


@transaction.atomic
def court_deadline_add(
    *,
    lawsuit: Lawsuit,
    label: str,
    due_on: datetime.date,
    court_order: str,
    responsible: User | None = None,
) -> Deadline:
    """A date a court set ("answer due 2019-12-30", ECF No. 12). Court dates are not counted or
    moved: the order fixes them. Nobody named: the suit's lead counsel is responsible."""
    deadline = Deadline(
        lawsuit=lawsuit,
        label=label,
        due_on=due_on,
        source=Deadline.Source.COURT_ORDER,
        rule="court_order",
        citation=court_order,
        court_order=court_order,
        responsible=responsible or lead_counsel(lawsuit),
    )
    deadline.full_clean()
    deadline.save()
    return deadline


def monthly_on_day(first: datetime.date, day: int, k: int) -> datetime.date:
    """The ``k``-th month from ``first``'s month on the ``day`` a monthly order names ("rolling
    production on the 15th"), or that month's last day when it is shorter (the 31st in April is
    the 30th)."""

    month_index = first.month - 1 + k
    year, month = first.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _schedule_occurrences(
    schedule: CourtSchedule, *, after: datetime.date | None, through: datetime.date
) -> Iterable[tuple[int, dict[str, Any] | None, datetime.date]]:
    """(occurrence, basis, due) of a schedule whose nominal date is after `after` (None: from
    the start) and on or before `through`."""
    us_closures = working_calendar("US").closures
    k = 0
    while True:
        if schedule.recurrence == CourtSchedule.Recurrence.EVERY_N_DAYS:
            assert schedule.interval_days
            nominal = schedule.first_due + datetime.timedelta(days=k * schedule.interval_days)
            if k == 0:
                basis, due = None, schedule.first_due  # the date the order names
            else:
                basis = {
                    "every_n_days": schedule.interval_days,
                    "from": iso_date(schedule.first_due),
                    "occurrence": k,
                    "label": schedule.label,
                    "order": schedule.order_reference,
                    # FRCP 6(a)(6)(C): the forum state's legal holidays roll a last day too.
                    **calendar_variant(schedule.lawsuit),
                }
                due = nominal  # counted below, for the occurrences yielded
        else:
            assert schedule.day_of_month
            # A day of the month is a date the order names, not a period: FRCP 6(a) leaves it.
            basis = None
            nominal = monthly_on_day(schedule.first_due, schedule.day_of_month, k)
            if k == 0 and nominal < schedule.first_due:
                k += 1
                continue
            due = nominal
        if nominal > through:
            return
        if after is None or nominal > after:
            if basis is not None:
                due = rules.evaluate("US", basis, us_closures).due
            yield k, basis, due
        k += 1


def _expansion_end(schedule: CourtSchedule, today: datetime.date) -> datetime.date:
    if schedule.until:
        return schedule.until
    # "Until further order": expanded two years ahead, and kept two years ahead by the sweep.
    start = max(schedule.first_due, today)
    return start + datetime.timedelta(days=COURT_SCHEDULE_HORIZON_DAYS)


def _expand(schedule: CourtSchedule, through: datetime.date) -> list[Deadline]:
    us = Jurisdiction.objects.get(code="US")
    responsible = schedule.responsible or lead_counsel(schedule.lawsuit)
    created = []
    for k, basis, due in _schedule_occurrences(
        schedule, after=schedule.expanded_through, through=through
    ):
        deadline = Deadline(
            lawsuit=schedule.lawsuit,
            schedule=schedule,
            label=schedule.label,
            due_on=due,
            source=Deadline.Source.COURT_ORDER,
            jurisdiction=us if basis else None,
            rule="court_schedule",
            citation=schedule.order_reference,
            court_order=schedule.order_reference,
            basis=basis or {},
            responsible=responsible,
            note=f"Occurrence {k + 1}.",
        )
        deadline.full_clean()
        created.append(deadline)
    Deadline.objects.bulk_create(created)
    schedule.expanded_through = through
    schedule.save(update_fields=["expanded_through"])
    return created


@transaction.atomic
def court_schedule_create(
    *, schedule: CourtSchedule, today: datetime.date | None = None
) -> list[Deadline]:
    """Save a recurring court-ordered schedule and expand it into dated deadlines."""
    schedule.full_clean()
    schedule.save()
    return _expand(schedule, _expansion_end(schedule, today or organisation_today()))


def court_schedules_extend_one(*, today: datetime.date) -> CourtSchedule | None:
    """Extend one open-ended schedule whose expansion is less than the horizon ahead of today.

    The daily sweep calls this until it returns None ("process one item, say whether there was
    one"); each call is its own transaction, so a crash loses at most one schedule's step.
    """
    horizon = today + datetime.timedelta(days=COURT_SCHEDULE_HORIZON_DAYS)
    with transaction.atomic():
        schedule = (
            CourtSchedule.objects.select_for_update(skip_locked=True)
            .filter(until__isnull=True, cut_off_on__isnull=True, expanded_through__lt=horizon)
            .order_by("expanded_through", "pk")
            .first()
        )
        if schedule is None:
            return None
        _expand(schedule, horizon)
        return schedule


@transaction.atomic
def court_schedule_cut_off(
    *, schedule: CourtSchedule, after: datetime.date, order_reference: str
) -> int:
    """A new order ends a schedule: its open deadlines after `after` are superseded (kept as
    history, with the order that ended them). Returns how many."""
    if not order_reference.strip():
        raise ValidationError({"order_reference": "Name the order that ends the schedule."})
    schedule.cut_off_on = after
    schedule.cut_off_order = order_reference
    schedule.save(update_fields=["cut_off_on", "cut_off_order"])
    return schedule.deadlines.filter(status=Status.OPEN, due_on__gt=after).update(
        status=Status.SUPERSEDED, note=note_appended(f"Cut off by {order_reference}.")
    )


# --- Marking ------------------------------------------------------------------------------------
