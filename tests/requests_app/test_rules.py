"""Deadline rules: every rule of docs/design.md's table computed, extensions, tolling, explanations.

No Django, no database. Expected dates were counted by hand on printed calendars; each row's
comment gives the count. Calendars for the months used:
``python3 -c 'import calendar; print(calendar.month(2019, 3))'``.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from requests_app.deadlines import calendars
from requests_app.deadlines.calendars import JURISDICTIONS, NonWorkingDay, calendar_for
from requests_app.deadlines.rules import (
    RULES,
    DeadlineRule,
    NoExtension,
    UnknownJurisdiction,
    UnknownRule,
    compute,
    extend,
    get_rule,
    remaining_working_days,
    resume,
    rule_name,
    rules_for,
    skipped_in_words,
)

# --- The table ------------------------------------------------------------------------------------


def test_rules_are_the_design_table() -> None:
    # docs/design.md, "Deadline rules"; the bare "552(...)" of the table is 5 U.S.C. 552.
    table = {
        (r.jurisdiction, r.code): (r.counting, r.days, r.roll_forward, r.citation) for r in RULES
    }
    assert table == {
        ("US", "response"): ("working", 20, False, "5 U.S.C. 552(a)(6)(A)(i)"),
        ("US", "appeal_response"): ("working", 20, False, "5 U.S.C. 552(a)(6)(A)(ii)"),
        ("US", "unusual_extension"): ("working", 10, False, "5 U.S.C. 552(a)(6)(B)(i)"),
        ("US", "expedited_determination"): ("calendar", 10, True, "5 U.S.C. 552(a)(6)(E)(ii)(I)"),
        ("US", "appeal_window"): ("calendar", 90, True, "5 U.S.C. 552(a)(6)(A)(i)(III)(aa)"),
        ("US", "foia_answer"): ("calendar", 30, True, "5 U.S.C. 552(a)(4)(C)"),
        ("US", "answer_us_defendant"): ("calendar", 60, True, "FRCP 12(a)(2)"),
        ("US-MA", "response"): (
            "working",
            10,
            False,
            "G.L. c.66 §10(a); 950 CMR 32.03(3), 32.06(2)(e)",
        ),
        ("US-CA", "response"): ("calendar", 10, True, "Gov. Code §7922.535"),
        ("US-NY", "acknowledgment"): ("working", 5, False, "Public Officers Law §89(3)(a)"),
        ("US-IL", "response"): ("working", 5, False, "5 ILCS 140/3(d)-(e)"),
        ("US-TX", "ag_ruling_request"): ("working", 10, False, "Gov't Code §552.301(b)"),
        ("US-WA", "response"): ("working", 5, False, "RCW 42.56.520"),
        ("US-FL", "follow_up"): (
            "working",
            10,
            False,
            'Fla. Stat. §119.07(1)(c) ("promptly"; no statutory period)',
        ),
        ("US-NY", "response"): ("working", 20, False, "Public Officers Law §89(3)(a)"),
        ("US-NY", "appeal_response"): ("working", 10, False, "Public Officers Law §89(4)(a)"),
        ("US-TX", "ag_submission"): ("working", 15, False, "Gov't Code §552.301(e)"),
        ("US-IL", "commercial_response"): ("working", 21, False, "5 ILCS 140/3.1(a)"),
        ("US-IL", "recurrent_response"): ("working", 21, False, "5 ILCS 140/3.2(a)"),
    }
    # Only Massachusetts deems receipt on the next business day; only Florida's row is policy.
    assert [r.jurisdiction for r in RULES if r.deemed_receipt] == ["US-MA"]
    assert [r.jurisdiction for r in RULES if r.policy] == ["US-FL"]
    extensions = {(r.jurisdiction, r.code): r.extension_days for r in RULES if r.extension_days}
    assert extensions == {
        ("US", "response"): 10,
        ("US", "appeal_response"): 10,
        ("US-CA", "response"): 14,
        ("US-IL", "response"): 5,
    }


def test_rules_are_unique_and_have_calendars() -> None:
    keys = [(r.jurisdiction, r.code) for r in RULES]
    assert len(keys) == len(set(keys))
    assert {r.jurisdiction for r in RULES} == set(JURISDICTIONS)


# --- Every rule, computed -------------------------------------------------------------------------

# (jurisdiction, code, trigger, expected due)
RULE_CASES = [
    # Wed 2019-01-16 + 20 working: Jan 17 18(2), skip 19 20 and MLK 21, 22-25(6) 28-31(10)
    # Feb 1(11) 4-8(16) 11-14(20).
    pytest.param("US", "response", date(2019, 1, 16), date(2019, 2, 14), id="us-response"),
    # Appeal received Mon 2022-11-14 + 20 working: 15-18(4) 21-23(7), skip Thanksgiving 24,
    # Fri 25(8) counts, 28-30(11) Dec 1 2(13) 5-9(18) 12 13(20).
    pytest.param(
        "US", "appeal_response", date(2022, 11, 14), date(2022, 12, 13), id="us-appeal-response"
    ),
    # From the due date Thu 2019-02-14 + 10 working: Fri 15(1), skip 16 17 and Presidents' Day 18,
    # 19-22(5) 25-28(9) Mar 1(10).
    pytest.param(
        "US", "unusual_extension", date(2019, 2, 14), date(2019, 3, 1), id="us-unusual-extension"
    ),
    # Mon 2019-11-18 + 10 calendar = Thu Nov 28, Thanksgiving -> Fri Nov 29.
    pytest.param(
        "US",
        "expedited_determination",
        date(2019, 11, 18),
        date(2019, 11, 29),
        id="us-expedited",
    ),
    # Mon 2019-06-03 + 90 calendar: Jun 30 +27, Jul 31 +58, Aug 31 +89, Sun Sep 1 +90; Mon Sep 2
    # Labor Day -> Tue Sep 3.
    pytest.param("US", "appeal_window", date(2019, 6, 3), date(2019, 9, 3), id="us-appeal-window"),
    # Served Wed 2020-06-03 + 30 calendar = Fri Jul 3, Independence Day observed -> Mon Jul 6.
    pytest.param("US", "foia_answer", date(2020, 6, 3), date(2020, 7, 6), id="us-foia-answer"),
    # Served Mon 2021-11-01 + 60 calendar: Nov 30 +29, Fri Dec 31 +60 = New Year's Day 2022
    # observed -> Mon 2022-01-03.
    pytest.param(
        "US",
        "answer_us_defendant",
        date(2021, 11, 1),
        date(2022, 1, 3),
        id="us-answer-us-defendant",
    ),
    # Received Sat 2019-03-02, deemed received Mon Mar 4; + 10 business: 5-8(4) 11-15(9) 18(10).
    # Mon Mar 18 is Evacuation Day observed in Suffolk County only: a business day.
    pytest.param("US-MA", "response", date(2019, 3, 2), date(2019, 3, 18), id="ma-response"),
    # Tue 2024-11-19 + 10 calendar = Fri Nov 29, Day After Thanksgiving (a CA holiday) -> Sat 30,
    # Sun Dec 1 -> Mon Dec 2.
    pytest.param("US-CA", "response", date(2024, 11, 19), date(2024, 12, 2), id="ca-response"),
    # Thu 2024-02-08 + 5 business: Fri 9(1), skip 10 11 and Lincoln's Birthday Mon 12, 13 14(3),
    # Thu 15(4) (Susan B. Anthony Day, offices open), Fri 16(5).
    pytest.param(
        "US-NY", "acknowledgment", date(2024, 2, 8), date(2024, 2, 16), id="ny-acknowledgment"
    ),
    # Fri 2024-03-01 + 5 business: skip Sat 2, Sun 3; Casimir Pulaski's Birthday, Mon 4, is a
    # statutory holiday (205 ILCS 630/17) on which state offices are open (80 Ill. Adm. Code
    # 303.190 does not list it), so it counts: 4-8(5), due Fri 8 (not itself a holiday, so
    # 5 ILCS 70/1.11 does not roll it).
    pytest.param("US-IL", "response", date(2024, 3, 1), date(2024, 3, 8), id="il-response"),
    # Mon 2024-11-18 + 10 business: 19-22(4) 25-27(7), skip Thanksgiving 28 and Friday After
    # Thanksgiving 29, 30, Dec 1, Dec 2 3 4(10).
    pytest.param(
        "US-TX",
        "ag_ruling_request",
        date(2024, 11, 18),
        date(2024, 12, 4),
        id="tx-ag-ruling-request",
    ),
    # Mon 2024-11-25 + 5 business: 26 27(2), skip Thanksgiving 28 and Native American Heritage Day
    # 29, 30, Dec 1, Dec 2 3 4(5).
    pytest.param("US-WA", "response", date(2024, 11, 25), date(2024, 12, 4), id="wa-response"),
    # Policy: Mon 2024-02-12 + 10 business: 13-16(4) (Susan B. Anthony Day open), Mon 19(5)
    # (no Washington's Birthday in Florida), 20-23(9) Mon 26(10).
    pytest.param("US-FL", "follow_up", date(2024, 2, 12), date(2024, 2, 26), id="fl-follow-up"),
    # POL §89(3)(a): "twenty business days from the date of the acknowledgment". Acknowledged Mon
    # 2019-06-03: Jun 4-7(4) 10-14(9) 17-21(14) 24-28(19) Mon Jul 1(20).
    pytest.param("US-NY", "response", date(2019, 6, 3), date(2019, 7, 1), id="ny-response"),
    # POL §89(4)(a): "within ten business days of the receipt of such appeal". Received Mon
    # 2019-09-09: 10-13(4) 16-20(9) Mon 23(10).
    pytest.param(
        "US-NY", "appeal_response", date(2019, 9, 9), date(2019, 9, 23), id="ny-appeal-response"
    ),
    # Gov't Code §552.301(e): "not later than the 15th business day after the date of receiving
    # the written request". Received Mon 2019-09-09: 10-13(4) 16-20(9) 23-27(14) Mon 30(15).
    pytest.param(
        "US-TX", "ag_submission", date(2019, 9, 9), date(2019, 9, 30), id="tx-ag-submission"
    ),
    # 5 ILCS 140/3.1(a): "within 21 working days after receipt". Received Mon 2019-09-09:
    # 10-13(4) 16-20(9) 23-27(14) Sep 30-Oct 4(19) Oct 7 8(21).
    pytest.param(
        "US-IL", "commercial_response", date(2019, 9, 9), date(2019, 10, 8), id="il-commercial"
    ),
    # 5 ILCS 140/3.2(a): "within 21 business days after receipt". Received Mon 2019-06-03:
    # Jun 4-7(4) 10-14(9) 17-21(14) 24-28(19) Jul 1 2(21).
    pytest.param(
        "US-IL", "recurrent_response", date(2019, 6, 3), date(2019, 7, 2), id="il-recurrent"
    ),
]


@pytest.mark.parametrize(("jurisdiction", "code", "trigger", "due"), RULE_CASES)
def test_every_rule(jurisdiction: str, code: str, trigger: date, due: date) -> None:
    explanation = compute((jurisdiction, code), trigger)
    assert explanation.due == due
    assert explanation.rule == code
    assert explanation.jurisdiction == jurisdiction
    assert explanation.trigger == trigger
    assert explanation.citation == get_rule(jurisdiction, code).citation
    # The same answer from the rule object itself.
    assert compute(get_rule(jurisdiction, code), trigger) == explanation


def test_every_rule_has_a_hand_checked_case() -> None:
    covered = {(p.values[0], p.values[1]) for p in RULE_CASES}
    assert covered == {(r.jurisdiction, r.code) for r in RULES}


# --- Massachusetts deemed receipt -----------------------------------------------------------------

# (received, closures, deemed received, due)
MA_CASES = [
    # Sat 2021-12-18 -> Mon Dec 20; Dec 24 and 31 are MA business days (Saturday Christmas and
    # New Year's Day not moved): 21-24(4) 27-31(9) Mon Jan 3(10). Federally both Fridays are off.
    pytest.param(
        date(2021, 12, 18), None, date(2021, 12, 20), date(2022, 1, 3), id="saturday-over-xmas"
    ),
    # Received Fri 2021-12-24, a MA business day: 27-31(5) Jan 3-7(10).
    pytest.param(
        date(2021, 12, 24), None, date(2021, 12, 24), date(2022, 1, 7), id="friday-xmas-eve"
    ),
    # Sun 2022-06-19 (Juneteenth), Mon 20 observed -> Tue Jun 21; 22-24(3) 27-30(7) Jul 1(8),
    # skip 2 3 and Independence Day Mon 4, Tue 5(9) Wed 6(10).
    pytest.param(
        date(2022, 6, 19), None, date(2022, 6, 21), date(2022, 7, 6), id="sunday-juneteenth"
    ),
    # Received on Patriots' Day Mon 2024-04-15 -> Tue Apr 16; 17-19(3) 22-26(8) 29 30(10).
    pytest.param(
        date(2024, 4, 15), None, date(2024, 4, 16), date(2024, 4, 30), id="on-patriots-day"
    ),
    # Received Mon 2024-02-12 while closed for snow -> Tue Feb 13; 14-16(3), skip 17 18 and
    # Washington's Birthday 19, 20-23(7) 26-28(10).
    pytest.param(
        date(2024, 2, 12),
        {date(2024, 2, 12): "Snow emergency"},
        date(2024, 2, 13),
        date(2024, 2, 28),
        id="on-a-closure-day",
    ),
]


@pytest.mark.parametrize(("received", "closures", "deemed", "due"), MA_CASES)
def test_massachusetts_deemed_receipt(
    received: date, closures: dict[date, str] | None, deemed: date, due: date
) -> None:
    explanation = compute(("US-MA", "response"), received, closures)
    assert explanation.trigger == received
    assert explanation.deemed_trigger == deemed
    assert explanation.due == due


def test_deemed_receipt_days_are_listed_first() -> None:
    explanation = compute(("US-MA", "response"), date(2019, 3, 2))
    assert explanation.deemed_trigger == date(2019, 3, 4)
    assert [(d.date, d.name) for d in explanation.skipped] == [
        (date(2019, 3, 2), "Saturday"),
        (date(2019, 3, 3), "Sunday"),
        (date(2019, 3, 9), "Saturday"),
        (date(2019, 3, 10), "Sunday"),
        (date(2019, 3, 16), "Saturday"),
        (date(2019, 3, 17), "Sunday"),
    ]


def test_deemed_receipt_costs_a_day_compared_with_plain_counting() -> None:
    # The same Saturday receipt counted without deemed receipt: Mon Mar 4 would be day 1 and
    # day 10 Fri Mar 15; deemed receipt makes Mon Mar 4 day 0 and Mon Mar 18 day 10.
    plain = DeadlineRule(
        jurisdiction="US-MA",
        code="plain",
        label="Plain count",
        citation="-",
        counting="working",
        days=10,
    )
    assert compute(plain, date(2019, 3, 2)).due == date(2019, 3, 15)
    assert compute(("US-MA", "response"), date(2019, 3, 2)).due == date(2019, 3, 18)


# --- Closures through compute ---------------------------------------------------------------------


def test_closures_reach_the_computation() -> None:
    # Wed 2019-01-16 + 20 = Thu Feb 14; closed Wed Jan 30 -> Fri Feb 15.
    explanation = compute(("US", "response"), date(2019, 1, 16), {date(2019, 1, 30): "Snowstorm"})
    assert explanation.due == date(2019, 2, 15)
    assert NonWorkingDay(date(2019, 1, 30), "Closure: Snowstorm", "closure") in explanation.skipped


def test_a_closure_rolls_a_court_deadline_forward() -> None:
    # Served Fri 2019-10-25 + 60 calendar = Tue Dec 24 2019 (Oct 31 +6, Nov 30 +36, Dec 24 +60).
    assert compute(("US", "answer_us_defendant"), date(2019, 10, 25)).due == date(2019, 12, 24)
    # Executive Order 13900 closed the agencies that day: rolled over it and Christmas -> Dec 26.
    closed = {date(2019, 12, 24): "Executive Order 13900"}
    explanation = compute(("US", "answer_us_defendant"), date(2019, 10, 25), closed)
    assert explanation.due == date(2019, 12, 26)
    assert [d.name for d in explanation.skipped] == [
        "Closure: Executive Order 13900",
        "Christmas Day",
    ]


# --- Extensions -----------------------------------------------------------------------------------

# (jurisdiction, code, from_due, expected due, expected citation)
EXTENSION_CASES = [
    # Thu 2019-02-14 + 10 working (552(a)(6)(B)(i)): see the unusual_extension row -> Fri Mar 1.
    pytest.param(
        "US",
        "response",
        date(2019, 2, 14),
        date(2019, 3, 1),
        "5 U.S.C. 552(a)(6)(B)(i)",
        id="us-response",
    ),
    # Tue 2022-12-13 + 10 working: 14-16(3) 19-23(8), skip 24 25 and Christmas observed Mon 26,
    # 27(9) 28(10).
    pytest.param(
        "US",
        "appeal_response",
        date(2022, 12, 13),
        date(2022, 12, 28),
        "5 U.S.C. 552(a)(6)(B)(i)",
        id="us-appeal-response",
    ),
    # California, 14 more calendar days: Thu 2021-04-01 + 14 = Thu Apr 15.
    pytest.param(
        "US-CA",
        "response",
        date(2021, 4, 1),
        date(2021, 4, 15),
        "Gov. Code §7922.535",
        id="ca",
    ),
    # Wed 2024-12-11 + 14 = Wed Dec 25, Christmas -> Thu Dec 26.
    pytest.param(
        "US-CA",
        "response",
        date(2024, 12, 11),
        date(2024, 12, 26),
        "Gov. Code §7922.535",
        id="ca-rolls-over-christmas",
    ),
    # Illinois, 5 more business days: Mon 2024-03-11 + 5: 12-15(4) Mon 18(5).
    pytest.param(
        "US-IL",
        "response",
        date(2024, 3, 11),
        date(2024, 3, 18),
        "5 ILCS 140/3(d)-(e)",
        id="il",
    ),
]


@pytest.mark.parametrize(("jurisdiction", "code", "from_due", "due", "citation"), EXTENSION_CASES)
def test_extend(jurisdiction: str, code: str, from_due: date, due: date, citation: str) -> None:
    explanation = extend(jurisdiction, code, from_due)
    assert explanation.due == due
    assert explanation.citation == citation
    assert explanation.trigger == from_due


def test_federal_extension_is_the_unusual_extension_rule() -> None:
    for from_due in (date(2019, 2, 14), date(2022, 12, 13), date(2021, 12, 23)):
        assert (
            extend("US", "response", from_due).due
            == compute(("US", "unusual_extension"), from_due).due
        )


def test_rules_without_an_extension() -> None:
    with pytest.raises(NoExtension, match="US-NY acknowledgment"):
        extend("US-NY", "acknowledgment", date(2024, 2, 16))
    with pytest.raises(NoExtension):
        extend("US", "unusual_extension", date(2019, 3, 1))


# --- Tolling, 552(a)(6)(A)(ii) --------------------------------------------------------------------


def test_tolling_pause_and_resume() -> None:
    cal = calendar_for("US")
    # Received Wed 2019-01-16, due Thu Feb 14. The agency asks for clarification Thu Jan 31:
    # left = working days after Jan 31 up to Feb 14: Feb 1(1) 4-8(6) 11-14(10) = 10.
    left = remaining_working_days(
        cal, start=date(2019, 1, 16), due=date(2019, 2, 14), paused_on=date(2019, 1, 31)
    )
    assert left == 10
    # The reply arrives Mon Feb 25: 26 27 28(3) Mar 1(4) 4-8(9) Mon 11(10).
    resumed = resume(cal, date(2019, 2, 25), left)
    assert resumed.due == date(2019, 3, 11)
    # A second stop for fee clarification, Mon Mar 4: left = Mar 5-8(4) Mon 11(5) = 5; reply Fri
    # Mar 15 -> 18-22 -> Fri Mar 22.
    left = remaining_working_days(
        cal, start=date(2019, 2, 25), due=resumed.due, paused_on=date(2019, 3, 4)
    )
    assert left == 5
    assert resume(cal, date(2019, 3, 15), left).due == date(2019, 3, 22)


def test_tolling_across_holidays() -> None:
    cal = calendar_for("US")
    # Received Wed 2021-12-01 + 20: Dec 2 3(2) 6-10(7) 13-17(12) 20-23(16), skip Christmas
    # observed Fri 24, 27-30(20) -> Thu Dec 30.
    due = compute(("US", "response"), date(2021, 12, 1)).due
    assert due == date(2021, 12, 30)
    # Stopped Mon Dec 20: left = 21 22 23 27 28 29 30 = 7.
    left = remaining_working_days(
        cal, start=date(2021, 12, 1), due=due, paused_on=date(2021, 12, 20)
    )
    assert left == 7
    # Reply Thu 2022-01-13: Fri 14(1), skip 15 16 and MLK Mon 17, 18-21(5) 24 25(7).
    resumed = resume(cal, date(2022, 1, 13), left)
    assert resumed.due == date(2022, 1, 25)
    assert date(2022, 1, 17) in {d.date for d in resumed.skipped}


def test_tolling_on_the_day_of_receipt_keeps_all_twenty_days() -> None:
    cal = calendar_for("US")
    left = remaining_working_days(
        cal, start=date(2019, 1, 16), due=date(2019, 2, 14), paused_on=date(2019, 1, 16)
    )
    assert left == 20
    # Reply Mon 2019-03-04: 5-8(4) 11-15(9) 18-22(14) 25-29(19) Mon Apr 1(20).
    assert resume(cal, date(2019, 3, 4), left).due == date(2019, 4, 1)


def test_tolling_on_the_due_date_leaves_nothing() -> None:
    cal = calendar_for("US")
    left = remaining_working_days(
        cal, start=date(2019, 1, 16), due=date(2019, 2, 14), paused_on=date(2019, 2, 14)
    )
    assert left == 0
    assert resume(cal, date(2019, 2, 20), left).due == date(2019, 2, 20)


@pytest.mark.parametrize(
    "paused_on",
    [
        pytest.param(date(2019, 2, 15), id="after-the-due-date"),
        pytest.param(date(2019, 1, 15), id="before-receipt"),
    ],
)
def test_tolling_outside_the_period_is_refused(paused_on: date) -> None:
    with pytest.raises(ValueError, match="clock can only be stopped"):
        remaining_working_days(
            calendar_for("US"), start=date(2019, 1, 16), due=date(2019, 2, 14), paused_on=paused_on
        )


# --- Explanations ---------------------------------------------------------------------------------


def test_summary_names_the_holidays_skipped_and_counts_the_weekend_days() -> None:
    explanation = compute(("US", "response"), date(2019, 1, 16))
    assert explanation.summary() == (
        "Due 2019-02-14: 20 working days after 2019-01-16 (5 U.S.C. 552(a)(6)(A)(i)); "
        "skipped 2019-01-21 Birthday of Martin Luther King, Jr. (5 U.S.C. 6103(a)) "
        "and 8 Saturdays and Sundays."
    )
    # The structured list keeps every day, each weekend day too.
    assert [(d.date, d.name) for d in explanation.skipped] == [
        (date(2019, 1, 19), "Saturday"),
        (date(2019, 1, 20), "Sunday"),
        (date(2019, 1, 21), "Birthday of Martin Luther King, Jr."),
        (date(2019, 1, 26), "Saturday"),
        (date(2019, 1, 27), "Sunday"),
        (date(2019, 2, 2), "Saturday"),
        (date(2019, 2, 3), "Sunday"),
        (date(2019, 2, 9), "Saturday"),
        (date(2019, 2, 10), "Sunday"),
    ]
    listed = explanation.as_dict()["skipped"]
    assert [d["date"] for d in listed] == [d.date.isoformat() for d in explanation.skipped]


def test_summary_of_a_calendar_day_rule() -> None:
    explanation = compute(("US", "appeal_window"), date(2019, 6, 3))
    assert explanation.summary() == (
        "Due 2019-09-03: 90 calendar days after 2019-06-03 (5 U.S.C. 552(a)(6)(A)(i)(III)(aa)); "
        "skipped 2019-09-02 Labor Day (5 U.S.C. 6103(a)) and 1 Sunday."
    )


def test_summary_of_deemed_receipt() -> None:
    summary = compute(("US-MA", "response"), date(2019, 3, 2)).summary()
    assert summary == (
        "Due 2019-03-18: 10 working days after 2019-03-04 "
        "(deemed received; actually received 2019-03-02) "
        "(G.L. c.66 §10(a); 950 CMR 32.03(3), 32.06(2)(e)); skipped 6 Saturdays and Sundays."
    )


def test_summary_names_closure_days_and_counts_a_lone_weekend() -> None:
    # 20 working days after Fri 2026-11-20 over Thanksgiving (Thu 11-26) and a closure on
    # Tue 12-01: Nov 23-25 (3), 27 (4), Nov 30 (5), Dec 2-4 (8), 7-11 (13), 14-18 (18), 21-22 (20).
    explanation = compute(("US", "response"), date(2026, 11, 20), {date(2026, 12, 1): "Snow"})
    assert explanation.summary() == (
        "Due 2026-12-22: 20 working days after 2026-11-20 (5 U.S.C. 552(a)(6)(A)(i)); skipped "
        "2026-11-26 Thanksgiving Day (5 U.S.C. 6103(a)), 2026-12-01 Closure: Snow "
        "and 10 Saturdays and Sundays."
    )
    assert sum(d.kind == "weekend" for d in explanation.skipped) == 10


@pytest.mark.parametrize(
    ("names", "words"),
    [
        (["Sunday"], "1 Sunday"),
        (["Saturday", "Saturday", "Saturday"], "3 Saturdays"),
        (["Saturday", "Sunday"], "1 Saturday and 1 Sunday"),
        (["Sunday", "Saturday", "Saturday"], "3 Saturdays and Sundays"),
    ],
)
def test_weekend_days_are_counted_in_words(names, words) -> None:
    days = [NonWorkingDay(date(2026, 11, 1 + i), name, "weekend") for i, name in enumerate(names)]
    assert skipped_in_words(days) == words


def test_policy_rules_say_so() -> None:
    explanation = compute(("US-FL", "follow_up"), date(2024, 2, 12))
    assert explanation.policy
    assert "not by statute" in explanation.note
    assert "set by policy, not by statute" in explanation.summary()
    assert not compute(("US", "response"), date(2019, 1, 16)).policy


def test_as_dict_is_json_ready() -> None:
    data = compute(("US-MA", "response"), date(2019, 3, 2)).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["due"] == "2019-03-18"
    assert data["rule"] == "response"
    assert data["jurisdiction"] == "US-MA"
    assert data["citation"] == "G.L. c.66 §10(a); 950 CMR 32.03(3), 32.06(2)(e)"
    assert data["trigger"] == "2019-03-02"
    assert data["deemed_trigger"] == "2019-03-04"
    assert data["counting"] == "working"
    assert data["days"] == 10
    assert data["skipped"][0] == {
        "date": "2019-03-02",
        "name": "Saturday",
        "kind": "weekend",
        "citation": "",
    }
    assert len(data["skipped"]) == 6
    assert data["summary"].startswith("Due 2019-03-18")


# --- Errors ---------------------------------------------------------------------------------------


def test_unknown_jurisdiction() -> None:
    with pytest.raises(UnknownJurisdiction, match="'US-ZZ'"):
        get_rule("US-ZZ", "response")
    with pytest.raises(UnknownJurisdiction):
        compute(("XX", "response"), date(2019, 1, 16))
    with pytest.raises(UnknownJurisdiction):
        rules_for("US-ZZ")


def test_unknown_rule_names_the_jurisdiction_and_its_rules() -> None:
    with pytest.raises(UnknownRule) as excinfo:
        get_rule("US-MA", "appeal_window")
    message = str(excinfo.value)
    assert "US-MA" in message
    assert "'appeal_window'" in message
    assert "its rules: response" in message
    assert isinstance(excinfo.value, ValueError)
    with pytest.raises(UnknownRule, match="response, appeal_response, unusual_extension"):
        compute(("US", "nope"), date(2019, 1, 16))


def test_rules_for_lists_a_jurisdiction_in_table_order() -> None:
    assert [r.code for r in rules_for("US")] == [
        "response",
        "appeal_response",
        "unusual_extension",
        "expedited_determination",
        "appeal_window",
        "foia_answer",
        "answer_us_defendant",
    ]


# --- Complexity (speed itself is measured by the benchmark script, not asserted here) ----------


def test_holiday_tables_are_built_once_per_jurisdiction_and_year() -> None:

    calendars._statutory_table.cache_clear()
    triggers = [date.fromordinal(date(2019, 1, 1).toordinal() + i) for i in range(365)]
    for trigger in triggers * 20:  # 7,300 computations over one year of triggers
        compute(("US", "response"), trigger)
    info = calendars._statutory_table.cache_info()
    # 2019 and 2020 (due dates run into the next year; observed New Year may reach back a year).
    assert info.currsize <= 3
    assert info.misses <= 3


def test_rule_name_is_the_rules_label_with_its_jurisdiction() -> None:
    """What the admin's rule filter shows: one code ("response") is several jurisdictions' rules."""
    assert rule_name("US", "response") == "Determination on a FOIA request (US)"
    assert rule_name("US-MA", "response") == "Response to a public records request (US-MA)"
    assert rule_name("US-CA", "response_extension") == (
        "Extension of: Determination on a public records request (US-CA)"
    )
    assert rule_name(None, "court_order") == "Date set by a court order"
    assert rule_name("US", "court_schedule") == "Court-ordered schedule"
    assert rule_name("US", "no_such_rule") == "no_such_rule"
