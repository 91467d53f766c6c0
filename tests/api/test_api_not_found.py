"""Every answer under /api/ is the API's JSON error shape, not an HTML page: a path that names no
endpoint (404), a method or format the endpoint does not serve (405, 406), a server error (500).
Paths outside /api/ keep Django's HTML pages. Tests run with DEBUG off, as production does; the
404s are checked with DEBUG on too, as `make run` serves (Django skips handler404 then)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from api import requests as api_requests
from foiatracker import urls
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(UserFactory(username="reader", roles=["reporting"]))
    return client


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings) -> bool:
    settings.DEBUG = request.param
    return request.param


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_tests_run_with_debug_off():
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/v2/",
        "/api/v1/nothing/",
        "/api/v1/reports/nothing/",
        "/api/v1/appeals/0.5/",
        "/api/v1/deadlines/0.5/mark/",
        "/api/v1/requests/1/nothing/",
        "/api/schema/nothing",
    ],
)
def test_a_path_under_the_api_that_names_nothing_is_a_json_404(reader, path, debug):
    body = error(reader.get(path), 404)
    assert body["code"] == "not_found"
    assert body["message"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_any_method_on_a_path_that_names_nothing_is_a_json_404(reader, method, debug):
    assert error(getattr(reader, method)("/api/v1/nothing/"), 404)["code"] == "not_found"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_with_a_session_and_no_csrf_token_is_the_json_404_too(method, debug):
    """A session client's write to a path that names nothing: the JSON 404, not Django's HTML
    page for the missing CSRF token (nothing is written either way)."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(UserFactory(username="writer", is_superuser=True))
    for path in ("/api/v1/deadlines/0.5/mark/", "/api/v1/requests/0.5/events/", "/api/v2/"):
        response = getattr(client, method)(path, {}, content_type="application/json")
        assert error(response, 404)["code"] == "not_found", path


def test_the_json_404_needs_no_login(debug):
    """The path names nothing whoever asks; saying so in JSON tells a client no more than the
    HTML page did."""
    body = error(Client().get("/api/v2/"), 404)
    assert body["code"] == "not_found"
    assert body["message"] == "Nothing here: /api/v2/ is not an endpoint; /api/v1/ lists them all."


def test_an_endpoint_without_its_trailing_slash_is_still_sent_to_it(reader, debug):
    response = reader.get("/api/v1/requests?status=submitted")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/requests/?status=submitted"
    assert reader.get("/api/schema").status_code == 301
    # Nothing with the slash either: the JSON 404, not a redirect to it.
    assert error(reader.get("/api/v1/nothing"), 404)["code"] == "not_found"
    # /api itself is sent to /api/, which names nothing.
    assert reader.get("/api")["Location"] == "/api/"


@pytest.mark.parametrize("path", ["/nothing/", "/dashboard/nothing/", "/apiary/"])
def test_paths_outside_the_api_keep_the_html_404(path, debug):
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_method_the_endpoint_does_not_serve_is_a_json_405():
    root = APIClient()
    root.force_authenticate(UserFactory(username="root", is_superuser=True))
    for path in ("/api/v1/requests/", "/api/v1/lawsuits/", "/api/v1/deadlines/"):
        assert error(root.delete(path), 405)["code"] == "method_not_allowed"
    # A read-only endpoint refuses any write to every role before it looks at the method: 403.
    assert error(root.delete("/api/v1/reports/"), 403)["code"] == "permission_denied"


def test_a_format_the_endpoint_does_not_serve_is_a_json_406(reader):
    for path in ("/api/v1/requests/", "/api/v1/reports/", "/api/v1/"):
        response = reader.get(path, HTTP_ACCEPT="application/xml")
        assert error(response, 406)["code"] == "not_acceptable"


def test_a_server_error_under_the_api_is_a_json_500(reader, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api_requests.JurisdictionViewSet, "list", fail)
    body = error(reader.get("/api/v1/jurisdictions/"), 500)
    assert body["code"] == "server_error"
    assert "a bug" not in body["message"]  # the details go to the log, not to the caller


def test_a_server_error_outside_the_api_keeps_the_html_page():
    response = urls.handler500(RequestFactory().get("/dashboard/"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
