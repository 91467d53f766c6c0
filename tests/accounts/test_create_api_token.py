"""`manage.py create_api_token`: prints the key once (alone on stdout), says what it made on
stderr; a wrong username, name or day is a clear error, exit status 1, nothing created."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)  # 10:00 in New York


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@time_machine.travel(NOW, tick=False)
def test_it_prints_the_key_once_and_the_key_opens_the_api():
    user = UserFactory(username="bi-dashboard", roles=["reporting"])
    out, err = run("bi-dashboard", "--name", "BI dashboard", "--expires", "2026-12-31")
    key = out.strip()
    assert out == key + "\n"
    assert key.startswith("ft_")
    token = ApiToken.objects.get(user=user)
    assert err.strip() == (
        f"Token “BI dashboard” ({token.prefix}…) issued for bi-dashboard, working until the end "
        "of 2026-12-31. Copy the key below now: it is not stored and will not be shown again."
    )
    assert token.last_day == datetime.date(2026, 12, 31)
    assert key not in err
    assert token.key_hash != key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/jurisdictions/").status_code == 200


def test_without_expires_the_token_does_not_expire():
    UserFactory(username="script")
    _out, err = run("script", "--name", "Nightly")
    assert ", not expiring." in err
    assert ApiToken.objects.get().expires_at is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", "--name", "x"], "No user is named 'nobody'."),
        (
            ["script", "--name", "x", "--expires", "31/12/2026"],
            "--expires '31/12/2026' is not a date: give the last day the token works as "
            "YYYY-MM-DD, e.g. 2026-12-31",
        ),
        (
            ["script", "--name", "x", "--expires", "2026-03-01"],
            "2026-03-01 has passed: choose today (2026-03-02) or later, or leave it empty for a "
            "token that does not expire.",
        ),
        (["script", "--name", "  "], "Give the token a name: what will use it?"),
        (
            ["script", "--name", "Taken"],
            "You already have a token named “Taken”: choose another name, or revoke that one.",
        ),
        (["retired", "--name", "x"], "retired is inactive: a token of theirs would be refused."),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_bad_input_is_a_clear_error_and_creates_nothing(args, message):
    api_token_create(user=UserFactory(username="script"), name="Taken")
    UserFactory(username="retired", is_active=False)
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert str(refused.value) == message
    assert refused.value.returncode == 1  # manage.py prints "CommandError: <message>", exits 1
    assert ApiToken.objects.count() == 1


def test_the_name_is_required():
    UserFactory(username="script")
    with pytest.raises(CommandError, match="the following arguments are required: --name"):
        run("script")
    assert not ApiToken.objects.exists()
