"""District of Columbia: a court forum only (D.D.C.), for FRCP 6(a)(6)(C).

D.C. Code §28-2701: "New Year's Day, January 1; Dr. Martin Luther King, Jr.'s Birthday, the
third Monday in January; Washington's Birthday, the third Monday in February; District of
Columbia Emancipation Day, April 16; Memorial Day, the last Monday in May; Independence Day, July
4; Labor Day, the first Monday in September; Columbus Day, the second Monday in October; Veteran's
Day, November 11; Thanksgiving Day, the fourth Thursday in November; Christmas Day, December 25;
... and the day of the inauguration of the President, in every fourth year, are holidays in the
District for all purposes. When a day set apart as a legal holiday, other than the day of the
inauguration of the President, falls on a Saturday, the next preceding day is a holiday. When a
day set apart as a legal holiday falls on a Sunday, the next succeeding day is a holiday."

D.C. Code §1-612.02 adds Juneteenth (June 19) to the District's legal public holidays, and
§1-612.02(c) Inauguration Day, January 20 of each fourth year from 1981 (the next day when it
falls on a Sunday). DC Emancipation Day is a legal holiday from 2005 (D.C. Law 15-288) and a
paid holiday for District employees "beginning in the year 2007" (§1-612.02(a)(11)).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from requests_app.deadlines.holiday_law.law import (
    MONDAY,
    SUNDAY,
    Holiday,
    HolidayLaw,
    last_weekday,
    nth_weekday,
    thanksgiving,
    weekend_to_weekday,
)

CITATION = "D.C. Code §28-2701"
PUBLIC = "D.C. Code §1-612.02"
EMANCIPATION_FROM = 2005
JUNETEENTH_FROM = 2021


def legal_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
    """The District's legal holidays (Saturday -> Friday, Sunday -> Monday; Inauguration Day
    not moved back from a Saturday, and on a Sunday moved to Monday)."""
    for y in (year, year + 1):
        fixed = [(date(y, 1, 1), "New Year's Day", CITATION)]
        if y >= EMANCIPATION_FROM:
            fixed.append((date(y, 4, 16), "District of Columbia Emancipation Day", CITATION))
        if y >= JUNETEENTH_FROM:
            fixed.append((date(y, 6, 19), "Juneteenth National Independence Day", PUBLIC))
        fixed += [
            (date(y, 7, 4), "Independence Day", CITATION),
            (date(y, 11, 11), "Veterans Day", CITATION),
            (date(y, 12, 25), "Christmas Day", CITATION),
        ]
        for day, name, citation in fixed:
            yield from weekend_to_weekday(day, name, citation)
    if year % 4 == 1:
        inauguration = date(year, 1, 20)
        if inauguration.weekday() == SUNDAY:
            inauguration = date(year, 1, 21)
        yield Holiday(inauguration, "Inauguration Day", f"{CITATION}; {PUBLIC}(c)")
    yield Holiday(
        nth_weekday(year, 1, MONDAY, 3), "Dr. Martin Luther King, Jr.'s Birthday", CITATION
    )
    yield Holiday(nth_weekday(year, 2, MONDAY, 3), "Washington's Birthday", CITATION)
    yield Holiday(last_weekday(year, 5, MONDAY), "Memorial Day", CITATION)
    yield Holiday(nth_weekday(year, 9, MONDAY, 1), "Labor Day", CITATION)
    yield Holiday(nth_weekday(year, 10, MONDAY, 2), "Columbus Day", CITATION)
    yield Holiday(thanksgiving(year), "Thanksgiving Day", CITATION)


LAW = HolidayLaw(
    jurisdiction="US-DC",
    name="District of Columbia",
    business_days_off=legal_holidays,
    business_days_law=(
        "Legal holidays, D.C. Code §28-2701 and §1-612.02 (incl. DC Emancipation Day, April 16, "
        "and Inauguration Day every fourth year)"
    ),
    last_day_law="A court forum only: its legal holidays roll a federal last day (FRCP 6(a)(6)(C))",
    sources=(
        "http://dccode.elaws.us/code?no=28-27|I&e=8 (D.C. Code §28-2701)",
        "https://development.code.dccouncil.gov/us/dc/council/code/sections/1-612.02",
        "https://code.dccouncil.gov/us/dc/council/code/sections/1-612.02a",
    ),
    uncertain=(
        "DC Emancipation Day taken as a legal holiday from 2005 (§28-2701); the paid holiday "
        "for District employees begins in 2007.",
        "Juneteenth taken from 2021, the year it became a federal holiday (the District's own "
        "enactment year was not verified; the federal calendar covers it anyway).",
    ),
)
