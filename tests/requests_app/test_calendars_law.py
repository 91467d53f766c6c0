"""State holiday law written from each statute: hand-counted deadlines around every holiday on
which the statute and the ``holidays`` library disagree, and one cross-check per state that pins
exactly where they disagree (so a library upgrade that changes either side is noticed).

No Django, no database. Each expected date was counted by hand on a printed calendar
(``python3 -c 'import calendar; print(calendar.month(2025, 2))'``); the comment gives the count.
"""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from requests_app.deadlines.calendars import (
    FORUMS,
    NonWorkingDay,
    UnknownJurisdiction,
    UnknownObservance,
    add_calendar_days,
    add_working_days,
    calendar_for,
    observance_choices,
    roll_last_working_day,
    year_listing,
)
from requests_app.deadlines.rules import compute, extend


def _reason(jurisdiction: str, day: date) -> tuple[str, str] | None:
    reason = calendar_for(jurisdiction).last_day_reason(day)
    return None if reason is None else (reason.kind, reason.name)


# --- California ----------------------------------------------------------------------------------
# Code Civ. Proc. §12a: "If the last day for the performance of any act provided or required by
# law to be performed within a specified period of time is a holiday, then that period is hereby
# extended to and including the next day that is not a holiday. For purposes of this section,
# 'holiday' means all day on Saturdays, all holidays specified in Section 135 ..."
# CCP §135: "Every full day designated as a holiday by Section 6700 of the Government Code ... is a
# judicial holiday, except September 9, known as 'Admission Day,' the second Monday in October,
# known as 'Columbus Day,' ... Every Saturday and the day after Thanksgiving Day are judicial
# holidays." State offices close only on the days of Gov. Code §19853.


def test_ca_lincoln_day_rolls_a_cpra_last_day_though_offices_are_open() -> None:
    # Received Sun 2025-02-02; Gov. Code §7922.535: 10 days -> Wed Feb 12, Lincoln Day (Gov. Code
    # §6700(a), a judicial holiday under CCP §135); offices are open (not in §19853), so it is a
    # business day, but the period rolls to Thu Feb 13. The library has no Lincoln Day for CA.
    assert calendar_for("US-CA").is_working_day(date(2025, 2, 12))
    result = compute(("US-CA", "response"), date(2025, 2, 2))
    assert result.due == date(2025, 2, 13)
    assert [(d.date, d.name, d.kind) for d in result.skipped] == [
        (date(2025, 2, 12), "Lincoln Day", "legal_holiday")
    ]
    assert "CCP" in result.skipped[0].citation or "Code Civ. Proc." in result.skipped[0].citation
    assert date(2025, 2, 12) not in holidays.US(subdiv="CA", years=2025)


def test_ca_native_american_day_rolls_a_cpra_last_day() -> None:
    # Received Tue 2025-09-16 + 10 days = Fri Sep 26, the fourth Friday of September (Fridays 5,
    # 12, 19, 26): Native American Day, a judicial holiday since 2022 (AB 855) -> Sat 27, Sun 28
    # -> Mon Sep 29.
    assert compute(("US-CA", "response"), date(2025, 9, 16)).due == date(2025, 9, 29)
    assert date(2025, 9, 26) not in holidays.US(subdiv="CA", years=2025)


def test_ca_juneteenth_is_a_business_day_on_which_a_period_may_not_end() -> None:
    # Juneteenth (Gov. Code §6700 from 2023) is a judicial holiday but not a state-office holiday
    # (§19853(e) only lets employees elect holiday credit for it); the library lists it as a
    # public holiday. Received Mon 2025-06-09 + 10 = Thu Jun 19 -> Fri Jun 20.
    assert calendar_for("US-CA").is_working_day(date(2025, 6, 19))
    assert _reason("US-CA", date(2025, 6, 19)) == ("legal_holiday", "Juneteenth")
    assert compute(("US-CA", "response"), date(2025, 6, 9)).due == date(2025, 6, 20)


def test_ca_saturday_judicial_holiday_is_observed_on_the_friday() -> None:
    # July 4 2026 is a Saturday. Rule 1.11: the courts observe it on Fri Jul 3; state offices do
    # not move it (§19853(b) moves only Sunday holidays and a Saturday November 11). Received Tue
    # 2026-06-23 + 10 = Fri Jul 3 -> Sat 4, Sun 5 -> Mon Jul 6.
    assert calendar_for("US-CA").is_working_day(date(2026, 7, 3))
    assert compute(("US-CA", "response"), date(2026, 6, 23)).due == date(2026, 7, 6)


def test_ca_admission_day_and_columbus_day_do_not_roll() -> None:
    # Both are in Gov. Code §6700 but excluded by CCP §135 (Columbus Day from 2022).
    # Received Sat 2025-08-30 + 10 = Tue Sep 9, Admission Day: due that day.
    assert compute(("US-CA", "response"), date(2025, 8, 30)).due == date(2025, 9, 9)
    # Received Fri 2025-10-03 + 10 = Mon Oct 13, Columbus Day: due that day.
    assert compute(("US-CA", "response"), date(2025, 10, 3)).due == date(2025, 10, 13)
    # In 2021 Columbus Day (Mon Oct 11) was still a judicial holiday.
    assert _reason("US-CA", date(2021, 10, 11)) == ("legal_holiday", "Columbus Day")


def test_ca_library_cross_check_2024_2028() -> None:
    assert _library_differences("US-CA", "CA") == (
        {
            date(2024, 2, 15): "Susan B. Anthony Day",
            date(2024, 6, 19): "Juneteenth National Independence Day",
            date(2025, 6, 19): "Juneteenth National Independence Day",
            date(2026, 6, 19): "Juneteenth National Independence Day",
            date(2026, 7, 3): "Independence Day (observed)",
            date(2027, 6, 18): "Juneteenth National Independence Day (observed)",
            date(2027, 10, 29): "Diwali",
            date(2027, 12, 24): "Christmas Day (observed)",
            date(2027, 12, 31): "New Year's Day (observed)",
            date(2028, 2, 15): "Susan B. Anthony Day",
            date(2028, 6, 19): "Juneteenth National Independence Day",
            date(2028, 10, 17): "Diwali",
        },
        {},
    )


# --- New York ------------------------------------------------------------------------------------
# Gen. Constr. Law §24: "... and if any of such days except Flag day is Sunday, the next day
# thereafter; each general election day ..." — a Saturday holiday is not moved to the Friday.
# §25-a: a period that "ends on a Saturday, Sunday or a public holiday" runs to the next business
# day.


def test_ny_saturday_holiday_leaves_the_friday_a_business_day() -> None:
    # Juneteenth 2027 is a Saturday. Public Officers Law §89(3)(a): 5 business days from Mon
    # 2027-06-14: Tue 15(1), Wed 16(2), Thu 17(3), Fri 18(4), Mon 21(5). The library moves the
    # holiday to Fri 18 and would answer Tue 22.
    assert compute(("US-NY", "acknowledgment"), date(2027, 6, 14)).due == date(2027, 6, 21)
    for friday in (date(2026, 7, 3), date(2028, 2, 11), date(2028, 11, 10)):
        assert calendar_for("US-NY").is_working_day(friday)


def test_ny_general_election_day_every_year() -> None:
    # New York elects every November (Election Law §8-100). 5 business days from Fri 2025-10-31:
    # Mon Nov 3(1), Tue 4 General Election Day skipped, Wed 5(2), Thu 6(3), Fri 7(4), Mon 10(5).
    result = compute(("US-NY", "acknowledgment"), date(2025, 10, 31))
    assert result.due == date(2025, 11, 10)
    assert (date(2025, 11, 4), "General Election Day") in [(d.date, d.name) for d in result.skipped]


def test_ny_library_cross_check_2024_2028() -> None:
    assert _library_differences("US-NY", "NY") == (
        {
            date(2024, 2, 15): "Susan B. Anthony Day",
            date(2026, 7, 3): "Independence Day (observed)",
            date(2027, 6, 18): "Juneteenth National Independence Day (observed)",
            date(2027, 12, 24): "Christmas Day (observed)",
            date(2027, 12, 31): "New Year's Day (observed)",
            date(2028, 2, 11): "Lincoln's Birthday (observed)",
            date(2028, 2, 15): "Susan B. Anthony Day",
            date(2028, 11, 10): "Veterans Day (observed)",
        },
        {},
    )


# --- Illinois ------------------------------------------------------------------------------------
# 5 ILCS 70/1.11: "The time within which any act provided by law is to be done shall be computed
# by excluding the first day and including the last, unless the last day is Saturday or Sunday or
# is a holiday as defined or fixed in any statute now or hereafter in force in this State, and then
# it shall also be excluded." 205 ILCS 630/17(a) lists Casimir Pulaski's birthday and Good Friday,
# on which state offices are open (80 Ill. Adm. Code 303.190).


def test_il_good_friday_rolls_the_last_business_day() -> None:
    # 5 ILCS 140/3(d): 5 business days from Fri 2025-04-11: Mon 14(1), 15(2), 16(3), 17(4), Fri 18
    # (5) — Good Friday, a business day but a statutory holiday -> Sat 19, Sun 20 -> Mon Apr 21.
    result = compute(("US-IL", "response"), date(2025, 4, 11))
    assert result.due == date(2025, 4, 21)
    assert [(d.date, d.kind) for d in result.skipped] == [
        (date(2025, 4, 12), "weekend"),
        (date(2025, 4, 13), "weekend"),
        (date(2025, 4, 18), "legal_holiday"),
        (date(2025, 4, 19), "weekend"),
        (date(2025, 4, 20), "weekend"),
    ]
    assert result.skipped[2].name == "Good Friday"
    # The library has no Good Friday for Illinois and would stop on Fri Apr 18.
    assert date(2025, 4, 18) not in holidays.US(subdiv="IL", years=2025)


def test_il_casimir_pulaski_day_counts_but_a_period_may_not_end_on_it() -> None:
    # 5 business days from Mon 2025-02-24: 25(1), 26(2), 27(3), 28(4), Mon Mar 3(5) — Casimir
    # Pulaski's Birthday: counted (offices open) but the last day rolls to Tue Mar 4.
    result = compute(("US-IL", "response"), date(2025, 2, 24))
    assert result.due == date(2025, 3, 4)
    assert result.skipped[-1].date == date(2025, 3, 3)
    assert result.skipped[-1].kind == "legal_holiday"
    # ... while a count running through it counts it: from Fri 2025-02-28, Mon 3(1) .. Fri 7(5).
    assert compute(("US-IL", "response"), date(2025, 2, 28)).due == date(2025, 3, 7)


def test_il_day_after_thanksgiving_closes_state_offices() -> None:
    # From Mon 2025-11-24: Tue 25(1), Wed 26(2), Thu 27 Thanksgiving, Fri 28 day after (CMS
    # schedule), Sat, Sun, Mon Dec 1(3), Tue 2(4), Wed 3(5). The library counts Fri 28: Tue Dec 2.
    assert compute(("US-IL", "response"), date(2025, 11, 24)).due == date(2025, 12, 3)


def test_il_extension_rolls_too() -> None:
    # 5 ILCS 140/3(e): 5 more business days from a due date of Fri 2025-04-11: same count as above.
    assert extend("US-IL", "response", date(2025, 4, 11)).due == date(2025, 4, 21)


def test_il_library_cross_check_2024_2028() -> None:
    pulaski = [date(2024, 3, 4), date(2025, 3, 3), date(2026, 3, 2), date(2027, 3, 1)]
    day_after = [date(2024, 11, 29), date(2025, 11, 28), date(2026, 11, 27), date(2027, 11, 26)]
    assert _library_differences("US-IL", "IL") == (
        dict.fromkeys([*pulaski, date(2028, 3, 6)], "Casimir Pulaski Day"),
        dict.fromkeys([*day_after, date(2028, 11, 24)], "Day after Thanksgiving"),
    )


# --- Texas ---------------------------------------------------------------------------------------
# Gov't Code §552.0031(a): "'business day' means a day other than: (1) a Saturday or Sunday; (2)
# a national holiday under Section 662.003(a); or (3) a state holiday under Section 662.003(b)."
# (e): "The Friday before or Monday after a holiday ... is not a business day of a governmental
# body if the holiday occurs on a Saturday or Sunday and the governmental body observes the
# holiday on that Friday or Monday." State agencies do not.


def test_tx_weekend_holiday_on_its_own_date_for_state_agencies() -> None:
    # July 4 2026 is a Saturday. §552.301(b): 10 business days from Fri 2026-06-26: Mon 29(1),
    # 30(2), Jul 1(3), 2(4), Fri 3(5), Mon 6(6), 7(7), 8(8), 9(9), Fri 10(10).
    assert compute(("US-TX", "ag_ruling_request"), date(2026, 6, 26)).due == date(2026, 7, 10)


def test_tx_friday_monday_observance() -> None:
    # A body that observes it on Fri Jul 3 (§552.0031(e)): 3 is skipped, so 10 lands on Mon 13.
    cal = calendar_for("US-TX", observance="friday_monday")
    assert add_working_days(cal, date(2026, 6, 26), 10).due == date(2026, 7, 13)
    reason = cal.non_working_reason(date(2026, 7, 3))
    assert reason is not None
    assert reason.name == "Independence Day (observed)"
    assert "552.0031" in reason.citation


def test_tx_optional_holidays_are_business_days() -> None:
    # §662.003(c): Good Friday (2025-04-18) and Cesar Chavez Day (Mon 2025-03-31) are optional.
    for day in (date(2025, 4, 18), date(2025, 3, 31)):
        assert calendar_for("US-TX").is_working_day(day)
        assert _reason("US-TX", day) is None


def test_tx_skeleton_crew_state_holiday_is_not_a_business_day() -> None:
    # Texas Independence Day, Mon 2026-03-02 (§662.003(b)(2)): agencies stay open with a skeleton
    # crew (§662.004) but §552.0031(a)(3) makes it a non-business day.
    assert _reason("US-TX", date(2026, 3, 2)) == ("holiday", "Texas Independence Day")


def test_tx_observance_choices_and_unknown_choice() -> None:
    assert set(observance_choices("US-TX")) == {"statute", "friday_monday"}
    assert "552.0031" in observance_choices("US-TX")["friday_monday"]
    with pytest.raises(UnknownObservance, match="statute, friday_monday"):
        calendar_for("US-TX", observance="monday_only")


def test_tx_library_cross_check_2024_2028() -> None:
    assert _library_differences("US-TX", "TX") == (
        {
            date(2024, 3, 29): "Good Friday",
            date(2025, 3, 31): "Cesar Chavez Day",
            date(2025, 4, 18): "Good Friday",
            date(2026, 3, 31): "Cesar Chavez Day",
            date(2026, 4, 3): "Good Friday",
            date(2026, 7, 3): "Independence Day (observed)",
            date(2027, 3, 26): "Good Friday",
            date(2027, 3, 31): "Cesar Chavez Day",
            date(2027, 6, 18): "Juneteenth National Independence Day (observed)",
            date(2027, 7, 5): "Independence Day (observed)",
            date(2027, 12, 23): "Christmas Eve (observed)",
            date(2027, 12, 31): "New Year's Day (observed)",
            date(2028, 3, 31): "Cesar Chavez Day",
            date(2028, 4, 14): "Good Friday",
            date(2028, 11, 10): "Veterans Day (observed)",
            date(2028, 12, 22): "Christmas Eve (observed)",
        },
        {},
    )


# --- Washington ----------------------------------------------------------------------------------
# RCW 1.16.050: legal holidays incl. "(f) The nineteenth day of June, recognized as Juneteenth"
# and "(k) The Friday immediately following the fourth Thursday in November, to be known as Native
# American Heritage Day"; a Saturday holiday is held on the preceding Friday, a Sunday one on the
# following Monday. RCW 1.12.040: a last day that "is a holiday, Saturday, or Sunday" is excluded.


def test_wa_saturday_juneteenth_closes_the_friday() -> None:
    # RCW 42.56.520: 5 business days from Mon 2027-06-14: 15(1), 16(2), 17(3), Fri 18 Juneteenth
    # (observed), Mon 21(4), Tue 22(5).
    assert compute(("US-WA", "response"), date(2027, 6, 14)).due == date(2027, 6, 22)


def test_wa_library_cross_check() -> None:
    # 2024-2028: no difference. Before: the library starts the day after Thanksgiving in 2014 and
    # observes Juneteenth in 2021, a year before RCW 1.16.050 made it a legal holiday (2022).
    assert _library_differences("US-WA", "WA") == ({}, {})
    assert _library_differences("US-WA", "WA", range(2021, 2022)) == (
        {date(2021, 6, 18): "Juneteenth National Independence Day (observed)"},
        {},
    )
    early = _library_differences("US-WA", "WA", range(2010, 2014))
    assert early == (
        {},
        {
            date(2010, 11, 26): "Native American Heritage Day",
            date(2011, 11, 25): "Native American Heritage Day",
            date(2012, 11, 23): "Native American Heritage Day",
            date(2013, 11, 29): "Native American Heritage Day",
        },
    )


# --- Florida -------------------------------------------------------------------------------------
# Fla. Stat. §110.117(1): "The following holidays shall be paid holidays observed by all state
# branches and agencies: (a) New Year's Day. (b) Birthday of Martin Luther King, Jr. ... (c)
# Memorial Day. (d) Independence Day. (e) Labor Day. (f) Veterans' Day ... (g) Thanksgiving Day.
# (h) Friday after Thanksgiving. (i) Christmas Day." No Juneteenth, no Presidents' Day.


def test_fl_juneteenth_is_a_business_day() -> None:
    # Follow-up 10 business days from Fri 2025-06-13: Mon 16(1), 17(2), 18(3), Thu 19(4), Fri
    # 20(5), Mon 23(6) .. Fri 27(10). The library lists Juneteenth for Florida: Mon Jun 30.
    assert compute(("US-FL", "follow_up"), date(2025, 6, 13)).due == date(2025, 6, 27)
    assert _reason("US-FL", date(2025, 2, 17)) is None  # Presidents' Day: offices open


def test_fl_library_cross_check_2024_2028() -> None:
    assert _library_differences("US-FL", "FL") == (
        {
            date(2024, 2, 15): "Susan B. Anthony Day",
            date(2024, 6, 19): "Juneteenth National Independence Day",
            date(2025, 6, 19): "Juneteenth National Independence Day",
            date(2026, 6, 19): "Juneteenth National Independence Day",
            date(2027, 2, 15): "Susan B. Anthony Day",
            date(2027, 6, 18): "Juneteenth National Independence Day (observed)",
            date(2028, 2, 15): "Susan B. Anthony Day",
            date(2028, 6, 19): "Juneteenth National Independence Day",
        },
        {},
    )


# --- Federal court forums (FRCP 6(a)(6)(C)) ------------------------------------------------------
# FRCP 6(a)(6): "'Legal holiday' means: ... (C) for periods that are measured after an event, any
# other day declared a holiday by the state where the district court is located."


def test_dc_forum_rolls_past_dc_emancipation_day() -> None:
    # 5 U.S.C. 552(a)(4)(C): 30 days from service on Mon 2025-03-17 = Wed Apr 16, DC Emancipation
    # Day (D.C. Code §28-2701). In D.D.C. the answer is due Thu Apr 17; elsewhere on Apr 16.
    us = calendar_for("US")
    dc = calendar_for("US", forum="US-DC")
    assert add_calendar_days(us, date(2025, 3, 17), 30).due == date(2025, 4, 16)
    rolled = add_calendar_days(dc, date(2025, 3, 17), 30)
    assert rolled.due == date(2025, 4, 17)
    assert rolled.skipped[0].kind == "legal_holiday"
    assert rolled.skipped[0].citation.startswith("FRCP 6(a)(6)(C); D.C. Code §28-2701")
    # The business days of the federal calendar do not change.
    assert dc.is_working_day(date(2025, 4, 16))


def test_state_forum_rolls_past_the_states_declared_holidays() -> None:
    # N.D. Cal.: 30 days from Mon 2025-01-13 = Wed Feb 12, Lincoln Day (Gov. Code §6700) -> Thu 13.
    cal = calendar_for("US", forum="US-CA")
    assert add_calendar_days(cal, date(2025, 1, 13), 30).due == date(2025, 2, 13)
    # N.D. Ill.: 31 days from Fri 2025-01-31 = Mon Mar 3, Casimir Pulaski's Birthday -> Tue 4.
    cal = calendar_for("US", forum="US-IL")
    assert add_calendar_days(cal, date(2025, 1, 31), 31).due == date(2025, 3, 4)
    # S.D. Fla.: 30 days from Wed 2025-10-29 = Fri Nov 28, the Friday after Thanksgiving (a state
    # holiday by Fla. Stat. §110.117, though not in §683.01) -> Sat, Sun -> Mon Dec 1; without the
    # forum, Nov 28 is a federal business day and the answer is due then.
    assert add_calendar_days(calendar_for("US"), date(2025, 10, 29), 30).due == date(2025, 11, 28)
    cal = calendar_for("US", forum="US-FL")
    assert add_calendar_days(cal, date(2025, 10, 29), 30).due == date(2025, 12, 1)


def test_forums_and_unknown_forum() -> None:
    assert set(FORUMS) == {
        "US-MA",
        "US-CA",
        "US-NY",
        "US-IL",
        "US-TX",
        "US-WA",
        "US-FL",
        "US-DC",
    }
    with pytest.raises(UnknownJurisdiction, match="US-DC"):
        calendar_for("US", forum="US-ZZ")
    # D.C. is a forum, not a records jurisdiction.
    with pytest.raises(UnknownJurisdiction):
        calendar_for("US-DC")


def test_presidential_closures_with_a_court_calendar() -> None:
    # FRCP 6(a)(6)(B): a day declared a holiday by the President (Christmas Eve 2024, Tue) rolls.
    cal = calendar_for("US", {date(2024, 12, 24): "Executive order"}, forum="US-DC")
    assert add_calendar_days(cal, date(2024, 11, 24), 30).due == date(2024, 12, 26)


# --- The interface -------------------------------------------------------------------------------


def test_a_statute_leaving_no_choice_has_no_observances() -> None:
    for code in ("US", "US-MA", "US-CA", "US-NY", "US-IL", "US-WA", "US-FL"):
        assert dict(observance_choices(code)) == {}
    with pytest.raises(UnknownObservance, match="none"):
        calendar_for("US-NY", observance="friday_monday")


def test_non_working_day_carries_its_citation() -> None:
    reason = calendar_for("US-WA").non_working_reason(date(2025, 11, 28))
    assert reason == NonWorkingDay(
        date(2025, 11, 28), "Native American Heritage Day", "holiday", "RCW 1.16.050"
    )
    assert reason.as_dict()["citation"] == "RCW 1.16.050"


def test_roll_last_working_day_changes_nothing_outside_illinois() -> None:
    # Good Friday 2025 is no holiday in New York: a count ending on it stays.
    cal = calendar_for("US-NY")
    counted = add_working_days(cal, date(2025, 4, 11), 5)
    assert counted.due == date(2025, 4, 18)
    assert roll_last_working_day(cal, counted) is counted


def test_year_listing_shows_both_lists() -> None:
    listing = {d.date: d for d in year_listing("US-IL", 2025)}
    assert listing[date(2025, 3, 3)].kind == "legal_holiday"  # Pulaski: offices open
    assert listing[date(2025, 4, 18)].kind == "legal_holiday"  # Good Friday
    assert listing[date(2025, 11, 28)].kind == "holiday"  # day after Thanksgiving: closed
    assert all(d.date.weekday() < 5 for d in listing.values())
    assert all(d.citation for d in listing.values())
    dc = {d.date: d.kind for d in year_listing("US", 2025, forum="US-DC")}
    assert dc[date(2025, 4, 16)] == "legal_holiday"
    assert dc[date(2025, 1, 20)] == "holiday"  # MLK Day (and Inauguration Day in D.C.)


# --- The cross-check helper ----------------------------------------------------------------------


def _library_differences(
    jurisdiction: str, subdivision: str, years: range = range(2024, 2029)
) -> tuple[dict[date, str], dict[date, str]]:
    """(weekdays the library's "public" category lists but the statute does not close offices on,
    weekdays the statute closes offices on that the library does not list)."""
    library = holidays.US(
        subdiv=subdivision,
        years=range(years.start - 1, years.stop + 1),
        categories=("public",),
    )
    theirs = {d: n for d, n in library.items() if d.year in years and d.weekday() < 5}
    cal = calendar_for(jurisdiction)
    ours = {d.date: d.name for year in years for d in cal.days_off(year)}
    return (
        {d: theirs[d] for d in sorted(set(theirs) - set(ours))},
        {d: ours[d] for d in sorted(set(ours) - set(theirs))},
    )


# The library has one "public" list per state and no notion of the days a computation-of-time law
# keeps a period from ending on (its other categories are the federal government's closures,
# half days and unofficial observances), so there is no last-day list of its own to compare
# with. Where a state's last-day list differs from its office closures (California's judicial
# holidays, CCP §135; Illinois' 5 ILCS 70/1.11 holidays), it is still compared with the
# library's public list and every difference pinned, so that a change on either side shows.
# Elsewhere the two lists are the same and the closure cross-checks above cover them.


def _library_last_day_differences(
    jurisdiction: str, subdivision: str, years: range = range(2024, 2029)
) -> tuple[dict[date, str], dict[date, str]]:
    """(weekdays the library lists that are no last-day holiday here, weekdays on which a period
    may not end here that the library does not list)."""
    library = holidays.US(
        subdiv=subdivision,
        years=range(years.start - 1, years.stop + 1),
        categories=("public",),
    )
    theirs = {d: n for d, n in library.items() if d.year in years and d.weekday() < 5}
    ours = {d.date: d.name for y in years for d in year_listing(jurisdiction, y)}
    ours = {d: n for d, n in ours.items() if d.weekday() < 5}
    return (
        {d: theirs[d] for d in sorted(set(theirs) - set(ours))},
        {d: ours[d] for d in sorted(set(ours) - set(theirs))},
    )


def test_california_last_days_against_the_library() -> None:
    # CCP §135 makes Lincoln Day (Feb 12) and Native American Day (fourth Friday of September)
    # judicial holidays; the library lists neither. It lists Susan B. Anthony Day and Diwali,
    # which no period computed here skips: neither is among the judicial holidays of §135 or the
    # state employees' holidays of §19853 as read for this project.
    assert _library_last_day_differences("US-CA", "CA") == (
        {
            date(2024, 2, 15): "Susan B. Anthony Day",
            date(2027, 10, 29): "Diwali",
            date(2028, 2, 15): "Susan B. Anthony Day",
            date(2028, 10, 17): "Diwali",
        },
        {
            date(2024, 2, 12): "Lincoln Day",
            date(2024, 9, 27): "Native American Day",
            date(2025, 2, 12): "Lincoln Day",
            date(2025, 9, 26): "Native American Day",
            date(2026, 2, 12): "Lincoln Day",
            date(2026, 9, 25): "Native American Day",
            date(2027, 2, 12): "Lincoln Day",
            date(2027, 9, 24): "Native American Day",
            date(2028, 2, 11): "Lincoln Day (observed)",
            date(2028, 9, 22): "Native American Day",
        },
    )


def test_illinois_last_days_against_the_library() -> None:
    # 5 ILCS 70/1.11 with 205 ILCS 630/17(a): Good Friday is a holiday a last day rolls past;
    # the day after Thanksgiving closes state offices (80 Ill. Adm. Code 303.190, the CMS
    # schedule). The library lists neither; everything it lists, Casimir Pulaski's Birthday
    # included, is a day a period may not end on here.
    assert _library_last_day_differences("US-IL", "IL") == (
        {},
        {
            date(2024, 3, 29): "Good Friday",
            date(2024, 11, 29): "Day after Thanksgiving",
            date(2025, 4, 18): "Good Friday",
            date(2025, 11, 28): "Day after Thanksgiving",
            date(2026, 4, 3): "Good Friday",
            date(2026, 11, 27): "Day after Thanksgiving",
            date(2027, 3, 26): "Good Friday",
            date(2027, 11, 26): "Day after Thanksgiving",
            date(2028, 4, 14): "Good Friday",
            date(2028, 11, 24): "Day after Thanksgiving",
        },
    )
