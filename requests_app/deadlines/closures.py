"""Closure days and recomputation: a change to a jurisdiction's calendar moves exactly the open
deadlines whose count it touches, and says which and by how much.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from requests_app.deadlines import rules
from requests_app.deadlines.selectors import working_calendar
from requests_app.models import ClosureDay, Deadline, Jurisdiction

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = Any


Status = Deadline.Status


@dataclass(frozen=True)
class Move:
    """One open deadline whose due date a recomputation changed."""

    deadline_id: int
    label: str
    old: datetime.date
    new: datetime.date

    @property
    def days(self) -> int:
        return (self.new - self.old).days

    def __str__(self) -> str:
        sign = "+" if self.days > 0 else ""
        unit = "day" if abs(self.days) == 1 else "days"
        return f"{self.label}: {self.old} → {self.new} ({sign}{self.days} {unit})"


def _recount(
    rows: Sequence[tuple[int, datetime.date, dict[str, Any], str, datetime.date | None]], code: str
) -> tuple[list[Move], list[tuple[int, int]]]:
    """New due dates for rows (pk, due, basis, label, paused_on); also the new days left of
    stopped clocks that moved."""
    closures = working_calendar(code).closures
    # A calendar change only moves deadlines counted in the weeks around it, so their bases repeat
    # heavily: count each distinct basis once.
    due_by_basis: dict[str, datetime.date] = {}
    moves = []
    days_left = []
    for pk, due, basis, label, paused_on in rows:
        key = json.dumps(basis, sort_keys=True)
        new = due_by_basis.get(key)
        if new is None:
            new = due_by_basis[key] = rules.evaluate(code, basis, closures).due
        if new != due:
            moves.append(Move(pk, label, due, new))
            if paused_on is not None:
                cal = rules.basis_calendar(code, basis, closures)
                days_left.append((pk, max(0, rules.working_days_between(cal, paused_on, new))))
    return moves, days_left


def _write_due_dates(moves: Sequence[Move]) -> None:
    if not moves:
        return
    if connection.vendor == "postgresql":
        # One statement per batch: an UPDATE joined to the new dates, not one UPDATE per row.
        # "due_on = old" makes it a compare-and-set: a row changed meanwhile is left alone.
        table = Deadline._meta.db_table
        with connection.cursor() as cursor:
            for start in range(0, len(moves), 20_000):
                batch = moves[start : start + 20_000]
                cursor.execute(
                    f"UPDATE {table} AS d SET due_on = v.due, updated_at = now() "
                    "FROM unnest(%s::bigint[], %s::date[], %s::date[]) AS v(id, old, due) "
                    "WHERE d.id = v.id AND d.due_on = v.old AND d.status = 'open'",
                    [
                        [m.deadline_id for m in batch],
                        [m.old for m in batch],
                        [m.new for m in batch],
                    ],
                )
    else:
        now = timezone.now()
        Deadline.objects.bulk_update(
            [Deadline(pk=m.deadline_id, due_on=m.new, updated_at=now) for m in moves],
            ["due_on", "updated_at"],
            batch_size=500,
        )


def open_computed_deadlines(jurisdiction: Jurisdiction) -> QuerySet[Deadline]:
    """The deadlines a change to the jurisdiction's calendar may move: open and counted (a
    stopped clock too: its days left change with it)."""
    return Deadline.objects.filter(jurisdiction=jurisdiction, status=Status.OPEN).exclude(basis={})


@transaction.atomic
def deadlines_recompute(
    *, jurisdiction: Jurisdiction, touching: datetime.date | None = None
) -> list[Move]:
    """Recount the open computed deadlines of a jurisdiction; returns the ones that moved.

    With `touching` (a day added to or removed from the calendar) only deadlines due on or after
    that day can move: a count that ended before it never passed over it.
    """
    jurisdiction_lock(jurisdiction)
    candidates = open_computed_deadlines(jurisdiction)
    if touching is not None:
        candidates = candidates.filter(due_on__gte=touching)
    return _recount_candidates(candidates, jurisdiction.code)


def _recount_candidates(candidates: QuerySet[Deadline], code: str) -> list[Move]:
    rows = list(
        candidates.values_list("pk", "due_on", "basis", "label", "paused_on").iterator(
            chunk_size=5000
        )
    )
    moves, days_left = _recount(rows, code)
    _write_due_dates(moves)
    for pk, left in days_left:
        Deadline.objects.filter(pk=pk).update(days_left=left)
    return moves


@transaction.atomic
def deadlines_recount_variant(
    *, deadlines: QuerySet[Deadline], variant: dict[str, str]
) -> list[Move]:
    """Count ``deadlines`` (open, computed ones among them) on another variant of their
    calendar: a lawsuit's new district (its state's holidays, FRCP 6(a)(6)(C)) or an agency's
    new observance. Each basis is rewritten to say so, then recounted like a closure day's
    change; returns the ones that moved."""
    candidates = deadlines.filter(status=Status.OPEN).exclude(basis={})
    moves: list[Move] = []
    codes = set(candidates.values_list("jurisdiction__code", flat=True).distinct())
    for jurisdiction in Jurisdiction.objects.filter(code__in=codes).order_by("code"):
        jurisdiction_lock(jurisdiction)
        own = candidates.filter(jurisdiction=jurisdiction)
        rows = list(own.select_for_update(of=("self",)).values_list("pk", "basis"))
        changed = [
            Deadline(pk=pk, basis=rules.with_variant(basis, variant))
            for pk, basis in rows
            if rules.with_variant(basis, variant) != basis
        ]
        # The bases first: the recount below reads them back and counts on the new variant.
        Deadline.objects.bulk_update(changed, ["basis"], batch_size=500)
        moves += _recount_candidates(own.filter(pk__in=[d.pk for d in changed]), jurisdiction.code)
    return moves


def jurisdiction_lock(jurisdiction: Jurisdiction) -> None:
    """Serialise calendar changes and deadline counting per jurisdiction, so that a count never
    misses a closure day committed alongside it."""
    Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()


@transaction.atomic
def closure_day_add(
    *, jurisdiction: Jurisdiction, date: datetime.date, reason: str
) -> tuple[ClosureDay, list[Move]]:
    """A closure day is skipped like a holiday from now on: recount what it touches."""
    jurisdiction_lock(jurisdiction)
    closure = ClosureDay(jurisdiction=jurisdiction, date=date, reason=reason)
    closure.full_clean()
    closure.save()
    return closure, deadlines_recompute(jurisdiction=jurisdiction, touching=date)


@transaction.atomic
def closure_day_change(
    *, closure: ClosureDay, jurisdiction: Jurisdiction, date: datetime.date, reason: str
) -> tuple[ClosureDay, list[Move]]:
    """A corrected closure day: as if the old one were removed and the new one added."""
    previous = ClosureDay.objects.get(pk=closure.pk)
    moves = closure_day_remove(closure=previous)
    changed, added = closure_day_add(jurisdiction=jurisdiction, date=date, reason=reason)
    return changed, moves + added


@transaction.atomic
def closure_day_remove(*, closure: ClosureDay) -> list[Move]:
    jurisdiction, day = closure.jurisdiction, closure.date
    jurisdiction_lock(jurisdiction)
    closure.delete()
    return deadlines_recompute(jurisdiction=jurisdiction, touching=day)
