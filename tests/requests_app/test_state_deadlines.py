"""The state deadlines the statutes set beyond the first response, started by the event the
statute names: New York's answer after the acknowledgment and its appeal, Texas' submission to
the Attorney General, Illinois' commercial and recurrent requests.

Each expected date was counted by hand on a printed calendar
(``python3 -c 'import calendar; print(calendar.month(2019, 10))'``); the comment beside it quotes
the statute and gives the count. The trigger day is never counted.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from requests_app import services
from requests_app.deadlines.selectors import explanation_text
from requests_app.models import Deadline, RequestKind
from requests_app.workflow import RequestStatus
from tests.factories import AgencyFactory, RecordsRequestFactory, jurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date
S = RequestStatus
Status = Deadline.Status
TODAY = datetime.datetime(2019, 12, 2, 12, tzinfo=datetime.UTC)


def state_request(code: str, **fields):
    agency = AgencyFactory(jurisdiction=jurisdiction(code))
    return RecordsRequestFactory(
        agency=agency, **{"status": S.SUBMITTED, "filed_on": D(2019, 9, 2), **fields}
    )


def open_rules(request) -> dict[str, datetime.date]:
    return {
        d.rule: d.due_on
        for d in request.deadlines.filter(status=Status.OPEN, source=Deadline.Source.RULE)
    }


# --- New York ----------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_new_york_acknowledgment_starts_the_twenty_business_days_to_grant_or_deny():
    # Public Officers Law §89(3)(a): within five business days of receipt the agency grants,
    # denies or acknowledges with an approximate date, which may not exceed "twenty business
    # days from the date of the acknowledgment of the receipt of a request". Acknowledged Mon
    # 2019-09-30: Oct 1-4 (4), 7-11 (9), skip Mon 14 Columbus Day (Gen. Constr. Law §24),
    # 15-18 (13), 21-25 (18), 28 29 (20) -> Tue 2019-10-29.
    request = state_request("US-NY")
    services.request_record_receipt(request=request, received_on=D(2019, 9, 25))
    assert open_rules(request) == {"acknowledgment": D(2019, 10, 2)}

    services.request_acknowledge(request=request, acknowledged_on=D(2019, 9, 30))

    acknowledgment = request.deadlines.get(rule="acknowledgment")
    assert acknowledgment.status == Status.MET
    response = request.deadlines.get(rule="response")
    assert response.due_on == D(2019, 10, 29)
    assert response.citation == "Public Officers Law §89(3)(a)"
    text = explanation_text(response)
    assert "20 working days after 2019-09-30" in text
    assert "2019-10-14 Columbus Day" in text

    # A determination ends the clock the acknowledgment started.
    services.request_record_determination(
        request=request, determined_on=D(2019, 10, 28), outcome=S.RELEASED_IN_FULL
    )
    response.refresh_from_db()
    assert response.status == Status.MET


@time_machine.travel(TODAY, tick=False)
def test_a_corrected_acknowledgment_date_recounts_the_new_york_answer():
    # POL §89(3)(a) counts from the acknowledgment: acknowledged Tue 2019-10-01 instead, Oct 2-4
    # (3), 7-11 (8), skip 14, 15-18 (12), 21-25 (17), 28-30 (20) -> Wed 2019-10-30.
    request = state_request("US-NY")
    services.request_record_receipt(request=request, received_on=D(2019, 9, 25))
    services.request_acknowledge(request=request, acknowledged_on=D(2019, 9, 30))
    services.request_update(request=request, changes={"acknowledged_on": D(2019, 10, 1)})
    response = request.deadlines.get(rule="response")
    assert response.due_on == D(2019, 10, 30)
    assert response.status == Status.OPEN
    assert request.deadlines.filter(rule="response").count() == 1


@time_machine.travel(TODAY, tick=False)
def test_a_new_york_appeal_is_determined_within_ten_business_days_of_its_receipt():
    # POL §89(4)(a): the appeals officer "shall within ten business days of the receipt of such
    # appeal fully explain in writing ... the reasons for further denial, or provide access".
    # Received Fri 2019-10-04: Oct 7-11 (5), skip Mon 14 Columbus Day, 15-18 (9), Mon 21 (10).
    request = state_request("US-NY")
    services.request_record_receipt(request=request, received_on=D(2019, 9, 3))
    services.request_record_determination(
        request=request, determined_on=D(2019, 9, 10), outcome=S.DENIED
    )
    appeal = services.appeal_file(
        request=request, filed_on=D(2019, 10, 2), received_on=D(2019, 10, 4)
    )
    clock = appeal.deadlines.get()
    assert clock.rule == "appeal_response"
    assert clock.due_on == D(2019, 10, 21)
    assert clock.citation == "Public Officers Law §89(4)(a)"


# --- Texas -------------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_texas_receipt_starts_the_ruling_request_and_the_submission_to_the_attorney_general():
    # Gov't Code §552.301(b): ask for the ruling "not later than the 10th business day after the
    # date of receiving the written request"; §552.301(e): submit the reasons, the request and
    # the information "not later than the 15th business day" after it. Received Mon
    # 2019-11-18: Nov 19-22 (4), 25-27 (7), skip Thanksgiving Day Thu 28 and the Friday after
    # (Gov't Code §662.003(b)), Dec 2-4 (10) -> Wed Dec 4; Dec 5 6 (12), 9-11 (15) -> Wed Dec 11.
    request = state_request("US-TX")
    services.request_record_receipt(request=request, received_on=D(2019, 11, 18))
    assert open_rules(request) == {
        "ag_ruling_request": D(2019, 12, 4),
        "ag_submission": D(2019, 12, 11),
    }
    submission = request.deadlines.get(rule="ag_submission")
    assert submission.citation == "Gov't Code §552.301(e)"
    assert "2019-11-29 Friday after Thanksgiving" in explanation_text(submission)

    # Releasing the information answers both: nothing is left to ask the Attorney General.
    services.request_record_determination(
        request=request, determined_on=D(2019, 11, 29), outcome=S.RELEASED_IN_FULL
    )
    assert open_rules(request) == {}
    assert set(request.deadlines.values_list("status", flat=True)) == {Status.MET}


# --- Illinois ----------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_an_illinois_commercial_request_gets_twenty_one_working_days_not_five():
    # 5 ILCS 140/3.1(a): "A public body shall respond to a request for records to be used for a
    # commercial purpose within 21 working days after receipt." Received Tue 2019-10-01: Oct 2-4
    # (3), 7-11 (8), skip Mon 14 Columbus Day (5 ILCS 490/10), 15-18 (12), 21-25 (17), 28-31
    # (21) -> Thu 2019-10-31.
    request = state_request("US-IL", request_kind=RequestKind.COMMERCIAL)
    services.request_record_receipt(request=request, received_on=D(2019, 10, 1))
    assert open_rules(request) == {"commercial_response": D(2019, 10, 31)}
    deadline = request.deadlines.get(rule="commercial_response")
    assert deadline.citation == "5 ILCS 140/3.1(a)"
    assert "2019-10-14 Columbus Day" in explanation_text(deadline)


@time_machine.travel(TODAY, tick=False)
def test_an_illinois_recurrent_requester_gets_twenty_one_business_days():
    # 5 ILCS 140/3.2(a): "Notwithstanding any provision of this Act to the contrary, a public body
    # shall respond to a request from a recurrent requester ... within 21 business days after
    # receipt." Same count from Tue 2019-10-01 -> Thu 2019-10-31.
    request = state_request("US-IL", request_kind=RequestKind.RECURRENT)
    services.request_record_receipt(request=request, received_on=D(2019, 10, 1))
    assert open_rules(request) == {"recurrent_response": D(2019, 10, 31)}
    assert request.deadlines.get().citation == "5 ILCS 140/3.2(a)"


@time_machine.travel(TODAY, tick=False)
def test_saying_a_request_is_commercial_after_receipt_replaces_the_five_day_clock():
    # 5 ILCS 140/3(d): 5 business days for an ordinary request; received Tue 2019-10-01: Oct 2-4
    # (3), 7 8 (5) -> Tue Oct 8. Found to be commercial (3.1(a)): 21 working days -> Thu Oct 31,
    # and the five-day clock stays as history, superseded by it.
    request = state_request("US-IL")
    services.request_record_receipt(request=request, received_on=D(2019, 10, 1))
    assert open_rules(request) == {"response": D(2019, 10, 8)}

    services.request_update(request=request, changes={"request_kind": RequestKind.COMMERCIAL})

    assert open_rules(request) == {"commercial_response": D(2019, 10, 31)}
    old = request.deadlines.get(rule="response")
    assert old.status == Status.SUPERSEDED
    assert old.superseded_by == request.deadlines.get(rule="commercial_response")
    assert "Records to be used for a commercial purpose" in old.note

    # Not commercial after all: the five days of 3(d) run again from receipt (Tue Oct 8).
    services.request_update(request=request, changes={"request_kind": RequestKind.STANDARD})
    assert open_rules(request) == {"response": D(2019, 10, 8)}
    assert request.deadlines.get(rule="commercial_response").status == Status.SUPERSEDED


@time_machine.travel(TODAY, tick=False)
def test_an_estimate_follows_the_kind_of_request():
    # Filed, receipt unknown: the estimate counts the rule receipt would start, from filing (Mon
    # 2019-09-02 is Labor Day; filed that day: Sep 3-6 (4), 9 (5) -> Mon Sep 9 for a standard
    # request, 5 ILCS 140/3(d)); commercial: Sep 3-6 (4), 9-13 (9), 16-20 (14), 23-27 (19),
    # Sep 30, Oct 1 (21) -> Tue Oct 1 (3.1(a)).
    request = services.request_create(
        title="Building permits",
        records_sought="All permits.",
        agency=AgencyFactory(jurisdiction=jurisdiction("US-IL")),
        owner=RecordsRequestFactory().owner,
        status=S.SUBMITTED,
        filed_on=D(2019, 9, 2),
    )
    estimates = request.deadlines.filter(source=Deadline.Source.ESTIMATE, status=Status.OPEN)
    assert [(d.rule, d.due_on) for d in estimates] == [("response", D(2019, 9, 9))]

    services.request_update(request=request, changes={"request_kind": RequestKind.COMMERCIAL})

    estimates = request.deadlines.filter(source=Deadline.Source.ESTIMATE, status=Status.OPEN)
    assert [(d.rule, d.due_on) for d in estimates] == [("commercial_response", D(2019, 10, 1))]
    old = request.deadlines.get(rule="response")
    assert old.status == Status.SUPERSEDED
    assert old.superseded_by == estimates.get()


def open_deadlines(request) -> list[tuple[str, str, datetime.date]]:
    return [(d.source, d.rule, d.due_on) for d in request.deadlines.filter(status=Status.OPEN)]


@time_machine.travel(TODAY, tick=False)
def test_changing_the_kind_back_and_forth_before_receipt_keeps_one_estimate():
    # Estimated from filing Mon 2019-09-02 (Labor Day, not counted either way). Standard, 5 ILCS
    # 140/3(d), 5 business days: Sep 3-6 (4), 9 (5) -> Mon Sep 9. Commercial, 3.1(a), 21
    # working days: Sep 3-6 (4), 9-13 (9), 16-20 (14), 23-27 (19), 30, Oct 1 (21) -> Tue Oct 1.
    request = services.request_create(
        title="Building permits",
        records_sought="All permits.",
        agency=AgencyFactory(jurisdiction=jurisdiction("US-IL")),
        owner=RecordsRequestFactory().owner,
        status=S.SUBMITTED,
        filed_on=D(2019, 9, 2),
    )
    E = Deadline.Source.ESTIMATE
    for kind, expected in [
        (RequestKind.COMMERCIAL, [(E, "commercial_response", D(2019, 10, 1))]),
        (RequestKind.STANDARD, [(E, "response", D(2019, 9, 9))]),
        (RequestKind.COMMERCIAL, [(E, "commercial_response", D(2019, 10, 1))]),
    ]:
        before = set(request.deadlines.filter(status=Status.OPEN))
        services.request_update(request=request, changes={"request_kind": kind})
        assert open_deadlines(request) == expected
        replacement = request.deadlines.get(status=Status.OPEN)
        for old in before:
            old.refresh_from_db()
            assert (old.status, old.superseded_by) == (Status.SUPERSEDED, replacement)


@time_machine.travel(TODAY, tick=False)
def test_changing_the_kind_back_and_forth_after_receipt_keeps_one_clock():
    # Filed Mon 2019-09-02 as commercial, received Tue 2019-10-01. Commercial, 5 ILCS 140/3.1(a),
    # 21 working days: Oct 2-4 (3), 7-11 (8), skip Mon 14 Columbus Day (5 ILCS 490/10), 15-18
    # (12), 21-25 (17), 28-31 (21) -> Thu Oct 31. Standard, 3(d), 5 business days: Oct 2-4 (3),
    # 7 8 (5) -> Tue Oct 8.
    request = services.request_create(
        title="Building permits",
        records_sought="All permits.",
        agency=AgencyFactory(jurisdiction=jurisdiction("US-IL")),
        owner=RecordsRequestFactory().owner,
        status=S.SUBMITTED,
        filed_on=D(2019, 9, 2),
        request_kind=RequestKind.COMMERCIAL,
    )
    services.request_update(request=request, changes={"request_kind": RequestKind.STANDARD})
    services.request_update(request=request, changes={"request_kind": RequestKind.COMMERCIAL})
    services.request_record_receipt(request=request, received_on=D(2019, 10, 1))
    R = Deadline.Source.RULE
    assert open_deadlines(request) == [(R, "commercial_response", D(2019, 10, 31))]
    for kind, expected in [
        (RequestKind.STANDARD, [(R, "response", D(2019, 10, 8))]),
        (RequestKind.COMMERCIAL, [(R, "commercial_response", D(2019, 10, 31))]),
        (RequestKind.STANDARD, [(R, "response", D(2019, 10, 8))]),
    ]:
        before = set(request.deadlines.filter(status=Status.OPEN))
        services.request_update(request=request, changes={"request_kind": kind})
        assert open_deadlines(request) == expected
        replacement = request.deadlines.get(status=Status.OPEN)
        for old in before:
            old.refresh_from_db()
            assert (old.status, old.superseded_by) == (Status.SUPERSEDED, replacement)


def test_a_kind_of_request_the_law_gives_no_clock_of_its_own_is_refused():
    # Only Illinois gives commercial and recurrent requests a time limit of their own.
    request = state_request("US-MA")
    with pytest.raises(ValidationError) as raised:
        services.request_update(request=request, changes={"request_kind": RequestKind.RECURRENT})
    assert "request_kind" in raised.value.message_dict
    request.refresh_from_db()
    assert request.request_kind == RequestKind.STANDARD


@time_machine.travel(TODAY, tick=False)
def test_receipt_recorded_with_a_new_kind_supersedes_the_former_kinds_estimate():
    # Filed Mon 2019-09-02 as a standard request: estimated Mon Sep 9 (5 ILCS 140/3(d)). Receipt
    # Tue 2019-10-01 and "commercial" entered together: 3.1(a), 21 working days -> Thu Oct 31
    # (Columbus Day, Mon Oct 14, skipped), and the estimate links to that clock.
    request = services.request_create(
        title="Building permits",
        records_sought="All permits.",
        agency=AgencyFactory(jurisdiction=jurisdiction("US-IL")),
        owner=RecordsRequestFactory().owner,
        status=S.SUBMITTED,
        filed_on=D(2019, 9, 2),
    )
    estimate = request.deadlines.get(status=Status.OPEN)
    services.request_update(
        request=request,
        changes={"received_on": D(2019, 10, 1), "request_kind": RequestKind.COMMERCIAL},
    )
    R = Deadline.Source.RULE
    assert open_deadlines(request) == [(R, "commercial_response", D(2019, 10, 31))]
    estimate.refresh_from_db()
    assert estimate.status == Status.SUPERSEDED
    assert estimate.superseded_by == request.deadlines.get(status=Status.OPEN)


@time_machine.travel(TODAY, tick=False)
def test_clearing_the_acknowledgment_date_withdraws_the_new_york_answer():
    # POL §89(3)(a): the twenty business days run "from the date of the acknowledgment".
    # Acknowledged Mon 2019-09-30 -> Tue 2019-10-29 (Columbus Day, Mon Oct 14, skipped). The date
    # was entered in error and cleared: nothing counts from it, so the clock is withdrawn (waived
    # with the reason), not left open. Entered again as Tue 2019-10-01: Oct 2-4 (3), 7-11 (8),
    # 15-18 (12), 21-25 (17), 28-30 (20) -> Wed 2019-10-30.
    request = state_request("US-NY", status=S.PROCESSING)
    services.request_record_receipt(request=request, received_on=D(2019, 9, 25))
    services.request_update(request=request, changes={"acknowledged_on": D(2019, 9, 30)})
    assert open_rules(request) == {"response": D(2019, 10, 29)}

    services.request_update(request=request, changes={"acknowledged_on": None})

    assert open_rules(request) == {}
    withdrawn = request.deadlines.get(rule="response")
    assert withdrawn.status == Status.WAIVED
    assert "Acknowledgment date cleared" in withdrawn.note

    services.request_update(request=request, changes={"acknowledged_on": D(2019, 10, 1)})
    assert open_rules(request) == {"response": D(2019, 10, 30)}


@time_machine.travel(TODAY, tick=False)
def test_clearing_the_receipt_date_withdraws_the_clock_and_estimates_again():
    # 5 ILCS 140/3(d), 5 business days after receipt. Filed Mon 2019-09-02 (Labor Day): estimated
    # Sep 3-6 (4), 9 (5) -> Mon Sep 9. Received Tue 2019-10-01: Oct 2-4 (3), 7 8 (5) -> Tue Oct 8.
    # The receipt date was entered in error and cleared: the clock counted from it is withdrawn
    # (waived with the reason) and the estimate from filing is back; entered again, the clock
    # starts afresh.
    request = services.request_create(
        title="Building permits",
        records_sought="All permits.",
        agency=AgencyFactory(jurisdiction=jurisdiction("US-IL")),
        owner=RecordsRequestFactory().owner,
        status=S.SUBMITTED,
        filed_on=D(2019, 9, 2),
    )
    services.request_update(request=request, changes={"received_on": D(2019, 10, 1)})
    R, E = Deadline.Source.RULE, Deadline.Source.ESTIMATE
    assert open_deadlines(request) == [(R, "response", D(2019, 10, 8))]

    services.request_update(request=request, changes={"received_on": None})

    assert open_deadlines(request) == [(E, "response", D(2019, 9, 9))]
    withdrawn = request.deadlines.get(source=R)
    assert withdrawn.status == Status.WAIVED
    assert "Receipt date cleared" in withdrawn.note

    services.request_update(request=request, changes={"received_on": D(2019, 10, 1)})
    assert open_deadlines(request) == [(R, "response", D(2019, 10, 8))]
