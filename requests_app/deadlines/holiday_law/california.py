"""California: state offices' holidays, and the judicial holidays a last day rolls past.

* Business days (state offices closed): the state employees' holidays of Gov. Code §19853(a) —
  January 1, the third Mondays in January and February, March 31, the last Monday in May, July
  4, the first Monday in September, November 11, Thanksgiving Day, the day after Thanksgiving and
  December 25. §19853(b): "If a day listed in this subdivision falls on a Sunday, the following
  Monday shall be deemed to be the holiday ... If November 11 falls upon a Saturday, the
  preceding Friday shall be deemed to be the holiday". Any other Saturday holiday is not moved.
* Last day (CPRA periods, Gov. Code §7922.535, roll under Code Civ. Proc. §§12, 12a): §12a
  extends a period whose last day "is a holiday" to the next day that is not, and "'holiday'
  means all day on Saturdays, all holidays specified in Section 135". CCP §135: "Every full day
  designated as a holiday by Section 6700 of the Government Code, including that Thursday of
  November declared by the President to be Thanksgiving Day, is a judicial holiday, except
  September 9, known as 'Admission Day,' the second Monday in October, known as 'Columbus
  Day,'" (and, since 2023, Lunar New Year and Genocide Remembrance Day) "... Every Saturday and
  the day after Thanksgiving Day are judicial holidays." A judicial holiday on a Saturday is
  observed on the Friday before and one on a Sunday on the Monday after (Cal. Rules of Court,
  rule 1.11, under the Judicial Council's power in §135).
* Declared holidays (for a federal court sitting in California, FRCP 6(a)(6)(C)): the full days
  of Gov. Code §6700, with the Sunday -> Monday and Saturday Nov 11 -> Friday moves of §6701.

Uncertain (said again in docs/calendars.md): the year Lincoln Day and Columbus Day left §19853
(taken as 2009 and 2008, the ``holidays`` library's years); the years Native American Day was
excluded from §135 (taken as 2016 through 2021: added to §6700 from 2015, first excluded by an
amendment after "the accidental court holiday" of 2015, restored by AB 855, Stats. 2021 ch. 283);
Lunar New Year and Diwali are lunar dates not computed here (they are excluded from §135 and
are not state-office closures, so they only matter for a federal forum under FRCP 6(a)(6)(C)).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from requests_app.deadlines.holiday_law.law import (
    FRIDAY,
    MONDAY,
    ONE_DAY,
    SATURDAY,
    Holiday,
    HolidayLaw,
    last_weekday,
    nth_weekday,
    sunday_to_monday,
    thanksgiving,
    weekend_to_weekday,
)

OFFICES = "Gov. Code §19853"
JUDICIAL = "Code Civ. Proc. §§12a, 135; Cal. Rules of Court, rule 1.11"
STATE = "Gov. Code §§6700, 6701"

#: Cesar Chavez Day (March 31) is a state holiday from 2001 (Stats. 2000, ch. 213).
CHAVEZ_FROM = 2001
#: Native American Day, the fourth Friday in September, is in §6700 from 2015 (AB 1973, 2014).
NATIVE_AMERICAN_DAY_FROM = 2015
#: ... a judicial holiday in 2015 and from 2022 (AB 855), excluded by §135 in between.
NATIVE_AMERICAN_DAY_NOT_JUDICIAL = range(2016, 2022)
#: Columbus Day is excluded from the judicial holidays from 2022 (AB 855, Stats. 2021 ch. 283).
COLUMBUS_LAST_JUDICIAL = 2021
#: Juneteenth and Genocide Remembrance Day are in §6700 from 2023 (AB 1655 and AB 1801, 2022).
JUNETEENTH_FROM = 2023
#: Lincoln Day and Columbus Day stopped being state employees' holidays (budget acts of 2009).
LINCOLN_LAST_OFFICE = 2009
COLUMBUS_LAST_OFFICE = 2008


def _native_american_day(year: int) -> date:
    return nth_weekday(year, 9, FRIDAY, 4)


def state_office_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
    """The days California state offices close, Gov. Code §19853(a)-(b)."""
    fixed = [(date(year, 1, 1), "New Year's Day")]
    if year <= LINCOLN_LAST_OFFICE:
        fixed.append((date(year, 2, 12), "Lincoln Day"))
    if year >= CHAVEZ_FROM:
        fixed.append((date(year, 3, 31), "Cesar Chavez Day"))
    fixed += [(date(year, 7, 4), "Independence Day"), (date(year, 12, 25), "Christmas Day")]
    for day, name in fixed:
        yield from sunday_to_monday(day, name, OFFICES)
    yield from weekend_to_weekday(date(year, 11, 11), "Veterans Day", OFFICES)
    yield Holiday(nth_weekday(year, 1, MONDAY, 3), "Dr. Martin Luther King, Jr. Day", OFFICES)
    yield Holiday(nth_weekday(year, 2, MONDAY, 3), "Presidents' Day", OFFICES)
    yield Holiday(last_weekday(year, 5, MONDAY), "Memorial Day", OFFICES)
    yield Holiday(nth_weekday(year, 9, MONDAY, 1), "Labor Day", OFFICES)
    if year <= COLUMBUS_LAST_OFFICE:
        yield Holiday(nth_weekday(year, 10, MONDAY, 2), "Columbus Day", OFFICES)
    yield Holiday(thanksgiving(year), "Thanksgiving Day", OFFICES)
    yield Holiday(thanksgiving(year) + ONE_DAY, "Day after Thanksgiving", OFFICES)


def _state_holidays(year: int) -> Iterator[tuple[date, str, bool]]:
    """The full-day holidays of Gov. Code §6700 on their own dates, with whether CCP §135 makes
    each a judicial holiday."""
    yield date(year, 1, 1), "New Year's Day", True
    yield nth_weekday(year, 1, MONDAY, 3), "Dr. Martin Luther King, Jr. Day", True
    yield date(year, 2, 12), "Lincoln Day", True
    yield nth_weekday(year, 2, MONDAY, 3), "Presidents' Day", True
    if year >= CHAVEZ_FROM:
        yield date(year, 3, 31), "Cesar Chavez Day", True
    if year >= JUNETEENTH_FROM:
        yield date(year, 4, 24), "Genocide Remembrance Day", False
    yield last_weekday(year, 5, MONDAY), "Memorial Day", True
    if year >= JUNETEENTH_FROM:
        yield date(year, 6, 19), "Juneteenth", True
    yield date(year, 7, 4), "Independence Day", True
    yield nth_weekday(year, 9, MONDAY, 1), "Labor Day", True
    yield date(year, 9, 9), "Admission Day", False
    if year >= NATIVE_AMERICAN_DAY_FROM:
        judicial = year not in NATIVE_AMERICAN_DAY_NOT_JUDICIAL
        yield _native_american_day(year), "Native American Day", judicial
    yield nth_weekday(year, 10, MONDAY, 2), "Columbus Day", year <= COLUMBUS_LAST_JUDICIAL
    yield date(year, 11, 11), "Veterans Day", True
    yield thanksgiving(year), "Thanksgiving Day", True
    yield date(year, 12, 25), "Christmas Day", True


def judicial_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
    """The judicial holidays of CCP §135 as the courts observe them (rule 1.11: Saturday ->
    Friday, Sunday -> Monday), and the day after Thanksgiving: the days CCP §12a rolls past."""
    for y in (year, year + 1):
        for day, name, judicial in _state_holidays(y):
            if judicial:
                yield from weekend_to_weekday(day, name, JUDICIAL)
    yield Holiday(thanksgiving(year) + ONE_DAY, "Day after Thanksgiving", JUDICIAL)


def declared_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
    """The full-day holidays of Gov. Code §6700 with the moves of §6701 (a Sunday January 1,
    February 12, March 31, July 4, September 9, November 11 or December 25 -> Monday; a
    Saturday November 11 -> Friday); the Monday holidays never fall on a weekend."""
    for day, name, _judicial in _state_holidays(year):
        if day.weekday() == SATURDAY and (day.month, day.day) == (11, 11):
            yield Holiday(day - ONE_DAY, f"{name} (observed)", STATE)
        else:
            yield from sunday_to_monday(day, name, STATE)


LAW = HolidayLaw(
    jurisdiction="US-CA",
    name="California",
    business_days_off=state_office_holidays,
    business_days_law=(
        "State employees' holidays, Gov. Code §19853 (Sunday -> Monday; a Saturday November 11 "
        "-> Friday; other Saturday holidays not moved)"
    ),
    last_day_holidays=judicial_holidays,
    last_day_law=(
        "Code Civ. Proc. §§12, 12a: every Saturday and the judicial holidays of §135 (the Gov. "
        "Code §6700 days except Admission Day, Columbus Day from 2022, Lunar New Year and "
        "Genocide Remembrance Day; plus the day after Thanksgiving), observed Saturday -> "
        "Friday, Sunday -> Monday (Cal. Rules of Court, rule 1.11)"
    ),
    declared_holidays=declared_holidays,
    sources=(
        "https://leginfo.legislature.ca.gov/faces/codes_displayText.xhtml?lawCode=CCP&division=&title=1.&part=1.&chapter=6.&article=3",
        "https://leginfo.legislature.ca.gov/faces/codes_displayText.xhtml?lawCode=GOV&division=7.&title=1.&part=&chapter=7.&article=",
        "https://leginfo.legislature.ca.gov/faces/billNavClient.xhtml?bill_id=202120220AB1655",
        "https://legiscan.com/CA/text/AB855/2021 (Stats. 2021, ch. 283)",
        "https://casetext.com/statute/california-codes/government-code-gov/title-2-government-of-the-state-of-california-8000-22980/division-5-personnel-18000-22980/part-26-personnel-administration-19815-199997/chapter-25-days-and-hours-of-work-19851-1999114/article-1-workweek-19851-19855/19853",
        "https://courts.ca.gov/cms/rules/index/one/rule1_11",
        "https://www.litigationbythenumbers.com/native-american-day.html",
    ),
    uncertain=(
        "Lincoln Day and Columbus Day taken as state-office closures through 2009 and 2008.",
        "Native American Day taken as excluded from the judicial holidays 2016-2021.",
        "Cesar Chavez Day from 2001; the day after Thanksgiving a judicial holiday in every year.",
        "Lunar New Year and Diwali (lunar dates, Gov. Code §6700) are not computed: they are not "
        "judicial holidays or office closures, and matter only for a federal forum.",
    ),
)
