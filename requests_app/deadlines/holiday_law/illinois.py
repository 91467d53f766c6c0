"""Illinois: the days state offices close, and the statutory holidays a last day rolls past.

* Business days (5 ILCS 140/3(d)-(e), "5 business days"): the days state offices close — the
  authorized holidays of the state personnel rules, 80 Ill. Adm. Code 303.190: New Year's Day,
  Martin Luther King Day, Lincoln's Birthday, Washington's Birthday, Memorial Day, Juneteenth,
  Independence Day, Labor Day, Columbus Day, Veterans' Day, Thanksgiving Day, Christmas Day and
  General Election Day "(on which Members of the House of Representatives are elected)", plus
  the day after Thanksgiving, which the Department of Central Management Services' holiday
  schedule gives (under the collective bargaining agreements). As that schedule shows, a
  Saturday holiday is observed on the Friday before and a Sunday one on the Monday after.
* Last day: the Statute on Statutes, 5 ILCS 70/1.11: "The time within which any act provided by
  law is to be done shall be computed by excluding the first day and including the last, unless
  the last day is Saturday or Sunday or is a holiday as defined or fixed in any statute now or
  hereafter in force in this State, and then it shall also be excluded." The widest statutory
  list is 205 ILCS 630/17(a) (the same days as the Election Code's "State holiday", 10 ILCS
  5/1-6(b)): it adds Casimir Pulaski's birthday (the first Monday in March) and Good Friday, on
  which state offices are open. So business days are counted on the office calendar and a last
  day on one of those holidays rolls to the next day (``rolls_business_day_count``).
* Lincoln's Birthday, a Sunday, is held on the Monday after (5 ILCS 490/60).
* Juneteenth National Freedom Day is a paid state holiday from 2022 (P.A. 102-14, eff. 1-1-22).
* General Election Day: even years only (the House of Representatives is elected then).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from requests_app.deadlines.holiday_law.law import (
    FRIDAY,
    MONDAY,
    ONE_DAY,
    Holiday,
    HolidayLaw,
    easter,
    general_election_day,
    last_weekday,
    nth_weekday,
    own_date,
    sunday_to_monday,
    thanksgiving,
    weekend_to_weekday,
)

OFFICES = "80 Ill. Adm. Code 303.190"
OFFICES_DAY_AFTER = "CMS state holiday schedule (collective bargaining agreements)"
STATUTORY = "5 ILCS 70/1.11; 205 ILCS 630/17"
JUNETEENTH_FROM = 2022


def _listed(year: int) -> Iterator[tuple[date, str]]:
    """The days both lists share, on their own dates."""
    yield date(year, 1, 1), "New Year's Day"
    yield nth_weekday(year, 1, MONDAY, 3), "Dr. Martin Luther King, Jr.'s Birthday"
    yield date(year, 2, 12), "Lincoln's Birthday"
    yield nth_weekday(year, 2, MONDAY, 3), "Washington's Birthday (Presidents' Day)"
    yield last_weekday(year, 5, MONDAY), "Memorial Day"
    if year >= JUNETEENTH_FROM:
        yield date(year, 6, 19), "Juneteenth National Freedom Day"
    yield date(year, 7, 4), "Independence Day"
    yield nth_weekday(year, 9, MONDAY, 1), "Labor Day"
    yield nth_weekday(year, 10, MONDAY, 2), "Columbus Day"
    election = general_election_day(year)
    if election is not None:
        yield election, "General Election Day"
    yield date(year, 11, 11), "Veterans' Day"
    yield thanksgiving(year), "Thanksgiving Day"
    yield date(year, 12, 25), "Christmas Day"


def state_office_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
    """The days Illinois state offices close (Saturday -> Friday, Sunday -> Monday)."""
    for y in (year, year + 1):
        for day, name in _listed(y):
            yield from weekend_to_weekday(day, name, OFFICES)
    yield Holiday(thanksgiving(year) + ONE_DAY, "Day after Thanksgiving", OFFICES_DAY_AFTER)


def statutory_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
    """The holidays of 205 ILCS 630/17(a) on their own dates (Lincoln's Birthday on a Sunday:
    the Monday after, 5 ILCS 490/60): the days 5 ILCS 70/1.11 does not let a period end on."""
    for day, name in _listed(year):
        move = sunday_to_monday if name == "Lincoln's Birthday" else own_date
        yield from move(day, name, STATUTORY)
    yield Holiday(nth_weekday(year, 3, MONDAY, 1), "Casimir Pulaski's Birthday", STATUTORY)
    good_friday = easter(year) - timedelta(days=2)
    assert good_friday.weekday() == FRIDAY
    yield Holiday(good_friday, "Good Friday", STATUTORY)


LAW = HolidayLaw(
    jurisdiction="US-IL",
    name="Illinois",
    business_days_off=state_office_holidays,
    business_days_law=(
        "State offices' holidays, 80 Ill. Adm. Code 303.190 and the CMS schedule (Saturday -> "
        "Friday, Sunday -> Monday; General Election Day in even years; the day after Thanksgiving)"
    ),
    last_day_holidays=statutory_holidays,
    last_day_law=(
        "5 ILCS 70/1.11: a last day that is a Saturday, Sunday or 'a holiday as defined or fixed "
        "in any statute' is excluded — the holidays of 205 ILCS 630/17(a), incl. Casimir "
        "Pulaski's Birthday and Good Friday; applies to business-day counts too"
    ),
    rolls_business_day_count=True,
    sources=(
        "https://www.ilga.gov/legislation/ilcs/fulltext.asp?DocName=000500700K1.11",
        # 205 ILCS 630/17:
        "https://instalawyer.io/laws/illinois-compiled-statutes/chapter-205-financial-regulation-205-ilcs-630-promissory",
        "https://ilga.gov/legislation/ilcs/documents/001000050K1-6.htm (10 ILCS 5/1-6)",
        "http://www.ilga.gov/legislation/ilcs/documents/000504900K60.htm (5 ILCS 490/60)",
        "https://print.casetext.com/regulation/illinois-administrative-code/title-80-public-officials-and-employees/part-303-conditions-of-employment/subpart-b-leave-of-absence/section-303190-authorized-holidays",
        "https://www2.illinois.gov/cms/personnel/employeeresources/Pages/StateHolidays.aspx",
        "https://lawreview.law.uic.edu/news-stories/the-legal-holiday",
    ),
    uncertain=(
        "The day after Thanksgiving closes state offices by the CMS schedule (bargaining "
        "agreements), not by statute; 303.190 does not list it.",
        "Juneteenth counted from 2022 in both lists (P.A. 102-14).",
        "205 ILCS 630/17 holidays other than Lincoln's Birthday are taken on their own dates "
        "(no Sunday -> Monday move was found in the text read).",
        "5 ILCS 70/1.11 read as applying to a count of business days: the last business day "
        "also rolls past Good Friday and Casimir Pulaski's Birthday.",
    ),
)
