"""Business-day calendars for records-law deadlines.

Plain Python, no Django: the deadline rules (``rules`` beside this module), the API calculator
and the reminder sweep all count days through this module, and it is tested without a database.

Counting conventions (docs/design.md, "Deadline rules"):

* the trigger day is never counted;
* *working* (business) days skip Saturdays, Sundays, the jurisdiction's legal holidays as observed,
  and any closure days staff have entered;
* *calendar* days count every day; a court-style rule rolls a last day that is not a working day
  forward to the next one that is (FRCP 6(a)(1)(C)).

Sources of holidays:

* ``US`` (federal) and ``US-MA`` are written from the statutes, which are short, so that a change in
  a third-party library can never move a federal or Massachusetts deadline. The ``holidays`` library
  is used for these two only as a cross-check in the tests, which pin every place where it differs.
* The other states follow the ``holidays`` library's ``public`` category for the state, minus the
  commemorative and optional days listed in ``_LIBRARY_DAYS_NOT_OFF``. They have not been verified
  statute by statute; check a state's statute before relying on a close deadline there.

Performance: each (jurisdiction, year) is turned once into sorted tuples of working and non-working
day ordinals (``_YearTable``, cached), so adding *n* working days is a pair of binary searches plus
slicing out the skipped days, not a day-by-day walk.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Literal

import holidays

__all__ = [
    "FIRST_SUPPORTED_YEAR",
    "JURISDICTIONS",
    "LAST_SUPPORTED_YEAR",
    "Computation",
    "NonWorkingDay",
    "NonWorkingKind",
    "UnknownJurisdiction",
    "UnsupportedYear",
    "WorkingCalendar",
    "add_calendar_days",
    "add_working_days",
    "calendar_for",
    "deemed_receipt",
    "working_days_between",
]

NonWorkingKind = Literal["weekend", "holiday", "closure"]

#: Jurisdiction code -> the ``holidays`` subdivision that supplies its legal holidays
#: (``None`` for the two calendars written from statute below).
_LIBRARY_SUBDIVISION: dict[str, str | None] = {
    "US": None,
    "US-MA": None,
    "US-CA": "CA",
    "US-NY": "NY",
    "US-IL": "IL",
    "US-TX": "TX",
    "US-WA": "WA",
    "US-FL": "FL",
}
JURISDICTIONS: tuple[str, ...] = tuple(_LIBRARY_SUBDIVISION)

#: The calendars encode the holiday laws in force since 1986, the first year the Birthday of
#: Martin Luther King, Jr. was a federal holiday (Pub. L. 98-144). Earlier deadlines are long
#: past; refusing them is better than answering them with the wrong holiday list.
FIRST_SUPPORTED_YEAR = 1986
#: Beyond this a date is almost certainly a typo (and far-future counting nears date limits).
LAST_SUPPORTED_YEAR = 2100

#: Days the ``holidays`` library files under a state's ``public`` category on which that state's
#: offices nevertheless stay open, so they are not business days off. Matched against the
#: library's name with any " (observed)" suffix removed.
_LIBRARY_DAYS_NOT_OFF: dict[str, dict[str, str]] = {
    "US-CA": {"Susan B. Anthony Day": "a day of commemoration; state offices stay open"},
    "US-NY": {"Susan B. Anthony Day": "a day of commemoration; state offices stay open"},
    "US-FL": {
        "Susan B. Anthony Day": (
            "a legal holiday under Fla. Stat. 683.01 but not a paid holiday on which state "
            "offices close (Fla. Stat. 110.117)"
        )
    },
    "US-TX": {
        "Good Friday": "an optional holiday, Tex. Gov't Code 662.003(c); agencies stay open",
        "Cesar Chavez Day": "an optional holiday, Tex. Gov't Code 662.003(c); agencies stay open",
    },
}

_ONE_DAY = timedelta(days=1)
_SATURDAY, _SUNDAY = 5, 6


class UnknownJurisdiction(ValueError):
    """A jurisdiction code this project has no calendar or rules for."""

    def __init__(self, jurisdiction: str) -> None:
        self.jurisdiction = jurisdiction
        known = ", ".join(JURISDICTIONS)
        super().__init__(f"Unknown jurisdiction {jurisdiction!r}; known jurisdictions: {known}")


class UnsupportedYear(ValueError):
    """A date before the first year whose holiday law the calendars encode."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"Cannot count days in {year}: calendars cover {FIRST_SUPPORTED_YEAR} onwards"
        )


@dataclass(frozen=True, slots=True)
class NonWorkingDay:
    """One day that is not a working day, and why."""

    date: date
    #: "Saturday", "Sunday", "Christmas Day (observed)", "Closure: Government shutdown", ...
    name: str
    kind: NonWorkingKind

    def as_dict(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "name": self.name, "kind": self.kind}


@dataclass(frozen=True, slots=True)
class Computation:
    """The result of counting from ``start``: the date reached and the non-working days passed."""

    start: date
    due: date
    skipped: tuple[NonWorkingDay, ...]


# --- Holiday law --------------------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` (Monday = 0) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    """The last ``weekday`` (Monday = 0) of a month."""
    last = date(year + month // 12, month % 12 + 1, 1) - _ONE_DAY
    return last - timedelta(days=(last.weekday() - weekday) % 7)


_MONDAY, _THURSDAY = 0, 3


def _federal_holidays(year: int) -> Iterator[tuple[date, str]]:
    """Federal legal public holidays of ``year`` as observed by federal offices.

    The days are those of 5 U.S.C. 6103(a). Observance: a holiday falling on a Saturday is
    observed on the Friday before (5 U.S.C. 6103(b)(1)); one falling on a Sunday on the Monday
    after (Executive Order 11582, 1971). Only the fixed-date holidays can fall on a weekend.

    Deliberately absent: Inauguration Day, a holiday only for employees in the Washington, D.C.
    area (5 U.S.C. 6103(c)); and the Christmas Eve and day-of-mourning closures ordered by
    Executive Order, which are not statutory and are entered by staff as closures instead.

    Juneteenth National Independence Day exists from 2021 (Pub. L. 117-17, 17 June 2021); in 2021
    it fell on a Saturday and was observed on Friday 18 June. It was not a holiday in 2020.
    """
    fixed = [(date(year, 1, 1), "New Year's Day")]
    if year >= 2021:
        fixed.append((date(year, 6, 19), "Juneteenth National Independence Day"))
    fixed += [
        (date(year, 7, 4), "Independence Day"),
        (date(year, 11, 11), "Veterans Day"),
        (date(year, 12, 25), "Christmas Day"),
    ]
    for day, name in fixed:
        if day.weekday() == _SATURDAY:
            yield day - _ONE_DAY, f"{name} (observed)"
        elif day.weekday() == _SUNDAY:
            yield day + _ONE_DAY, f"{name} (observed)"
        else:
            yield day, name
    yield _nth_weekday(year, 1, _MONDAY, 3), "Birthday of Martin Luther King, Jr."
    yield _nth_weekday(year, 2, _MONDAY, 3), "Washington's Birthday"
    yield _last_weekday(year, 5, _MONDAY), "Memorial Day"
    yield _nth_weekday(year, 9, _MONDAY, 1), "Labor Day"
    yield _nth_weekday(year, 10, _MONDAY, 2), "Columbus Day"
    yield _nth_weekday(year, 11, _THURSDAY, 4), "Thanksgiving Day"


def _massachusetts_holidays(year: int) -> Iterator[tuple[date, str]]:
    """Massachusetts legal holidays of ``year``, G.L. c.4 §7 cl. 18.

    The clause lists January first, July fourth, November eleventh and Christmas Day (and, since
    2021, June nineteenth), "or the day following when any of said days occurs on Sunday", and
    the third Monday in January, the third Monday in February, the third Monday in April
    (Patriots' Day), the last Monday in May, the first Monday in September, the second Monday in
    October, and Thanksgiving Day.

    * A Sunday holiday moves to Monday; a Saturday holiday does NOT move: state offices are open
      on the Friday before and employees get a substitute day off instead (G.L. c.30 §24A). So a
      Saturday holiday adds no weekday off; unlike the federal calendar, the Friday is a business
      day.
    * Juneteenth Independence Day (June 19) was added by the supplemental appropriations act signed
      on 24 July 2020 (Acts of 2020; the chapter number is not verified here), after June 19 of that
      year had passed, so it is first a legal holiday in 2021. The ``holidays`` library agrees
      (tested).
    * Evacuation Day (March 17) and Bunker Hill Day (June 17) close public offices in Suffolk
      County only (G.L. c.136 §12); they are not state-wide business days off and are not
      skipped. The day after Thanksgiving is not a legal holiday.
    """
    fixed = [(date(year, 1, 1), "New Year's Day")]
    if year >= 2021:
        fixed.append((date(year, 6, 19), "Juneteenth Independence Day"))
    fixed += [
        (date(year, 7, 4), "Independence Day"),
        (date(year, 11, 11), "Veterans Day"),
        (date(year, 12, 25), "Christmas Day"),
    ]
    for day, name in fixed:
        if day.weekday() == _SUNDAY:
            yield day + _ONE_DAY, f"{name} (observed)"
        elif day.weekday() != _SATURDAY:
            yield day, name
    yield _nth_weekday(year, 1, _MONDAY, 3), "Martin Luther King Jr. Day"
    yield _nth_weekday(year, 2, _MONDAY, 3), "Washington's Birthday"
    yield _nth_weekday(year, 4, _MONDAY, 3), "Patriots' Day"
    yield _last_weekday(year, 5, _MONDAY), "Memorial Day"
    yield _nth_weekday(year, 9, _MONDAY, 1), "Labor Day"
    yield _nth_weekday(year, 10, _MONDAY, 2), "Columbus Day"
    yield _nth_weekday(year, 11, _THURSDAY, 4), "Thanksgiving Day"


def _library_holidays(jurisdiction: str, year: int) -> Iterator[tuple[date, str]]:
    """A state's public holidays per the ``holidays`` library, minus days offices stay open.

    The library files holidays by the year whose rules produce them (New Year's Day observed on
    31 December sits under the following year), so neighbouring years are generated too; the
    caller keeps the dates that fall in ``year``.
    """
    subdivision = _LIBRARY_SUBDIVISION[jurisdiction]
    not_off = _LIBRARY_DAYS_NOT_OFF.get(jurisdiction, {})
    source = holidays.country_holidays(
        "US", subdiv=subdivision, years=(year - 1, year, year + 1), categories=("public",)
    )
    for day, joined_names in source.items():
        # Two holidays on one date come back joined with "; " (e.g. Texas on June 19).
        kept = [
            name
            for name in joined_names.split("; ")
            if name.removesuffix(" (observed)") not in not_off
        ]
        if kept:
            yield day, "; ".join(kept)


def _holidays_of(jurisdiction: str, year: int) -> Iterable[tuple[date, str]]:
    if jurisdiction == "US":
        # January 1 of next year can be observed on December 31 of this one (5 U.S.C. 6103(b)).
        return [*_federal_holidays(year), *_federal_holidays(year + 1)]
    if jurisdiction == "US-MA":
        return list(_massachusetts_holidays(year))
    return list(_library_holidays(jurisdiction, year))


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


@functools.lru_cache(maxsize=512)
def _statutory_table(jurisdiction: str, year: int) -> _YearTable:
    """Weekends and legal holidays of one jurisdiction and year (no closures)."""
    if year < FIRST_SUPPORTED_YEAR:
        raise UnsupportedYear(year)
    off: dict[date, NonWorkingDay] = {}
    day = date(year, 1, 1)
    while day.year == year:
        if day.weekday() == _SATURDAY:
            off[day] = NonWorkingDay(day, "Saturday", "weekend")
        elif day.weekday() == _SUNDAY:
            off[day] = NonWorkingDay(day, "Sunday", "weekend")
        day += _ONE_DAY
    for day, name in _holidays_of(jurisdiction, year):
        # A holiday on a weekend gives no extra day off beyond any observed day already listed,
        # so the weekend is the reason shown for that date.
        if day.year == year and day not in off:
            off[day] = NonWorkingDay(day, name, "holiday")
    return _build_table(year, off)


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

    __slots__ = ("_closures_by_year", "_tables", "closures", "jurisdiction")

    def __init__(self, jurisdiction: str, closures: Mapping[date, str] | None = None) -> None:
        if jurisdiction not in _LIBRARY_SUBDIVISION:
            raise UnknownJurisdiction(jurisdiction)
        self.jurisdiction = jurisdiction
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
        return f"<WorkingCalendar {self.jurisdiction} closures={len(self.closures)}>"

    def _table(self, year: int) -> _YearTable:
        closures = self._closures_by_year.get(year)
        if not closures:
            return _statutory_table(self.jurisdiction, year)
        table = self._tables.get(year)
        if table is None:
            base = _statutory_table(self.jurisdiction, year)
            off = dict(base.by_date)
            for day, reason in closures.items():
                # Closures are not statutory: on a day that is already off, the weekend or legal
                # holiday remains the reason given.
                off.setdefault(day, NonWorkingDay(day, f"Closure: {reason}", "closure"))
            table = self._tables[year] = _build_table(year, off)
        return table

    def non_working_reason(self, day: date) -> NonWorkingDay | None:
        """Why ``day`` is not a working day, or ``None`` if it is one."""
        _require_date(day, "day")
        return self._table(day.year).by_date.get(day)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is neither a weekend, a legal holiday as observed, nor a closure."""
        return self.non_working_reason(day) is None

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


@functools.cache
def _statutory_calendar(jurisdiction: str) -> WorkingCalendar:
    return WorkingCalendar(jurisdiction)


def calendar_for(jurisdiction: str, closures: Mapping[date, str] | None = None) -> WorkingCalendar:
    """The working calendar of a jurisdiction (``"US"``, ``"US-MA"``, ...).

    ``closures`` maps ad-hoc closure days (executive-order days off, shutdowns) to their reason;
    they are non-working days of kind ``"closure"``. Closures are not statutory
    (docs/design.md), so the caller decides which apply to which deadline.

    Raises :class:`UnknownJurisdiction` for a code with no calendar.
    """
    if not closures:
        if jurisdiction not in _LIBRARY_SUBDIVISION:
            raise UnknownJurisdiction(jurisdiction)
        return _statutory_calendar(jurisdiction)
    return _calendar_with_closures(jurisdiction, frozenset(closures.items()))


@functools.lru_cache(maxsize=64)
def _calendar_with_closures(
    jurisdiction: str, closures: frozenset[tuple[date, str]]
) -> WorkingCalendar:
    # Cached so that recounting many deadlines against the same closure days builds each year's
    # table once, not once per deadline (a closure change changes the key, so nothing is stale).
    return WorkingCalendar(jurisdiction, dict(closures))


# --- Counting ------------------------------------------------------------------------------------


def add_working_days(cal: WorkingCalendar, start: date, n: int) -> Computation:
    """The n-th working day after ``start``.

    The trigger day ``start`` is never counted, whether or not it is a working day: 5 U.S.C.
    552(a)(6)(A)(i) gives "20 days (excepting Saturdays, Sundays, and legal public holidays) after
    the receipt", and the state statutes in ``rules`` count business days the same way. ``skipped``
    lists every non-working day strictly between ``start`` and the due date. ``n == 0`` gives
    ``start`` itself.
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
    while (reason := cal.non_working_reason(day)) is not None:
        passed.append(reason)
        day += _ONE_DAY
    return day, tuple(passed)


def add_calendar_days(
    cal: WorkingCalendar, start: date, n: int, *, roll_forward: bool = True
) -> Computation:
    """The day ``n`` calendar days after ``start``, rolled forward if that is not a working day.

    Every day counts, the trigger day excluded (FRCP 6(a)(1)(A)-(B)). With ``roll_forward``, a
    last day that is a Saturday, Sunday or legal holiday moves to the next day that is none of
    those (FRCP 6(a)(1)(C)); closures roll forward too, because a day the office is closed is a
    day it is "inaccessible" (FRCP 6(a)(3)). ``skipped`` lists the days rolled over; the days in
    the middle of the span are counted, not skipped.
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
    business days then starts after that day. ``skipped`` lists the days passed over, the day
    of actual receipt first.
    """
    _require_date(received, "received")
    deemed, passed = _roll_forward(cal, received)
    return Computation(start=received, due=deemed, skipped=passed)


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
