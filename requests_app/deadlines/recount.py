"""Recounting open deadlines when a calendar changes in code.

Closure days are data: adding one recounts what it touches at once (``closures``). A state's
holidays are code (``calendars``): a release that corrects one moves open deadlines without
anyone entering anything. So each jurisdiction's statutory calendars (every court forum and
agency observance variant) are fingerprinted over the years of its open deadlines, and after
``migrate`` a jurisdiction whose fingerprint differs from the stored one has its open computed
deadlines recounted (``deadlines_recount_changed_calendars``, from the post_migrate handler in
``requests_app.apps``). ``manage.py recount_deadlines`` recounts on demand, or only reports with
``--dry-run``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Max, Min

from requests_app.deadlines.calendars import (
    FIRST_SUPPORTED_YEAR,
    FORUMS,
    JURISDICTIONS,
    LAST_SUPPORTED_YEAR,
    observance_choices,
    year_listing,
)
from requests_app.deadlines.closures import Move, deadlines_recompute, open_computed_deadlines
from requests_app.models import CalendarFingerprint, Deadline, Jurisdiction


@dataclass(frozen=True)
class Recount:
    """One jurisdiction's recount: the deadlines that moved, and whether it was written."""

    jurisdiction: str
    moves: list[Move]
    dry_run: bool


def _variants(code: str) -> list[tuple[str | None, str | None]]:
    """(forum, observance) of every calendar a deadline of ``code`` may count on."""
    variants: list[tuple[str | None, str | None]] = [(None, None)]
    if code == "US":
        variants += [(forum, None) for forum in FORUMS]
    variants += [(None, observance) for observance in observance_choices(code)]
    return variants


def calendar_fingerprint(code: str, first_year: int, last_year: int) -> str:
    """SHA-256 of every weekday off, or on which a period may not end (date and kind), of every
    calendar variant of ``code`` from ``first_year`` through ``last_year``: what a count depends
    on, names and citations aside."""
    digest = hashlib.sha256()
    for forum, observance in _variants(code):
        digest.update(f"[{forum}|{observance}]".encode())
        for year in range(first_year, last_year + 1):
            for day in year_listing(code, year, forum=forum, observance=observance):
                digest.update(f"{day.date.isoformat()}:{day.kind};".encode())
    return digest.hexdigest()


def open_deadline_years(jurisdiction: Jurisdiction) -> tuple[int, int] | None:
    """The years a recount of the jurisdiction's open computed deadlines may look at: those of
    their due dates, with a year on either side for counts that start or roll across a new
    year (None when nothing is open)."""
    span = open_computed_deadlines(jurisdiction).aggregate(first=Min("due_on"), last=Max("due_on"))
    if span["first"] is None:
        return None
    first = max(FIRST_SUPPORTED_YEAR, span["first"].year - 1)
    last = min(LAST_SUPPORTED_YEAR, span["last"].year + 1)
    return first, last


def _jurisdictions(code: str | None) -> Iterable[Jurisdiction]:
    found = Jurisdiction.objects.filter(code__in=JURISDICTIONS).order_by("code")
    return found.filter(code=code) if code is not None else found


def _recount_one(jurisdiction: Jurisdiction, *, dry_run: bool) -> Recount:
    with transaction.atomic():
        moves = deadlines_recompute(jurisdiction=jurisdiction)
        if dry_run:
            transaction.set_rollback(True)  # the same count, nothing kept
        else:
            _remember(jurisdiction)
    return Recount(jurisdiction.code, moves, dry_run)


def _remember(jurisdiction: Jurisdiction) -> None:
    years = open_deadline_years(jurisdiction)
    if years is None:
        CalendarFingerprint.objects.filter(jurisdiction=jurisdiction).delete()
        return
    CalendarFingerprint.objects.update_or_create(
        jurisdiction=jurisdiction,
        defaults={
            "first_year": years[0],
            "last_year": years[1],
            "fingerprint": calendar_fingerprint(jurisdiction.code, *years),
        },
    )


def deadlines_recount(*, jurisdiction: str | None = None, dry_run: bool = False) -> list[Recount]:
    """Recount every open computed deadline of one jurisdiction (a code), or of all, with the
    calendars as the code now has them; report each one that moved and by how much. Each
    jurisdiction is its own transaction under its lock (as a closure day's recount is); with
    ``dry_run`` the same count is made and rolled back."""
    return [_recount_one(j, dry_run=dry_run) for j in _jurisdictions(jurisdiction)]


def calendar_changed(jurisdiction: Jurisdiction) -> bool:
    """Whether the jurisdiction's open deadlines may count differently than when last counted:
    its calendars differ over their years, or they span years not fingerprinted then."""
    years = open_deadline_years(jurisdiction)
    if years is None:
        return False
    stored = CalendarFingerprint.objects.filter(jurisdiction=jurisdiction).first()
    if stored is None or (stored.first_year, stored.last_year) != years:
        return True
    return stored.fingerprint != calendar_fingerprint(jurisdiction.code, *years)


def deadlines_recount_changed_calendars(*, dry_run: bool = False) -> list[Recount]:
    """``deadlines_recount`` for the jurisdictions whose calendars changed since their open
    deadlines were last counted (all that have open deadlines, the first time)."""
    return [_recount_one(j, dry_run=dry_run) for j in _jurisdictions(None) if calendar_changed(j)]


def report_recounts(recounts: list[Recount], out: Any) -> None:
    """One line per deadline that moved, then one per jurisdiction (the command's and
    `migrate`'s output)."""
    for recount in recounts:
        verb = "would move" if recount.dry_run else "moved"
        for move in recount.moves:
            out.write(f"{recount.jurisdiction}: {move}\n")
        out.write(f"{recount.jurisdiction}: {len(recount.moves)} open deadline(s) {verb}.\n")


def deadlines_recount_after_migrate(
    *, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, stdout: Any = None, **_: Any
) -> None:
    """The post_migrate handler: a release may have changed a calendar, so recount the open
    deadlines of each jurisdiction whose calendars differ from those they were last counted on,
    and say what moved."""
    if using != DEFAULT_DB_ALIAS:
        return
    tables = set(connections[using].introspection.table_names())
    if not {CalendarFingerprint._meta.db_table, Deadline._meta.db_table} <= tables:
        return  # migrated back past the tables: nothing to count
    recounts = deadlines_recount_changed_calendars()
    if verbosity >= 1 and stdout is not None and recounts:
        report_recounts(recounts, stdout)
