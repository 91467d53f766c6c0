"""The explanation a lawyer reads beside a due date is whole sentences, each closed by its full
stop, so a rule's last skipped day never runs into the note after it ("... Sunday Determined on").

The countings are 5 U.S.C. 552(a)(6)(A)(i) (20 working days after receipt), (a)(6)(A)(ii)
(tolling) and (a)(6)(B)(i) (a 10-working-day extension), counted by hand in test_deadlines.py.
"""

from __future__ import annotations

import datetime

import pytest

from requests_app import services
from requests_app.deadlines.rules import as_sentence
from requests_app.deadlines.selectors import explanation_text
from requests_app.models import Deadline
from requests_app.workflow import RequestStatus
from tests.factories import RecordsRequestFactory

pytestmark = pytest.mark.django_db
D = datetime.date
Status = Deadline.Status

# Holidays and closure days by date and name with the statute behind them; weekend days counted.
RESPONSE = (
    "Due 2019-02-14: 20 working days after 2019-01-16 (5 U.S.C. 552(a)(6)(A)(i)); skipped "
    "2019-01-21 Birthday of Martin Luther King, Jr. (5 U.S.C. 6103(a)) and 8 Saturdays and "
    "Sundays."
)
EXTENDED = (
    "Extends the response deadline due 2019-02-14. Due 2019-03-01: 10 working days after "
    "2019-02-14 (5 U.S.C. 552(a)(6)(B)(i)); skipped 2019-02-18 Washington's Birthday "
    "(5 U.S.C. 6103(a)) and 4 Saturdays and Sundays."
)


def _received():
    request = RecordsRequestFactory(status=RequestStatus.SUBMITTED, filed_on=D(2019, 1, 16))
    services.request_record_receipt(request=request, received_on=D(2019, 1, 16))
    return request


def _response(request, status: str) -> Deadline:
    return Deadline.objects.get(request=request, rule="response", status=status)


def test_a_determined_deadline_reads_the_counting_then_the_determination():
    request = _received()
    services.request_record_determination(
        request=request, outcome=RequestStatus.DENIED, determined_on=D(2019, 2, 12)
    )
    assert explanation_text(_response(request, Status.MET)) == (
        f"{RESPONSE} Determined on 2019-02-12."
    )


def test_a_tolled_deadline_reads_the_counting_the_stop_and_the_resumption():
    request = _received()
    services.request_toll(request=request, on=D(2019, 2, 1))
    stopped = _response(request, Status.OPEN)
    assert explanation_text(stopped) == (
        f"{RESPONSE} Clock stopped on 2019-02-01 with 9 working days left "
        "(5 U.S.C. 552(a)(6)(A)(ii))."
    )
    services.request_resume(request=request, on=D(2019, 3, 4))
    stopped.refresh_from_db()
    assert explanation_text(stopped) == (
        f"{RESPONSE} Clock stopped on 2019-02-01 with 9 working days left "
        "(5 U.S.C. 552(a)(6)(A)(ii)). Resumed on 2019-03-04."
    )
    assert explanation_text(_response(request, Status.OPEN)) == (
        "The clock stopped with 9 working days left and resumed when the reply arrived on "
        "2019-03-04. Due 2019-03-15: 9 working days after 2019-03-04 "
        "(5 U.S.C. 552(a)(6)(A)(i); 5 U.S.C. 552(a)(6)(A)(ii)); skipped 1 Saturday and 1 Sunday."
    )


def test_an_extended_deadline_and_the_one_it_extends():
    request = _received()
    services.request_record_extension(request=request, on=D(2019, 2, 5))
    original = _response(request, Status.SUPERSEDED)
    assert explanation_text(original) == f"{RESPONSE} Extended by notice of 2019-02-05."
    assert explanation_text(original.superseded_by) == EXTENDED


def test_a_late_notice_keeps_the_reason_staff_gave_as_a_sentence():
    request = _received()
    services.request_record_extension(
        request=request, on=D(2019, 2, 20), late_reason="  Mailed late by the agency "
    )
    extended = _response(request, Status.SUPERSEDED).superseded_by
    assert explanation_text(extended) == (
        f"{EXTENDED} Notice dated 2019-02-20, after the deadline it extends. "
        "Accepted because: Mailed late by the agency."
    )


def test_a_sentence_gets_one_full_stop():
    assert [as_sentence(t) for t in ("Met", "Met.", " Met? ", "")] == ["Met.", "Met.", "Met?", ""]
