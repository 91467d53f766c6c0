"""The release page in a real browser (Chromium driven by Playwright against the live server, as
in tests/dashboard/test_dashboard_browser.py, whose Chromium fixture it shares): while the files
are read, the page follows the progress by itself, and reloads once when the run ends."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from documents.models import Release
from documents.services import release_create
from tests.dashboard.test_dashboard_browser import chromium  # noqa: F401 (a fixture)
from tests.factories import RecordsRequestFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "release-page-browser-test"


@pytest.fixture
def page(chromium, live_server):  # noqa: F811 (the shared fixture)
    UserFactory(username="paralegal", password=PASSWORD, is_staff=True, roles=["staff"])
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill("paralegal")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    yield page
    context.close()


def test_the_release_page_follows_ingestion_by_itself(page, live_server):
    release = release_create(
        request=RecordsRequestFactory(), released_on=datetime.date(2020, 6, 17)
    )
    running = Release.objects.filter(pk=release.pk)
    running.update(
        ingestion=Release.Ingestion.INGESTING, files_done=1, files_total=3, staged=["waiting"]
    )
    page.goto(live_server.url + reverse("admin:documents_release_change", args=[release.pk]))
    status = page.locator('[data-field="status"]')
    expect(status).to_have_text("Ingesting: 1 of 3 files")

    running.update(files_done=2)
    expect(status).to_have_text("Ingesting: 2 of 3 files")  # no reload by hand

    # When the run ends the page reloads once, to show the documents and problems.
    with page.expect_navigation():
        running.update(ingestion=Release.Ingestion.DONE, files_done=3, staged=[])
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-release-progress]")).to_have_attribute("data-running", "0")
    expect(status).to_have_text("Done: 3 of 3 files")
    expect(page.get_by_text("Reload to follow")).to_have_count(0)
