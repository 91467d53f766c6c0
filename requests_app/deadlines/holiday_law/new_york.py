"""New York: the public holidays of General Construction Law §24 — one list for both purposes.

§24: "The term public holiday includes the following days in each year: the first day of
January, known as New Year's day; the third Monday of January, known as Dr. Martin Luther King,
Jr. day; the twelfth day of February, known as Lincoln's birthday; the third Monday in February,
known as Washington's birthday; the last Monday in May, known as Memorial day; the second Sunday
in June, known as Flag day; the nineteenth day of June, known as Juneteenth; the fourth day of
July, known as Independence day; the first Monday in September, known as Labor day; the second
Monday in October, known as Columbus day; the eleventh day of November, known as Veterans' day;
the fourth Thursday in November, known as Thanksgiving day; and the twenty-fifth day of
December, known as Christmas day, and if any of such days except Flag day is Sunday, the next
day thereafter; each general election day, and each day appointed by the president ... or by the
governor ...".

* Only a SUNDAY holiday moves (to Monday); a Saturday holiday stays on the Saturday, so the
  Friday before is a business day. Flag Day is always a Sunday and adds nothing.
* "each general election day": New York holds its general election every year, on the Tuesday
  next after the first Monday in November (Election Law §8-100(1)(c)).
* Business days (Public Officers Law §89(3)(a), "five business days") are the days that are not
  a Saturday, Sunday or public holiday, and §25-a extends a period that "ends on a Saturday,
  Sunday or a public holiday" to the next business day: the two lists are the same.
* Juneteenth was added by chapter 249 of the laws of 2020, after June 19 of that year: it is
  counted from 2021 (the signing date was not verified beyond the session-law citation).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from requests_app.deadlines.holiday_law.law import (
    MONDAY,
    Holiday,
    HolidayLaw,
    election_tuesday,
    last_weekday,
    nth_weekday,
    sunday_to_monday,
    thanksgiving,
)

CITATION = "N.Y. Gen. Constr. Law §24"
JUNETEENTH_FROM = 2021


def public_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
    """The public holidays of Gen. Constr. Law §24 in ``year`` (Sunday -> Monday)."""
    fixed = [(date(year, 1, 1), "New Year's Day"), (date(year, 2, 12), "Lincoln's Birthday")]
    if year >= JUNETEENTH_FROM:
        fixed.append((date(year, 6, 19), "Juneteenth"))
    fixed += [
        (date(year, 7, 4), "Independence Day"),
        (date(year, 11, 11), "Veterans' Day"),
        (date(year, 12, 25), "Christmas Day"),
    ]
    for day, name in fixed:
        yield from sunday_to_monday(day, name, CITATION)
    yield Holiday(nth_weekday(year, 1, MONDAY, 3), "Dr. Martin Luther King, Jr. Day", CITATION)
    yield Holiday(nth_weekday(year, 2, MONDAY, 3), "Washington's Birthday", CITATION)
    yield Holiday(last_weekday(year, 5, MONDAY), "Memorial Day", CITATION)
    yield Holiday(nth_weekday(year, 9, MONDAY, 1), "Labor Day", CITATION)
    yield Holiday(nth_weekday(year, 10, MONDAY, 2), "Columbus Day", CITATION)
    yield Holiday(
        election_tuesday(year),
        "General Election Day",
        f"{CITATION}; Election Law §8-100",
    )
    yield Holiday(thanksgiving(year), "Thanksgiving Day", CITATION)


LAW = HolidayLaw(
    jurisdiction="US-NY",
    name="New York",
    business_days_off=public_holidays,
    business_days_law=(
        "Public holidays, Gen. Constr. Law §24 (a Sunday holiday -> Monday; a Saturday holiday "
        "is not moved), including Lincoln's Birthday, Columbus Day and each general election day"
    ),
    last_day_law="The same list: Gen. Constr. Law §25-a (Saturday, Sunday or public holiday)",
    sources=(
        "https://www.nysenate.gov/legislation/laws/GCN/24",
        "https://www.nysenate.gov/legislation/laws/GCN/25-A",
        "https://www.p12.nysed.gov/sss/lawsregs/GCL24.html",
        "https://www.nysenate.gov/legislation/bills/2025/S6144 (quotes §24 as amended by "
        "ch. 249 of 2020)",
    ),
    uncertain=(
        "Juneteenth counted from 2021 (ch. 249 of the laws of 2020; signing date not verified).",
        "Days appointed by the President or Governor are not listed: enter them as closures.",
    ),
)
