"""Massachusetts legal holidays, G.L. c.4 §7 cl. 18.

Sources read: G.L. c.4 §7 (malegislature.gov/Laws/GeneralLaws/PartI/TitleI/Chapter4/Section7);
G.L. c.30 §24A; G.L. c.136 §12; 950 CMR 32.06(2)(e).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from requests_app.deadlines.holiday_law.law import (
    MONDAY,
    Holiday,
    HolidayLaw,
    last_weekday,
    nth_weekday,
    sunday_to_monday,
    thanksgiving,
)

CITATION = "G.L. c.4 §7 cl. 18"


def massachusetts_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
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
        yield from sunday_to_monday(day, name, CITATION)
    yield Holiday(nth_weekday(year, 1, MONDAY, 3), "Martin Luther King Jr. Day", CITATION)
    yield Holiday(nth_weekday(year, 2, MONDAY, 3), "Washington's Birthday", CITATION)
    yield Holiday(nth_weekday(year, 4, MONDAY, 3), "Patriots' Day", CITATION)
    yield Holiday(last_weekday(year, 5, MONDAY), "Memorial Day", CITATION)
    yield Holiday(nth_weekday(year, 9, MONDAY, 1), "Labor Day", CITATION)
    yield Holiday(nth_weekday(year, 10, MONDAY, 2), "Columbus Day", CITATION)
    yield Holiday(thanksgiving(year), "Thanksgiving Day", CITATION)


LAW = HolidayLaw(
    jurisdiction="US-MA",
    name="Massachusetts",
    business_days_off=massachusetts_holidays,
    business_days_law=(
        "Legal holidays, G.L. c.4 §7 cl. 18 (Sunday -> Monday; a Saturday holiday is not moved)"
    ),
    last_day_law="The same list (G.L. c.4 §9; 950 CMR 32.06(2)(e) deems a request received on a "
    "non-business day received the next business day)",
    sources=(
        "https://malegislature.gov/Laws/GeneralLaws/PartI/TitleI/Chapter4/Section7",
        "https://malegislature.gov/Laws/GeneralLaws/PartI/TitleI/Chapter4/Section9",
    ),
)
