"""The release page in a real browser (Chromium driven by Playwright against the live server, as
in tests/dashboard/test_dashboard_browser.py): while the files are read, the page follows the
progress by itself, and reloads once when the run ends."""

from __future__ import annotations

import datetime
import os

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from documents.models import Release
from documents.services import release_create
from tests.dashboard.test_dashboard_browser import CHROMIUM, CHROMIUM_ARGS
from tests.factories import RecordsRequestFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(live_server):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium).")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context()
            client = Client()
            client.force_login(UserFactory(username="paralegal", is_staff=True, roles=["staff"]))
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_the_release_page_follows_ingestion_by_itself(browser_page, live_server):
    release = release_create(
        request=RecordsRequestFactory(), released_on=datetime.date(2020, 6, 17)
    )
    running = Release.objects.filter(pk=release.pk)
    running.update(
        ingestion=Release.Ingestion.INGESTING, files_done=1, files_total=3, staged=["waiting"]
    )
    page = browser_page
    page.goto(live_server.url + reverse("admin:documents_release_change", args=[release.pk]))
    status = page.locator('[data-field="status"]')
    expect(status).to_have_text("Ingesting: 1 of 3 files")

    running.update(files_done=2)
    expect(status).to_have_text("Ingesting: 2 of 3 files")  # no reload by hand

    running.update(ingestion=Release.Ingestion.DONE, files_done=3, staged=[])
    expect(page.locator("[data-release-progress]")).to_have_attribute("data-running", "0")
    expect(status).to_have_text("Done: 3 of 3 files")
    expect(page.get_by_text("Reload to follow")).to_have_count(0)
