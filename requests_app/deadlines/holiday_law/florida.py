"""Florida: state offices' paid holidays (Fla. Stat. §110.117); the §683.01 legal holidays for a
federal court sitting in Florida.

* Business days: §110.117(1): "The following holidays shall be paid holidays observed by all
  state branches and agencies: (a) New Year's Day. (b) Birthday of Martin Luther King, Jr., third
  Monday in January. (c) Memorial Day. (d) Independence Day. (e) Labor Day. (f) Veterans' Day,
  November 11. (g) Thanksgiving Day. (h) Friday after Thanksgiving. (i) Christmas Day. ... If any
  of these holidays falls on Saturday, the preceding Friday shall be observed as a holiday. If
  any of these holidays falls on Sunday, the following Monday shall be observed as a holiday."
  No Presidents' Day, no Juneteenth.
* Last day: Florida has no general computation-of-time statute for records requests (and the
  Public Records Act sets no period, Fla. Stat. §119.07(1)(c)); the office calendar is used.
* Declared holidays (FRCP 6(a)(6)(C)): the legal holidays of §683.01(1), with "(2) Whenever any
  legal holiday shall fall upon a Sunday, the Monday next following shall be deemed a public
  holiday".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from requests_app.deadlines.holiday_law.law import (
    MONDAY,
    ONE_DAY,
    THURSDAY,
    Holiday,
    HolidayLaw,
    easter,
    general_election_day,
    last_weekday,
    nth_weekday,
    sunday_to_monday,
    thanksgiving,
    weekend_to_weekday,
)

OFFICES = "Fla. Stat. §110.117"
LEGAL = "Fla. Stat. §683.01"
#: Tuskegee Airmen Commemoration Day, the fourth Thursday in March (Laws of Fla. ch. 2024-83).
TUSKEGEE_FROM = 2024


def state_office_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
    """The paid holidays of §110.117(1) (Saturday -> Friday, Sunday -> Monday)."""
    for y in (year, year + 1):
        for day, name in (
            (date(y, 1, 1), "New Year's Day"),
            (date(y, 7, 4), "Independence Day"),
            (date(y, 11, 11), "Veterans' Day"),
            (date(y, 12, 25), "Christmas Day"),
        ):
            yield from weekend_to_weekday(day, name, OFFICES)
    yield Holiday(nth_weekday(year, 1, MONDAY, 3), "Birthday of Martin Luther King, Jr.", OFFICES)
    yield Holiday(last_weekday(year, 5, MONDAY), "Memorial Day", OFFICES)
    yield Holiday(nth_weekday(year, 9, MONDAY, 1), "Labor Day", OFFICES)
    yield Holiday(thanksgiving(year), "Thanksgiving Day", OFFICES)
    yield Holiday(thanksgiving(year) + ONE_DAY, "Friday after Thanksgiving", OFFICES)


def legal_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
    """The legal holidays of §683.01 (a Sunday one -> Monday). Shrove Tuesday, a holiday only
    "in counties where carnival associations are organized", is left out."""
    days = [
        (date(year, 1, 1), "New Year's Day"),
        (date(year, 1, 15), "Birthday of Martin Luther King, Jr."),
        (date(year, 1, 19), "Birthday of Robert E. Lee"),
        (date(year, 2, 12), "Lincoln's Birthday"),
        (date(year, 2, 15), "Susan B. Anthony's Birthday"),
        (nth_weekday(year, 2, MONDAY, 3), "Washington's Birthday"),
        (easter(year) - timedelta(days=2), "Good Friday"),
        (date(year, 4, 2), "Pascua Florida Day"),
        (date(year, 4, 26), "Confederate Memorial Day"),
        (last_weekday(year, 5, MONDAY), "Memorial Day"),
        (date(year, 6, 3), "Birthday of Jefferson Davis"),
        (date(year, 6, 14), "Flag Day"),
        (date(year, 7, 4), "Independence Day"),
        (nth_weekday(year, 9, MONDAY, 1), "Labor Day"),
        (nth_weekday(year, 10, MONDAY, 2), "Columbus Day and Farmers' Day"),
        (date(year, 11, 11), "Veterans' Day"),
        (thanksgiving(year), "Thanksgiving Day"),
        (date(year, 12, 25), "Christmas Day"),
    ]
    if year >= TUSKEGEE_FROM:
        days.append((nth_weekday(year, 3, THURSDAY, 4), "Tuskegee Airmen Commemoration Day"))
    election = general_election_day(year)
    if election is not None:
        days.append((election, "General Election Day"))
    for day, name in days:
        yield from sunday_to_monday(day, name, LEGAL)


LAW = HolidayLaw(
    jurisdiction="US-FL",
    name="Florida",
    business_days_off=state_office_holidays,
    business_days_law=(
        "State offices' paid holidays, Fla. Stat. §110.117 (Saturday -> Friday, Sunday -> "
        "Monday; no Presidents' Day, no Juneteenth)"
    ),
    last_day_law="The same list (no statutory period or computation rule for records requests)",
    declared_holidays=legal_holidays,
    sources=(
        "https://codes.findlaw.com/fl/title-x-public-officers-employees-and-records/fl-st-sect-110-117.html",
        "https://www.syfert.com/florida/statutes/0110.117.html (2025 text)",
        "http://www.leg.state.fl.us/Statutes/index.cfm?App_mode=Display_Statute&URL=0600-0699/0683/0683.html",
    ),
    uncertain=(
        "The §683.01 list as amended in 2024 is applied to earlier years (except Tuskegee "
        "Airmen Commemoration Day, from 2024); it only matters for a federal forum.",
        "Whether a federal court in Florida treats every §683.01 day (e.g. Confederate Memorial "
        "Day) as 'declared a holiday by the state' under FRCP 6(a)(6)(C) is not settled here.",
    ),
)
