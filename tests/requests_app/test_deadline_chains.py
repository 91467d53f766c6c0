"""Deadlines through longer chains of events: extension, tolling and resumption combined,
corrected dates, re-determination, and the deadlines that must not be left open.

Expected dates are counted by hand; each comment gives the count and the statute.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import services
from requests_app.deadlines import hooks, rules
from requests_app.deadlines.court import court_deadline_add, court_schedule_create
from requests_app.models import Appeal, CourtSchedule, Deadline, Lawsuit, RequestEvent
from requests_app.workflow import RequestStatus
from tests.factories import AgencyFactory, LawsuitFactory, RecordsRequestFactory, jurisdiction
from tests.requests_app.test_admin import _form_data

pytestmark = pytest.mark.django_db
D = datetime.date
S = RequestStatus
K = RequestEvent.Kind
Status = Deadline.Status


def open_clock(request) -> Deadline:
    return request.deadlines.get(status=Status.OPEN, rule__in=hooks.CLOCK_RULES)


def federal(received=D(2024, 3, 1), **fields):  # noqa: B008 - a date is immutable
    request = RecordsRequestFactory(**{"status": S.SUBMITTED, "filed_on": received, **fields})
    services.request_record_receipt(request=request, received_on=received)
    return request


def test_an_extended_clock_can_be_tolled_and_resumed_but_not_extended_twice():
    # 552(a)(6)(A)(i): received Fri 2024-03-01 -> Mar 4-8 (5), 11-15 (10), 18-22 (15),
    # 25-29 (20) -> 2024-03-29. 552(a)(6)(B)(i): +10 working days -> Apr 1-5, 8-12 -> 04-12.
    request = federal()
    services.request_record_extension(request=request, on=D(2024, 3, 20))
    assert open_clock(request).due_on == D(2024, 4, 12)
    # 552(a)(6)(A)(ii)(II): a fee notice on Tue 04-02 stops it with Apr 3-5, 8-12 = 8 days left;
    # the reply on Mon 04-15 restarts it: Apr 16-19 (4), 22-25 (8) -> Thu 2024-04-25.
    services.request_toll(request=request, on=D(2024, 4, 2), reason=K.FEE_NOTICE)
    assert open_clock(request).days_left == 8
    services.request_resume(request=request, on=D(2024, 4, 15))
    assert open_clock(request).due_on == D(2024, 4, 25)
    with pytest.raises(ValidationError, match="already been extended"):
        services.request_record_extension(request=request, on=D(2024, 4, 16))


def test_a_corrected_receipt_date_reaches_an_extended_clock():
    request = federal()
    services.request_record_extension(request=request, on=D(2024, 3, 20))
    # Received Fri 03-08 instead: Mar 11-15 (5), 18-22, 25-29 (15), Apr 1-5 (20) -> 04-05;
    # +10 working days -> Apr 8-12, 15-19 -> 2024-04-19.
    services.request_record_receipt(request=request, received_on=D(2024, 3, 8))
    assert open_clock(request).due_on == D(2024, 4, 19)


def test_a_corrected_receipt_date_reaches_a_stopped_and_a_resumed_clock():
    request = federal()  # due 2024-03-29
    services.request_toll(request=request, on=D(2024, 3, 5), reason=K.FEE_NOTICE)
    # Stopped Tue 03-05: Mar 6-8 (3), 11-15 (8), 18-22 (13), 25-29 (18) = 18 days left.
    assert open_clock(request).days_left == 18
    # Received Mon 03-04 instead: due Mar 5-8 (4), 11-15 (9), 18-22 (14), 25-29 (19), Apr 1
    # (20) -> 04-01, so 19 days were left after 03-05.
    services.request_record_receipt(request=request, received_on=D(2024, 3, 4))
    assert (open_clock(request).due_on, open_clock(request).days_left) == (D(2024, 4, 1), 19)
    # Reply Mon 04-08: 19 working days -> Apr 9-12 (4), 15-19 (9), 22-26 (14), 29-May 3 (19).
    services.request_resume(request=request, on=D(2024, 4, 8))
    assert open_clock(request).due_on == D(2024, 5, 3)
    # And back to receipt on 03-01: 18 days left after 03-05 -> one day earlier, Thu 05-02.
    services.request_record_receipt(request=request, received_on=D(2024, 3, 1))
    assert open_clock(request).due_on == D(2024, 5, 2)


def test_the_clock_cannot_stop_before_it_last_started():
    request = federal()
    services.request_toll(request=request, on=D(2024, 3, 5), reason=K.FEE_NOTICE)
    services.request_resume(request=request, on=D(2024, 4, 15))
    events_before = request.events.count()
    with pytest.raises(ValidationError, match="before it was running"):
        services.request_toll(request=request, on=D(2024, 3, 20), reason=K.FEE_NOTICE)
    request.refresh_from_db()
    assert request.status == S.SUBMITTED
    assert request.events.count() == events_before  # nothing half-saved


def test_a_determination_after_remand_opens_a_window_from_its_own_date():
    request = federal(status=S.PROCESSING)
    services.request_transition(request=request, to_status=S.DENIED, on=D(2024, 3, 20))
    appeal = services.appeal_file(request=request, filed_on=D(2024, 4, 1))
    services.appeal_decide(appeal=appeal, decided_on=D(2024, 5, 1), outcome=Appeal.Outcome.REMANDED)
    services.request_transition(request=request, to_status=S.PROCESSING, on=D(2024, 5, 2))
    services.request_transition(request=request, to_status=S.DENIED, on=D(2024, 8, 1))
    # 552(a)(6)(A)(i)(III)(aa): 90 days from Thu 2024-08-01 -> Aug 31 (30), Sep 30 (60),
    # Oct 30 (90), a Wednesday.
    window = request.deadlines.get(rule="appeal_window", status=Status.OPEN)
    assert window.due_on == D(2024, 10, 30)
    request.refresh_from_db()
    assert request.determined_on == D(2024, 8, 1)


def test_new_york_acknowledgment_is_met_by_the_acknowledgment():
    agency = AgencyFactory(jurisdiction=jurisdiction("US-NY"))
    request = federal(agency=agency)
    # POL §89(3)(a): 5 business days from Fri 2024-03-01 -> Mar 4-8 -> 03-08.
    assert open_clock(request).due_on == D(2024, 3, 8)
    services.request_acknowledge(request=request, acknowledged_on=D(2024, 3, 4))
    ack = request.deadlines.get(rule="acknowledgment")
    assert (ack.status, ack.met_on) == (Status.MET, D(2024, 3, 4))


def test_the_expedition_decision_meets_its_deadline():
    request = federal(expedited_processing="requested")
    # 552(a)(6)(E)(ii)(I): 10 calendar days from Fri 2024-03-01 -> Mon 2024-03-11.
    pending = request.deadlines.get(rule="expedited_determination")
    assert pending.due_on == D(2024, 3, 11)
    services.request_record_expedition(request=request, decision="granted", on=D(2024, 3, 5))
    pending.refresh_from_db()
    assert (pending.status, pending.met_on) == (Status.MET, D(2024, 3, 5))


def test_a_withdrawn_request_leaves_no_open_appeal_clock():
    request = federal(status=S.PROCESSING)
    services.request_transition(request=request, to_status=S.DENIED, on=D(2024, 3, 20))
    appeal = services.appeal_file(
        request=request, filed_on=D(2024, 4, 1), received_on=D(2024, 4, 2)
    )
    assert appeal.deadlines.get().status == Status.OPEN
    services.request_transition(request=request, to_status=S.WITHDRAWN, on=D(2024, 4, 10))
    assert not Deadline.objects.filter(
        Q(request=request) | Q(appeal__request=request), status=Status.OPEN
    ).exists()


def test_a_finished_case_owes_no_court_dates():
    lawsuit = LawsuitFactory()
    court_deadline_add(
        lawsuit=lawsuit, label="Reply brief", due_on=D(2024, 6, 1), court_order="ECF 20"
    )
    lawsuit.status = Lawsuit.Status.DISMISSED
    lawsuit.save()
    assert services.lawsuit_on_status(lawsuit=lawsuit) == 1
    assert lawsuit.deadlines.get().status == Status.WAIVED


def test_california_extension_is_one_limit_from_the_trigger():
    # Gov. Code §7922.535: 10 days, extendable by no more than 14. Received Mon 2023-11-13:
    # day 10 is Thu 11-23 (Thanksgiving), Fri 11-24 is a California holiday, so the first limit
    # rolls to Mon 11-27. The extended limit is 24 days from 11-13 = Thu 2023-12-07 (a working
    # day); adding 14 to the rolled 11-27 would wrongly give 12-11.
    basis = {"extend": {"rule": "response", "trigger": "2023-11-13"}, "of_rule": "response"}
    assert rules.evaluate("US-CA", {"rule": "response", "trigger": "2023-11-13"}).due == D(
        2023, 11, 27
    )
    assert rules.evaluate("US-CA", basis).due == D(2023, 12, 7)


def test_out_of_range_years_are_field_errors_not_crashes(staff_client):
    request = RecordsRequestFactory(filed_on=None, status=S.DRAFT)
    url = reverse("admin:requests_app_recordsrequest_change", args=[request.pk])
    form = staff_client.get(url).context["adminform"].form

    for bad in ("1985-06-03", "9999-12-30"):
        response = staff_client.post(url, _form_data(form, received_on=bad, filed_on="1985-06-01"))
        assert response.status_code == 200
        assert "check the year" in response.content.decode()
    changelist = reverse("admin:requests_app_recordsrequest_changelist")
    assert staff_client.get(changelist, {"due": "99999999"}).status_code == 200


def test_tolling_is_logged_in_the_timeline_not_picked_from_the_status(staff_client):
    request = federal()
    url = reverse("admin:requests_app_recordsrequest_change", args=[request.pk])
    form = staff_client.get(url).context["adminform"].form
    assert S.TOLLED not in {value for value, _ in form.fields["status"].choices}

    response = staff_client.post(url, _form_data(form, status=S.TOLLED))
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == S.SUBMITTED


def test_the_appeal_page_starts_the_appeal_clock(staff_client):
    request = federal(status=S.PROCESSING)
    services.request_transition(request=request, to_status=S.DENIED, on=D(2024, 3, 20))
    appeal = services.appeal_file(request=request, filed_on=D(2024, 4, 1))
    url = reverse("admin:requests_app_appeal_change", args=[appeal.pk])
    response = staff_client.post(
        url,
        {
            "received_on": "2024-04-02",
            "tracking_number": "A-1",
            "notes": "",
            "deadlines-TOTAL_FORMS": "0",
            "deadlines-INITIAL_FORMS": "0",
            "deadlines-MIN_NUM_FORMS": "0",
            "deadlines-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    # 552(a)(6)(A)(ii): received Tue 2024-04-02 -> Apr 3-5 (3), 8-12 (8), 15-19 (13), 22-26
    # (18), 29, 30 (20) -> 2024-04-30.
    assert appeal.deadlines.get(rule="appeal_response").due_on == D(2024, 4, 30)


def test_lawsuit_page_queries_do_not_grow_with_its_deadlines(lawyer_client):
    def page_queries(interval_days):
        lawsuit = LawsuitFactory()
        lawsuit.defendant_agencies.add(AgencyFactory())
        court_schedule_create(
            schedule=CourtSchedule(
                lawsuit=lawsuit,
                label="Status report",
                order_reference="ECF 5",
                recurrence=CourtSchedule.Recurrence.EVERY_N_DAYS,
                interval_days=interval_days,
                first_due=D(2024, 1, 2),
                until=D(2024, 12, 31),
            )
        )
        url = reverse("admin:requests_app_lawsuit_change", args=[lawsuit.pk])
        lawyer_client.get(url)  # warm the session and permission caches
        with CaptureQueriesContext(connection) as queries:
            assert lawyer_client.get(url).status_code == 200
        return len(queries)

    few = page_queries(120)  # 3 deadlines
    many = page_queries(10)  # 37 deadlines
    assert many == few
