"""Personal API tokens: created and revoked in the admin; failed attempts are rate-limited."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from requests_app.api_access import token_failures
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _with_token(key: str, ip: str = "127.0.0.1") -> int:
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/jurisdictions/").status_code


def test_repeated_failures_from_one_address_are_refused_with_429(settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    good = Token.objects.create(user=UserFactory(roles=["reporting"])).key
    assert [_with_token("wrong") for _ in range(3)] == [401, 401, 401]
    assert token_failures("127.0.0.1") == 3
    # Now every token attempt from that address waits out the window, even a valid one.
    assert _with_token("wrong") == 429
    assert _with_token(good) == 429
    # Another address is not affected, nor is a session login from the same one.
    assert _with_token(good, ip="10.0.0.8") == 200
    client = APIClient()
    client.force_login(UserFactory(username="s", roles=["staff"]))
    assert client.get("/api/v1/jurisdictions/").status_code == 200


def test_429_is_in_the_error_shape(settings):
    settings.API_TOKEN_FAILURE_LIMIT = 1
    _with_token("wrong")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token wrong")
    response = client.get("/api/v1/jurisdictions/")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert "Retry-After" in response


def test_a_revoked_token_no_longer_works():
    token = Token.objects.create(user=UserFactory(roles=["reporting"]))
    assert _with_token(token.key) == 200
    token.delete()
    assert _with_token(token.key) == 401


def test_tokens_are_managed_in_the_admin(admin_client_staff):
    user = UserFactory(username="dashboard", roles=["reporting"])
    response = admin_client_staff.post("/admin/authtoken/tokenproxy/add/", {"user": user.pk})
    assert response.status_code == 302, response.content[:500]
    token = Token.objects.get(user=user)
    assert _with_token(token.key) == 200
    deleted = admin_client_staff.post(
        f"/admin/authtoken/tokenproxy/{user.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not Token.objects.filter(user=user).exists()


def test_an_inactive_users_token_is_refused():
    user = UserFactory(roles=["reporting"], is_active=False)
    token = Token.objects.create(user=user)
    assert _with_token(token.key) == 401
