"""Deadlines computed from events, through the services staff use.

Every expected date below was counted by hand on a printed calendar; the comment beside it gives
the count and the statute. The trigger day is never counted (docs/design.md, "Deadline rules").
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from requests_app import services
from requests_app.deadlines import hooks
from requests_app.deadlines.closures import closure_day_add, closure_day_change, closure_day_remove
from requests_app.deadlines.court import (
    court_deadline_add,
    court_schedule_create,
    court_schedule_cut_off,
)
from requests_app.deadlines.selectors import (
    deadlines_due_within,
    deadlines_overdue,
    explanation_text,
    is_overdue,
)
from requests_app.models import (
    Appeal,
    ClosureDay,
    CourtSchedule,
    Deadline,
    Jurisdiction,
    RequestEvent,
)
from requests_app.tasks import court_schedules_extend
from requests_app.workflow import RequestStatus
from tests.factories import AgencyFactory, LawsuitFactory, RecordsRequestFactory, jurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date
S = RequestStatus
K = RequestEvent.Kind
Status = Deadline.Status


def federal_request(**fields):
    return RecordsRequestFactory(**{"status": S.SUBMITTED, "filed_on": D(2019, 1, 16), **fields})


def received(request, on=None):
    services.request_record_receipt(request=request, received_on=on or D(2019, 1, 16))
    return request


def only(request, **filters) -> Deadline:
    return request.deadlines.get(**filters)


# --- Receipt -------------------------------------------------------------------------------------


def test_receipt_starts_the_federal_response_clock():
    # 5 U.S.C. 552(a)(6)(A)(i): 20 working days after receipt. Received Wed 2019-01-16:
    # Jan 17, 18 (2); 19-20 weekend; 21 MLK Day; 22-25 (6); 28-Feb 1 (11); Feb 4-8 (16);
    # Feb 11, 12, 13, 14 (20) -> Thu 2019-02-14.
    request = received(federal_request())
    deadline = only(request, rule="response")
    assert deadline.due_on == D(2019, 2, 14)
    assert deadline.citation == "5 U.S.C. 552(a)(6)(A)(i)"
    assert deadline.responsible == request.owner
    assert deadline.status == Status.OPEN
    text = explanation_text(deadline)
    assert "20 working days after 2019-01-16" in text
    assert "2019-01-21 Birthday of Martin Luther King, Jr." in text


def test_expedited_processing_adds_the_ten_day_decision_rolled_off_the_weekend():
    # 552(a)(6)(E)(ii)(I): decide expedition within 10 calendar days. 2019-01-16 + 10 = Sat
    # 2019-01-26 -> rolled to Mon 2019-01-28 (FRCP 6(a)(1)(C) convention, docs/design.md).
    request = received(federal_request(expedited_processing="requested"))
    assert only(request, rule="expedited_determination").due_on == D(2019, 1, 28)
    assert only(request, rule="response").due_on == D(2019, 2, 14)


def test_correcting_the_receipt_date_recounts_the_same_deadline():
    # Received Thu 2019-01-17 instead: Jan 18 (1); 22-25 (5); 28-Feb 1 (10); Feb 4-8 (15);
    # Feb 11-15 (20) -> Fri 2019-02-15.
    request = received(federal_request())
    first = only(request, rule="response")
    services.request_record_receipt(request=request, received_on=D(2019, 1, 17))
    first.refresh_from_db()
    assert first.due_on == D(2019, 2, 15)
    assert request.deadlines.count() == 1


@pytest.mark.parametrize(
    ("code", "on", "rule", "due", "why"),
    [
        # G.L. c.66 §10(a), 950 CMR 32.06(2)(e): received Sat 2019-04-13, deemed received Tue
        # 04-16 (Mon 04-15 is Patriots' Day); 10 business days: Apr 17-19 (3), 22-26 (8),
        # 29, 30 (10) -> 2019-04-30.
        ("US-MA", D(2019, 4, 13), "response", D(2019, 4, 30), "MA deemed receipt"),
        # Public Officers Law §89(3)(a): 5 business days from Wed 2019-01-16, MLK Day 01-21 is a
        # New York holiday: Jan 17, 18, 22, 23, 24 -> 2019-01-24.
        ("US-NY", D(2019, 1, 16), "acknowledgment", D(2019, 1, 24), "NY acknowledgment"),
        # Gov. Code §7922.535: 10 calendar days from Wed 2019-01-16 -> Sat 01-26, rolled to
        # Mon 2019-01-28.
        ("US-CA", D(2019, 1, 16), "response", D(2019, 1, 28), "CA roll-forward"),
    ],
)
def test_receipt_under_state_law(code, on, rule, due, why):
    agency = AgencyFactory(jurisdiction=jurisdiction(code))
    request = RecordsRequestFactory(agency=agency, status=S.SUBMITTED, filed_on=on)
    received(request, on)
    assert only(request, rule=rule).due_on == due, why


# --- Tolling (5 U.S.C. 552(a)(6)(A)(ii)) ---------------------------------------------------------


def test_clarification_stops_the_clock_and_the_reply_restarts_it_with_the_days_left():
    request = received(federal_request())
    # Stopped Fri 2019-02-01; working days after it up to the due date 02-14: Feb 4-8, 11-14 = 9.
    services.request_toll(request=request, on=D(2019, 2, 1))
    clock = only(request, rule="response", status=Status.OPEN)
    assert (clock.paused_on, clock.days_left) == (D(2019, 2, 1), 9)
    assert request.status == S.TOLLED
    with time_machine.travel(datetime.datetime(2019, 3, 1, 12, tzinfo=datetime.UTC)):
        # Paused, so not overdue although 2019-02-14 has passed.
        assert not is_overdue(clock, D(2019, 3, 1))

    # Reply arrives Mon 2019-03-04; 9 working days after: Mar 5-8 (4), 11-15 (9) -> 2019-03-15.
    services.request_resume(request=request, on=D(2019, 3, 4))
    clock.refresh_from_db()
    resumed = only(request, status=Status.OPEN, rule="response")
    assert resumed.due_on == D(2019, 3, 15)
    assert clock.status == Status.SUPERSEDED
    assert clock.superseded_by == resumed
    assert "9 working days left" in explanation_text(resumed)
    assert request.status == S.SUBMITTED


def test_only_one_information_request_stops_the_clock_but_fee_notices_may_again():
    request = received(federal_request())
    services.request_toll(request=request, on=D(2019, 2, 1))
    services.request_resume(request=request, on=D(2019, 3, 4))  # due 2019-03-15, as above

    # A second request for information (552(a)(6)(A)(ii)(I)): logged, clock keeps running.
    services.request_toll(request=request, on=D(2019, 3, 6))
    request.refresh_from_db()
    assert request.status == S.SUBMITTED
    assert only(request, status=Status.OPEN).due_on == D(2019, 3, 15)
    assert "only once" in request.events.filter(kind=K.NOTE).last().text

    # A fee clarification (552(a)(6)(A)(ii)(II)) may stop it again: on Thu 2019-03-07 the days
    # left are Mar 8, 11-15 = 6; reply Tue 2019-03-12 -> Mar 13, 14, 15, 18, 19, 20 -> 03-20.
    services.request_toll(request=request, on=D(2019, 3, 7), reason=K.FEE_NOTICE)
    assert only(request, status=Status.OPEN).days_left == 6
    services.request_resume(request=request, on=D(2019, 3, 12))
    assert only(request, status=Status.OPEN).due_on == D(2019, 3, 20)


def test_state_requests_keep_their_clock_when_tolled():
    agency = AgencyFactory(jurisdiction=jurisdiction("US-WA"))
    request = RecordsRequestFactory(agency=agency, status=S.SUBMITTED, filed_on=D(2019, 1, 16))
    received(request)
    before = only(request, rule="response").due_on
    services.request_toll(request=request, on=D(2019, 1, 18))
    deadline = only(request, rule="response")
    assert (deadline.due_on, deadline.paused_on) == (before, None)
    assert "No statutory tolling is modelled for US-WA" in request.events.last().text


# --- Extension -----------------------------------------------------------------------------------


def test_unusual_circumstances_extend_ten_working_days_from_the_due_date():
    # 552(a)(6)(B)(i): +10 working days counted from the due date 2019-02-14: Feb 15 (1);
    # 16-17 weekend; 18 Washington's Birthday; 19-22 (5); 25-Mar 1 (10) -> Fri 2019-03-01.
    request = received(federal_request())
    original = only(request, rule="response")
    services.request_record_extension(request=request, on=D(2019, 2, 5))
    original.refresh_from_db()
    extended = original.superseded_by
    assert original.status == Status.SUPERSEDED
    assert extended.due_on == D(2019, 3, 1)
    assert extended.citation == "5 U.S.C. 552(a)(6)(B)(i)"
    assert "Extends the response deadline due 2019-02-14" in explanation_text(extended)
    assert (
        request.events.filter(kind=K.EXTENSION_NOTICE)
        .get()
        .text.endswith("Response now due 2019-03-01 (5 U.S.C. 552(a)(6)(B)(i)).")
    )
    with pytest.raises(ValidationError, match="already been extended"):
        services.request_record_extension(request=request, on=D(2019, 2, 20))


def test_a_state_without_a_statutory_extension_refuses_one():
    agency = AgencyFactory(jurisdiction=jurisdiction("US-WA"))
    request = RecordsRequestFactory(agency=agency, status=S.SUBMITTED, filed_on=D(2019, 1, 16))
    received(request)
    with pytest.raises(ValidationError, match=r"RCW 42\.56\.520"):
        services.request_record_extension(request=request, on=D(2019, 1, 18))
    assert not request.events.filter(kind=K.EXTENSION_NOTICE).exists()


# 2019-02-20 at noon in New York: after the 2019-02-14 response deadline of `federal_request`.
FEB_20 = datetime.datetime(2019, 2, 20, 17, tzinfo=datetime.UTC)


@time_machine.travel(FEB_20, tick=False)
def test_an_extension_notice_dated_after_today_is_refused_naming_its_date():
    request = received(federal_request())
    with pytest.raises(ValidationError) as refused:
        services.request_record_extension(request=request, on=D(2019, 2, 21))
    assert refused.value.message_dict == {
        "occurred_on": ["A notice cannot be dated after today (2019-02-20)."]
    }
    assert only(request, rule="response").status == Status.OPEN
    assert not request.events.filter(kind=K.EXTENSION_NOTICE).exists()


@time_machine.travel(datetime.datetime(2019, 2, 21, 1, tzinfo=datetime.UTC), tick=False)
def test_after_today_means_after_the_organisations_today_not_utcs():
    # 2019-02-21 01:00 UTC is 2019-02-20 20:00 in New York (TIME_ZONE): the 21st is still ahead.
    request = received(federal_request())
    with pytest.raises(ValidationError) as refused:
        services.request_record_extension(request=request, on=D(2019, 2, 21))
    assert refused.value.messages == ["A notice cannot be dated after today (2019-02-20)."]


@time_machine.travel(FEB_20, tick=False)
def test_a_late_extension_notice_needs_a_reason_citing_the_statute():
    # 552(a)(6)(B)(i): the agency extends by written notice before the time limit expires; a
    # notice dated 2019-02-19 comes after the response deadline of 2019-02-14.
    request = received(federal_request())
    with pytest.raises(ValidationError) as refused:
        services.request_record_extension(request=request, on=D(2019, 2, 19))
    errors = refused.value.message_dict
    assert list(errors) == ["late_reason"]
    assert (
        "dated 2019-02-19, after the deadline it extends (2019-02-14)" in errors["late_reason"][0]
    )
    assert "(5 U.S.C. 552(a)(6)(B)(i))" in errors["late_reason"][0]
    with pytest.raises(ValidationError) as blank:
        services.request_record_extension(request=request, on=D(2019, 2, 19), late_reason="  ")
    assert blank.value.message_dict == errors
    assert only(request, rule="response").status == Status.OPEN
    assert not request.events.filter(kind=K.EXTENSION_NOTICE).exists()


@time_machine.travel(FEB_20, tick=False)
def test_a_late_extension_notice_with_a_reason_is_recorded_with_it():
    # +10 working days from the due date 2019-02-14: Feb 15 (1); 18 Washington's Birthday;
    # 19-22 (5); 25-Mar 1 (10) -> 2019-03-01 (552(a)(6)(B)(i)), late notice or not.
    request = received(federal_request())
    services.request_record_extension(
        request=request,
        on=D(2019, 2, 19),
        text="Unusual circumstances.",
        late_reason="Counsel would rather wait than sue now.",
    )
    extended = only(request, status=Status.OPEN, rule__in=hooks.CLOCK_RULES)
    assert extended.due_on == D(2019, 3, 1)
    assert "Accepted because: Counsel would rather wait than sue now." in extended.note
    entry = request.events.get(kind=K.EXTENSION_NOTICE)
    assert entry.occurred_on == D(2019, 2, 19)
    assert entry.text == (
        "Unusual circumstances. Response now due 2019-03-01 (5 U.S.C. 552(a)(6)(B)(i)). "
        "Late notice (dated after the deadline it extends), accepted: Counsel would rather wait "
        "than sue now."
    )


@time_machine.travel(FEB_20, tick=False)
def test_a_reason_for_an_on_time_notice_is_refused_and_its_text_is_unchanged():
    request = received(federal_request())
    with pytest.raises(ValidationError) as refused:
        services.request_record_extension(request=request, on=D(2019, 2, 14), late_reason="Late?")
    assert "it is not late" in refused.value.message_dict["late_reason"][0]
    services.request_record_extension(request=request, on=D(2019, 2, 14), text="On the day.")
    assert request.events.get(kind=K.EXTENSION_NOTICE).text == (
        "On the day. Response now due 2019-03-01 (5 U.S.C. 552(a)(6)(B)(i))."
    )


@time_machine.travel(FEB_20, tick=False)
def test_only_an_extension_notice_takes_a_late_reason():
    request = received(federal_request())
    with pytest.raises(ValidationError) as refused:
        services.request_log_letter(
            request=request, kind=K.FEE_NOTICE, on=D(2019, 2, 19), late_reason="Late."
        )
    assert list(refused.value.message_dict) == ["late_reason"]
    assert request.status == S.SUBMITTED
    services.request_log_letter(
        request=request, kind=K.EXTENSION_NOTICE, on=D(2019, 2, 19), late_reason="Accepted."
    )
    assert request.events.get(kind=K.EXTENSION_NOTICE).text.endswith("accepted: Accepted.")


# --- Determination and appeal --------------------------------------------------------------------


def test_a_timely_denial_meets_the_deadline_and_opens_the_appeal_window():
    # Denied Tue 2019-02-12 (before 02-14): met. 552(a)(6)(A)(i)(III)(aa): 90 calendar days to
    # appeal: Feb 12 + 16 = Feb 28; + 31 = Mar 31 (47); + 30 = Apr 30 (77); + 13 = Mon May 13.
    request = received(federal_request(status=S.PROCESSING))
    services.request_record_determination(
        request=request, outcome=S.DENIED, determined_on=D(2019, 2, 12)
    )
    response = only(request, rule="response")
    assert (response.status, response.met_on) == (Status.MET, D(2019, 2, 12))
    assert only(request, rule="appeal_window").due_on == D(2019, 5, 13)


def test_a_late_grant_misses_the_deadline_and_opens_no_appeal_window():
    request = received(federal_request(status=S.PROCESSING))
    services.request_record_determination(
        request=request, outcome=S.RELEASED_IN_FULL, determined_on=D(2019, 2, 20)
    )
    response = only(request, rule="response")
    assert (response.status, response.met_on) == (Status.MISSED, D(2019, 2, 20))
    assert not request.deadlines.filter(rule="appeal_window").exists()


def test_the_appeal_meets_the_window_and_starts_its_own_twenty_days():
    request = received(federal_request(status=S.PROCESSING))
    services.request_record_determination(
        request=request, outcome=S.DENIED, determined_on=D(2019, 2, 12)
    )
    # Filed Mon 2019-04-01, within the window (due 05-13). Received Tue 04-02; 552(a)(6)(A)(ii):
    # 20 working days: Apr 3-5 (3), 8-12 (8), 15-19 (13), 22-26 (18), 29, 30 (20) -> 2019-04-30.
    appeal = services.appeal_file(
        request=request, filed_on=D(2019, 4, 1), received_on=D(2019, 4, 2)
    )
    window = only(request, rule="appeal_window")
    assert (window.status, window.met_on) == (Status.MET, D(2019, 4, 1))
    answer = appeal.deadlines.get(rule="appeal_response")
    assert answer.due_on == D(2019, 4, 30)

    # Decided 2019-05-10, after 04-30: missed.
    services.appeal_decide(appeal=appeal, decided_on=D(2019, 5, 10), outcome=Appeal.Outcome.DENIED)
    answer.refresh_from_db()
    assert (answer.status, answer.met_on) == (Status.MISSED, D(2019, 5, 10))


def test_withdrawing_waives_what_is_open():
    request = received(federal_request())
    services.request_transition(request=request, to_status=S.WITHDRAWN, on=D(2019, 1, 30))
    assert only(request, rule="response").status == Status.WAIVED


def test_suing_after_the_clock_ran_out_marks_it_missed():
    # 552(a)(6)(C)(i): a missed deadline is exhausted remedies; the suit records it as missed.
    request = received(federal_request())
    services.lawsuit_file(
        caption="ACLU v. DOJ",
        court="D. Mass.",
        plaintiffs="ACLU",
        filed_on=D(2019, 10, 31),
        defendant_agencies=[request.agency],
        requests=[request],
    )
    response = only(request, rule="response")
    assert (response.status, response.met_on) == (Status.MISSED, None)


# --- Lawsuits ------------------------------------------------------------------------------------


def test_service_of_the_complaint_starts_the_answer_rolled_past_thanksgiving():
    # 552(a)(4)(C): 30 days after service. Served Tue 2019-10-29: + 2 = Oct 31, + 28 = Thu
    # Nov 28, Thanksgiving Day -> rolled to Fri 2019-11-29 (FRCP 6(a)(1)(C)).
    lawsuit = LawsuitFactory(filed_on=D(2019, 10, 28))
    services.lawsuit_record_service(lawsuit=lawsuit, served_on=D(2019, 10, 29))
    answer = lawsuit.deadlines.get(rule="foia_answer")
    assert answer.due_on == D(2019, 11, 29)
    assert "2019-11-28 Thanksgiving Day" in explanation_text(answer)
    # A corrected service date recounts it: served Fri 2019-11-01 + 30 = Sun Dec 1 -> Mon 12-02.
    services.lawsuit_record_service(lawsuit=lawsuit, served_on=D(2019, 11, 1))
    answer.refresh_from_db()
    assert answer.due_on == D(2019, 12, 2)
    assert lawsuit.deadlines.count() == 1


def test_a_court_set_date_is_kept_as_ordered():
    lawsuit = LawsuitFactory()
    deadline = court_deadline_add(
        lawsuit=lawsuit, label="Dispositive motions", due_on=D(2020, 7, 4), court_order="ECF No. 40"
    )
    # A date the court names is not a period: nothing moves it, even to a holiday.
    assert deadline.due_on == D(2020, 7, 4)
    assert explanation_text(deadline) == "Set by court order: ECF No. 40."


def test_a_joint_status_report_every_sixty_days_until_cut_off():
    lawsuit = LawsuitFactory()
    schedule = CourtSchedule(
        lawsuit=lawsuit,
        label="Joint status report",
        order_reference="ECF No. 30",
        recurrence=CourtSchedule.Recurrence.EVERY_N_DAYS,
        interval_days=60,
        first_due=D(2020, 3, 2),
        until=D(2020, 12, 31),
    )
    created = court_schedule_create(schedule=schedule)
    # From Mon 2020-03-02, every 60 days (FRCP 6(a)(1)(C) rolls a weekend last day):
    # +60 Fri 05-01; +120 Tue 06-30; +180 Sat 08-29 -> Mon 08-31; +240 Wed 10-28;
    # +300 Sun 12-27 -> Mon 12-28; +360 = 2021-02-25 is after the end of the schedule.
    assert [d.due_on for d in created] == [
        D(2020, 3, 2),
        D(2020, 5, 1),
        D(2020, 6, 30),
        D(2020, 8, 31),
        D(2020, 10, 28),
        D(2020, 12, 28),
    ]
    rolled = lawsuit.deadlines.get(due_on=D(2020, 8, 31))
    # Its last day fell on Sat 08-29: the weekend passed over is counted.
    assert "; skipped 1 Saturday and 1 Sunday." in explanation_text(rolled)

    # A new order ends it after 2020-07-01: the three later ones are superseded, kept as history.
    assert (
        court_schedule_cut_off(schedule=schedule, after=D(2020, 7, 1), order_reference="ECF No. 45")
        == 3
    )
    assert list(lawsuit.deadlines.filter(status=Status.OPEN).values_list("due_on", flat=True)) == [
        D(2020, 3, 2),
        D(2020, 5, 1),
        D(2020, 6, 30),
    ]
    assert (
        lawsuit.deadlines.filter(
            status=Status.SUPERSEDED, note__contains="Cut off by ECF No. 45."
        ).count()
        == 3
    )


def test_rolling_production_on_the_fifteenth_keeps_the_ordered_dates():
    lawsuit = LawsuitFactory()
    created = court_schedule_create(
        schedule=CourtSchedule(
            lawsuit=lawsuit,
            label="Rolling production",
            order_reference="ECF No. 31",
            recurrence=CourtSchedule.Recurrence.MONTHLY_ON_DAY,
            day_of_month=15,
            first_due=D(2020, 1, 15),
            until=D(2020, 4, 30),
        )
    )
    # Dates the order names (02-15 is a Saturday, 03-15 a Sunday) are not periods: not moved.
    assert [d.due_on for d in created] == [
        D(2020, 1, 15),
        D(2020, 2, 15),
        D(2020, 3, 15),
        D(2020, 4, 15),
    ]


def test_an_incomplete_schedule_is_refused_with_its_reason():
    schedule = CourtSchedule(
        lawsuit=LawsuitFactory(),
        label="Status report",
        order_reference="ECF No. 9",
        recurrence=CourtSchedule.Recurrence.EVERY_N_DAYS,
        first_due=D(2020, 3, 2),
    )
    with pytest.raises(ValidationError, match="needs the number of days"):
        court_schedule_create(schedule=schedule)
    assert not CourtSchedule.objects.exists()


# --- Closure days recount honestly ---------------------------------------------------------------


def test_adding_and_removing_a_closure_day_moves_exactly_the_deadlines_it_touches():
    us = Jurisdiction.objects.get(code="US")
    # Received Tue 2019-12-10: Dec 11-13 (3), 16-20 (8), 23, 24 (10), 25 Christmas, 26, 27 (12),
    # 30, 31 (14), Jan 1 New Year's Day, Jan 2, 3 (16), 6-9 (20) -> Thu 2020-01-09.
    spanning = received(federal_request(filed_on=D(2019, 12, 10)), D(2019, 12, 10))
    # Received Fri 2019-11-01: due Tue 2019-12-03 (Veterans Day and Thanksgiving skipped),
    # before the closure day: it cannot move.
    earlier = received(federal_request(filed_on=D(2019, 11, 1)), D(2019, 11, 1))
    assert only(spanning, rule="response").due_on == D(2020, 1, 9)
    assert only(earlier, rule="response").due_on == D(2019, 12, 3)

    # Executive Order 13900 closed agencies on Tue 2019-12-24: one working day fewer.
    closure, moves = closure_day_add(
        jurisdiction=us, date=D(2019, 12, 24), reason="Executive Order 13900"
    )
    assert [(m.old, m.new, m.days) for m in moves] == [(D(2020, 1, 9), D(2020, 1, 10), 1)]
    assert only(spanning, rule="response").due_on == D(2020, 1, 10)
    assert only(earlier, rule="response").due_on == D(2019, 12, 3)
    assert "2019-12-24 Closure: Executive Order 13900" in explanation_text(
        only(spanning, rule="response")
    )

    moves = closure_day_remove(closure=closure)
    assert [(m.old, m.new) for m in moves] == [(D(2020, 1, 10), D(2020, 1, 9))]
    assert not ClosureDay.objects.exists()


def test_closed_superseded_and_other_jurisdictions_deadlines_stay_put():
    us = Jurisdiction.objects.get(code="US")
    met = received(federal_request(filed_on=D(2019, 12, 10)), D(2019, 12, 10))
    services.request_transition(request=met, to_status=S.DENIED, on=D(2019, 12, 20))
    state = RecordsRequestFactory(
        agency=AgencyFactory(jurisdiction=jurisdiction("US-WA")), filed_on=D(2019, 12, 20)
    )
    received(state, D(2019, 12, 20))
    before = {d.pk: d.due_on for d in Deadline.objects.all()}
    _, moves = closure_day_add(jurisdiction=us, date=D(2019, 12, 24), reason="EO 13900")
    # The met response deadline and the Washington one keep their dates; only the open federal
    # appeal window could move (90 calendar days from 2019-12-20: + 11 = Dec 31, + 31 = Jan 31,
    # + 29 = Feb 29 (leap year), + 19 = Thu 2020-03-19), and a closure inside a calendar-day count
    # does not shift it.
    assert only(met, rule="appeal_window").due_on == D(2020, 3, 19)
    assert moves == []
    assert {d.pk: d.due_on for d in Deadline.objects.all()} == before


def test_a_duplicate_closure_day_is_refused():
    us = Jurisdiction.objects.get(code="US")
    closure_day_add(jurisdiction=us, date=D(2019, 12, 24), reason="EO 13900")
    with pytest.raises(ValidationError, match="already a closure day"):
        closure_day_add(jurisdiction=us, date=D(2019, 12, 24), reason="again")


# --- Overdue is derived, in the organisation's time zone -----------------------------------------


def test_overdue_is_derived_from_the_local_date():
    request = received(federal_request())  # due 2019-02-14
    deadline = only(request, rule="response")
    # 2019-02-15 03:00 UTC is still 2019-02-14 in New York: due today, not overdue.
    with time_machine.travel(datetime.datetime(2019, 2, 15, 3, tzinfo=datetime.UTC), tick=False):
        today = timezone.localdate()
        assert today == D(2019, 2, 14)
        assert not is_overdue(deadline, today)
        assert not deadlines_overdue(today).exists()
    with time_machine.travel(datetime.datetime(2019, 2, 15, 6, tzinfo=datetime.UTC), tick=False):
        today = timezone.localdate()
        assert is_overdue(deadline, today)
        assert list(deadlines_overdue(today)) == [deadline]
        assert list(deadlines_due_within(today, 7)) == []


def test_marking_met_or_waived_only_from_open():
    request = received(federal_request())
    deadline = only(request, rule="response")
    hooks.deadline_mark(deadline=deadline, status=Status.MET, on=D(2019, 2, 1))
    deadline.refresh_from_db()
    assert (deadline.status, deadline.met_on) == (Status.MET, D(2019, 2, 1))
    with pytest.raises(ValidationError, match="Only an open deadline"):
        hooks.deadline_mark(deadline=deadline, status=Status.WAIVED)


def test_an_open_ended_schedule_is_kept_two_years_ahead_by_the_daily_sweep():

    lawsuit = LawsuitFactory()
    schedule = CourtSchedule(
        lawsuit=lawsuit,
        label="Joint status report",
        order_reference="ECF No. 30",
        recurrence=CourtSchedule.Recurrence.MONTHLY_ON_DAY,
        day_of_month=15,
        first_due=D(2020, 1, 15),
    )
    created = court_schedule_create(schedule=schedule, today=D(2020, 1, 2))
    # "Until further order": expanded 730 days past 2020-01-15, through 2022-01-14: Jan 2020 to
    # Dec 2021 = 24 monthly dates.
    assert len(created) == 24
    assert created[-1].due_on == D(2021, 12, 15)
    with time_machine.travel(datetime.datetime(2021, 3, 1, 12, tzinfo=datetime.UTC), tick=False):
        assert court_schedules_extend() == 1  # now through 2023-03-01: Jan 2022 - Feb 2023 added
        assert court_schedules_extend() == 0  # a second run the same day does nothing
    dates = list(schedule.deadlines.values_list("due_on", flat=True))
    assert len(dates) == 24 + 14
    assert len(set(dates)) == len(dates)
    assert max(dates) == D(2023, 2, 15)


def test_moving_a_closure_day_moves_the_deadlines_back_and_forth():
    us = Jurisdiction.objects.get(code="US")
    request = received(federal_request(filed_on=D(2019, 12, 10)), D(2019, 12, 10))  # 2020-01-09
    closure, _ = closure_day_add(jurisdiction=us, date=D(2019, 12, 24), reason="EO 13900")
    assert only(request, rule="response").due_on == D(2020, 1, 10)
    # Corrected to a day after the due date: the deadline returns to 2020-01-09.
    changed, moves = closure_day_change(
        closure=closure, jurisdiction=us, date=D(2020, 1, 15), reason="EO 13900 (corrected)"
    )
    assert [(m.old, m.new) for m in moves] == [(D(2020, 1, 10), D(2020, 1, 9))]
    assert list(ClosureDay.objects.values_list("date", flat=True)) == [D(2020, 1, 15)]
    assert changed.reason == "EO 13900 (corrected)"
