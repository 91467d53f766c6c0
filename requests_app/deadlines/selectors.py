"""The one place that says what a deadline's state is and how a calendar is made.

Running, overdue and due-within are defined here and nowhere else: every door (API filters,
reports, the reminder sweep, the dashboard, the admin) asks these. Overdue is derived from the
date, never stored: an open deadline whose clock is not stopped (tolled) and whose day has passed,
counted against the organisation's "today" (``core.today``).

Each notion is written once, as a list of conditions on the deadline's own columns, and read in
four forms: a ``Q`` (``prefix`` reaches the deadline through a relation, for subqueries), a
queryset, SQL for the reminder sweep's raw statements (compiled from the ``Q`` by the ORM, so the
two cannot drift apart), and a predicate on one row already in memory. The words a person reads
for a deadline's state (admin and dashboard alike) are made here too, from those predicates.

A jurisdiction's closure days become part of its working calendar here, whether one calendar is
wanted or many at once.
"""

from __future__ import annotations

import dataclasses
import datetime
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery

from core.today import organisation_today
from requests_app.deadlines import rules
from requests_app.deadlines.calendars import (
    FIRST_SUPPORTED_YEAR,
    LAST_SUPPORTED_YEAR,
    UnknownJurisdiction,
    WorkingCalendar,
    calendar_for,
)
from requests_app.deadlines.rules import Explanation, compute
from requests_app.models import Appeal, ClosureDay, Deadline

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = Any


Status = Deadline.Status

# --- Running, overdue, due within: each written once --------------------------------------------

#: (column, lookup, value): one condition on a deadline's own column, as the ORM spells it.
Condition = tuple[str, str, Any]

_HOLDS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "isnull": lambda value, expected: (value is None) is expected,
    "lt": operator.lt,
    "lte": operator.le,
    "gte": operator.ge,
}


def _running() -> tuple[Condition, ...]:
    # Open, and its clock not stopped by tolling (5 U.S.C. 552(a)(6)(A)(ii)).
    return (("status", "exact", Status.OPEN), ("paused_on", "isnull", True))


def _overdue(today: datetime.date) -> tuple[Condition, ...]:
    return (*_running(), ("due_on", "lt", today))


def _due_within(days: int, today: datetime.date) -> tuple[Condition, ...]:
    return (
        *_running(),
        ("due_on", "gte", today),
        ("due_on", "lte", today + datetime.timedelta(days=days)),
    )


def _q(conditions: tuple[Condition, ...], prefix: str) -> Q:
    # "exact" left implicit, as the model's partial indexes spell it (a test compares them).
    return Q(
        **{
            f"{prefix}{column}" if lookup == "exact" else f"{prefix}{column}__{lookup}": value
            for column, lookup, value in conditions
        }
    )


def _holds(conditions: tuple[Condition, ...], deadline: Deadline | Mapping[str, Any]) -> bool:
    """Whether one row meets the conditions: a Deadline, or a dict of its columns (a values()
    row, as the API's plain rows are)."""
    for column, lookup, value in conditions:
        actual = deadline[column] if isinstance(deadline, Mapping) else getattr(deadline, column)
        if not _HOLDS[lookup](actual, value):
            return False
    return True


def running_q(prefix: str = "") -> Q:
    """Open deadlines whose clock runs (not stopped by tolling), as a condition; ``prefix``
    reaches the deadline through a relation, e.g. ``"deadlines__"``."""
    return _q(_running(), prefix)


def overdue_q(prefix: str = "", today: datetime.date | None = None) -> Q:
    """Overdue as a condition, for a filter or a subquery: open, running, and its day has passed."""
    return _q(_overdue(today or organisation_today()), prefix)


def due_within_q(days: int, prefix: str = "", today: datetime.date | None = None) -> Q:
    """Open, running and due from today through today + ``days`` (0: due today)."""
    return _q(_due_within(days, today or organisation_today()), prefix)


def open_running(queryset: QuerySet[Deadline] | None = None) -> QuerySet[Deadline]:
    """Open deadlines whose clock runs (not stopped by tolling)."""
    return (Deadline.objects.all() if queryset is None else queryset).filter(running_q())


def deadlines_overdue(today: datetime.date | None = None) -> QuerySet[Deadline]:
    """Open, running deadlines whose day has passed (derived, never stored)."""
    return Deadline.objects.filter(overdue_q(today=today))


def deadlines_due_within(today: datetime.date | None, days: int) -> QuerySet[Deadline]:
    """Open, running deadlines due from today through today + ``days``."""
    return Deadline.objects.filter(due_within_q(days, today=today))


def is_running(deadline: Deadline | Mapping[str, Any]) -> bool:
    """``running_q`` for one row in memory."""
    return _holds(_running(), deadline)


def is_overdue(deadline: Deadline | Mapping[str, Any], today: datetime.date | None = None) -> bool:
    """``overdue_q`` for one row in memory."""
    return _holds(_overdue(today or organisation_today()), deadline)


def is_due_within(
    deadline: Deadline | Mapping[str, Any], days: int, today: datetime.date | None = None
) -> bool:
    """``due_within_q`` for one row in memory."""
    return _holds(_due_within(days, today or organisation_today()), deadline)


def deadline_sql(condition: Q, alias: str) -> tuple[str, list[Any]]:
    """``condition`` (one of the Q forms above, without a prefix) as SQL over the deadline table
    named ``alias``, with its parameters for the connection in use: the reminder sweep's raw
    statements say "running" or "overdue" with this, not in words of their own."""
    query = Deadline.objects.filter(condition).query
    table = Deadline._meta.db_table
    if set(query.alias_map) != {table}:
        raise ValueError("deadline_sql takes conditions on the deadline's own columns only")
    query = query.relabeled_clone({table: alias})
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, list(params)


# --- A deadline's state in words -----------------------------------------------------------------

#: What marks a deadline counted from filing while receipt is unknown, wherever it is shown.
ESTIMATE_MARKER = "estimated: receipt not confirmed"

#: Open deadlines due within this many days are shown as "soon".
SOON_DAYS = 7


class DeadlineState(NamedTuple):
    """A deadline's state as a person reads it: ``words``, and a ``key`` naming the same state
    for a colour or an icon (overdue, today, soon, upcoming, paused, met, missed, waived,
    superseded), never shown alone."""

    key: str
    words: str


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _day(value: datetime.date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


def deadline_state(deadline: Deadline, today: datetime.date | None = None) -> DeadlineState:
    """The state of a deadline on ``today`` (the organisation's), in the words the admin and the
    dashboard both show: "Overdue by 3 days", "Due today", "Due in 5 days", "Clock stopped since
    Nov 1, 2019 (9 working days left)", "Met on Nov 18, 2019", "Missed", "Waived"; an estimate
    says so: "Due in 5 days (estimated: receipt not confirmed)"."""
    state = _state(deadline, today or organisation_today())
    if deadline.source == Deadline.Source.ESTIMATE:
        return DeadlineState(state.key, f"{state.words} ({ESTIMATE_MARKER})")
    return state


def _state(deadline: Deadline, today: datetime.date) -> DeadlineState:
    if is_overdue(deadline, today):
        return DeadlineState("overdue", f"Overdue by {_days((today - deadline.due_on).days)}")
    if is_due_within(deadline, 0, today):
        return DeadlineState("today", "Due today")
    if is_running(deadline):
        days = (deadline.due_on - today).days
        return DeadlineState("soon" if days <= SOON_DAYS else "upcoming", f"Due in {_days(days)}")
    if deadline.status == Status.OPEN:  # open, and not running: its clock is stopped
        assert deadline.paused_on is not None
        words = f"Clock stopped since {_day(deadline.paused_on)}"
        if deadline.days_left is not None:
            left = deadline.days_left
            words += f" ({left} working day{'' if left == 1 else 's'} left)"
        return DeadlineState("paused", words)
    if deadline.status == Status.MET:
        return DeadlineState("met", f"Met on {_day(deadline.met_on)}" if deadline.met_on else "Met")
    if deadline.status == Status.MISSED:
        done = f" (done {_day(deadline.met_on)})" if deadline.met_on else ""
        return DeadlineState("missed", f"Missed{done}")
    return DeadlineState(str(deadline.status), str(deadline.get_status_display()))


# --- A request's next deadline ------------------------------------------------------------------

#: The columns of a request's next deadline that `next_deadline_annotations` adds, by the
#: Deadline field each one copies.
NEXT_DEADLINE_FIELDS = ("pk", "label", "due_on", "status", "source", "paused_on", "days_left")


def next_deadline_annotations(prefix: str = "next_deadline_") -> dict[str, Any]:
    """Annotations giving each request its next deadline, in one query with the list: the
    earliest open deadline of the request itself or of one of its appeals (an appeal's clock is
    part of where the request stands). Read back with `next_deadline`."""
    appeals = Appeal.objects.filter(request_id=OuterRef(OuterRef("pk"))).values("pk")
    nearest = Deadline.objects.filter(
        Q(request_id=OuterRef("pk")) | Q(appeal_id__in=appeals), status=Status.OPEN
    ).order_by("due_on", "pk")
    return {
        f"{prefix}{field}": Subquery(nearest.values(field)[:1]) for field in NEXT_DEADLINE_FIELDS
    }


def next_deadline(record: Any, prefix: str = "next_deadline_") -> Deadline | None:
    """The next deadline `next_deadline_annotations` read for a request, as an unsaved Deadline
    carrying the columns its state needs (None: nothing open)."""
    pk = getattr(record, f"{prefix}pk", None)
    if pk is None:
        return None
    values = {field: getattr(record, f"{prefix}{field}") for field in NEXT_DEADLINE_FIELDS}
    return Deadline(**values)


# --- Closure days and calendars ------------------------------------------------------------------


def closures_by_jurisdiction(
    codes: Iterable[str] | None = None, *, since: datetime.date | None = None
) -> dict[str, dict[datetime.date, str]]:
    """The closure days staff entered, code → {date: reason}, in one query: of ``codes`` (each
    present, with no closure days as {}), or of every jurisdiction that has one; from ``since``
    on when given."""
    closures = ClosureDay.objects.all()
    found: dict[str, dict[datetime.date, str]] = {}
    if codes is not None:
        found = {code: {} for code in codes}
        if not found:
            return found
        closures = closures.filter(jurisdiction__code__in=list(found))
    if since is not None:
        closures = closures.filter(date__gte=since)
    for code, day, reason in closures.values_list("jurisdiction__code", "date", "reason"):
        found.setdefault(code, {})[day] = reason
    return found


def closures_for(jurisdiction_code: str) -> dict[datetime.date, str]:
    """The closure days staff entered for a jurisdiction (date → reason), for counting."""
    return closures_by_jurisdiction([jurisdiction_code])[jurisdiction_code]


def working_calendar(jurisdiction_code: str) -> WorkingCalendar:
    """A jurisdiction's working calendar with the closure days staff entered (skipped like
    holidays; they toll nothing): what every door counts working days on. Raises
    ``UnknownJurisdiction`` for a code with no calendar."""
    return calendar_for(jurisdiction_code, closures_for(jurisdiction_code))


def working_calendars(
    codes: Iterable[str], *, since: datetime.date | None = None
) -> dict[str, WorkingCalendar]:
    """``working_calendar`` for many jurisdictions, with one query for their closure days (from
    ``since`` on when given: enough to count forward from then). A code with no calendar is left
    out: nothing can be counted there."""
    calendars = {}
    for code, closures in closures_by_jurisdiction(codes, since=since).items():
        try:
            calendars[code] = calendar_for(code, closures)
        except UnknownJurisdiction:
            continue
    return calendars


# --- What a computed date says about itself ------------------------------------------------------


def explain(
    deadline: Deadline, calendar: WorkingCalendar | None = None
) -> rules.Explanation | None:
    """The explanation of a computed deadline with today's calendar (None for a court date).
    ``calendar``: its jurisdiction's ``working_calendar``, when the caller has it already."""
    if not deadline.basis or deadline.jurisdiction_id is None:
        return None
    code = deadline.jurisdiction.code if deadline.jurisdiction else ""
    if calendar is None:
        calendar = working_calendar(code)
    return rules.evaluate(code, deadline.basis, calendar.closures)


def explanation_text(deadline: Deadline, calendar: WorkingCalendar | None = None) -> str:
    """What a lawyer reads next to the date: the counting, or the order that set it."""
    if deadline.source == Deadline.Source.COURT_ORDER and not deadline.basis:
        text = f"Set by court order: {deadline.court_order}." if deadline.court_order else ""
    else:
        explanation = explain(deadline, calendar)
        text = explanation.summary() if explanation else ""
    if deadline.source == Deadline.Source.ESTIMATE:
        text = f"{ESTIMATE_MARKER.capitalize()}: counted from the filing date. {text}"
    pieces = [text]
    if deadline.is_paused:
        pieces.append(
            f"Clock stopped on {deadline.paused_on} with {deadline.days_left} working days left "
            f"({rules.TOLLING_CITATION})"
        )
    pieces.append(deadline.note)
    # Each piece is a sentence of its own: without the full stop a rule's last skipped day ran
    # into the note that follows ("... 2019-11-24 Sunday Determined on ...").
    return " ".join(rules.as_sentence(piece) for piece in pieces if piece.strip())


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


def deadline_calculate(
    *,
    jurisdiction: str,
    rule: str,
    start: datetime.date,
    extension: bool = False,
    forum: str | None = None,
    observance: str | None = None,
) -> Explanation:
    """Apply rule ``rule`` of ``jurisdiction`` to the trigger date ``start``, with its closures;
    with ``extension``, the due date after the rule's longest statutory extension, counted as
    a stored extended deadline is (federal: 10 more working days from the due date,
    552(a)(6)(B)(i); Illinois: 5 more business days, 5 ILCS 140/3(e); California: one limit of
    10 + 14 days from the trigger, rolled once, Gov. Code §7922.535(b)).

    ``forum`` (one of ``calendars.FORUMS``, federal rules only): the state where the district
    court sits, whose legal holidays a last day also rolls past (FRCP 6(a)(6)(C)).
    ``observance``: one of ``calendars.observance_choices(jurisdiction)``; ``None`` for the
    statute's default reading.

    Raises ``UnknownJurisdiction`` (also for a forum), ``UnknownObservance``, ``UnknownRule``,
    ``UnsupportedYear``, ``ForumOutsideFederalCourt`` or, for a rule with no extension,
    ``NoExtension`` (all ``ValueError``).
    """
    if forum is not None and jurisdiction != FEDERAL:
        raise ForumOutsideFederalCourt(jurisdiction, forum)
    closures = closures_for(jurisdiction)
    if not extension:
        explanation = compute(
            (jurisdiction, rule), start, closures, forum=forum, observance=observance
        )
        if forum is None and observance is None:
            return explanation
        # Say which calendar was counted on, as a stored deadline's explanation does.
        variant = rules.CalendarVariant(forum=forum, observance=observance, court=forum is not None)
        pieces = (explanation.preface, variant.reading(jurisdiction))
        preface = " ".join(rules.as_sentence(piece) for piece in pieces if piece)
        return dataclasses.replace(explanation, preface=preface)
    rules.get_rule(jurisdiction, rule).extension()  # NoExtension before anything is counted
    basis: dict[str, Any] = {
        "extend": {"rule": rule, "trigger": start.isoformat()},
        "of_rule": rule,
    }
    # The variant keys only when asked: a basis without them counts on the default calendar
    # and its explanation says nothing about a forum or an observance.
    if forum is not None:
        basis["forum"] = forum
    if observance is not None:
        basis["observance"] = observance
    return rules.evaluate(jurisdiction, basis, closures)


#: The one jurisdiction whose rules a court forum applies to: federal court deadlines.
FEDERAL = "US"


class ForumOutsideFederalCourt(ValueError):
    """A court forum given for a jurisdiction other than the federal one: FRCP 6(a)(6)(C) adds a
    forum state's legal holidays to federal court deadlines only."""

    def __init__(self, jurisdiction: str, forum: str) -> None:
        self.jurisdiction = jurisdiction
        self.forum = forum
        super().__init__(
            f"A court forum applies only to federal deadlines (jurisdiction {FEDERAL}, "
            f"FRCP 6(a)(6)(C)); {jurisdiction} has none, so forum {forum!r} cannot be used."
        )
