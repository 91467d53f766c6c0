"""What a holiday law is made of: the days it names, each with its citation, and how it counts.

Plain Python, no Django. One module per jurisdiction beside this one writes its holiday law from
the statute as a :class:`HolidayLaw`; ``calendars`` turns those into working calendars.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

ONE_DAY = timedelta(days=1)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)

#: The observance code every law accepts: what its statute says when nobody chose otherwise.
STATUTE = "statute"


@dataclass(frozen=True, slots=True)
class Holiday:
    """One day a statute names, on the date it falls (or is observed), with the citation."""

    date: date
    name: str
    citation: str


#: (year, observance code) -> the law's days of that year. A generator may yield days just
#: outside ``year`` (New Year's Day observed on 31 December); the caller keeps those of ``year``.
DaysOfYear = Callable[[int, str], Iterable[Holiday]]


def _no_days(year: int, observance: str) -> Iterable[Holiday]:
    return ()


@dataclass(frozen=True, slots=True)
class HolidayLaw:
    """The holiday law of one jurisdiction, as the records statute counts with it.

    Two lists, which may be the same:

    * ``business_days_off``: the days the offices are closed by law, so that a count of business
      (working) days skips them;
    * ``last_day_holidays``: the days the jurisdiction's computation-of-time law treats as a
      holiday, so that a period may not END on them and the last day rolls to the next day. Only
      the days not already in the first list matter (offices open, but a last day rolls past them).

    ``declared_holidays``: a wider list of legal holidays, if the state has one; with both lists
    it makes the days the state declares a holiday, for FRCP 6(a)(6)(C) when a federal court
    sits in the state (:meth:`declared`).
    """

    jurisdiction: str
    name: str
    business_days_off: DaysOfYear
    #: What the first list is, with its citation (shown on the review page).
    business_days_law: str
    last_day_holidays: DaysOfYear = _no_days
    last_day_law: str = ""
    declared_holidays: DaysOfYear | None = None
    #: Code -> human label with citation; empty where the statute leaves no choice.
    observances: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    default_observance: str = STATUTE
    #: Whether the last day of a count of BUSINESS days also rolls past ``last_day_holidays``
    #: (Illinois, 5 ILCS 70/1.11, applies to any period "provided by law").
    rolls_business_day_count: bool = False
    #: The texts read to write this law (addresses), for docs/calendars.md.
    sources: tuple[str, ...] = ()
    #: Points a reader should know are uncertain.
    uncertain: tuple[str, ...] = ()

    def declared(self, year: int, observance: str) -> Iterable[Holiday]:
        """Every day the jurisdiction's statutes declare a holiday: both lists, and the wider
        list of legal holidays where there is one (Florida §683.01, California §6700)."""
        days = [
            *self.business_days_off(year, observance),
            *self.last_day_holidays(year, observance),
        ]
        if self.declared_holidays is not None:
            days += self.declared_holidays(year, observance)
        return days


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` (Monday = 0) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def last_weekday(year: int, month: int, weekday: int) -> date:
    """The last ``weekday`` (Monday = 0) of a month."""
    last = date(year + month // 12, month % 12 + 1, 1) - ONE_DAY
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def thanksgiving(year: int) -> date:
    """The fourth Thursday in November."""
    return nth_weekday(year, 11, THURSDAY, 4)


def election_tuesday(year: int) -> date:
    """The Tuesday next after the first Monday in November, in every year: the day of a general
    election where one is held each year (New York, Election Law §8-100(1)(c))."""
    return nth_weekday(year, 11, MONDAY, 1) + ONE_DAY


def general_election_day(year: int) -> date | None:
    """The Tuesday next after the first Monday in November of an even year (2 U.S.C. 7), or
    ``None`` in an odd year."""
    if year % 2:
        return None
    return election_tuesday(year)


def easter(year: int) -> date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian computus."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def sunday_to_monday(day: date, name: str, citation: str) -> Iterator[Holiday]:
    """A holiday that moves to the Monday after when it falls on a Sunday; on a Saturday it
    stays on the Saturday (and gives no weekday off)."""
    if day.weekday() == SUNDAY:
        yield Holiday(day + ONE_DAY, f"{name} (observed)", citation)
    else:
        yield Holiday(day, name, citation)


def weekend_to_weekday(day: date, name: str, citation: str) -> Iterator[Holiday]:
    """A holiday observed on the Friday before when it falls on a Saturday and on the Monday
    after when it falls on a Sunday."""
    if day.weekday() == SATURDAY:
        yield Holiday(day - ONE_DAY, f"{name} (observed)", citation)
    elif day.weekday() == SUNDAY:
        yield Holiday(day + ONE_DAY, f"{name} (observed)", citation)
    else:
        yield Holiday(day, name, citation)


def own_date(day: date, name: str, citation: str) -> Iterator[Holiday]:
    """A holiday kept on its own date, whatever the day of the week."""
    yield Holiday(day, name, citation)
