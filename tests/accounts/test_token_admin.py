"""The operator's view of API tokens in the admin: everyone's tokens listed (never a key or a
hash), issued for a user (the key shown once), revoked with an action; staff kept out; DRF's
plain-text token admin gone."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse
from rest_framework.authtoken.models import TokenProxy
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_apitoken_changelist")
ADD = reverse("admin:accounts_apitoken_add")
NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)


def api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/jurisdictions/").status_code


def test_the_operator_sees_everyones_tokens_but_never_a_key_or_a_hash(
    superuser_client, reporting_user, lawyer_user
):
    theirs = api_token_create(user=reporting_user, name="Reporter's sheet")
    counsel = api_token_create(user=lawyer_user, name="Counsel's script")
    listing = superuser_client.get(CHANGELIST).content.decode()
    assert "Reporter&#x27;s sheet" in listing
    assert "Counsel&#x27;s script" in listing
    change = superuser_client.get(reverse("admin:accounts_apitoken_change", args=[theirs.token.pk]))
    assert change.status_code == 200
    page = change.content.decode()
    for shown in (listing, page):
        for issued in (theirs, counsel):
            assert issued.key not in shown
            assert issued.token.key_hash not in shown
    assert f"{theirs.token.prefix}…" in page
    # Nothing on the page is an input but the CSRF token and the form's own controls.
    assert not re.search(r'<input[^>]+name="(name|prefix|key_hash|user)"', page)


def test_staff_and_lawyers_are_kept_out(staff_client, lawyer_client, superuser):
    """Issuing a token is the operator's: whoever may issue one for any user may act as that
    user, a superuser included."""
    api_token_create(user=superuser, name="Operator")
    for client in (staff_client, lawyer_client):
        assert client.get(CHANGELIST).status_code == 403
        assert client.get(ADD).status_code == 403
        assert client.post(ADD, {"user": superuser.username, "name": "mine"}).status_code == 403
    assert ApiToken.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_operator_issues_a_token_for_a_user_and_sees_the_key_once(superuser_client):
    service = UserFactory(username="bi-service", roles=["reporting"])
    assert superuser_client.get(ADD).status_code == 200
    response = superuser_client.post(
        ADD, {"user": "bi-service", "name": "BI dashboard", "last_day": "2026-06-30"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(
        r'id="new-key" type="text" readonly value="(ft_[^"]+)"', response.content.decode()
    )
    assert key is not None
    token = ApiToken.objects.get(user=service)
    assert (token.name, token.last_day) == ("BI dashboard", datetime.date(2026, 6, 30))
    assert api_status(key.group(1)) == 200
    assert key.group(1) not in superuser_client.get(CHANGELIST).content.decode()
    # The admin's history records who issued it.
    history = superuser_client.get(reverse("admin:accounts_apitoken_history", args=[token.pk]))
    assert "Added." in history.content.decode()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"user": "nobody", "name": "x"}, "No active user has this username."),
        ({"user": "bi-service", "name": ""}, "Give the token a name: what will use it?"),
        ({"user": "bi-service", "name": "Taken"}, "You already have a token named “Taken”"),
        (
            {"user": "bi-service", "name": "x", "last_day": "2026-01-01"},
            "2026-01-01 has passed",
        ),
    ],
)
def test_issuing_with_bad_input_says_so_and_saves_nothing(superuser_client, data, message):
    api_token_create(user=UserFactory(username="bi-service"), name="Taken")
    response = superuser_client.post(ADD, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ApiToken.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_operator_revokes_tokens_with_an_action(superuser_client, reporting_user):
    one = api_token_create(user=reporting_user, name="One")
    two = api_token_create(user=reporting_user, name="Two")
    kept = api_token_create(user=reporting_user, name="Kept")
    response = superuser_client.post(
        CHANGELIST,
        {"action": "revoke", "_selected_action": [one.token.pk, two.token.pk]},
        follow=True,
    )
    assert "2 tokens revoked" in response.content.decode()
    assert [api_status(i.key) for i in (one, two, kept)] == [401, 401, 200]
    revoked = superuser_client.get(CHANGELIST, {"status": "revoked"}).content.decode()
    assert ">One<" in revoked
    assert ">Kept<" not in revoked
    # Revoked, never deleted: the record of what was revoked stays.
    delete = reverse("admin:accounts_apitoken_delete", args=[one.token.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert ApiToken.objects.count() == 3


def test_drf_s_plain_text_token_admin_is_gone():
    assert not admin.site.is_registered(TokenProxy)
