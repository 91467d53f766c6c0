"""Deadlines where staff and lawyers look: request and lawsuit pages, filters, closure days."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from requests_app import services
from requests_app.deadlines.closures import closure_day_add
from requests_app.models import ClosureDay, CourtSchedule, Deadline, Jurisdiction
from requests_app.services import timeline
from requests_app.workflow import RequestStatus
from tests.factories import AgencyFactory, LawsuitFactory, RecordsRequestFactory

pytestmark = pytest.mark.django_db
D = datetime.date
# 2019-02-20 at noon in New York: after the 2019-02-14 response deadline below.
FEB_20 = datetime.datetime(2019, 2, 20, 17, tzinfo=datetime.UTC)


def received_request(**fields):
    request = RecordsRequestFactory(
        status=RequestStatus.SUBMITTED, filed_on=D(2019, 1, 16), **fields
    )
    services.request_record_receipt(request=request, received_on=D(2019, 1, 16))
    return request


def management(prefixes):
    data = {}
    for prefix in prefixes:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


@time_machine.travel(FEB_20, tick=False)
def test_request_page_lists_deadlines_with_state_and_explanation(staff_client):
    request = received_request()
    page = staff_client.get(reverse("admin:requests_app_recordsrequest_change", args=[request.pk]))
    text = page.content.decode()
    assert "Determination on a FOIA request" in text
    assert "Feb. 14, 2019" in text
    assert "Overdue by 6 days" in text  # the dashboard's words (deadline_state)
    assert "20 working days after 2019-01-16 (5 U.S.C. 552(a)(6)(A)(i))" in text


@time_machine.travel(FEB_20, tick=False)
def test_request_list_filters_overdue_and_due_soon(staff_client):
    late = received_request(title="Late one")
    soon = RecordsRequestFactory(
        title="Soon one", status=RequestStatus.SUBMITTED, filed_on=D(2019, 2, 1)
    )
    # Received Fri 2019-02-01: 20 working days -> Feb 4-8 (5), 11-15 (10), 18 holiday, 19-22
    # (14), 25-Mar 1 (19), Mar 4 (20) -> 2019-03-04: 12 days after 2019-02-20.
    services.request_record_receipt(request=soon, received_on=D(2019, 2, 1))
    url = reverse("admin:requests_app_recordsrequest_changelist")
    titles = lambda q: {r.title for r in staff_client.get(url, q).context["cl"].result_list}  # noqa: E731
    assert titles({"due": "overdue"}) == {late.title}
    assert titles({"due": "7"}) == set()
    assert titles({"due": "14"}) == {soon.title}
    deadline_list = reverse("admin:requests_app_deadline_changelist")
    assert staff_client.get(deadline_list, {"due": "overdue"}).context["cl"].result_count == 1


def test_adding_a_closure_day_in_the_admin_says_what_moved(staff_client):
    request = RecordsRequestFactory(status=RequestStatus.SUBMITTED, filed_on=D(2019, 12, 10))
    services.request_record_receipt(request=request, received_on=D(2019, 12, 10))  # due 2020-01-09
    us = Jurisdiction.objects.get(code="US")
    response = staff_client.post(
        reverse("admin:requests_app_closureday_add"),
        {"jurisdiction": us.pk, "date": "2019-12-24", "reason": "Executive Order 13900"},
        follow=True,
    )
    text = response.content.decode()
    moved = "Determination on a FOIA request: 2020-01-09 → 2020-01-10 (+1 day)"
    assert f"1 open deadline(s) moved: {moved}" in text
    closure = ClosureDay.objects.get()
    response = staff_client.post(
        reverse("admin:requests_app_closureday_delete", args=[closure.pk]),
        {"post": "yes"},
        follow=True,
    )
    assert "2020-01-10 → 2020-01-09 (-1 day)" in response.content.decode()
    assert request.deadlines.get().due_on == D(2020, 1, 9)


def test_a_duplicate_closure_day_in_the_admin_is_a_form_error(staff_client):
    us = Jurisdiction.objects.get(code="US")
    closure_day_add(jurisdiction=us, date=D(2019, 12, 24), reason="EO 13900")
    response = staff_client.post(
        reverse("admin:requests_app_closureday_add"),
        {"jurisdiction": us.pk, "date": "2019-12-24", "reason": "again"},
    )
    assert response.status_code == 200
    assert "That day is already a closure day there." in response.content.decode()
    assert ClosureDay.objects.count() == 1


def test_lawyer_adds_a_court_date_and_a_schedule_on_the_lawsuit_page(lawyer_client):
    lawsuit = LawsuitFactory()
    lawsuit.defendant_agencies.add(AgencyFactory())
    url = reverse("admin:requests_app_lawsuit_change", args=[lawsuit.pk])
    form = lawyer_client.get(url).context["adminform"].form
    data = {
        name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None
    }
    data["defendant_agencies"] = [a.pk for a in form.initial.get("defendant_agencies", [])]
    data.pop("requests", None)
    data.pop("counsel", None)
    data |= management(["Lawsuit_requests", "deadlines", "deadlines-2", "schedules", "releases"])
    data |= {
        "deadlines-2-TOTAL_FORMS": "1",
        "deadlines-2-0-label": "Answer",
        "deadlines-2-0-due_on": "2019-12-30",
        "deadlines-2-0-court_order": "",
        "schedules-TOTAL_FORMS": "1",
        "schedules-0-label": "Joint status report",
        "schedules-0-order_reference": "ECF No. 30",
        "schedules-0-recurrence": "every_n_days",
        "schedules-0-interval_days": "60",
        "schedules-0-first_due": "2020-03-02",
        "schedules-0-until": "2020-12-31",
    }
    response = lawyer_client.post(url, data)
    assert response.status_code == 200  # the court date names no order
    assert "Name the order that sets this date" in response.content.decode()
    assert not Deadline.objects.exists()

    data["deadlines-2-0-court_order"] = "ECF No. 12"
    response = lawyer_client.post(url, data, follow=True)
    assert "6 dated deadline(s) added" in response.content.decode()
    assert lawsuit.deadlines.get(rule="court_order").due_on == D(2019, 12, 30)
    assert lawsuit.deadlines.filter(rule="court_schedule").count() == 6

    schedule = CourtSchedule.objects.get()
    changelist = reverse("admin:requests_app_courtschedule_changelist")
    response = lawyer_client.post(
        changelist,
        {
            "action": "cut_off",
            "_selected_action": [schedule.pk],
            "apply": "1",
            "after": "2020-07-01",
            "order_reference": "ECF No. 45",
        },
        follow=True,
    )
    assert "Superseded 3 open deadline(s)." in response.content.decode()


def test_mark_met_action_asks_for_the_date(lawyer_client):
    request = received_request()
    deadline = request.deadlines.get()
    url = reverse("admin:requests_app_deadline_changelist")
    page = lawyer_client.post(url, {"action": "mark_met", "_selected_action": [deadline.pk]})
    assert "Mark deadlines met" in page.content.decode()
    lawyer_client.post(
        url,
        {
            "action": "mark_met",
            "_selected_action": [deadline.pk],
            "apply": "1",
            "met_on": "2019-02-20",
        },
    )
    deadline.refresh_from_db()
    assert (deadline.status, deadline.met_on) == (Deadline.Status.MISSED, D(2019, 2, 20))


def test_staff_cannot_mark_deadlines_met_or_waived(staff_client):
    """Marking a deadline met or waived by hand is the lawyers' (the staff's letters meet
    deadlines through the timeline instead)."""
    request = received_request()
    deadline = request.deadlines.get()
    url = reverse("admin:requests_app_deadline_changelist")
    for action in (
        {"action": "mark_met", "apply": "1", "met_on": "2019-02-20"},
        {"action": "mark_waived"},
    ):
        staff_client.post(url, {**action, "_selected_action": [deadline.pk]})
        deadline.refresh_from_db()
        assert (deadline.status, deadline.met_on) == (Deadline.Status.OPEN, None)


def _request_page_data(client, request, **events):
    url = reverse("admin:requests_app_recordsrequest_change", args=[request.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "all"):
            value = [obj.pk for obj in value.all()]
        elif isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = value
    data |= management(["tracking_numbers", "appeals", "events", "deadlines", "releases"])
    existing = request.events.count()
    data["events-INITIAL_FORMS"] = str(existing)
    data["events-TOTAL_FORMS"] = str(existing + 1)
    for i, event in enumerate(request.events.order_by("occurred_on", "pk")):
        data |= {
            f"events-{i}-id": event.pk,
            f"events-{i}-occurred_on": event.occurred_on.isoformat(),
            f"events-{i}-kind": event.kind,
            f"events-{i}-direction": event.direction,
            f"events-{i}-text": event.text,
            f"events-{i}-request": request.pk,
        }
    data |= {f"events-{existing}-{k}": v for k, v in events.items()}
    data[f"events-{existing}-request"] = request.pk
    return url, data


def test_an_entry_typed_into_the_timeline_is_written_by_the_timeline(
    staff_client, staff_user, monkeypatch
):
    request = received_request()
    written = []
    entry_logged = timeline.entry_logged

    def spy(**kwargs):
        written.append(kwargs["kind"])
        return entry_logged(**kwargs)

    monkeypatch.setattr(timeline, "entry_logged", spy)
    url, data = _request_page_data(
        staff_client,
        request,
        occurred_on="2019-02-01",
        kind="note",
        direction="to_agency",
        text="Called the FOIA public liaison.",
    )
    assert staff_client.post(url, data).status_code == 302
    assert written == ["note"]
    entry = request.events.get(kind="note")
    assert (entry.occurred_on, entry.direction, entry.text, entry.created_by) == (
        D(2019, 2, 1),
        "to_agency",
        "Called the FOIA public liaison.",
        staff_user,
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED  # a note moves nothing


def test_logging_letters_in_the_timeline_moves_the_clock(staff_client):
    request = received_request()  # federal, due 2019-02-14
    url, data = _request_page_data(
        staff_client,
        request,
        occurred_on="2019-02-01",
        kind="clarification_requested",
        direction="from_agency",
        text="Agency asks which offices to search",
    )
    assert staff_client.post(url, data).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.TOLLED
    assert request.deadlines.get(status="open").days_left == 9  # Feb 4-8, 11-14

    # A reply dated before the stop is refused, and nothing is saved.
    url, data = _request_page_data(
        staff_client,
        request,
        occurred_on="2019-01-30",
        kind="clarification_answered",
        direction="to_agency",
        text="",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "The reply cannot predate the stop (2019-02-01)." in response.content.decode()

    url, data = _request_page_data(
        staff_client,
        request,
        occurred_on="2019-03-04",
        kind="clarification_answered",
        direction="to_agency",
        text="Offices named",
    )
    assert staff_client.post(url, data).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert request.deadlines.get(status="open").due_on == D(2019, 3, 15)  # 9 working days after

    url, data = _request_page_data(
        staff_client,
        request,
        occurred_on="2019-03-05",
        kind="extension_notice",
        direction="from_agency",
        text="Unusual circumstances",
    )
    assert staff_client.post(url, data).status_code == 302
    # 552(a)(6)(B)(i): 10 working days after 2019-03-15: Mar 18-22 (5), 25-29 (10) -> 03-29.
    assert request.deadlines.get(status="open").due_on == D(2019, 3, 29)

    url, data = _request_page_data(
        staff_client,
        request,
        occurred_on="2019-03-06",
        kind="extension_notice",
        direction="from_agency",
        text="Again",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "already been extended" in response.content.decode()


def _timeline_row_errors(response) -> dict:
    """The errors of the new timeline row (the last form of the events inline), by field."""
    (events,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "events"
    ]
    return dict(events.forms[-1].errors)


@time_machine.travel(FEB_20, tick=False)
def test_a_late_extension_notice_in_the_timeline_asks_why_it_is_accepted(staff_client):
    # 552(a)(6)(B)(i): notice before the time limit expires; 2019-02-19 is after 2019-02-14.
    request = received_request()
    late = {
        "occurred_on": "2019-02-19",
        "kind": "extension_notice",
        "direction": "from_agency",
        "text": "Unusual circumstances",
    }
    url, data = _request_page_data(staff_client, request, **late)
    response = staff_client.post(url, data)
    assert response.status_code == 200
    errors = _timeline_row_errors(response)
    assert list(errors) == ["late_reason"]
    assert "after the deadline it extends (2019-02-14)" in errors["late_reason"][0]
    assert "(5 U.S.C. 552(a)(6)(B)(i))" in errors["late_reason"][0]
    assert not request.events.filter(kind="extension_notice").exists()
    assert request.deadlines.get(status="open").due_on == D(2019, 2, 14)

    url, data = _request_page_data(
        staff_client, request, **late, late_reason="Counsel would rather wait than sue."
    )
    assert staff_client.post(url, data).status_code == 302
    # +10 working days from 2019-02-14: Feb 15, 19-22, 25-Mar 1 (Feb 18 a holiday) -> 03-01.
    assert request.deadlines.get(status="open").due_on == D(2019, 3, 1)
    assert request.events.get(kind="extension_notice").text.endswith(
        "accepted: Counsel would rather wait than sue."
    )


@time_machine.travel(FEB_20, tick=False)
def test_an_extension_notice_dated_after_today_is_refused_on_its_date(staff_client):
    request = received_request()
    url, data = _request_page_data(
        staff_client,
        request,
        occurred_on="2019-02-21",
        kind="extension_notice",
        direction="from_agency",
        text="",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert _timeline_row_errors(response) == {
        "occurred_on": ["A notice cannot be dated after today (2019-02-20)."]
    }
    assert not request.events.filter(kind="extension_notice").exists()


@time_machine.travel(FEB_20, tick=False)
def test_a_late_reason_on_any_other_timeline_row_is_refused(staff_client):
    request = received_request()
    url, data = _request_page_data(
        staff_client,
        request,
        occurred_on="2019-02-19",
        kind="note",
        direction="internal",
        text="Called.",
        late_reason="Late.",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert list(_timeline_row_errors(response)) == ["late_reason"]
    assert not request.events.filter(kind="note").exists()
