"""Each person's API tokens page (/accounts/tokens/): every logged-in person, reporting clients
included, lists, creates (the key shown once) and revokes their own tokens; another's is a 404;
bad input says what is wrong and saves nothing; a reporting client's login lands here."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:tokens")
# 10:00 in New York.
NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)
PASSWORD = "correct horse battery staple"  # the factories' password
KEY = re.compile(r'id="new-key" type="text" readonly value="(ft_[A-Za-z0-9_-]{43})"')


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def revoke_url(token: ApiToken) -> str:
    return reverse("accounts:token-revoke", args=[token.pk])


def api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/jurisdictions/").status_code


@pytest.fixture
def reporter(reporting_user):
    return client_for(reporting_user)


# --- Creating: the key shown once ----------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_reporting_client_creates_a_token_sees_its_key_once_and_it_opens_the_api(
    reporter, reporting_user
):
    response = reporter.post(PAGE, {"name": "Quarterly spreadsheet", "last_day": ""})
    assert response.status_code == 200
    text = response.content.decode()
    key = KEY.search(text).group(1)
    assert "Copy it now: it will not be shown again." in text
    assert f'curl -H "Authorization: Token {key}" http://localhost:8000/api/v1/' in text
    # Neither the browser nor a proxy keeps the answer that carries the key.
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=reporting_user)
    assert (token.name, token.prefix, token.expires_at) == ("Quarterly spreadsheet", key[:10], None)
    assert api_status(key) == 200

    again = reporter.get(PAGE).content.decode()
    assert key not in again  # shown once: never on the page again
    assert "new-key" not in again
    assert "Quarterly spreadsheet" in again
    assert f"{key[:10]}…" in again


@time_machine.travel(NOW, tick=False)
def test_a_token_with_a_last_day_lists_it_and_works_to_the_end_of_that_day(reporter):
    response = reporter.post(PAGE, {"name": "Audit week", "last_day": "2026-03-06"})
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Audit week")
    # Midnight at the end of 6 March in New York (EST, UTC-5).
    assert token.expires_at == datetime.datetime(2026, 3, 7, 5, 0, tzinfo=datetime.UTC)
    assert token.last_day == datetime.date(2026, 3, 6)
    assert "It works until the end of 2026-03-06." in response.content.decode()
    assert "end of 2026-03-06" in reporter.get(PAGE).content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_list_shows_each_tokens_name_prefix_times_and_status(reporting_user, reporter):
    active = api_token_create(user=reporting_user, name="Active one")
    used = api_token_create(user=reporting_user, name="Used one")
    ApiToken.objects.filter(pk=used.token.pk).update(last_used_at=NOW)
    with time_machine.travel(datetime.datetime(2026, 1, 5, 15, tzinfo=datetime.UTC)):
        expired = api_token_create(
            user=reporting_user, name="Old audit", last_day=datetime.date(2026, 1, 31)
        )
    revoked = api_token_create(user=reporting_user, name="Retired")
    reporter.post(revoke_url(revoked.token))
    text = reporter.get(PAGE).content.decode()
    rows = {
        name: re.search(rf"<th scope=\"row\">{name}</th>(.*?)</tr>", text, re.S).group(1)
        for name in ("Active one", "Used one", "Old audit", "Retired")
    }
    assert f"{active.token.prefix}…" in rows["Active one"]
    assert "2026-03-02 10:00" in rows["Used one"]  # created and last used, in New York time
    assert rows["Active one"].count("never") == 2  # never used, never expires
    assert "end of 2026-01-31" in rows["Old audit"]
    assert "Expired" in rows["Old audit"]
    assert "Revoked" in rows["Retired"]
    assert "on 2026-03-02" in rows["Retired"]
    assert "Active" in rows["Active one"]
    assert revoke_url(active.token) in rows["Active one"]
    assert revoke_url(revoked.token) not in rows["Retired"]  # nothing left to revoke
    assert expired.token.status(NOW) == ApiToken.Status.EXPIRED


# --- Bad input: the form says what is wrong, nothing saved ---------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "last_day": ""}, "Give the token a name: what will use it?"),
        ({"name": "   ", "last_day": ""}, "Give the token a name: what will use it?"),
        ({"name": "x" * 101, "last_day": ""}, "at most 100 characters"),
        ({"name": "Script", "last_day": "31/12/2026"}, "Enter the day as YYYY-MM-DD"),
        ({"name": "Script", "last_day": "2026-02-30"}, "Enter the day as YYYY-MM-DD"),
        (
            {"name": "Script", "last_day": "2026-03-01"},
            "2026-03-01 has passed: choose today (2026-03-02) or later",
        ),
        ({"name": "Taken", "last_day": ""}, "You already have a token named “Taken”"),
        ({"name": "Script\x00", "last_day": ""}, "Null characters are not allowed."),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_bad_input_says_what_is_wrong_and_saves_nothing(reporting_user, reporter, data, message):
    api_token_create(user=reporting_user, name="Taken")
    response = reporter.post(PAGE, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "The token was not created" in text
    assert message.replace("“", "&ldquo;") in text or message in text, text[-3000:]
    assert "new-key" not in text
    assert ApiToken.objects.filter(user=reporting_user).count() == 1
    # What was typed comes back for correcting.
    if data["last_day"]:
        assert f'value="{data["last_day"]}"' in text


@time_machine.travel(NOW, tick=False)
def test_today_is_a_valid_last_day_and_a_revoked_tokens_name_may_be_used_again(
    reporting_user, reporter
):
    old = api_token_create(user=reporting_user, name="Nightly export")
    reporter.post(revoke_url(old.token))
    response = reporter.post(PAGE, {"name": "Nightly export", "last_day": "2026-03-02"})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=reporting_user, name="Nightly export").count() == 2


def test_creating_needs_the_csrf_token(reporting_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporting_user)
    assert client.post(PAGE, {"name": "Script"}).status_code == 403
    assert not ApiToken.objects.exists()


# --- Revoking ------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_revoking_asks_first_then_the_token_stops_working(reporting_user, reporter):
    issued = api_token_create(user=reporting_user, name="Script")
    assert api_status(issued.key) == 200
    confirm = reporter.get(revoke_url(issued.token))
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Revoke “Script”?" in text
    assert 'method="post"' in text
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None  # asking changes nothing
    revoked = reporter.post(revoke_url(issued.token), follow=True)
    assert revoked.redirect_chain == [(PAGE, 302)]
    assert "is revoked: calls with it are refused from now on." in revoked.content.decode()
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at == NOW
    assert api_status(issued.key) == 401
    # A second revocation keeps the first time and says so.
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        again = reporter.post(revoke_url(issued.token), follow=True)
    assert "was already revoked" in again.content.decode()
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at == NOW
    assert "is already revoked" in reporter.get(revoke_url(issued.token)).content.decode()


def test_another_persons_token_is_a_404_and_stays_as_it_was(reporter, lawyer_user):
    theirs = api_token_create(user=lawyer_user, name="Counsel's script")
    assert reporter.get(revoke_url(theirs.token)).status_code == 404
    assert reporter.post(revoke_url(theirs.token)).status_code == 404
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None
    assert api_status(theirs.key) == 200
    assert "Counsel's script" not in reporter.get(PAGE).content.decode()
    # Nor does the list show theirs; an id that names nothing is the same 404.
    assert reporter.get(reverse("accounts:token-revoke", args=[999_999])).status_code == 404


def test_revoking_needs_a_post_with_the_csrf_token(reporting_user):
    issued = api_token_create(user=reporting_user, name="Script")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporting_user)
    assert client.post(revoke_url(issued.token)).status_code == 403
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None


# --- Who gets here, and where a login lands ------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={PAGE}"


@pytest.mark.parametrize("persona", ["reporting_user", "staff_user", "lawyer_user", "superuser"])
def test_every_persona_has_the_page(request, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(PAGE).status_code == 200
    no_role = UserFactory(is_staff=False, roles=[])
    assert client_for(no_role).get(PAGE).status_code == 200


def test_a_reporting_client_who_logs_in_lands_on_the_tokens_page_not_a_403(reporting_user):
    client = Client()
    # From the site's root, as a bookmark would: / → the dashboard → log in → back.
    assert client.get("/", follow=True).redirect_chain[-1][0] == (
        f"{reverse('login')}?next={reverse('dashboard:home')}"
    )
    landed = client.post(
        reverse("login"),
        {"username": reporting_user.username, "password": PASSWORD, "next": "/dashboard/"},
        follow=True,
    )
    assert landed.status_code == 200
    assert landed.redirect_chain[-1] == (PAGE, 302)
    text = landed.content.decode()
    assert "Your API tokens" in text
    assert f'href="{reverse("api-docs")}"' in text  # the API's docs, one click away
    # Only what they may open: no dashboard links that would refuse them.
    assert reverse("dashboard:lawsuits") not in text
    # Logging in from the login page itself (no "next") lands there too.
    client.logout()
    direct = client.post(
        reverse("login"), {"username": reporting_user.username, "password": PASSWORD}, follow=True
    )
    assert direct.redirect_chain[-1] == (PAGE, 302)


def test_lawyers_and_staff_still_land_on_the_dashboard_and_reach_tokens_from_its_navigation(
    lawyer_user,
):
    client = Client()
    landed = client.post(
        reverse("login"), {"username": lawyer_user.username, "password": PASSWORD}, follow=True
    )
    assert landed.redirect_chain[-1] == (reverse("dashboard:home"), 302)
    assert f'href="{PAGE}"' in landed.content.decode()  # "API tokens" in the navigation
    page = client.get(PAGE).content.decode()
    assert f'href="{reverse("dashboard:lawsuits")}"' in page  # the dashboard's navigation
    assert re.search(rf'href="{PAGE}" aria-current="page">API tokens', page)
