"""Writes through the API go through the services: the workflow, the timeline and the deadlines
follow exactly as in the admin, and a refused move is a 409 that says why."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from requests_app import services
from requests_app.deadlines import hooks
from requests_app.models import Deadline, Lawsuit, RecordsRequest, RequestEvent
from requests_app.workflow import RequestStatus
from tests.api.api_records import NOON
from tests.factories import (
    AgencyFactory,
    LawsuitFactory,
    RecordsRequestFactory,
    UserFactory,
    jurisdiction,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


@pytest.fixture
def lawyer_api(lawyer_user):
    client = APIClient()
    client.force_authenticate(lawyer_user)
    return client


@time_machine.travel(NOON, tick=False)
def test_staff_log_a_request_and_its_clock_starts(staff_api, staff_user):
    agency = AgencyFactory()
    response = staff_api.post(
        "/api/v1/requests/",
        {
            "title": "FBI face recognition",
            "records_sought": "All records on face recognition.",
            "agency": agency.pk,
            "status": "submitted",
            "filed_on": "2019-01-14",
            "received_on": "2019-01-16",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_id"] == staff_user.pk
    assert body["jurisdiction"] == "US"
    assert [e["kind"] for e in body["events"]] == ["sent", "status_changed"]
    # 5 U.S.C. 552(a)(6)(A)(i): received 2019-01-16, 20 working days → 2019-02-14 (see the
    # calculator tests for the count).
    response_deadline = next(d for d in body["deadlines"] if d["rule"] == "response")
    assert response_deadline["due_on"] == "2019-02-14"


def test_a_new_request_cannot_start_past_submitted(staff_api):
    agency = AgencyFactory()
    response = staff_api.post(
        "/api/v1/requests/",
        {"title": "x", "records_sought": "y", "agency": agency.pk, "status": "denied"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["status"]
    assert not RecordsRequest.objects.exists()


def test_a_model_rule_is_a_400_naming_the_field_and_saves_nothing(staff_api):
    # A request that has been sent needs its filing date (RecordsRequest.clean).
    agency = AgencyFactory()
    response = staff_api.post(
        "/api/v1/requests/",
        {"title": "x", "records_sought": "y", "agency": agency.pk, "status": "submitted"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["filed_on"]
    assert not RecordsRequest.objects.exists()


def _rows() -> tuple[int, int, int, int]:
    return (
        RecordsRequest.objects.count(),
        RecordsRequest.history.count(),
        RequestEvent.objects.count(),
        Deadline.objects.count(),
    )


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("received_on", "message"),
    [
        ("2019-01-10", "cannot have received the request before it was filed"),
        ("1899-01-16", "1899-01-16 is outside the years 1986 to 2100"),
    ],
    ids=["before_filing", "outside_supported_years"],
)
def test_a_refused_receipt_date_leaves_no_request_and_the_retry_logs_one(
    staff_api, received_on, message
):
    RecordsRequestFactory()  # something already there, to count against
    before = _rows()
    agency = AgencyFactory()
    payload = {
        "title": "FBI face recognition",
        "records_sought": "All records on face recognition.",
        "agency": agency.pk,
        "status": "submitted",
        "filed_on": "2019-01-14",
        "received_on": received_on,
    }
    response = staff_api.post("/api/v1/requests/", payload, format="json")
    assert response.status_code == 400, response.content
    # Nothing of the request was committed: no row, no history, no timeline, no deadline.
    assert _rows() == before
    error = response.json()["error"]
    assert list(error["fields"]) == ["received_on"]
    assert message in " ".join(error["fields"]["received_on"])

    retry = staff_api.post(
        "/api/v1/requests/", {**payload, "received_on": "2019-01-16"}, format="json"
    )
    assert retry.status_code == 201, retry.content
    created = RecordsRequest.objects.get(title="FBI face recognition")
    assert created.received_on == datetime.date(2019, 1, 16)
    assert kinds_of(created) == ["sent", "status_changed"]
    assert RecordsRequest.objects.count() == before[0] + 1
    # One creation, one history row: the receipt date was saved with the request.
    assert created.history.count() == 1
    # 5 U.S.C. 552(a)(6)(A)(i): received 2019-01-16, 20 working days → 2019-02-14.
    assert created.deadlines.get(rule="response").due_on == datetime.date(2019, 2, 14)


def test_a_failure_after_the_request_is_saved_leaves_nothing_either(staff_api, monkeypatch):
    # Creating and starting the clock is one transaction: if the deadlines cannot be written,
    # the request is not logged either.
    def broken(**kwargs):
        raise RuntimeError("deadline store unavailable")

    monkeypatch.setattr(hooks, "deadlines_on_receipt", broken)
    before = _rows()
    payload = {
        "title": "FBI face recognition",
        "records_sought": "All records on face recognition.",
        "agency": AgencyFactory().pk,
        "status": "submitted",
        "filed_on": "2019-01-14",
        "received_on": "2019-01-16",
    }
    with pytest.raises(RuntimeError):
        staff_api.post("/api/v1/requests/", payload, format="json")
    assert _rows() == before


def kinds_of(request: RecordsRequest) -> list[str]:
    return list(request.events.order_by("occurred_on", "pk").values_list("kind", flat=True))


def test_a_move_the_workflow_refuses_is_409_naming_both_states(staff_api):
    request = RecordsRequestFactory(status=RequestStatus.SUBMITTED)
    response = staff_api.patch(
        f"/api/v1/requests/{request.pk}/", {"status": "appeal_decided"}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "transition_not_allowed"
    assert "“Submitted”" in error["message"]
    assert "“Appeal decided”" in error["message"]
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_a_status_move_is_recorded_in_the_timeline(staff_api):
    request = RecordsRequestFactory(status=RequestStatus.SUBMITTED)
    response = staff_api.patch(
        f"/api/v1/requests/{request.pk}/",
        {"status": "denied", "determined_on": "2019-03-01", "title": "Renamed"},
        format="json",
    )
    assert response.status_code == 200, response.content
    request.refresh_from_db()
    assert (request.status, request.title) == (RequestStatus.DENIED, "Renamed")
    assert request.determined_on == datetime.date(2019, 3, 1)
    moved = request.events.get(kind=RequestEvent.Kind.STATUS_CHANGED)
    assert (moved.from_status, moved.to_status) == ("submitted", "denied")
    assert moved.occurred_on == datetime.date(2019, 3, 1)
    # An adverse determination opens the 90-day appeal window (552(a)(6)(A)(i)(III)(aa)).
    assert request.deadlines.filter(rule="appeal_window", status="open").exists()


def test_the_agency_of_a_logged_request_cannot_change(staff_api):
    request = RecordsRequestFactory()
    other = AgencyFactory()
    response = staff_api.patch(
        f"/api/v1/requests/{request.pk}/", {"agency": other.pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["agency"]


def test_events_go_through_their_services(staff_api):
    request = RecordsRequestFactory(
        status=RequestStatus.SUBMITTED, filed_on=datetime.date(2019, 1, 14)
    )
    url = f"/api/v1/requests/{request.pk}/events/"
    ack = staff_api.post(
        url, {"kind": "acknowledged", "occurred_on": "2019-01-18", "number": "FBI-1"}, format="json"
    )
    assert ack.status_code == 201, ack.content
    assert ack.json()["status"] == "acknowledged"
    assert ack.json()["tracking_numbers"][0]["number"] == "FBI-1"
    note = staff_api.post(
        url, {"kind": "note", "occurred_on": "2019-01-19", "text": "Called."}, format="json"
    )
    assert note.status_code == 201
    assert note.json()["events"][-1]["text"] == "Called."
    answered = staff_api.post(
        url, {"kind": "clarification_answered", "occurred_on": "2019-01-20"}, format="json"
    )
    assert answered.status_code == 409  # not tolled: nothing to resume
    determination = staff_api.post(
        url, {"kind": "determination", "occurred_on": "2019-02-01"}, format="json"
    )
    assert determination.status_code == 400
    assert list(determination.json()["error"]["fields"]) == ["outcome"]


def test_lawyers_file_a_lawsuit_and_its_requests_enter_litigation(lawyer_api, lawyer_user):
    request = RecordsRequestFactory(
        status=RequestStatus.DENIED, determined_on=datetime.date(2019, 3, 1)
    )
    response = lawyer_api.post(
        "/api/v1/lawsuits/",
        {
            "caption": "ACLU v. DOJ",
            "court": "D. Mass.",
            "plaintiffs": "ACLU",
            "filed_on": "2019-10-31",
            "served_on": "2019-11-04",
            "defendant_agencies": [request.agency_id],
            "requests": [request.pk],
            "counsel": [lawyer_user.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_LITIGATION
    lawsuit = Lawsuit.objects.get()
    # Served 2019-11-04: answer 30 days later, 2019-12-04, a Wednesday (552(a)(4)(C)).
    assert lawsuit.deadlines.get(rule="foia_answer").due_on == datetime.date(2019, 12, 4)
    closed = lawyer_api.patch(
        f"/api/v1/lawsuits/{lawsuit.pk}/", {"status": "settled"}, format="json"
    )
    assert closed.status_code == 200
    assert not lawsuit.deadlines.filter(status="open").exists()


def test_a_lawsuit_needs_a_defendant(lawyer_api):
    response = lawyer_api.post(
        "/api/v1/lawsuits/",
        {
            "caption": "x",
            "court": "y",
            "plaintiffs": "z",
            "filed_on": "2019-10-31",
            "defendant_agencies": [],
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["defendant_agencies"]


def test_lawyers_add_court_ordered_deadlines_and_mark_them(lawyer_api):

    lawsuit = LawsuitFactory()
    response = lawyer_api.post(
        "/api/v1/deadlines/",
        {
            "lawsuit": lawsuit.pk,
            "label": "Joint status report",
            "due_on": "2020-01-15",
            "court_order": "ECF No. 25",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source"], body["due_on"], body["court_order"]) == (
        "court_order",
        "2020-01-15",
        "ECF No. 25",
    )
    marked = lawyer_api.post(
        f"/api/v1/deadlines/{body['id']}/mark/",
        {"status": "met", "on": "2020-01-14"},
        format="json",
    )
    assert marked.status_code == 200
    assert marked.json()["status"] == "met"
    again = lawyer_api.post(
        f"/api/v1/deadlines/{body['id']}/mark/", {"status": "waived"}, format="json"
    )
    assert again.status_code == 400
    assert "Only an open deadline" in again.json()["error"]["message"]
    assert Deadline.objects.get(pk=body["id"]).status == "met"


def test_staff_cannot_file_lawsuits_and_reporting_cannot_write(staff_api):
    reporting = APIClient()
    reporting.force_authenticate(UserFactory(username="r", roles=["reporting"]))
    request = RecordsRequestFactory()
    assert staff_api.post("/api/v1/lawsuits/", {}, format="json").status_code == 403
    assert (
        reporting.patch(
            f"/api/v1/requests/{request.pk}/", {"title": "x"}, format="json"
        ).status_code
        == 403
    )
    request.refresh_from_db()
    assert request.title != "x"
    assert jurisdiction("US").code == "US"


def test_patching_a_request_into_litigation_without_a_lawsuit_is_409(staff_api):
    request = RecordsRequestFactory(
        status=RequestStatus.DENIED, determined_on=datetime.date(2019, 3, 1)
    )
    response = staff_api.patch(
        f"/api/v1/requests/{request.pk}/", {"status": "in_litigation"}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "transition_not_allowed"
    assert list(error["fields"]) == ["status"]
    assert "from “Denied” to “In litigation”" in error["message"]
    assert "Add the request to a lawsuit instead" in error["message"]
    request.refresh_from_db()
    assert request.status == RequestStatus.DENIED


# 2019-02-20 at noon in New York: after the 2019-02-14 response deadline of a request received
# 2019-01-16 (552(a)(6)(A)(i)).
FEB_20 = datetime.datetime(2019, 2, 20, 17, tzinfo=datetime.UTC)


def _received_federal_request():
    request = RecordsRequestFactory(
        status=RequestStatus.SUBMITTED, filed_on=datetime.date(2019, 1, 16)
    )
    services.request_record_receipt(request=request, received_on=datetime.date(2019, 1, 16))
    return request


@time_machine.travel(FEB_20, tick=False)
def test_an_extension_notice_after_today_is_a_400_naming_its_date(staff_api):
    request = _received_federal_request()
    response = staff_api.post(
        f"/api/v1/requests/{request.pk}/events/",
        {"kind": "extension_notice", "occurred_on": "2019-02-21"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"] == {
        "occurred_on": ["A notice cannot be dated after today (2019-02-20)."]
    }
    assert not request.events.filter(kind="extension_notice").exists()


@time_machine.travel(FEB_20, tick=False)
def test_a_late_extension_notice_needs_late_reason_in_the_api(staff_api):
    request = _received_federal_request()
    url = f"/api/v1/requests/{request.pk}/events/"
    late = {"kind": "extension_notice", "occurred_on": "2019-02-19", "text": "Backlog."}
    refused = staff_api.post(url, late, format="json")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["late_reason"]
    assert "(5 U.S.C. 552(a)(6)(B)(i))" in error["message"]
    assert not request.events.filter(kind="extension_notice").exists()

    accepted = staff_api.post(url, {**late, "late_reason": "Worth the wait."}, format="json")
    assert accepted.status_code == 201, accepted.content
    entry = accepted.json()["events"][-1]
    assert entry["kind"] == "extension_notice"
    assert entry["text"] == (
        "Backlog. Response now due 2019-03-01 (5 U.S.C. 552(a)(6)(B)(i)). Late notice (dated "
        "after the deadline it extends), accepted: Worth the wait."
    )


@time_machine.travel(FEB_20, tick=False)
def test_late_reason_on_another_event_is_a_400_naming_it(staff_api):
    request = _received_federal_request()
    response = staff_api.post(
        f"/api/v1/requests/{request.pk}/events/",
        {"kind": "note", "occurred_on": "2019-02-19", "text": "Called.", "late_reason": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["late_reason"]
    assert not request.events.filter(kind="note").exists()


def test_the_schema_documents_late_reason_on_events(staff_api):
    schema = staff_api.get("/api/schema/", {"format": "json"}).json()
    fields = schema["components"]["schemas"]["RequestEventWrite"]["properties"]
    assert "late_reason" in fields
    assert "552(a)(6)(B)(i)" in fields["late_reason"]["description"]
    patch = schema["paths"]["/api/v1/requests/{id}/"]["patch"]
    assert "in_litigation" in patch["description"]
