"""Files kept across a failed save, in a real browser (Chromium driven by Playwright against the
live server, as in tests/dashboard/test_dashboard_browser.py): a paralegal chooses a file, saves
with a field left wrong, sees the file kept, fixes the field and saves without choosing it again,
and finds the document on the release's page. Screenshots go to var/test-artifacts/documents/
(gitignored)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from documents.models import Release
from tests.dashboard.test_dashboard_browser import chromium  # noqa: F401 (a fixture)
from tests.documents.fixture_files import FIXTURES
from tests.documents.test_release_page_browser import page  # noqa: F401 (a fixture)
from tests.factories import RecordsRequestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "documents"


def shot(page, name: str) -> None:  # noqa: F811 (the shared fixture's name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_file_chosen_before_an_error_is_kept_and_saved_with_the_release(
    page,  # noqa: F811 (the shared fixture)
    live_server,
    eager,
):
    request = RecordsRequestFactory(title="DEA face recognition records")
    page.goto(f"{live_server.url}{reverse('admin:documents_release_add')}?request={request.pk}")
    page.set_input_files('input[name="uploads"]', str(FIXTURES / "pdf/three_pages.pdf"))
    # The release date is left empty: the save comes back with an error.
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_load_state()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-released_on .errorlist")).to_have_text("This field is required.")
    kept = page.locator("[data-kept-uploads]")
    expect(kept).to_contain_text("three_pages.pdf (2.5\xa0KB)")
    expect(page.get_by_text("Kept from your last try")).to_be_visible()
    expect(page.locator(".field-uploads .errorlist")).to_have_count(0)  # nothing to choose again
    assert not Release.objects.exists()
    shot(page, "kept-uploads-1-after-the-error")

    page.locator('input[name="released_on"]').fill("2020-06-17")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_load_state()

    release = Release.objects.get()
    assert urlsplit(page.url).path == reverse("admin:documents_release_change", args=[release.pk])
    expect(page.locator('[data-field="status"]')).to_have_text("Done: 1 of 1 files")
    expect(page.locator('[data-field="last_upload"]')).to_contain_text("1 new document(s)")
    expect(page.locator("[data-kept-uploads]")).to_have_count(0)
    shot(page, "kept-uploads-2-saved")
    page.get_by_role("link", name="Search the documents of this release").click()
    page.wait_for_load_state()
    expect(page.locator("#result_list")).to_contain_text("three_pages.pdf")
    shot(page, "kept-uploads-3-the-document")
