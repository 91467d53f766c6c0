"""Washington: the legal holidays of RCW 1.16.050 — one list for both purposes.

RCW 1.16.050(1): "The following are state legal holidays: (a) Sunday; (b) The first day of
January ...; (c) The third Monday of January ...; (d) The third Monday of February, to be known as
Presidents' Day ...; (e) The last Monday of May ...; (f) The nineteenth day of June, recognized as
Juneteenth ...; (g) The fourth day of July ...; (h) The first Monday in September ...; (i) The
eleventh day of November ...; (j) The fourth Thursday in November ...; (k) The Friday immediately
following the fourth Thursday in November, to be known as Native American Heritage Day; and (l)
The twenty-fifth day of December". Whenever a legal holiday other than Sunday falls on a Sunday
the following Monday is the legal holiday, and whenever one falls on a Saturday the preceding
Friday is (the same section).

* Business days (RCW 42.56.520, "within five business days"): not a Saturday, Sunday or legal
  holiday; RCW 1.12.040 excludes a last day that "is a holiday, Saturday, or Sunday". One list.
* Juneteenth is a legal holiday from 2022 (Laws of 2021, ch. 295).
* Columbus Day (October 12) and the other "legislatively recognized days" of RCW 1.16.050 "may not
  be considered legal holidays for any purpose".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from requests_app.deadlines.holiday_law.law import (
    MONDAY,
    ONE_DAY,
    Holiday,
    HolidayLaw,
    last_weekday,
    nth_weekday,
    thanksgiving,
    weekend_to_weekday,
)

CITATION = "RCW 1.16.050"
JUNETEENTH_FROM = 2022


def legal_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
    """The legal holidays of RCW 1.16.050 (Saturday -> Friday, Sunday -> Monday)."""
    for y in (year, year + 1):
        fixed = [(date(y, 1, 1), "New Year's Day")]
        if y >= JUNETEENTH_FROM:
            fixed.append((date(y, 6, 19), "Juneteenth"))
        fixed += [
            (date(y, 7, 4), "Independence Day"),
            (date(y, 11, 11), "Veterans' Day"),
            (date(y, 12, 25), "Christmas Day"),
        ]
        for day, name in fixed:
            yield from weekend_to_weekday(day, name, CITATION)
    yield Holiday(nth_weekday(year, 1, MONDAY, 3), "Martin Luther King, Jr. Day", CITATION)
    yield Holiday(nth_weekday(year, 2, MONDAY, 3), "Presidents' Day", CITATION)
    yield Holiday(last_weekday(year, 5, MONDAY), "Memorial Day", CITATION)
    yield Holiday(nth_weekday(year, 9, MONDAY, 1), "Labor Day", CITATION)
    yield Holiday(thanksgiving(year), "Thanksgiving Day", CITATION)
    yield Holiday(thanksgiving(year) + ONE_DAY, "Native American Heritage Day", CITATION)


LAW = HolidayLaw(
    jurisdiction="US-WA",
    name="Washington",
    business_days_off=legal_holidays,
    business_days_law=(
        "Legal holidays, RCW 1.16.050 (Saturday -> Friday, Sunday -> Monday; the Friday after "
        "Thanksgiving; Juneteenth from 2022)"
    ),
    last_day_law="The same list: RCW 1.12.040 (holiday, Saturday or Sunday)",
    sources=(
        "http://apps.leg.wa.gov/RCW/default.aspx?cite=1.16.050",
        "https://app.leg.wa.gov/rcw/default.aspx?cite=1.12.040",
        "https://mrsc.org/stay-informed/mrsc-insight/january-2023/a-primer-on-legal-and-other-holidays",
        "https://apps.leg.wa.gov/WAC/default.aspx?cite=357-31-005",
    ),
    uncertain=(
        "The day after Thanksgiving is taken as a legal holiday in every year from 1986 (its "
        "year of enactment was not verified).",
        "The Saturday -> Friday / Sunday -> Monday sentence was read in a secondary source "
        "quoting RCW 1.16.050, not on the official page.",
    ),
)
