"""The request resource's `request_kind`: standard, commercial or recurrent, written through the
services so that receipt starts the kind's own clock (Illinois, 5 ILCS 140/3.1 and 3.2)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from requests_app.models import RecordsRequest
from tests.factories import AgencyFactory, RecordsRequestFactory, UserFactory, jurisdiction

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2019, 11, 1, 16, tzinfo=datetime.UTC)


@pytest.fixture
def staff_api(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


def new_request(agency, **fields):
    return {
        "title": "Building permits",
        "records_sought": "All building permits issued in 2019.",
        "agency": agency.pk,
        "status": "submitted",
        "filed_on": "2019-09-30",
        "received_on": "2019-10-01",
        **fields,
    }


@time_machine.travel(NOON, tick=False)
def test_a_commercial_illinois_request_starts_its_twenty_one_working_days(staff_api):
    # 5 ILCS 140/3.1(a): "within 21 working days after receipt". Received Tue 2019-10-01: Oct
    # 2-4 (3), 7-11 (8), skip Mon 14 Columbus Day (5 ILCS 490/10), 15-18 (12), 21-25 (17), 28-31
    # (21) -> Thu 2019-10-31.
    agency = AgencyFactory(jurisdiction=jurisdiction("US-IL"))
    response = staff_api.post(
        "/api/v1/requests/", new_request(agency, request_kind="commercial"), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["request_kind"] == "commercial"
    assert body["request_kind_label"] == "Records to be used for a commercial purpose"
    request = RecordsRequest.objects.get(pk=body["id"])
    assert [(d.rule, d.due_on) for d in request.deadlines.all()] == [
        ("commercial_response", datetime.date(2019, 10, 31))
    ]
    listed = staff_api.get("/api/v1/requests/").json()["results"][0]
    assert (listed["request_kind"], listed["request_kind_label"]) == (
        "commercial",
        "Records to be used for a commercial purpose",
    )

    patched = staff_api.patch(
        f"/api/v1/requests/{request.pk}/", {"request_kind": "standard"}, format="json"
    )
    assert patched.status_code == 200, patched.content
    # Back to 5 ILCS 140/3(d): 5 business days -> Tue 2019-10-08.
    assert request.deadlines.get(status="open").due_on == datetime.date(2019, 10, 8)


@time_machine.travel(NOON, tick=False)
def test_bad_kinds_are_400s_naming_request_kind_and_save_nothing(staff_api):
    illinois = AgencyFactory(jurisdiction=jurisdiction("US-IL"))
    unknown = staff_api.post(
        "/api/v1/requests/", new_request(illinois, request_kind="bulk"), format="json"
    )
    assert unknown.status_code == 400
    assert set(unknown.json()["error"]["fields"]) == {"request_kind"}
    assert unknown.json()["error"]["code"] == "invalid"

    massachusetts = AgencyFactory(jurisdiction=jurisdiction("US-MA"))
    elsewhere = staff_api.post(
        "/api/v1/requests/", new_request(massachusetts, request_kind="recurrent"), format="json"
    )
    assert elsewhere.status_code == 400
    assert set(elsewhere.json()["error"]["fields"]) == {"request_kind"}
    assert (
        "US-MA gives this kind of request no time limit of its own"
        in (elsewhere.json()["error"]["message"])
    )
    assert not RecordsRequest.objects.exists()


def test_a_reporting_client_cannot_set_the_kind():
    request = RecordsRequestFactory(agency=AgencyFactory(jurisdiction=jurisdiction("US-IL")))
    reporting = APIClient()
    reporting.force_authenticate(UserFactory(username="reporter", roles=["reporting"]))
    response = reporting.patch(
        f"/api/v1/requests/{request.pk}/", {"request_kind": "commercial"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    request.refresh_from_db()
    assert request.request_kind == "standard"
