"""What every web request shares (core/middleware.py): its statements are cut off after
WEB_STATEMENT_TIMEOUT_MS on PostgreSQL, answered 503 with what to do; and a NUL character in a
query string never reaches the database (PostgreSQL refuses one in text, SQLite does not)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)


def _server_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.fixture
def slow_site(settings):
    settings.ROOT_URLCONF = "tests.core.slow_urls"
    settings.WEB_STATEMENT_TIMEOUT_MS = 50


@postgres_only
@pytest.mark.postgres
def test_a_page_whose_statement_outlasts_the_limit_is_a_503_saying_what_to_do(slow_site):
    client = Client(raise_request_exception=False)
    response = client.get("/slow/")
    assert response.status_code == 503
    assert "longer than the 0.05 seconds a page may take" in response.content.decode()
    assert "Narrow it" in response.content.decode()
    # The limit ends with the request: the next statement outside one has none.
    assert _server_timeout() == "0"


@postgres_only
@pytest.mark.postgres
def test_an_api_call_whose_statement_outlasts_the_limit_is_a_json_503(slow_site):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="root", is_superuser=True))
    response = client.get("/api/v1/slow/")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "timeout"
    assert "Narrow it" in error["message"]
    assert _server_timeout() == "0"


@postgres_only
@pytest.mark.postgres
def test_commands_and_code_outside_requests_are_not_limited(slow_site):
    call_command("check")  # a command runs outside the middleware
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.2)")  # four times the limit, and nothing cancels it
    assert _server_timeout() == "0"


@postgres_only
@pytest.mark.postgres
def test_zero_means_no_limit(slow_site, settings):
    settings.WEB_STATEMENT_TIMEOUT_MS = 0
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '1h'")  # what the request must leave alone
    Client().get(reverse("healthz"))
    assert _server_timeout() == "1h"
    with connection.cursor() as cursor:
        cursor.execute("RESET statement_timeout")


def _changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


@pytest.mark.parametrize("query", ["?q=%00", "?status__exact=%00", "?%00=1", "?o=%00"])
def test_a_nul_in_any_admin_changelist_filter_redirects_as_a_bad_lookup_does(query):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="root", is_superuser=True))
    for changelist in _changelists():
        response = client.get(changelist + query)
        assert response.status_code == 302, (changelist, response.status_code)
        assert response["Location"] == f"{changelist}?e=1"
        assert client.get(response["Location"]).status_code == 200


def test_a_nul_in_another_admin_page_redirects_too():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="root", is_superuser=True))
    add = reverse("admin:requests_app_recordsrequest_add")
    response = client.get(f"{add}?agency=%00")
    assert (response.status_code, response["Location"]) == (302, f"{add}?e=1")


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/?mine=%00",
        "/dashboard/requests/?status=%00",
        "/dashboard/requests/?owner=%00",
        "/dashboard/documents/?q=%00",
        "/dashboard/documents/?sender=%00&q=x",
        "/dashboard/calendar/?month=%00",
        "/reminders/preferences/?x=%00",
    ],
)
def test_a_nul_in_a_dashboard_filter_is_a_400(url, lawyer_client):
    lawyer_client.raise_request_exception = False
    assert lawyer_client.get(url).status_code == 400


@pytest.mark.parametrize("owner", ["%C2%B2", "99999999999999999999999", "-1", "1.5"])
def test_a_request_list_owner_that_is_no_person_is_a_400(owner, lawyer_client):
    lawyer_client.raise_request_exception = False
    response = lawyer_client.get(f"/dashboard/requests/?owner={owner}")
    assert response.status_code == 400
    assert "is not a person" in response.content.decode()


@pytest.mark.parametrize("page", ["%C2%B2", "99999999999999999999999", "0"])
def test_a_request_list_page_that_is_no_number_shows_a_page(page, lawyer_client):
    lawyer_client.raise_request_exception = False
    assert lawyer_client.get(f"/dashboard/requests/?page={page}").status_code == 200


def test_the_api_names_the_parameter_holding_a_nul_itself(lawyer_client):
    response = lawyer_client.get("/api/v1/requests/?topic=%00")
    assert response.status_code == 400
    assert "topic" in response.json()["error"]["fields"]
