"""Personal API tokens at the API's door: `Authorization: Token <key>` looked up by the key's hash;
expired, revoked and unknown tokens refused with a 401 that says why (and counted as failures);
failed attempts rate-limited; the token and its roles read in one query; the last-used time
written at most once a minute. (The page where people make them: tests/accounts/.)"""

from __future__ import annotations

import datetime
import socket

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_mark_used, api_token_revoke
from api.access import token_failures, token_failures_reset
from tests.factories import UserFactory, api_key_for

pytestmark = pytest.mark.django_db

# 10:00 in New York on a Monday.
NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)


def _call(key: str, ip: str = "127.0.0.1"):
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/jurisdictions/")


def _with_token(key: str, ip: str = "127.0.0.1") -> int:
    return _call(key, ip).status_code


def test_repeated_failures_from_one_address_are_refused_with_429(settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    good = api_key_for(UserFactory(roles=["reporting"]))
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


def test_a_revoked_token_is_refused_with_a_401_that_says_so():
    with time_machine.travel(NOW, tick=False):
        issued = api_token_create(user=UserFactory(roles=["reporting"]), name="script")
        assert _with_token(issued.key) == 200
        api_token_revoke(token_ids=[issued.token.pk])
        response = _call(issued.key)
        assert token_failures("127.0.0.1") == 1  # counted like any failure (in its window)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "authentication_failed"
    assert error["message"] == (
        f"This token ({issued.token.prefix}…) was revoked on 2026-03-02. "
        "Create a new one at http://localhost:8000/accounts/tokens/"
    )
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_works_through_its_last_day_and_is_refused_after_it():
    with time_machine.travel(NOW, tick=False):
        issued = api_token_create(
            user=UserFactory(roles=["reporting"]),
            name="one week",
            last_day=datetime.date(2026, 3, 9),
        )
    # 23:59 on its last day, in New York (04:59 UTC the next morning): still works.
    with time_machine.travel(datetime.datetime(2026, 3, 10, 3, 59, tzinfo=datetime.UTC)):
        assert _with_token(issued.key) == 200
    with time_machine.travel(datetime.datetime(2026, 3, 10, 4, 0, tzinfo=datetime.UTC)):
        response = _call(issued.key)
        assert token_failures("127.0.0.1") == 1
    assert response.status_code == 401
    assert response.json()["error"]["message"] == (
        f"This token ({issued.token.prefix}…) expired at the end of 2026-03-09. "
        "Create a new one at http://localhost:8000/accounts/tokens/"
    )


def test_the_key_is_never_stored_only_its_hash():
    issued = api_token_create(user=UserFactory(roles=["reporting"]), name="script")
    assert issued.key.startswith("ft_")
    assert len(issued.key) == 46
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        (row,) = cursor.fetchall()
    assert not any(issued.key in str(value) for value in row)
    assert issued.key[:10] in row  # the prefix, shown to recognise it
    assert _with_token(issued.key) == 200


def test_an_inactive_users_token_is_refused():
    user = UserFactory(roles=["reporting"])
    key = api_key_for(user)
    user.is_active = False
    user.save()
    assert _with_token(key) == 401


def test_a_token_and_its_roles_are_read_in_one_query():
    """Every API call authenticates; the token, its user and their roles come in one query, as
    before tokens were hashed: a call within a minute of the token's last use writes nothing."""
    user = UserFactory(roles=["reporting", "lawyer"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    with time_machine.travel(NOW, tick=False):
        assert client.get("/api/v1/").status_code == 200  # the first use is written
    with (
        time_machine.travel(NOW + datetime.timedelta(seconds=59), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get("/api/v1/")  # the API root reads nothing but the caller
    assert response.status_code == 200
    assert len(queries) == 1, [q["sql"] for q in queries]
    # Both roles were read: a lawyer may write a court deadline (400 for the empty body, not 403).
    assert client.post("/api/v1/deadlines/", {}, format="json").status_code == 400


def test_the_last_use_is_written_at_most_once_a_minute():
    issued = api_token_create(user=UserFactory(roles=["reporting"]), name="busy client")

    def last_used() -> datetime.datetime | None:
        return ApiToken.objects.get(pk=issued.token.pk).last_used_at

    assert last_used() is None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/").status_code == 200
    assert last_used() == NOW
    # The first use in a minute costs one conditional UPDATE beside the read.
    writes = [q["sql"] for q in first if q["sql"].startswith("UPDATE")]
    assert len(writes) == 1, writes
    assert '"last_used_at" <' in writes[0]
    for seconds in (1, 30, 60):
        with time_machine.travel(NOW + datetime.timedelta(seconds=seconds), tick=False):
            assert client.get("/api/v1/").status_code == 200
        assert last_used() == NOW  # within the minute: not written
    later = NOW + datetime.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        assert client.get("/api/v1/").status_code == 200
    assert last_used() == later


def test_of_two_calls_racing_past_the_check_only_one_writes_the_last_use():
    """Both read the token before either wrote: the UPDATE's own condition lets one through."""
    issued = api_token_create(user=UserFactory(roles=["reporting"]), name="racing")
    seen_by_first = ApiToken.objects.get(pk=issued.token.pk)
    seen_by_second = ApiToken.objects.get(pk=issued.token.pk)
    assert api_token_mark_used(token=seen_by_first, now=NOW) is True
    assert (
        api_token_mark_used(token=seen_by_second, now=NOW + datetime.timedelta(seconds=5)) is False
    )
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == NOW


def test_a_token_whose_user_holds_no_role_is_refused_with_403():
    assert _with_token(api_key_for(UserFactory(roles=[]))) == 403


def test_a_superusers_token_holds_every_role_without_groups():
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(superuser)}")
    assert client.get("/api/v1/jurisdictions/").status_code == 200
    # A lawyer's write is allowed: a 400 for the empty body, not a 403.
    assert client.post("/api/v1/deadlines/", {}, format="json").status_code == 400
    superuser.is_active = False
    superuser.save()
    assert client.get("/api/v1/jurisdictions/").status_code == 401


@pytest.mark.parametrize(
    "header", ["Token", "Token a b", "Token \x00", "Token " + "x" * 5000, "token ft_unknown"]
)
def test_a_malformed_or_unknown_key_is_a_401_in_the_error_shape(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/jurisdictions/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


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
    good = api_key_for(UserFactory(roles=["reporting"]))
    assert _with_token(good) == 200  # never refused because the counters are unreachable
    assert "the cache is unreachable" in caplog.text
    # Counted in this process meanwhile, so guessing is still bounded.
    assert [_with_token("wrong", ip="10.0.0.9") for _ in range(3)] == [401, 401, 429]
    assert _with_token(good, ip="10.0.0.9") == 429
    assert _with_token(good) == 200
    token_failures_reset("10.0.0.9")
