"""The read API under /api/v1/: authentication required, token or session, and a role."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sample_data.demo import demo_seed
from tests.factories import UserFactory, api_key_for

pytestmark = pytest.mark.django_db
LISTS = ["jurisdictions", "agencies", "requests", "appeals", "lawsuits"]


@pytest.mark.parametrize("resource", LISTS)
def test_anonymous_callers_get_401(resource):
    response = APIClient().get(f"/api/v1/{resource}/")
    assert response.status_code == 401


@pytest.mark.parametrize("resource", LISTS)
def test_token_holder_reads_the_list(resource):
    demo_seed(password="pw")
    key = api_key_for(UserFactory(is_staff=False, roles=["reporting"]))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(f"/api/v1/{resource}/")
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)
    assert response.json()["count"] == len(response.json()["results"])


@pytest.mark.parametrize("resource", LISTS)
def test_a_login_without_a_role_is_403(resource):
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=False))
    response = client.get(f"/api/v1/{resource}/")
    assert response.status_code == 403
    assert "no API role" in response.json()["error"]["message"]


def test_request_detail_carries_its_timeline_and_tracking_numbers():
    demo_seed(password="pw")
    client = APIClient()
    client.force_authenticate(UserFactory(roles=["reporting"]))
    requests = client.get("/api/v1/requests/").json()["results"]
    dea = next(
        r for r in requests if r["title"] == "DEA face recognition and biometric tracking records"
    )
    assert dea["status"] == "in_litigation"
    assert dea["jurisdiction"] == "US"
    assert next(e["kind"] for e in dea["events"]) == "sent"
    assert "interim_release" in [e["kind"] for e in dea["events"]]


def test_wrong_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/requests/").status_code == 401


def test_schema_and_docs_are_served():
    client = APIClient()
    client.force_authenticate(UserFactory())
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/requests/" in schema.content
    assert client.get("/api/docs/").status_code == 200
