"""Personal API tokens: created and revoked in the admin; failed attempts are rate-limited."""

from __future__ import annotations

import socket

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.access import token_failures, token_failures_reset
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


def test_tokens_are_managed_in_the_admin(superuser_client):
    user = UserFactory(username="dashboard", roles=["reporting"])
    response = superuser_client.post("/admin/authtoken/tokenproxy/add/", {"user": user.pk})
    assert response.status_code == 302, response.content[:500]
    token = Token.objects.get(user=user)
    assert _with_token(token.key) == 200
    deleted = superuser_client.post(
        f"/admin/authtoken/tokenproxy/{user.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not Token.objects.filter(user=user).exists()


def test_staff_cannot_issue_tokens(staff_client, superuser):
    """Issuing a token is the operator's: whoever may issue one for any user may act as that
    user, a superuser included."""
    assert staff_client.get("/admin/authtoken/tokenproxy/add/").status_code == 403
    response = staff_client.post("/admin/authtoken/tokenproxy/add/", {"user": superuser.pk})
    assert response.status_code == 403
    assert not Token.objects.exists()


def test_an_inactive_users_token_is_refused():
    user = UserFactory(roles=["reporting"], is_active=False)
    token = Token.objects.create(user=user)
    assert _with_token(token.key) == 401


def test_a_token_and_its_roles_are_read_in_one_query():
    """Every API call authenticates; the roles come in the same query as the user."""
    user = UserFactory(roles=["reporting", "lawyer"])
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/")  # the API root reads nothing but the caller
    assert response.status_code == 200
    assert len(queries) == 1, [q["sql"] for q in queries]
    # Both roles were read: a lawyer may write a court deadline (400 for the empty body, not 403).
    assert client.post("/api/v1/deadlines/", {}, format="json").status_code == 400


def test_a_token_whose_user_holds_no_role_is_refused_with_403():
    token = Token.objects.create(user=UserFactory(roles=[]))
    assert _with_token(token.key) == 403


def test_a_superusers_token_holds_every_role_without_groups():
    superuser = UserFactory(is_superuser=True, is_staff=True)
    token = Token.objects.create(user=superuser)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/jurisdictions/").status_code == 200
    # A lawyer's write is allowed: a 400 for the empty body, not a 403.
    assert client.post("/api/v1/deadlines/", {}, format="json").status_code == 400
    superuser.is_active = False
    superuser.save()
    assert client.get("/api/v1/jurisdictions/").status_code == 401


@pytest.fixture
def cache_unreachable(settings):
    """The failure counters' Redis is down: a port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.usefixtures("cache_unreachable")
def test_with_the_cache_down_a_valid_token_works_and_failures_are_still_limited(settings, caplog):
    settings.API_TOKEN_FAILURE_LIMIT = 2
    good = Token.objects.create(user=UserFactory(roles=["reporting"])).key
    assert _with_token(good) == 200  # never refused because the counters are unreachable
    assert "the cache is unreachable" in caplog.text
    # Counted in this process meanwhile, so guessing is still bounded.
    assert [_with_token("wrong", ip="10.0.0.9") for _ in range(3)] == [401, 401, 429]
    assert _with_token(good, ip="10.0.0.9") == 429
    assert _with_token(good) == 200
    token_failures_reset("10.0.0.9")
