"""Business-day calendars: hand-checked days and counts, and where the holiday library differs.

No Django, no database. Every expected date below was counted by hand on a printed calendar
(``python3 -c 'import calendar; print(calendar.month(2019, 1))'``), never copied from the code;
the comment above each row gives the count.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import holidays
import pytest

from requests_app.deadlines.calendars import (
    FIRST_SUPPORTED_YEAR,
    JURISDICTIONS,
    NonWorkingDay,
    UnknownJurisdiction,
    UnsupportedYear,
    add_calendar_days,
    add_working_days,
    calendar_for,
    deemed_receipt,
    working_days_between,
)

# --- Which days are off ---------------------------------------------------------------------------

# (jurisdiction, day, expected name or None for a working day, expected kind)
DAY_FACTS = [
    # 5 U.S.C. 6103(b)(1): July 4 2020 is a Saturday -> observed Friday July 3.
    pytest.param(
        "US", date(2020, 7, 3), "Independence Day (observed)", "holiday", id="us-jul4-2020-sat"
    ),
    # The Saturday itself is just a weekend day; the holiday is the Friday.
    pytest.param("US", date(2020, 7, 4), "Saturday", "weekend", id="us-jul4-2020-is-weekend"),
    # E.O. 11582: July 4 2021 is a Sunday -> observed Monday July 5.
    pytest.param(
        "US", date(2021, 7, 5), "Independence Day (observed)", "holiday", id="us-jul4-2021-sun"
    ),
    # Christmas 2021 is a Saturday -> observed Friday Dec 24.
    pytest.param(
        "US", date(2021, 12, 24), "Christmas Day (observed)", "holiday", id="us-xmas-2021-sat"
    ),
    # New Year's Day 2022 is a Saturday -> observed Friday Dec 31 2021, in the previous year.
    pytest.param(
        "US", date(2021, 12, 31), "New Year's Day (observed)", "holiday", id="us-ny-2022-in-2021"
    ),
    # New Year's Day 2023 is a Sunday -> observed Monday Jan 2.
    pytest.param(
        "US", date(2023, 1, 2), "New Year's Day (observed)", "holiday", id="us-ny-2023-sun"
    ),
    # Christmas 2022 is a Sunday -> observed Monday Dec 26.
    pytest.param(
        "US", date(2022, 12, 26), "Christmas Day (observed)", "holiday", id="us-xmas-2022-sun"
    ),
    # Veterans Day 2023 (Nov 11) is a Saturday -> observed Friday Nov 10.
    pytest.param(
        "US", date(2023, 11, 10), "Veterans Day (observed)", "holiday", id="us-vets-2023-sat"
    ),
    # Juneteenth became a federal holiday on 17 June 2021 (Pub. L. 117-17): Fri 19 June 2020 is a
    # working day.
    pytest.param("US", date(2020, 6, 19), None, None, id="us-juneteenth-2020-not-yet"),
    # June 19 2021 is a Saturday -> observed Friday June 18 (the first year).
    pytest.param(
        "US",
        date(2021, 6, 18),
        "Juneteenth National Independence Day (observed)",
        "holiday",
        id="us-juneteenth-2021-sat",
    ),
    # June 19 2022 is a Sunday -> observed Monday June 20.
    pytest.param(
        "US",
        date(2022, 6, 20),
        "Juneteenth National Independence Day (observed)",
        "holiday",
        id="us-juneteenth-2022-sun",
    ),
    # The day after Thanksgiving (Fri 29 Nov 2024) is not in 5 U.S.C. 6103(a).
    pytest.param("US", date(2024, 11, 29), None, None, id="us-day-after-thanksgiving"),
    # Thanksgiving 2024: fourth Thursday of November (7, 14, 21, 28).
    pytest.param("US", date(2024, 11, 28), "Thanksgiving Day", "holiday", id="us-thanksgiving"),
    # Inauguration Day (Wed 20 Jan 2021) is a holiday only in the D.C. area (6103(c)).
    pytest.param("US", date(2021, 1, 20), None, None, id="us-inauguration-not-counted"),
    # Statutory name, 6103(a); third Monday of January 2019 (7, 14, 21).
    pytest.param(
        "US",
        date(2019, 1, 21),
        "Birthday of Martin Luther King, Jr.",
        "holiday",
        id="us-mlk-statutory-name",
    ),
    # Leap days: Sat 29 Feb 2020 is a weekend day; Thu 29 Feb 2024 is a working day.
    pytest.param("US", date(2020, 2, 29), "Saturday", "weekend", id="leap-2020-saturday"),
    pytest.param("US", date(2024, 2, 29), None, None, id="leap-2024-thursday"),
    # Christmas Eve 2019 was closed by Executive Order 13900, not by statute: a working day
    # unless staff enter it as a closure.
    pytest.param("US", date(2019, 12, 24), None, None, id="us-xmas-eve-2019-eo-not-statute"),
    # Patriots' Day is Massachusetts only: Mon 15 Apr 2024 is a federal working day.
    pytest.param("US", date(2024, 4, 15), None, None, id="us-patriots-day-working"),
    # --- Massachusetts, G.L. c.4 §7 cl. 18 ---
    # Christmas 2021 is a Saturday and MA does not move it: Fri Dec 24 is a business day.
    pytest.param("US-MA", date(2021, 12, 24), None, None, id="ma-xmas-2021-sat-not-moved"),
    # New Year's Day 2022 is a Saturday: Fri 31 Dec 2021 is a MA business day.
    pytest.param("US-MA", date(2021, 12, 31), None, None, id="ma-ny-2022-sat-not-moved"),
    # Veterans Day 2023 is a Saturday: Fri Nov 10 is a MA business day.
    pytest.param("US-MA", date(2023, 11, 10), None, None, id="ma-vets-2023-sat-not-moved"),
    # Juneteenth 2021 is a Saturday: Fri June 18 is a MA business day.
    pytest.param("US-MA", date(2021, 6, 18), None, None, id="ma-juneteenth-2021-sat"),
    # Juneteenth 2022 is a Sunday -> the day following, Mon June 20.
    pytest.param(
        "US-MA",
        date(2022, 6, 20),
        "Juneteenth Independence Day (observed)",
        "holiday",
        id="ma-juneteenth-2022-sun",
    ),
    # Sunday New Year's Day 2023 -> Monday Jan 2.
    pytest.param(
        "US-MA", date(2023, 1, 2), "New Year's Day (observed)", "holiday", id="ma-ny-2023-sun"
    ),
    # Patriots' Day: third Monday in April. 2019: Apr 1, 8, 15. 2024: Apr 1, 8, 15.
    pytest.param("US-MA", date(2019, 4, 15), "Patriots' Day", "holiday", id="ma-patriots-2019"),
    pytest.param("US-MA", date(2024, 4, 15), "Patriots' Day", "holiday", id="ma-patriots-2024"),
    # Suffolk County only: Evacuation Day (Sun 17 Mar 2019, observed in Suffolk Mon Mar 18) and
    # Bunker Hill Day (Mon 17 Jun 2024) are business days state-wide.
    pytest.param("US-MA", date(2019, 3, 18), None, None, id="ma-evacuation-day-suffolk-only"),
    pytest.param("US-MA", date(2024, 6, 17), None, None, id="ma-bunker-hill-suffolk-only"),
    # The day after Thanksgiving is not a MA legal holiday.
    pytest.param("US-MA", date(2024, 11, 29), None, None, id="ma-day-after-thanksgiving"),
    # --- the other states, written from their statutes (holiday_law/) ---
    # California: Cesar Chavez Day, Wed 31 Mar 2021; day after Thanksgiving.
    pytest.param("US-CA", date(2021, 3, 31), "Cesar Chavez Day", "holiday", id="ca-chavez"),
    pytest.param(
        "US-CA", date(2024, 11, 29), "Day after Thanksgiving", "holiday", id="ca-day-after"
    ),
    # Susan B. Anthony Day (Thu 15 Feb 2024) is commemorative in CA, NY and FL: offices open.
    pytest.param("US-CA", date(2024, 2, 15), None, None, id="ca-susan-b-anthony-open"),
    pytest.param("US-NY", date(2024, 2, 15), None, None, id="ny-susan-b-anthony-open"),
    # California has no Columbus Day holiday since 2009 (Mon 14 Oct 2024).
    pytest.param("US-CA", date(2024, 10, 14), None, None, id="ca-no-columbus-day"),
    # Texas optional holidays (Gov't Code 662.003(c)): Good Friday 29 Mar 2024, Cesar Chavez Day
    # Mon 31 Mar 2025. Agencies are open.
    pytest.param("US-TX", date(2024, 3, 29), None, None, id="tx-good-friday-optional"),
    pytest.param("US-TX", date(2025, 3, 31), None, None, id="tx-chavez-optional"),
    pytest.param(
        "US-TX", date(2024, 11, 29), "Friday after Thanksgiving", "holiday", id="tx-day-after"
    ),
    pytest.param(
        "US-WA", date(2024, 11, 29), "Native American Heritage Day", "holiday", id="wa-day-after"
    ),
    # Illinois: Casimir Pulaski's Birthday, first Monday of March 2024 (Mar 4), is a statutory
    # holiday (205 ILCS 630/17) but state offices are open (80 Ill. Adm. Code 303.190): a
    # business day (a last day still rolls past it, test_calendars_law.py).
    pytest.param("US-IL", date(2024, 3, 4), None, None, id="il-pulaski"),
    # New York: Lincoln's Birthday Mon 12 Feb 2024; Election Day Tue 5 Nov 2024.
    pytest.param("US-NY", date(2024, 2, 12), "Lincoln's Birthday", "holiday", id="ny-lincoln"),
    pytest.param(
        "US-NY", date(2024, 11, 5), "General Election Day", "holiday", id="ny-election-day"
    ),
    # Florida state offices do not close for Washington's Birthday (Mon 19 Feb 2024).
    pytest.param("US-FL", date(2024, 2, 19), None, None, id="fl-no-washingtons-birthday"),
]


@pytest.mark.parametrize(("jurisdiction", "day", "name", "kind"), DAY_FACTS)
def test_which_days_are_off(
    jurisdiction: str, day: date, name: str | None, kind: str | None
) -> None:
    cal = calendar_for(jurisdiction)
    reason = cal.non_working_reason(day)
    if name is None:
        assert reason is None
        assert cal.is_working_day(day)
    else:
        assert reason is not None
        assert (reason.date, reason.name, reason.kind) == (day, name, kind)
        assert not cal.is_working_day(day)


def test_federal_days_off_2021_are_the_statutory_list() -> None:
    # 2021 has every observance case: Saturday Juneteenth, Sunday Independence Day, Saturday
    # Christmas, and next year's New Year's Day observed on Dec 31.
    assert [(d.date, d.name) for d in calendar_for("US").days_off(2021)] == [
        (date(2021, 1, 1), "New Year's Day"),
        (date(2021, 1, 18), "Birthday of Martin Luther King, Jr."),
        (date(2021, 2, 15), "Washington's Birthday"),
        (date(2021, 5, 31), "Memorial Day"),
        (date(2021, 6, 18), "Juneteenth National Independence Day (observed)"),
        (date(2021, 7, 5), "Independence Day (observed)"),
        (date(2021, 9, 6), "Labor Day"),
        (date(2021, 10, 11), "Columbus Day"),
        (date(2021, 11, 11), "Veterans Day"),
        (date(2021, 11, 25), "Thanksgiving Day"),
        (date(2021, 12, 24), "Christmas Day (observed)"),
        (date(2021, 12, 31), "New Year's Day (observed)"),
    ]


def test_massachusetts_days_off_2021() -> None:
    # Compared with the federal list: + Patriots' Day; - the Saturday Juneteenth, Christmas and
    # next New Year's Day (not moved); Sunday July 4 still moves to Monday.
    assert [(d.date, d.name) for d in calendar_for("US-MA").days_off(2021)] == [
        (date(2021, 1, 1), "New Year's Day"),
        (date(2021, 1, 18), "Martin Luther King Jr. Day"),
        (date(2021, 2, 15), "Washington's Birthday"),
        (date(2021, 4, 19), "Patriots' Day"),
        (date(2021, 5, 31), "Memorial Day"),
        (date(2021, 7, 5), "Independence Day (observed)"),
        (date(2021, 9, 6), "Labor Day"),
        (date(2021, 10, 11), "Columbus Day"),
        (date(2021, 11, 11), "Veterans Day"),
        (date(2021, 11, 25), "Thanksgiving Day"),
    ]


# --- Adding working days --------------------------------------------------------------------------

# (jurisdiction, start, n, expected due)
WORKING_DAY_CASES = [
    # 552(a)(6)(A)(i). Wed 2019-01-16 + 20: Jan 17(1) 18(2), skip Sat 19 Sun 20 MLK Mon 21,
    # 22(3) 23 24 25(6) 28-31(10) Feb 1(11) 4-8(16) 11(17) 12 13 14(20). Presidents' Day Feb 18 is
    # after the due date.
    pytest.param("US", date(2019, 1, 16), 20, date(2019, 2, 14), id="us-20-over-mlk"),
    # Receipt on a Friday: Fri 2019-03-01 + 20: Mar 4-8(5) 11-15(10) 18-22(15) 25-29(20).
    pytest.param("US", date(2019, 3, 1), 20, date(2019, 3, 29), id="us-received-friday"),
    # Receipt on Saturday Mar 2 or Sunday Mar 3: the trigger day is never counted and Mon Mar 4 is
    # day 1, so the same due date as the Friday.
    pytest.param("US", date(2019, 3, 2), 20, date(2019, 3, 29), id="us-received-saturday"),
    pytest.param("US", date(2019, 3, 3), 20, date(2019, 3, 29), id="us-received-sunday"),
    # Receipt on a holiday, Memorial Day Mon 2019-05-27: May 28-31(4) Jun 3-7(9) 10-14(14)
    # 17-21(19) 24(20). Juneteenth 2019 was not a holiday.
    pytest.param("US", date(2019, 5, 27), 20, date(2019, 6, 24), id="us-received-memorial-day"),
    # July 4 2020 on a Saturday, observed Fri Jul 3: Mon Jun 29 + 5: Jun 30(1) Jul 1(2) 2(3),
    # skip Fri 3 Sat 4 Sun 5, Jul 6(4) 7(5).
    pytest.param("US", date(2020, 6, 29), 5, date(2020, 7, 7), id="us-jul4-2020-observed-fri"),
    # July 4 2021 on a Sunday, observed Mon Jul 5: Thu Jul 1 + 3: Fri 2(1), skip 3 4 5, 6(2) 7(3).
    pytest.param("US", date(2021, 7, 1), 3, date(2021, 7, 7), id="us-jul4-2021-observed-mon"),
    # Christmas 2021 observed Fri Dec 24, New Year 2022 observed Fri Dec 31: Mon Dec 20 + 10:
    # 21 22 23(3), skip 24-26, 27 28 29 30(7), skip 31 Jan 1 2, Jan 3 4 5(10).
    pytest.param("US", date(2021, 12, 20), 10, date(2022, 1, 5), id="us-xmas-ny-2021-observed"),
    # Same span in Massachusetts: Saturday holidays not moved, Dec 24 and 31 are business days:
    # 21 22 23 24(4) 27 28 29 30 31(9) Jan 3(10).
    pytest.param("US-MA", date(2021, 12, 20), 10, date(2022, 1, 3), id="ma-xmas-ny-2021-no-move"),
    # Juneteenth 2020 was not a holiday: Mon Jun 15 + 5: 16 17 18 19(4) 22(5).
    pytest.param("US", date(2020, 6, 15), 5, date(2020, 6, 22), id="us-juneteenth-2020-counted"),
    # Juneteenth 2022, Sunday, observed Mon Jun 20: Wed Jun 15 + 5: 16 17(2), skip 18 19 20,
    # 21 22 23(5).
    pytest.param("US", date(2022, 6, 15), 5, date(2022, 6, 23), id="us-juneteenth-2022-skipped"),
    # Leap day 2020 is a Saturday: Thu Feb 27 + 2: Fri 28(1), skip Sat 29 Sun Mar 1, Mon Mar 2(2).
    pytest.param("US", date(2020, 2, 27), 2, date(2020, 3, 2), id="leap-2020-weekend"),
    # Leap day 2024 is a Thursday and counts: Wed Feb 28 + 2: Thu 29(1) Fri Mar 1(2).
    pytest.param("US", date(2024, 2, 28), 2, date(2024, 3, 1), id="leap-2024-counted"),
    # Thanksgiving to Christmas 2024: Mon Nov 25 + 20: 26 27(2), skip Thanksgiving 28, Fri 29(3)
    # counts, Dec 2-6(8) 9-13(13) 16-20(18) 23(19) 24(20).
    pytest.param("US", date(2024, 11, 25), 20, date(2024, 12, 24), id="us-thanksgiving-2024"),
    # Across Christmas and New Year 2019/20: Mon Dec 9 + 20: 10-13(4) 16-20(9) 23 24(11), skip
    # Christmas, 26 27(13) 30 31(15), skip Jan 1, Jan 2 3(17) 6 7 8(20). Dec 24 counts (closed by
    # executive order, not by statute).
    pytest.param("US", date(2019, 12, 9), 20, date(2020, 1, 8), id="us-xmas-newyear-2019"),
    # Inauguration Day is counted: Fri 2021-01-15 + 5: skip 16 17 and MLK 18, Tue 19(1) Wed 20(2)
    # 21 22(4) Mon 25(5).
    pytest.param("US", date(2021, 1, 15), 5, date(2021, 1, 25), id="us-inauguration-counted"),
    # Patriots' Day: Thu 2019-04-11 + 10 in MA: Fri 12(1), skip 13 14 and Mon 15, 16-19(5)
    # 22-26(10). The federal count counts Apr 15: 12(1) 15-19(6) 22-25(10).
    pytest.param("US-MA", date(2019, 4, 11), 10, date(2019, 4, 26), id="ma-patriots-day"),
    pytest.param("US", date(2019, 4, 11), 10, date(2019, 4, 25), id="us-patriots-day-counted"),
    # Bunker Hill Day (Suffolk only) counts, MA Juneteenth does not: Wed 2024-06-12 + 10:
    # 13 14(2) Mon 17(3) 18(4), skip Wed 19, 20 21(6) 24-27(10).
    pytest.param("US-MA", date(2024, 6, 12), 10, date(2024, 6, 27), id="ma-bunker-hill-counted"),
    # n = 0 gives the start itself.
    pytest.param("US", date(2019, 1, 19), 0, date(2019, 1, 19), id="zero-days"),
    # A long count crossing a year end: Mon 2019-12-30 + 1: Tue 31(1).
    pytest.param("US", date(2019, 12, 30), 1, date(2019, 12, 31), id="us-one-day-dec-31"),
    # From the last working day of 2021 (Thu Dec 30; Dec 31 observed): + 1 -> Mon 2022-01-03.
    pytest.param("US", date(2021, 12, 30), 1, date(2022, 1, 3), id="us-one-day-over-new-year"),
]


@pytest.mark.parametrize(("jurisdiction", "start", "n", "due"), WORKING_DAY_CASES)
def test_add_working_days(jurisdiction: str, start: date, n: int, due: date) -> None:
    cal = calendar_for(jurisdiction)
    result = add_working_days(cal, start, n)
    assert result.start == start
    assert result.due == due
    # The count is consistent with its inverse (working days after start up to due).
    assert working_days_between(cal, start, due) == n
    # Nothing skipped is a working day, and nothing outside the span is listed.
    assert all(start < d.date < due and not cal.is_working_day(d.date) for d in result.skipped)


def test_skipped_days_are_listed_with_names() -> None:
    # Wed 2019-01-16 + 20 (hand count above): the weekends and MLK Day inside the span.
    result = add_working_days(calendar_for("US"), date(2019, 1, 16), 20)
    assert [(d.date, d.name, d.kind) for d in result.skipped] == [
        (date(2019, 1, 19), "Saturday", "weekend"),
        (date(2019, 1, 20), "Sunday", "weekend"),
        (date(2019, 1, 21), "Birthday of Martin Luther King, Jr.", "holiday"),
        (date(2019, 1, 26), "Saturday", "weekend"),
        (date(2019, 1, 27), "Sunday", "weekend"),
        (date(2019, 2, 2), "Saturday", "weekend"),
        (date(2019, 2, 3), "Sunday", "weekend"),
        (date(2019, 2, 9), "Saturday", "weekend"),
        (date(2019, 2, 10), "Sunday", "weekend"),
    ]


def test_skipped_across_the_year_end() -> None:
    # Mon 2021-12-20 + 10 federal (hand count above).
    result = add_working_days(calendar_for("US"), date(2021, 12, 20), 10)
    assert [(d.date, d.kind) for d in result.skipped] == [
        (date(2021, 12, 24), "holiday"),
        (date(2021, 12, 25), "weekend"),
        (date(2021, 12, 26), "weekend"),
        (date(2021, 12, 31), "holiday"),
        (date(2022, 1, 1), "weekend"),
        (date(2022, 1, 2), "weekend"),
    ]
    assert result.skipped[3].name == "New Year's Day (observed)"


def test_the_day_after_thanksgiving_is_not_skipped() -> None:
    result = add_working_days(calendar_for("US"), date(2024, 11, 25), 20)
    skipped = {d.date for d in result.skipped}
    assert date(2024, 11, 28) in skipped
    assert date(2024, 11, 29) not in skipped


# --- Closures -------------------------------------------------------------------------------------


def test_a_closure_inside_the_span_moves_the_due_date_one_working_day() -> None:
    # Without it Wed 2019-01-16 + 20 = Thu Feb 14; closing Wed Jan 30 makes Fri Feb 15 day 20.
    cal = calendar_for("US", {date(2019, 1, 30): "Winter storm"})
    result = add_working_days(cal, date(2019, 1, 16), 20)
    assert result.due == date(2019, 2, 15)
    assert NonWorkingDay(date(2019, 1, 30), "Closure: Winter storm", "closure") in result.skipped


def test_executive_order_christmas_eve_entered_as_closure() -> None:
    # Mon 2024-11-25 + 20 = Tue Dec 24 (hand count above). Executive Order 14129 closed agencies on
    # Dec 24 2024: entered as a closure, day 20 becomes Thu Dec 26 (Wed 25 is Christmas).
    cal = calendar_for("US", {date(2024, 12, 24): "Executive Order 14129"})
    result = add_working_days(cal, date(2024, 11, 25), 20)
    assert result.due == date(2024, 12, 26)
    assert [(d.date, d.name) for d in result.skipped[-2:]] == [
        (date(2024, 12, 24), "Closure: Executive Order 14129"),
        (date(2024, 12, 25), "Christmas Day"),
    ]


def test_a_closure_on_a_day_already_off_changes_nothing() -> None:
    # A closure on Saturday Jan 19 and on MLK Day 2019: the statutory reason stays, the due date
    # stays Thu Feb 14.
    cal = calendar_for("US", {date(2019, 1, 19): "Shutdown", date(2019, 1, 21): "Shutdown"})
    assert add_working_days(cal, date(2019, 1, 16), 20).due == date(2019, 2, 14)
    assert cal.non_working_reason(date(2019, 1, 19)) == NonWorkingDay(
        date(2019, 1, 19), "Saturday", "weekend"
    )
    reason = cal.non_working_reason(date(2019, 1, 21))
    assert reason is not None
    assert reason.kind == "holiday"


def test_closures_belong_to_one_calendar_only() -> None:
    closed = calendar_for("US", {date(2019, 1, 30): "Winter storm"})
    assert not closed.is_working_day(date(2019, 1, 30))
    assert calendar_for("US").is_working_day(date(2019, 1, 30))
    assert date(2019, 1, 30) not in [d.date for d in calendar_for("US").days_off(2019)]
    assert NonWorkingDay(date(2019, 1, 30), "Closure: Winter storm", "closure") in closed.days_off(
        2019
    )


# --- Calendar days, FRCP 6(a) ---------------------------------------------------------------------

# (jurisdiction, start, n, closures, expected due, expected dates rolled over)
CALENDAR_DAY_CASES = [
    # 90 days from Mon 2019-06-03: Jun 30 is +27, Jul 31 +58, Aug 31 +89, Sun Sep 1 +90;
    # Mon Sep 2 is Labor Day -> Tue Sep 3 (FRCP 6(a)(1)(C)).
    pytest.param(
        "US",
        date(2019, 6, 3),
        90,
        None,
        date(2019, 9, 3),
        [date(2019, 9, 1), date(2019, 9, 2)],
        id="90-lands-sunday-then-labor-day",
    ),
    # 90 days from Wed 2020-01-15 through leap February: Jan 31 +16, Feb 29 +45, Mar 31 +76,
    # Tue Apr 14 +90, a working day.
    pytest.param("US", date(2020, 1, 15), 90, None, date(2020, 4, 14), [], id="90-leap-year"),
    # Same from 2019-01-15 without a leap day: Jan 31 +16, Feb 28 +44, Mar 31 +75, Mon Apr 15 +90.
    pytest.param("US", date(2019, 1, 15), 90, None, date(2019, 4, 15), [], id="90-common-year"),
    # 30 days from Wed 2020-06-03: Jun 30 +27, Fri Jul 3 +30 = Independence Day observed ->
    # Sat 4, Sun 5 -> Mon Jul 6.
    pytest.param(
        "US",
        date(2020, 6, 3),
        30,
        None,
        date(2020, 7, 6),
        [date(2020, 7, 3), date(2020, 7, 4), date(2020, 7, 5)],
        id="30-lands-observed-holiday",
    ),
    # 60 days from Mon 2021-11-01: Nov 30 +29, Fri Dec 31 +60 = New Year's Day 2022 observed ->
    # Sat Jan 1, Sun Jan 2 -> Mon 2022-01-03.
    pytest.param(
        "US",
        date(2021, 11, 1),
        60,
        None,
        date(2022, 1, 3),
        [date(2021, 12, 31), date(2022, 1, 1), date(2022, 1, 2)],
        id="60-lands-new-year-observed-in-december",
    ),
    # 60 days from Fri 2019-10-25: Oct 31 +6, Nov 30 +36, Tue Dec 24 +60, a statutory working day.
    pytest.param("US", date(2019, 10, 25), 60, None, date(2019, 12, 24), [], id="60-xmas-eve"),
    # ... but with Executive Order 13900's closure entered, Dec 24 is inaccessible (FRCP 6(a)(3))
    # and Dec 25 is Christmas -> Thu Dec 26.
    pytest.param(
        "US",
        date(2019, 10, 25),
        60,
        {date(2019, 12, 24): "Executive Order 13900"},
        date(2019, 12, 26),
        [date(2019, 12, 24), date(2019, 12, 25)],
        id="60-xmas-eve-closure-rolls",
    ),
    # 10 days from Mon 2019-11-18 = Thanksgiving Thu Nov 28 -> Fri Nov 29 (not a holiday).
    pytest.param(
        "US",
        date(2019, 11, 18),
        10,
        None,
        date(2019, 11, 29),
        [date(2019, 11, 28)],
        id="10-lands-thanksgiving",
    ),
    # 10 days from Wed 2021-06-09 = Sat Jun 19 (Juneteenth observed Fri 18) -> Mon Jun 21.
    pytest.param(
        "US",
        date(2021, 6, 9),
        10,
        None,
        date(2021, 6, 21),
        [date(2021, 6, 19), date(2021, 6, 20)],
        id="10-lands-saturday-juneteenth",
    ),
    # California: 10 days from Sun 2021-03-21 = Wed Mar 31, Cesar Chavez Day -> Thu Apr 1.
    pytest.param(
        "US-CA",
        date(2021, 3, 21),
        10,
        None,
        date(2021, 4, 1),
        [date(2021, 3, 31)],
        id="ca-10-lands-chavez-day",
    ),
]


@pytest.mark.parametrize(
    ("jurisdiction", "start", "n", "closures", "due", "rolled"), CALENDAR_DAY_CASES
)
def test_add_calendar_days_rolls_forward(
    jurisdiction: str,
    start: date,
    n: int,
    closures: dict[date, str] | None,
    due: date,
    rolled: list[date],
) -> None:
    result = add_calendar_days(calendar_for(jurisdiction, closures), start, n)
    assert result.due == due
    assert [d.date for d in result.skipped] == rolled


def test_add_calendar_days_without_rolling_forward() -> None:
    # Sat 2019-08-03 + 29 = Sun Sep 1, kept as is.
    result = add_calendar_days(calendar_for("US"), date(2019, 8, 3), 29, roll_forward=False)
    assert result.due == date(2019, 9, 1)
    assert result.skipped == ()


# --- Deemed receipt -------------------------------------------------------------------------------

# (jurisdiction, received, closures, deemed, days passed over)
DEEMED_RECEIPT_CASES = [
    # Received Sat 2019-03-02 -> deemed Mon Mar 4.
    pytest.param(
        "US-MA",
        date(2019, 3, 2),
        None,
        date(2019, 3, 4),
        [date(2019, 3, 2), date(2019, 3, 3)],
        id="saturday",
    ),
    # Fri 2021-12-24 is a MA business day (Saturday Christmas not moved): received that day.
    pytest.param("US-MA", date(2021, 12, 24), None, date(2021, 12, 24), [], id="business-day"),
    # Sun 2022-06-19 (Juneteenth) -> Mon Jun 20 is the observed holiday -> Tue Jun 21.
    pytest.param(
        "US-MA",
        date(2022, 6, 19),
        None,
        date(2022, 6, 21),
        [date(2022, 6, 19), date(2022, 6, 20)],
        id="sunday-holiday",
    ),
    # Sat 2022-12-24, Sun 25 Christmas, Mon 26 Christmas observed -> Tue Dec 27.
    pytest.param(
        "US-MA",
        date(2022, 12, 24),
        None,
        date(2022, 12, 27),
        [date(2022, 12, 24), date(2022, 12, 25), date(2022, 12, 26)],
        id="christmas-weekend",
    ),
    # Mon 2024-02-12 with the office closed for snow -> Tue Feb 13.
    pytest.param(
        "US-MA",
        date(2024, 2, 12),
        {date(2024, 2, 12): "Snow emergency"},
        date(2024, 2, 13),
        [date(2024, 2, 12)],
        id="closure",
    ),
]


@pytest.mark.parametrize(
    ("jurisdiction", "received", "closures", "deemed", "passed"),
    [
        *DEEMED_RECEIPT_CASES,
        # Synthetic (Massachusetts has no holiday on which offices stay open): on an Illinois
        # calendar, Good Friday, Fri 2024-03-29, is a statutory holiday (205 ILCS 630/17) on
        # which state offices are open, a business day: a request received then is deemed
        # received that day; "business day" is the rule of 950 CMR 32.06(2)(e), not the roll
        # of a last day.
        pytest.param("US-IL", date(2024, 3, 29), None, date(2024, 3, 29), [], id="offices-open"),
    ],
)
def test_deemed_receipt(
    jurisdiction: str,
    received: date,
    closures: dict[date, str] | None,
    deemed: date,
    passed: list[date],
) -> None:
    result = deemed_receipt(calendar_for(jurisdiction, closures), received)
    assert result.start == received
    assert result.due == deemed
    assert [d.date for d in result.skipped] == passed


# --- Working days between -------------------------------------------------------------------------

# (jurisdiction, start, end, expected)
BETWEEN_CASES = [
    # After Thu 2021-12-23 up to Mon 2022-01-03: 24 off, 27 28 29 30 (4), 31 off, Jan 3 (5).
    pytest.param("US", date(2021, 12, 23), date(2022, 1, 3), 5, id="us-year-end"),
    # In MA Dec 24 and 31 count: 24, 27-31, Jan 3 = 7.
    pytest.param("US-MA", date(2021, 12, 23), date(2022, 1, 3), 7, id="ma-year-end"),
    pytest.param("US", date(2019, 1, 16), date(2019, 1, 16), 0, id="same-day"),
    # End before start: minus the working days after Fri Jan 18 up to Tue Jan 22 2019 (MLK Mon 21
    # off): only Jan 22 -> -1.
    pytest.param("US", date(2019, 1, 22), date(2019, 1, 18), -1, id="one-working-day-overdue"),
    # From a Saturday to the next Monday: Sun off, Mon counts -> 1.
    pytest.param("US", date(2019, 3, 2), date(2019, 3, 4), 1, id="weekend-to-monday"),
]


@pytest.mark.parametrize(("jurisdiction", "start", "end", "expected"), BETWEEN_CASES)
def test_working_days_between(jurisdiction: str, start: date, end: date, expected: int) -> None:
    assert working_days_between(calendar_for(jurisdiction), start, end) == expected


# --- Bad input ------------------------------------------------------------------------------------


def test_unknown_jurisdiction_lists_the_known_ones() -> None:
    with pytest.raises(UnknownJurisdiction, match=r"'US-ZZ'.*US, US-MA, US-CA") as excinfo:
        calendar_for("US-ZZ")
    assert isinstance(excinfo.value, ValueError)
    with pytest.raises(UnknownJurisdiction):
        calendar_for("us", {date(2020, 1, 2): "x"})


def test_datetimes_are_refused() -> None:
    # A datetime would never equal a holiday's date key and would count holidays as working days.
    cal = calendar_for("US")
    with pytest.raises(TypeError, match=r"datetime\.date"):
        add_working_days(cal, datetime(2019, 1, 16, 9, 30), 20)
    with pytest.raises(TypeError):
        calendar_for("US", {datetime(2019, 1, 30): "Storm"})


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(calendar_for("US"), date(2019, 1, 16), -1)
    with pytest.raises(ValueError, match="negative"):
        add_calendar_days(calendar_for("US"), date(2019, 1, 16), -1)


def test_years_before_the_supported_law_are_refused() -> None:
    with pytest.raises(UnsupportedYear, match=str(FIRST_SUPPORTED_YEAR)):
        calendar_for("US").is_working_day(date(FIRST_SUPPORTED_YEAR - 1, 6, 3))


# --- The holidays library next to the statute ----------------------------------------------------
# We follow 5 U.S.C. 6103 and G.L. c.4 §7 cl. 18, written out in calendars.py. These tests show what
# holidays 0.109 answers for the disputed dates next to our answer, so a library upgrade that
# changes either side is noticed.


def test_library_names_mlk_day_differently_from_the_statute() -> None:
    day = date(2021, 1, 18)
    assert holidays.US(years=2021)[day] == "Martin Luther King Jr. Day"
    # 5 U.S.C. 6103(a): "Birthday of Martin Luther King, Jr."
    assert calendar_for("US").non_working_reason(day) == NonWorkingDay(
        day, "Birthday of Martin Luther King, Jr.", "holiday", "5 U.S.C. 6103(a)"
    )


@pytest.mark.parametrize(
    ("day", "library_name"),
    [
        # Executive Orders 13900 (2019), 13965 (2020), 14129 (2024), 14133 and 14371 (2025).
        pytest.param(date(2019, 12, 24), "Christmas Eve", id="2019-12-24"),
        pytest.param(date(2020, 12, 24), "Christmas Eve", id="2020-12-24"),
        pytest.param(date(2024, 12, 24), "Christmas Eve", id="2024-12-24"),
        pytest.param(
            date(2025, 1, 9),
            "National Day of Mourning for former President Jimmy Carter",
            id="2025-01-09",
        ),
        pytest.param(date(2025, 12, 26), "Day After Christmas", id="2025-12-26"),
    ],
)
def test_library_government_category_adds_executive_order_closures(
    day: date, library_name: str
) -> None:
    government = holidays.US(years=day.year, categories=("government",))
    assert government.get(day) == library_name
    # Not statutory: a working day unless staff enter it as a closure.
    assert calendar_for("US").is_working_day(day)


def test_library_dc_calendar_has_inauguration_day() -> None:
    day = date(2021, 1, 20)
    assert holidays.US(subdiv="DC", years=2021).get(day) == "Inauguration Day"
    assert day not in holidays.US(years=2021)
    # 5 U.S.C. 6103(c): D.C.-area employees only; not counted.
    assert calendar_for("US").is_working_day(day)


def test_library_lists_the_weekend_date_of_a_moved_holiday() -> None:
    # Library: both Sat Jul 4 2020 and the observed Fri Jul 3 are "holidays".
    library = holidays.US(years=2020)
    assert library.get(date(2020, 7, 4)) == "Independence Day"
    assert library.get(date(2020, 7, 3)) == "Independence Day (observed)"
    # Ours: the Friday is the holiday (6103(b)); the Saturday is shown as a weekend day.
    cal = calendar_for("US")
    assert cal.non_working_reason(date(2020, 7, 4)) == NonWorkingDay(
        date(2020, 7, 4), "Saturday", "weekend"
    )
    assert cal.non_working_reason(date(2020, 7, 3)) == NonWorkingDay(
        date(2020, 7, 3),
        "Independence Day (observed)",
        "holiday",
        "5 U.S.C. 6103(a)-(b); E.O. 11582",
    )


def test_library_files_new_years_observed_under_the_previous_year() -> None:
    # The library keeps 2021-12-31 (New Year's Day 2022 observed) under year 2021; a lookup built
    # from holidays.US(years=2022) alone would miss it.
    assert date(2021, 12, 31) in holidays.US(years=2021)
    assert date(2021, 12, 31) not in holidays.US(years=2022, expand=False)
    assert calendar_for("US").non_working_reason(date(2021, 12, 31)) == NonWorkingDay(
        date(2021, 12, 31),
        "New Year's Day (observed)",
        "holiday",
        "5 U.S.C. 6103(a)-(b); E.O. 11582",
    )


@pytest.mark.parametrize(
    ("jurisdiction", "day", "library_name"),
    [
        pytest.param("US-CA", date(2024, 2, 15), "Susan B. Anthony Day", id="ca-sba"),
        pytest.param("US-NY", date(2024, 2, 15), "Susan B. Anthony Day", id="ny-sba"),
        pytest.param("US-FL", date(2024, 2, 15), "Susan B. Anthony Day", id="fl-sba"),
        pytest.param("US-TX", date(2024, 3, 29), "Good Friday", id="tx-good-friday"),
        pytest.param("US-TX", date(2025, 3, 31), "Cesar Chavez Day", id="tx-chavez"),
    ],
)
def test_library_public_days_on_which_state_offices_stay_open(
    jurisdiction: str, day: date, library_name: str
) -> None:
    library = holidays.US(subdiv=jurisdiction.removeprefix("US-"), years=day.year)
    assert library.get(day) == library_name
    assert calendar_for(jurisdiction).is_working_day(day)


def _library_weekday_dates(subdivision: str | None, years: range) -> set[date]:
    library = holidays.US(subdiv=subdivision, years=years)
    return {d for d in library if d.weekday() < 5 and d.year in years}


def test_federal_dates_agree_with_the_library_1986_to_2060() -> None:
    # Apart from the names and categories above, the weekday dates off agree: including Juneteenth
    # (none in 2020, observed Fri 2021-06-18) and New Year's observed on Dec 31 (2021, 2027, ...).
    years = range(1986, 2061)
    cal = calendar_for("US")
    ours = {d.date for year in years for d in cal.days_off(year)}
    assert ours == _library_weekday_dates(None, years)


def test_massachusetts_dates_agree_with_the_library_1986_to_2060() -> None:
    years = range(1986, 2061)
    cal = calendar_for("US-MA")
    ours = {d.date for year in years for d in cal.days_off(year)}
    assert ours == _library_weekday_dates("MA", years)


# --- Housekeeping ---------------------------------------------------------------------------------


def test_every_jurisdiction_builds_a_calendar() -> None:
    assert set(JURISDICTIONS) == {
        "US",
        "US-MA",
        "US-CA",
        "US-NY",
        "US-IL",
        "US-TX",
        "US-WA",
        "US-FL",
    }
    for jurisdiction in JURISDICTIONS:
        # Christmas Day 2024 is a Wednesday: off everywhere.
        assert not calendar_for(jurisdiction).is_working_day(date(2024, 12, 25))


def test_modules_import_no_django() -> None:
    code = (
        "import sys, requests_app.deadlines.calendars, requests_app.deadlines.rules; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    completed = subprocess.run([sys.executable, "-c", code], cwd=root, check=False)
    assert completed.returncode == 0, "requests_app.deadlines.calendars or .rules imported Django"
