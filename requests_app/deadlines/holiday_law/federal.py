"""Federal legal public holidays, 5 U.S.C. 6103, as observed by federal offices.

Sources read: 5 U.S.C. 6103 (law.cornell.edu/uscode/text/5/6103); Executive Order 11582 (1971);
Pub. L. 117-17 (Juneteenth, 2021); FRCP 6(a)(6) (law.cornell.edu/rules/frcp/rule_6).
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
    thanksgiving,
    weekend_to_weekday,
)

CITATION = "5 U.S.C. 6103(a)"
OBSERVED = "5 U.S.C. 6103(a)-(b); E.O. 11582"


def federal_holidays(year: int, observance: str = "statute") -> Iterator[Holiday]:
    """Federal legal public holidays of ``year`` as observed by federal offices.

    The days are those of 5 U.S.C. 6103(a). Observance: a holiday falling on a Saturday is
    observed on the Friday before (5 U.S.C. 6103(b)(1)); one falling on a Sunday on the Monday
    after (Executive Order 11582, 1971). Only the fixed-date holidays can fall on a weekend.
    January 1 of the next year can be observed on 31 December of this one, so it is yielded too.

    Deliberately absent: Inauguration Day, a holiday only for employees in the Washington, D.C.
    area (5 U.S.C. 6103(c)); and the Christmas Eve and day-of-mourning closures ordered by
    Executive Order, which are not statutory and are entered by staff as closures instead.

    Juneteenth National Independence Day exists from 2021 (Pub. L. 117-17, 17 June 2021); in 2021
    it fell on a Saturday and was observed on Friday 18 June. It was not a holiday in 2020.
    """
    for y in (year, year + 1):
        fixed = [(date(y, 1, 1), "New Year's Day")]
        if y >= 2021:
            fixed.append((date(y, 6, 19), "Juneteenth National Independence Day"))
        fixed += [
            (date(y, 7, 4), "Independence Day"),
            (date(y, 11, 11), "Veterans Day"),
            (date(y, 12, 25), "Christmas Day"),
        ]
        for day, name in fixed:
            for holiday in weekend_to_weekday(day, name, OBSERVED):
                if holiday.date != day:
                    yield holiday
                else:
                    yield Holiday(day, name, CITATION)
    yield Holiday(nth_weekday(year, 1, MONDAY, 3), "Birthday of Martin Luther King, Jr.", CITATION)
    yield Holiday(nth_weekday(year, 2, MONDAY, 3), "Washington's Birthday", CITATION)
    yield Holiday(last_weekday(year, 5, MONDAY), "Memorial Day", CITATION)
    yield Holiday(nth_weekday(year, 9, MONDAY, 1), "Labor Day", CITATION)
    yield Holiday(nth_weekday(year, 10, MONDAY, 2), "Columbus Day", CITATION)
    yield Holiday(thanksgiving(year), "Thanksgiving Day", CITATION)


LAW = HolidayLaw(
    jurisdiction="US",
    name="United States (federal)",
    business_days_off=federal_holidays,
    business_days_law=(
        "Legal public holidays, 5 U.S.C. 6103(a); Saturday -> Friday (6103(b)), "
        "Sunday -> Monday (E.O. 11582)"
    ),
    last_day_law=(
        "FRCP 6(a)(1)(C), 6(a)(6): the same legal holidays (and, in a court forum, the state's)"
    ),
    sources=(
        "https://www.law.cornell.edu/uscode/text/5/6103",
        "https://www.law.cornell.edu/rules/frcp/rule_6",
    ),
)
