"""Business-day calendars for records-law deadlines.

Plain Python, no Django: the deadline rules (``rules`` beside this module), the API calculator
and the reminder sweep all count days through this module, and it is tested without a database.

Counting conventions (docs/design.md, "Deadline rules"):

* the trigger day is never counted;
* *working* (business) days skip Saturdays, Sundays, the days the jurisdiction's offices are
  closed by law (its legal holidays as observed), and any closure days staff have entered;
* *calendar* days count every day; a court-style rule rolls a last day that is not a working day
  forward to the next one that is (FRCP 6(a)(1)(C));
* a LAST day also rolls past the days the jurisdiction's computation-of-time law calls a holiday
  while offices stay open (kind ``"legal_holiday"``: California's judicial holidays, New York's
  public holidays, Illinois's statutory holidays...). :meth:`WorkingCalendar.last_day_reason`
  says why a period may not end on a day; a count of business days rolls its last day only
  where the law says so (Illinois, :func:`roll_last_working_day`).

Sources of holidays: every calendar is written from its statute in ``holiday_law`` (one module
per jurisdiction, each listing the texts read), so that a change in a third-party library can
never move a deadline. The ``holidays`` library is used only as a cross-check in the tests, which
pin every place where it differs.

Court forums: for a federal court deadline (jurisdiction ``"US"``) ``forum`` names the state (or
``"US-DC"``) where the district court sits; the days that state declares a holiday join the days
a last day rolls past (FRCP 6(a)(6)(C)).

Performance: each (jurisdiction, year) is turned once into sorted tuples of working and non-working
day ordinals (``_YearTable``, cached), so adding *n* working days is a pair of binary searches plus
slicing out the skipped days, not a day-by-day walk.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Literal

from requests_app.deadlines.holiday_law import FORUM_LAWS, LAWS, STATUTE, Holiday, HolidayLaw

__all__ = [
    "FIRST_SUPPORTED_YEAR",
    "FORUMS",
    "JURISDICTIONS",
    "LAST_SUPPORTED_YEAR",
    "Computation",
    "NonWorkingDay",
    "NonWorkingKind",
    "UnknownJurisdiction",
    "UnknownObservance",
    "UnsupportedYear",
    "WorkingCalendar",
    "add_calendar_days",
    "add_working_days",
    "calendar_for",
    "deemed_receipt",
    "holiday_law",
    "observance_choices",
    "roll_last_working_day",
    "working_days_between",
    "year_listing",
]

#: ``"legal_holiday"``: offices are open (a business day), but a last day rolls past it.
NonWorkingKind = Literal["weekend", "holiday", "closure", "legal_holiday"]

JURISDICTIONS: tuple[str, ...] = tuple(LAWS)
#: Codes accepted as ``forum``: where a federal district court sits (FRCP 6(a)(6)(C)).
FORUMS: tuple[str, ...] = tuple(FORUM_LAWS)

#: The calendars encode the holiday laws in force since 1986, the first year the Birthday of
#: Martin Luther King, Jr. was a federal holiday (Pub. L. 98-144). Earlier deadlines are long
#: past; refusing them is better than answering them with the wrong holiday list.
FIRST_SUPPORTED_YEAR = 1986
#: Beyond this a date is almost certainly a typo (and far-future counting nears date limits).
LAST_SUPPORTED_YEAR = 2100

_ONE_DAY = timedelta(days=1)
_SATURDAY, _SUNDAY = 5, 6


class UnknownJurisdiction(ValueError):
    """A jurisdiction (or forum) code this project has no calendar or rules for."""

    def __init__(self, jurisdiction: str, known: Iterable[str] = JURISDICTIONS) -> None:
        self.jurisdiction = jurisdiction
        super().__init__(
            f"Unknown jurisdiction {jurisdiction!r}; known jurisdictions: {', '.join(known)}"
        )


class UnknownObservance(ValueError):
    """An observance code the jurisdiction's statute does not offer."""

    def __init__(self, jurisdiction: str, observance: str, allowed: Iterable[str]) -> None:
        self.jurisdiction = jurisdiction
        self.observance = observance
        self.allowed = tuple(allowed)
        choices = ", ".join(self.allowed) or "none (the statute leaves no choice)"
        super().__init__(
            f"Unknown observance {observance!r} for {jurisdiction}; allowed observances: {choices}"
        )


class UnsupportedYear(ValueError):
    """A date before the first year whose holiday law the calendars encode."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"Cannot count days in {year}: calendars cover {FIRST_SUPPORTED_YEAR} onwards"
        )


@dataclass(frozen=True, slots=True)
class NonWorkingDay:
    """One day that is not a working day (or on which a period may not end), and why."""

    date: date
    #: "Saturday", "Sunday", "Christmas Day (observed)", "Closure: Government shutdown", ...
    name: str
    kind: NonWorkingKind
    #: The statute that makes it a holiday ("" for weekends and staff-entered closures).
    citation: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "date": self.date.isoformat(),
            "name": self.name,
            "kind": self.kind,
            "citation": self.citation,
        }


@dataclass(frozen=True, slots=True)
class Computation:
    """The result of counting from ``start``: the date reached and the non-working days passed."""

    start: date
    due: date
    skipped: tuple[NonWorkingDay, ...]


# --- Holiday law ---------------------------------------------------------------------------------


def holiday_law(jurisdiction: str) -> HolidayLaw:
    """The holiday law of a records jurisdiction or court forum (``"US-DC"``)."""
    law = LAWS.get(jurisdiction) or FORUM_LAWS.get(jurisdiction)
    if law is None:
        raise UnknownJurisdiction(jurisdiction, (*JURISDICTIONS, *FORUMS))
    return law


def observance_choices(jurisdiction: str) -> Mapping[str, str]:
    """The observances a jurisdiction's statute leaves to the body that counts: code -> label
    with its citation (Texas: a weekend holiday on its own date only, or also the Friday before
    / Monday after). Empty where the statute leaves no choice."""
    return holiday_law(jurisdiction).observances


def _observance(law: HolidayLaw, observance: str | None) -> str:
    if observance is None:
        return law.default_observance
    if observance not in law.observances:
        raise UnknownObservance(law.jurisdiction, observance, law.observances)
    return observance


def _days_in(days: Iterable[Holiday], year: int) -> Iterable[Holiday]:
    return (d for d in days if d.date.year == year)


def _joined(found: dict[date, Holiday], holiday: Holiday) -> None:
    """Two holidays on one date are shown as one day, both names and citations kept."""
    other = found.get(holiday.date)
    if other is None:
        found[holiday.date] = holiday
    elif holiday.name not in other.name.split("; "):
        citation = other.citation
        if holiday.citation not in citation.split("; "):
            citation = f"{citation}; {holiday.citation}"
        found[holiday.date] = Holiday(holiday.date, f"{other.name}; {holiday.name}", citation)


# --- Year tables ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _YearTable:
    """One year of one calendar, prepared for binary search."""

    working: tuple[int, ...]  # ordinals of working days, ascending
    off: tuple[int, ...]  # ordinals of non-working days, ascending
    reasons: tuple[NonWorkingDay, ...]  # parallel to ``off``
    by_date: Mapping[date, NonWorkingDay]


def _build_table(year: int, off_days: Mapping[date, NonWorkingDay]) -> _YearTable:
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    off_ordinals = {day.toordinal() for day in off_days}
    ordered = sorted(off_days.values(), key=lambda d: d.date)
    return _YearTable(
        working=tuple(o for o in range(first, last + 1) if o not in off_ordinals),
        off=tuple(d.date.toordinal() for d in ordered),
        reasons=tuple(ordered),
        by_date=MappingProxyType(dict(off_days)),
    )


def _check_year(year: int) -> None:
    if year < FIRST_SUPPORTED_YEAR:
        raise UnsupportedYear(year)


@functools.lru_cache(maxsize=512)
def _statutory_table(jurisdiction: str, year: int, observance: str = STATUTE) -> _YearTable:
    """Weekends and the days offices are closed by law, of one jurisdiction and year."""
    _check_year(year)
    law = holiday_law(jurisdiction)
    off: dict[date, NonWorkingDay] = {}
    day = date(year, 1, 1)
    while day.year == year:
        if day.weekday() == _SATURDAY:
            off[day] = NonWorkingDay(day, "Saturday", "weekend")
        elif day.weekday() == _SUNDAY:
            off[day] = NonWorkingDay(day, "Sunday", "weekend")
        day += _ONE_DAY
    found: dict[date, Holiday] = {}
    for holiday in _days_in(law.business_days_off(year, observance), year):
        _joined(found, holiday)
    for day, holiday in found.items():
        # A holiday on a weekend gives no extra day off beyond any observed day already listed,
        # so the weekend is the reason shown for that date.
        if day not in off:
            off[day] = NonWorkingDay(day, holiday.name, "holiday", holiday.citation)
    return _build_table(year, off)


@functools.lru_cache(maxsize=512)
def _last_day_holidays(
    jurisdiction: str, year: int, observance: str, forum: str | None
) -> Mapping[date, NonWorkingDay]:
    """Business days of ``year`` on which a period may nevertheless not end: the roll law's
    holidays that do not close the offices, and the forum state's declared holidays."""
    law = holiday_law(jurisdiction)
    business = _statutory_table(jurisdiction, year, observance).by_date
    found: dict[date, Holiday] = {}
    for holiday in _days_in(law.last_day_holidays(year, observance), year):
        _joined(found, holiday)
    if forum is not None:
        forum_law = FORUM_LAWS[forum]
        for holiday in _days_in(forum_law.declared(year, forum_law.default_observance), year):
            citation = f"FRCP 6(a)(6)(C); {holiday.citation}"
            _joined(found, Holiday(holiday.date, f"{holiday.name} ({forum_law.name})", citation))
    return MappingProxyType(
        {
            day: NonWorkingDay(day, holiday.name, "legal_holiday", holiday.citation)
            for day, holiday in sorted(found.items())
            if day not in business
        }
    )


def _require_date(value: object, what: str) -> date:
    # datetime is a subclass of date but would never equal a date key, silently counting a
    # holiday as a working day; reject it instead.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime.date, not {type(value).__name__}")
    return value


class WorkingCalendar:
    """The working days of one jurisdiction, plus any closure days staff have entered.

    Immutable once built; obtain one from :func:`calendar_for`.
    """

    __slots__ = (
        "_closures_by_year",
        "_law",
        "_tables",
        "closures",
        "forum",
        "jurisdiction",
        "observance",
    )

    def __init__(
        self,
        jurisdiction: str,
        closures: Mapping[date, str] | None = None,
        *,
        forum: str | None = None,
        observance: str | None = None,
    ) -> None:
        if jurisdiction not in LAWS:
            raise UnknownJurisdiction(jurisdiction)
        if forum is not None and forum not in FORUM_LAWS:
            raise UnknownJurisdiction(forum, FORUMS)
        self.jurisdiction = jurisdiction
        self._law = LAWS[jurisdiction]
        self.forum = forum
        self.observance = _observance(self._law, observance)
        copied = {
            _require_date(day, "closure date"): str(reason)
            for day, reason in (closures or {}).items()
        }
        self.closures: Mapping[date, str] = MappingProxyType(copied)
        by_year: dict[int, dict[date, str]] = {}
        for day, reason in copied.items():
            by_year.setdefault(day.year, {})[day] = reason
        self._closures_by_year = by_year
        self._tables: dict[int, _YearTable] = {}

    def __repr__(self) -> str:
        forum = f" forum={self.forum}" if self.forum else ""
        return f"<WorkingCalendar {self.jurisdiction}{forum} closures={len(self.closures)}>"

    @property
    def rolls_business_day_count(self) -> bool:
        """Whether the last day of a count of business days rolls past a legal holiday on
        which offices are open (Illinois, 5 ILCS 70/1.11)."""
        return self._law.rolls_business_day_count

    def _table(self, year: int) -> _YearTable:
        closures = self._closures_by_year.get(year)
        if not closures:
            return _statutory_table(self.jurisdiction, year, self.observance)
        table = self._tables.get(year)
        if table is None:
            base = _statutory_table(self.jurisdiction, year, self.observance)
            off = dict(base.by_date)
            for day, reason in closures.items():
                # Closures are not statutory: on a day that is already off, the weekend or legal
                # holiday remains the reason given.
                off.setdefault(day, NonWorkingDay(day, f"Closure: {reason}", "closure"))
            table = self._tables[year] = _build_table(year, off)
        return table

    def non_working_reason(self, day: date) -> NonWorkingDay | None:
        """Why ``day`` is not a business day, or ``None`` if it is one."""
        _require_date(day, "day")
        return self._table(day.year).by_date.get(day)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a business day: neither a weekend, a day offices are closed by law,
        nor a closure."""
        return self.non_working_reason(day) is None

    def last_day_reason(self, day: date) -> NonWorkingDay | None:
        """Why a period may not END on ``day`` (its last day rolls to the next day), or ``None``:
        a non-business day, or a holiday of the computation-of-time law (or of the forum state)
        on which offices are open."""
        reason = self.non_working_reason(day)
        if reason is not None:
            return reason
        return self._last_day_holidays(day.year).get(day)

    def _last_day_holidays(self, year: int) -> Mapping[date, NonWorkingDay]:
        return _last_day_holidays(self.jurisdiction, year, self.observance, self.forum)

    def days_off(self, year: int) -> tuple[NonWorkingDay, ...]:
        """The holidays and closures of ``year`` that fall on weekdays, in date order."""
        return tuple(d for d in self._table(year).reasons if d.kind != "weekend")

    def _skipped_between(self, start: date, end: date) -> tuple[NonWorkingDay, ...]:
        """Non-working days strictly between ``start`` and ``end``."""
        low, high = start.toordinal(), end.toordinal()
        found: list[NonWorkingDay] = []
        for year in range(start.year, end.year + 1):
            table = self._table(year)
            found.extend(table.reasons[bisect_right(table.off, low) : bisect_left(table.off, high)])
        return tuple(found)

    def _working_up_to(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (``end >= start``)."""
        low, high = start.toordinal(), end.toordinal()
        total = 0
        for year in range(start.year, end.year + 1):
            working = self._table(year).working
            total += bisect_right(working, high) - bisect_right(working, low)
        return total


@functools.lru_cache(maxsize=64)
def _calendar(
    jurisdiction: str,
    closures: frozenset[tuple[date, str]],
    forum: str | None,
    observance: str | None,
) -> WorkingCalendar:
    # Cached so that recounting many deadlines against the same closure days builds each year's
    # table once, not once per deadline (a closure change changes the key, so nothing is stale).
    return WorkingCalendar(jurisdiction, dict(closures), forum=forum, observance=observance)


def calendar_for(
    jurisdiction: str,
    closures: Mapping[date, str] | None = None,
    *,
    forum: str | None = None,
    observance: str | None = None,
) -> WorkingCalendar:
    """The working calendar of a jurisdiction (``"US"``, ``"US-MA"``, ...).

    ``closures`` maps ad-hoc closure days (executive-order days off, shutdowns) to their reason;
    they are non-working days of kind ``"closure"``. Closures are not statutory
    (docs/design.md), so the caller decides which apply to which deadline. With a court
    ``forum`` they are the recorded presidential closures (FRCP 6(a)(6)(B)).

    ``forum`` (one of :data:`FORUMS`, with jurisdiction ``"US"``): the state where the district
    court sits; the days it declares a holiday join the days a last day rolls past (FRCP
    6(a)(6)(C)). ``observance``: ``None`` for the statute's default, else one of
    :func:`observance_choices`.

    Raises :class:`UnknownJurisdiction` for a code (or forum) with no calendar and
    :class:`UnknownObservance` for an observance the statute does not offer.
    """
    if jurisdiction not in LAWS:
        raise UnknownJurisdiction(jurisdiction)
    if forum is not None and forum not in FORUM_LAWS:
        raise UnknownJurisdiction(forum, FORUMS)
    _observance(LAWS[jurisdiction], observance)
    for day in closures or {}:
        _require_date(day, "closure date")
    return _calendar(jurisdiction, frozenset((closures or {}).items()), forum, observance)


def year_listing(
    jurisdiction: str, year: int, *, forum: str | None = None, observance: str | None = None
) -> tuple[NonWorkingDay, ...]:
    """Every weekday of ``year`` that is not a business day (kind ``"holiday"``: offices closed
    by law) or on which a period may not end (kind ``"legal_holiday"``: offices open, a last day
    rolls past it), each with its name and citation, in date order: the statutory list a lawyer
    checks on the review page (docs/calendars.md). Staff-entered closures are not included."""
    cal = calendar_for(jurisdiction, forum=forum, observance=observance)
    days = [*cal.days_off(year), *cal._last_day_holidays(year).values()]
    return tuple(sorted((d for d in days if d.date.weekday() < _SATURDAY), key=lambda d: d.date))


# --- Counting ------------------------------------------------------------------------------------


def add_working_days(cal: WorkingCalendar, start: date, n: int) -> Computation:
    """The n-th working day after ``start``.

    The trigger day ``start`` is never counted, whether or not it is a working day: 5 U.S.C.
    552(a)(6)(A)(i) gives "20 days (excepting Saturdays, Sundays, and legal public holidays) after
    the receipt", and the state statutes in ``rules`` count business days the same way. ``skipped``
    lists every non-working day strictly between ``start`` and the due date. ``n == 0`` gives
    ``start`` itself. The due date is a business day; whether it must also roll past a legal
    holiday on which offices are open is :func:`roll_last_working_day`.
    """
    _require_date(start, "start")
    if n < 0:
        raise ValueError(f"Cannot count a negative number of working days ({n})")
    if n == 0:
        return Computation(start=start, due=start, skipped=())
    year = start.year
    table = cal._table(year)
    index = bisect_right(table.working, start.toordinal())
    remaining = n
    while remaining > len(table.working) - index:
        remaining -= len(table.working) - index
        year += 1
        table = cal._table(year)
        index = 0
    due = date.fromordinal(table.working[index + remaining - 1])
    return Computation(start=start, due=due, skipped=cal._skipped_between(start, due))


def _roll_forward(cal: WorkingCalendar, day: date) -> tuple[date, tuple[NonWorkingDay, ...]]:
    passed: list[NonWorkingDay] = []
    while (reason := cal.last_day_reason(day)) is not None:
        passed.append(reason)
        day += _ONE_DAY
    return day, tuple(passed)


def roll_last_working_day(cal: WorkingCalendar, counted: Computation) -> Computation:
    """A count of business days whose last day must also not be a legal holiday, where the
    jurisdiction's law says so; otherwise ``counted`` unchanged.

    Illinois: 5 ILCS 70/1.11 computes "the time within which any act provided by law is to be
    done ... by excluding the first day and including the last, unless the last day is Saturday
    or Sunday or is a holiday as defined or fixed in any statute now or hereafter in force in
    this State, and then it shall also be excluded". The business days are counted on the days
    state offices are open; a last day that is a statutory holiday on which they are open (Good
    Friday, Casimir Pulaski's Birthday) then rolls to the next day that is neither. The days
    rolled over are appended to ``skipped``.
    """
    if not cal.rolls_business_day_count or counted.due == counted.start:
        return counted
    due, passed = _roll_forward(cal, counted.due)
    if not passed:
        return counted
    return replace(counted, due=due, skipped=counted.skipped + passed)


def add_calendar_days(
    cal: WorkingCalendar, start: date, n: int, *, roll_forward: bool = True
) -> Computation:
    """The day ``n`` calendar days after ``start``, rolled forward if a period may not end then.

    Every day counts, the trigger day excluded (FRCP 6(a)(1)(A)-(B)). With ``roll_forward``, a
    last day that is a Saturday, Sunday or legal holiday moves to the next day that is none of
    those (FRCP 6(a)(1)(C); Cal. Code Civ. Proc. §§12, 12a; N.Y. Gen. Constr. Law §25-a; ...):
    :meth:`WorkingCalendar.last_day_reason`. Closures roll forward too, because a day the office
    is closed is a day it is "inaccessible" (FRCP 6(a)(3)). ``skipped`` lists the days rolled
    over; the days in the middle of the span are counted, not skipped.
    """
    _require_date(start, "start")
    if n < 0:
        raise ValueError(f"Cannot count a negative number of calendar days ({n})")
    due = start + timedelta(days=n)
    if not roll_forward:
        return Computation(start=start, due=due, skipped=())
    due, passed = _roll_forward(cal, due)
    return Computation(start=start, due=due, skipped=passed)


def deemed_receipt(cal: WorkingCalendar, received: date) -> Computation:
    """The business day a request is deemed received.

    A request received on a Saturday, Sunday, legal holiday or closure day is deemed received on
    the next business day (950 CMR 32.06(2)(e), applied to G.L. c.66 §10(a)); the counting of
    business days then starts after that day. The regulation speaks of business days, so only
    the days that are not business days are passed over
    (:meth:`WorkingCalendar.non_working_reason`), not a holiday of a computation-of-time law on
    which offices are open (kind ``legal_holiday``). ``skipped`` lists the days passed over, the
    day of actual receipt first.
    """
    _require_date(received, "received")
    deemed = received
    passed: list[NonWorkingDay] = []
    while (reason := cal.non_working_reason(deemed)) is not None:
        passed.append(reason)
        deemed += _ONE_DAY
    return Computation(start=received, due=deemed, skipped=tuple(passed))


def working_days_between(cal: WorkingCalendar, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``.

    The same convention as :func:`add_working_days`: ``add_working_days(cal, s, n).due == e``
    implies ``working_days_between(cal, s, e) == n``. When ``end`` is before ``start`` the answer
    is negative: minus the working days after ``end`` up to and including ``start`` (so a
    deadline one working day past gives -1).
    """
    _require_date(start, "start")
    _require_date(end, "end")
    if end >= start:
        return cal._working_up_to(start, end)
    return -cal._working_up_to(end, start)
