"""Where people find a document's original: the dashboard's and the admin's document pages link
to the API's endpoint (the same URL for every door), the admin lists every download read-only
and shows a document's last ones, and nothing serves MEDIA_ROOT by a public address."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from documents import services
from documents.models import Document, Download
from tests.documents.fixture_files import FIXTURES
from tests.factories import RecordsRequestFactory

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2020, 6, 17, 16, 0, tzinfo=datetime.UTC)


@pytest.fixture
def pdf(tmp_path):
    release = services.release_create(
        request=RecordsRequestFactory(), released_on=datetime.date(2020, 6, 17)
    )
    path = tmp_path / "DEA Face API notes.pdf"
    path.write_bytes((FIXTURES / "pdf" / "three_pages.pdf").read_bytes())
    services.release_ingest(release_id=release.pk, paths=[path])
    return Document.objects.get()


@pytest.fixture
def withheld(pdf):
    return Document.objects.create(
        release=pdf.release,
        request=pdf.request,
        original_name="Interview notes",
        source="by hand",
        withheld_in_full=True,
    )


def original_link(page: str) -> tuple[str, str]:
    """The href and the text of the page's link to an original."""
    match = re.search(r'<a href="([^"]+/original/)">(Download original \([^)]*\))</a>', page)
    assert match, "no link to the original"
    return match[1], match[2]


def follow(client: Client, page_url: str) -> Download:
    page = client.get(page_url)
    assert page.status_code == 200
    href, _ = original_link(page.content.decode())
    response = client.get(href, HTTP_REFERER=f"http://testserver{page_url}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="DEA Face API notes.pdf"'
    return Download.objects.latest("pk")


def test_the_dashboard_document_page_links_to_the_original(pdf, lawyer_client, lawyer_user):
    page_url = reverse("dashboard:document", args=[pdf.pk])
    href, text = original_link(lawyer_client.get(page_url).content.decode())
    assert href == f"/api/v1/documents/{pdf.pk}/original/"
    size = pdf.size / 1024
    assert text == f"Download original (PDF, {size:.1f}\xa0KB)"
    download = follow(lawyer_client, page_url)
    assert (download.user, download.door) == (lawyer_user, Download.Door.DASHBOARD)


def test_the_dashboard_says_a_document_withheld_in_full_has_no_file(withheld, lawyer_client):
    page = lawyer_client.get(reverse("dashboard:document", args=[withheld.pk])).content.decode()
    assert "withheld in full: no file" in page
    assert "/original/" not in page


def test_the_admin_document_page_links_to_the_original(pdf, staff_client, staff_user):
    page_url = reverse("admin:documents_document_change", args=[pdf.pk])
    page = staff_client.get(page_url).content.decode()
    href, text = original_link(page)
    assert href == f"/api/v1/documents/{pdf.pk}/original/"
    assert text.startswith("Download original (PDF, ")
    assert "/media/" not in page
    download = follow(staff_client, page_url)
    assert (download.user, download.door) == (staff_user, Download.Door.ADMIN)


def test_the_admin_says_a_document_withheld_in_full_has_no_file(withheld, staff_client):
    page = staff_client.get(
        reverse("admin:documents_document_change", args=[withheld.pk])
    ).content.decode()
    assert "No file (withheld in full)." in page
    assert "/original/" not in page


def test_a_documents_admin_page_shows_its_last_downloads(pdf, staff_client, lawyer_client):
    page_url = reverse("admin:documents_document_change", args=[pdf.pk])
    assert "Not downloaded yet." in staff_client.get(page_url).content.decode()
    with time_machine.travel(NOON, tick=False):
        lawyer_client.get(f"/api/v1/documents/{pdf.pk}/original/")
    page = staff_client.get(page_url).content.decode()
    # In the organisation's time zone (America/New_York): 16:00 UTC is noon there.
    assert "<li>2020-06-17 12:00 EDT by counsel (Signed-in browser, page not known)</li>" in page
    every = reverse("admin:documents_download_changelist") + f"?document__id__exact={pdf.pk}"
    assert f'href="{every}"' in page.replace("&amp;", "&")


def test_the_downloads_list_is_read_only(pdf, staff_client, lawyer_client):
    lawyer_client.get(f"/api/v1/documents/{pdf.pk}/original/")
    download = Download.objects.get()
    listing = staff_client.get(reverse("admin:documents_download_changelist"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "counsel" in text
    assert "DEA Face API notes.pdf" in text
    assert reverse("admin:documents_document_change", args=[pdf.pk]) in text
    change = reverse("admin:documents_download_change", args=[download.pk])
    assert staff_client.get(change).status_code == 200  # viewable
    assert staff_client.post(change, {"username": "someone else"}).status_code == 403
    assert staff_client.get(reverse("admin:documents_download_add")).status_code == 403
    delete = reverse("admin:documents_download_delete", args=[download.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Download.objects.get().username == "counsel"


def test_a_download_outlives_its_document_and_still_says_what_was_seen(pdf, lawyer_client):
    lawyer_client.get(f"/api/v1/documents/{pdf.pk}/original/")
    services.release_delete(release=pdf.release)
    download = Download.objects.get()
    assert download.document is None
    assert (download.document_name, download.sha256) == ("DEA Face API notes.pdf", pdf.sha256)


def test_no_stored_file_has_a_public_address(pdf, client, superuser_client, settings):
    assert (Path(settings.MEDIA_ROOT) / pdf.file.name).is_file()
    for who in (client, superuser_client):
        assert who.get(f"/media/{pdf.file.name}").status_code == 404
        assert who.get(f"/{pdf.file.name}").status_code == 404
    with pytest.raises(ValueError, match="no public address"):
        default_storage.url(pdf.file.name)
    # WhiteNoise serves STATIC_ROOT alone.
    assert not getattr(settings, "WHITENOISE_ROOT", None)
