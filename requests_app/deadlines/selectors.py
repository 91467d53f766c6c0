"""The one place that says what a deadline's state is and how a calendar is made.

Running, overdue and due-within are defined here and nowhere else: every door (API filters,
reports, the reminder sweep, the dashboard, the admin) asks these. Overdue is derived from the
date, never stored: an open deadline whose clock is not stopped (tolled) and whose day has passed,
counted against the organisation's "today". Closure days become part of a calendar here too.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from core.today import organisation_today
from requests_app.deadlines import rules
from requests_app.deadlines.calendars import FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR
from requests_app.deadlines.rules import Explanation, compute
from requests_app.models import ClosureDay, Deadline

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = Any


Status = Deadline.Status


def explain(
    deadline: Deadline, closures: dict[datetime.date, str] | None = None
) -> rules.Explanation | None:
    """The explanation of a computed deadline with today's calendar (None for a court date)."""
    if not deadline.basis or deadline.jurisdiction_id is None:
        return None
    code = deadline.jurisdiction.code if deadline.jurisdiction else ""
    if closures is None:
        closures = closures_for(code)
    return rules.evaluate(code, deadline.basis, closures)


def explanation_text(deadline: Deadline, closures: dict[datetime.date, str] | None = None) -> str:
    """What a lawyer reads next to the date: the counting, or the order that set it."""
    if deadline.source == Deadline.Source.COURT_ORDER and not deadline.basis:
        text = f"Set by court order: {deadline.court_order}." if deadline.court_order else ""
    else:
        explanation = explain(deadline, closures)
        text = explanation.summary() if explanation else ""
    if deadline.is_paused:
        text += (
            f" Clock stopped on {deadline.paused_on} with {deadline.days_left} working days left "
            f"({rules.TOLLING_CITATION})."
        )
    if deadline.note:
        text += f" {deadline.note}"
    return text.strip()


def open_running(queryset: QuerySet[Deadline]) -> QuerySet[Deadline]:
    """Open deadlines whose clock runs (not stopped by tolling)."""
    return queryset.filter(status=Status.OPEN, paused_on__isnull=True)


def overdue_q(prefix: str = "", today: datetime.date | None = None) -> Q:
    """Overdue as a condition, for a filter or a subquery (``prefix`` reaches the deadline through
    a relation, e.g. ``"deadlines__"``): open, running, and its day has passed."""
    return Q(
        **{
            f"{prefix}status": Status.OPEN,
            f"{prefix}paused_on__isnull": True,
            f"{prefix}due_on__lt": today if today is not None else organisation_today(),
        }
    )


def deadlines_overdue(today: datetime.date) -> QuerySet[Deadline]:
    """Open, running deadlines whose day has passed (derived, never stored)."""
    return Deadline.objects.filter(status=Status.OPEN, paused_on__isnull=True, due_on__lt=today)


def deadlines_due_within(today: datetime.date, days: int) -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        status=Status.OPEN,
        paused_on__isnull=True,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=days),
    )


def closures_for(jurisdiction_code: str) -> dict[datetime.date, str]:
    """The closure days staff entered for a jurisdiction (date → reason), for counting."""
    return dict(
        ClosureDay.objects.filter(jurisdiction__code=jurisdiction_code).values_list(
            "date", "reason"
        )
    )


# --- The calculator: one rule applied to one date, as the API and the admin page ask ----------


def year_range_error(start: datetime.date) -> str | None:
    """Why ``start`` is outside the years the calendars cover, or ``None`` if it is inside."""
    if FIRST_SUPPORTED_YEAR <= start.year <= LAST_SUPPORTED_YEAR:
        return None
    return (
        f"{start.isoformat()} is outside the supported range: start dates from "
        f"{FIRST_SUPPORTED_YEAR}-01-01 through {LAST_SUPPORTED_YEAR}-12-31 (the calendars encode "
        f"holiday law from {FIRST_SUPPORTED_YEAR}, the first federal Martin Luther King Jr. Day)"
    )


def deadline_calculate(*, jurisdiction: str, rule: str, start: datetime.date) -> Explanation:
    """Apply rule ``rule`` of ``jurisdiction`` to the trigger date ``start``, with its closures.

    Raises ``UnknownJurisdiction``, ``UnknownRule`` or ``UnsupportedYear`` (all ``ValueError``).
    """
    return compute((jurisdiction, rule), start, closures_for(jurisdiction))
