"""The API tokens page in a real browser (Chromium driven by Playwright against the live server,
as in tests/dashboard/test_dashboard_browser.py, whose Chromium fixture it shares): a reporting
client logs in, lands on the page, creates a token, copies it with the page's button, calls the
API over HTTP with it, revokes it, and the API refuses it.

Screenshots go to var/test-artifacts/accounts/ (git-ignored). The clock is frozen (ticking) so
the dates on the page, and in the screenshots, are always the same.
"""

from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import ApiToken
from tests.dashboard.test_dashboard_browser import chromium  # noqa: F401 (a fixture)
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "accounts"
NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)  # 10:00 in New York
PASSWORD = "tokens-browser-test"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def api_get(url: str, key: str) -> tuple[int, dict]:
    """A real HTTP call, as a client's script makes it."""
    request = urllib.request.Request(url, headers={"Authorization": f"Token {key}"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.fixture
def page(chromium, live_server, settings):  # noqa: F811 (the shared fixture)
    # The browser runs on the real clock: cookies dated from the frozen one would have expired.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(NOW, tick=True):
        UserFactory(username="reporter", password=PASSWORD, is_staff=False, roles=["reporting"])
        # The page's "Copy" button writes to the clipboard; the test reads it back from there.
        context = chromium.new_context(
            viewport={"width": 1280, "height": 900},
            permissions=["clipboard-read", "clipboard-write"],
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()


def test_a_reporting_client_makes_copies_uses_and_revokes_a_token(page, live_server):
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("reporter")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    # Lands on their tokens page, not on a refusal.
    assert page.url == live_server.url + reverse("accounts:tokens")
    expect(page.get_by_role("heading", name="Your API tokens")).to_be_visible()
    expect(page.get_by_role("link", name="API docs")).to_have_attribute("href", "/api/docs/")
    expect(page.get_by_text("You have no tokens yet.")).to_be_visible()
    shot(page, "01-landing")

    # A mistake first: no name. The form says so and nothing is made.
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the token a name")
    assert not ApiToken.objects.exists()
    shot(page, "02-no-name")

    page.get_by_label("Name").fill("Quarterly spreadsheet")
    page.get_by_label("Last day it works (optional)").fill("2026-12-31")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("Copy it now: it will not be shown again.")).to_be_visible()
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    key = page.evaluate("navigator.clipboard.readText()")
    assert key == page.get_by_label("Token", exact=True).input_value()
    assert key.startswith("ft_")
    shot(page, "03-key-shown-once")

    status, body = api_get(live_server.url + "/api/v1/jurisdictions/", key)
    assert status == 200
    assert body["count"] > 0

    # Shown once: the page opened again lists the token by its start, never the key.
    page.goto(live_server.url + reverse("accounts:tokens"))
    row = page.get_by_role("row", name="Quarterly spreadsheet")
    expect(row).to_contain_text(key[:10] + "…")
    expect(row).to_contain_text("end of 2026-12-31")
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("2026-03-02")  # last used: the call above
    assert key not in page.content()
    shot(page, "04-listed")

    row.get_by_role("link", name="Revoke").click()
    expect(page.get_by_role("heading", name="Revoke “Quarterly spreadsheet”?")).to_be_visible()
    shot(page, "05-confirm-revoke")
    page.get_by_role("button", name="Revoke “Quarterly spreadsheet”").click()
    expect(page.get_by_text("is revoked: calls with it are refused from now on.")).to_be_visible()
    expect(page.get_by_role("row", name="Quarterly spreadsheet")).to_contain_text("Revoked")
    shot(page, "06-revoked")

    status, body = api_get(live_server.url + "/api/v1/jurisdictions/", key)
    assert status == 401
    assert "was revoked on 2026-03-02" in body["error"]["message"]
