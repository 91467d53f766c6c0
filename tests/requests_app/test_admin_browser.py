"""Admin pages as a browser lays them out (Chromium driven by Playwright against the live server,
as in tests/dashboard/test_dashboard_browser.py, whose Chromium fixture it shares): the deadline
calculator fits a 1280 px window whatever it shows, and the admin home's deadline links keep
their words on one line."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.dashboard.test_dashboard_browser import chromium  # noqa: F401 (a fixture)
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "admin-browser-test"


@pytest.fixture
def page(chromium, live_server):  # noqa: F811 (the shared fixture)
    UserFactory(username="counsel", password=PASSWORD, is_staff=True, roles=["lawyer"])
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill("counsel")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    yield page
    context.close()


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_calculator_fits_a_1280_px_window(page, live_server):
    page.goto(live_server.url + reverse("admin-deadline-calculator"))
    assert _page_width(page) <= 1280  # the form, with its longest rule and observance
    # A result with a long explanation and the API link, then errors naming rules.
    page.select_option("#id_jurisdiction", "US-TX")
    page.select_option("#id_rule", "US-TX:ag_submission")
    page.fill("#id_start", "2026-06-22")
    page.select_option("#id_observance", "friday_monday")
    page.get_by_role("button", name="Calculate").click()
    page.wait_for_load_state()
    assert page.locator("#deadline-result").count() == 1
    assert _page_width(page) <= 1280
    page.select_option("#id_jurisdiction", "US")
    page.get_by_role("button", name="Calculate").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() >= 1
    assert _page_width(page) <= 1280


def test_the_admin_homes_deadline_links_keep_one_line(page, live_server):
    page.goto(live_server.url + reverse("admin:index"))
    for name in ("Deadline calculator", "My reminders and calendar link"):
        link = page.get_by_role("link", name=name)
        assert link.evaluate("a => a.getClientRects().length") == 1, name
