"""Texas: the business days of the Public Information Act, Gov't Code §552.0031.

§552.0031(a): "'business day' means a day other than: (1) a Saturday or Sunday; (2) a national
holiday under Section 662.003(a); or (3) a state holiday under Section 662.003(b)." (c): "An
optional holiday under Section 662.003(c) is not a business day of a governmental body if the
officer for public information of the governmental body observes the optional holiday." (e):
"The Friday before or Monday after a holiday described by Subsection (a)(2) or (3) is not a
business day of a governmental body if the holiday occurs on a Saturday or Sunday and the
governmental body observes the holiday on that Friday or Monday."

* §662.003(a) national holidays: January 1, the third Mondays in January and February, the last
  Monday in May, July 4, the first Monday in September, November 11, the fourth Thursday in
  November, December 25. (b) state holidays: January 19 (Confederate Heroes Day), March 2, April
  21, June 19 (Emancipation Day in Texas), August 27, the Friday after Thanksgiving, December 24
  and December 26. State agencies stay open with a skeleton crew on most (b) days (§662.004), but
  §552.0031 makes every one of them a non-business day.
* Default observance: each holiday on its own date only — state agencies do not move a weekend
  holiday. The other choice, for a body that does, moves a Saturday holiday to the Friday before
  and a Sunday one to the Monday after (§552.0031(e)).
* Optional holidays (§662.003(c): Rosh Hashanah, Yom Kippur, Good Friday; Cesar Chavez Day,
  §662.013) are business days unless the officer for public information observes them; they are
  not days off here (enter one as a closure where it is observed).
* Last day: Code Construction Act §311.014(b) extends a period ending on "a Saturday, Sunday, or
  legal holiday"; the legal holidays of §662.021 are a subset of the list above, so a count of
  business days already ends on a day it allows. One list.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from types import MappingProxyType

from requests_app.deadlines.holiday_law.law import (
    MONDAY,
    ONE_DAY,
    STATUTE,
    Holiday,
    HolidayLaw,
    last_weekday,
    nth_weekday,
    own_date,
    thanksgiving,
    weekend_to_weekday,
)

NATIONAL = "Tex. Gov't Code §§552.0031(a)(2), 662.003(a)"
STATE = "Tex. Gov't Code §§552.0031(a)(3), 662.003(b)"
WEEKEND_MOVED = "friday_monday"
OBSERVANCES: Mapping[str, str] = MappingProxyType(
    {
        STATUTE: (
            "Each holiday on its own date only; a weekend holiday gives no weekday off (state "
            "agencies; Tex. Gov't Code §552.0031(a))"
        ),
        WEEKEND_MOVED: (
            "A weekend holiday also observed on the Friday before (Saturday) or the Monday after "
            "(Sunday), for a body that observes it then (Tex. Gov't Code §552.0031(e))"
        ),
    }
)


def business_days_off(year: int, observance: str = STATUTE) -> Iterator[Holiday]:
    """The national and state holidays of Gov't Code §662.003(a)-(b) in ``year``."""
    move = weekend_to_weekday if observance == WEEKEND_MOVED else own_date
    for y in (year - 1, year, year + 1):
        for day, name, citation in (
            (date(y, 1, 1), "New Year's Day", NATIONAL),
            (date(y, 1, 19), "Confederate Heroes Day", STATE),
            (date(y, 3, 2), "Texas Independence Day", STATE),
            (date(y, 4, 21), "San Jacinto Day", STATE),
            (date(y, 6, 19), "Emancipation Day in Texas", STATE),
            (date(y, 7, 4), "Independence Day", NATIONAL),
            (date(y, 8, 27), "Lyndon Baines Johnson Day", STATE),
            (date(y, 11, 11), "Veterans Day", NATIONAL),
            (date(y, 12, 24), "December 24", STATE),
            (date(y, 12, 25), "Christmas Day", NATIONAL),
            (date(y, 12, 26), "December 26", STATE),
        ):
            yield from move(day, name, citation)
    yield Holiday(nth_weekday(year, 1, MONDAY, 3), "Martin Luther King, Jr., Day", NATIONAL)
    yield Holiday(nth_weekday(year, 2, MONDAY, 3), "Presidents' Day", NATIONAL)
    yield Holiday(last_weekday(year, 5, MONDAY), "Memorial Day", NATIONAL)
    yield Holiday(nth_weekday(year, 9, MONDAY, 1), "Labor Day", NATIONAL)
    yield Holiday(thanksgiving(year), "Thanksgiving Day", NATIONAL)
    yield Holiday(thanksgiving(year) + ONE_DAY, "Friday after Thanksgiving", STATE)


LAW = HolidayLaw(
    jurisdiction="US-TX",
    name="Texas",
    business_days_off=business_days_off,
    business_days_law=(
        "Public Information Act business days, Gov't Code §552.0031: not a national or state "
        "holiday of §662.003(a)-(b), each on its own date (state agencies)"
    ),
    last_day_law=(
        "The same list: Gov't Code §311.014(b) (legal holidays of §662.021, a subset of it)"
    ),
    observances=OBSERVANCES,
    sources=(
        "https://statutes.capitol.texas.gov/Docs/GV/htm/GV.552.htm#552.0031",
        "https://capitol.texas.gov/tlodocs/88R/amendments/html/HB03033H21.HTM",
        "https://codes.findlaw.com/tx/government-code/gov-t-sect-662-003.html",
        "https://lawserver.com/law/state/texas/tx-codes/texas_government_code_662-004",
        "https://statutes.capitol.texas.gov/Docs/GV/htm/GV.311.htm#311.014",
    ),
    uncertain=(
        "§552.0031 was added in 2023 (HB 3033, 88th Leg.); it is applied to every year, "
        "earlier periods being counted the same way in practice (not verified).",
        "The list in force today is applied to every year from 1986 (the dates each holiday "
        "entered §662.003 were not verified).",
        "Optional holidays (Rosh Hashanah, Yom Kippur, Good Friday, Cesar Chavez Day) are not "
        "offered as an observance: enter one as a closure where the officer observes it.",
    ),
)
