"""Releases and documents in the admin: upload and ingest, progress and problems, search with
snippets, documents withheld in full, the Vaughn index and its CSV, totals on the request page."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.models import Document, Exemption, Release
from tests.documents.fixture_files import FIXTURES, release_form, upload
from tests.factories import LawsuitFactory, RecordsRequestFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_staff_upload_a_release_and_it_is_ingested(
    staff_client, suit_and_request, eager, django_capture_on_commit_callbacks
):
    lawsuit, request = suit_and_request
    url = reverse("admin:documents_release_add")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url,
            release_form(
                request,
                lawsuit,
                uploads=[upload("mbox/release.mbox"), upload("pdf/truncated.pdf")],
                description="DEA emails",
                pages_released="12",
                pages_withheld_in_full="3",
                pages_withheld_in_part="2",
            ),
        )
    assert response.status_code == 302
    release = Release.objects.get()
    assert release.ingestion == Release.Ingestion.DONE_WITH_ERRORS
    assert release.documents.filter(parent__isnull=True).count() >= 4
    page = staff_client.get(
        reverse("admin:documents_release_change", args=[release.pk])
    ).content.decode()
    assert "Done, with errors: 6 of 6 files" in page
    assert "truncated.pdf" in page
    # Finished uploads leave the staging folder; nothing is waiting any more.
    release.refresh_from_db()
    assert release.staged == []
    assert not [p for p in (services.staging_root() / str(release.pk)).rglob("*") if p.is_file()]


def test_staged_uploads_take_names_we_make_in_a_folder_per_batch(suit_and_request):
    _, request = suit_and_request
    release = services.release_create(request=request, released_on=D(2020, 6, 17))
    evil = SimpleUploadedFile("../../escape.eml", b"Subject: x\n\nbody")
    first = services.release_stage_uploads(release=release, files=[evil])
    second = services.release_stage_uploads(release=release, files=[upload("pdf/three_pages.pdf")])
    root = services.staging_root().resolve()
    for staged in (first[0], second[0]):
        path = Path(staged).resolve()
        assert root in path.parents
        assert path.name == "0000"
    assert Path(first[0]).parent != Path(second[0]).parent  # the second did not overwrite the first
    assert (Path(first[0]).parent / "0000.name").read_text() == "escape.eml"
    release.refresh_from_db()
    assert release.staged == [first[0], second[0]]


def test_a_release_under_a_suit_that_does_not_cover_the_request_is_refused(staff_client):
    request = RecordsRequestFactory()
    lawsuit = LawsuitFactory()
    response = staff_client.post(
        reverse("admin:documents_release_add"),
        release_form(request, lawsuit, uploads=[]),
    )
    assert response.status_code == 200
    assert "does not cover this request" in response.content.decode()
    assert not Release.objects.exists()


def test_document_search_in_the_admin_shows_highlighted_snippets(
    staff_client, suit_and_request, tmp_path
):
    _, request = suit_and_request
    release = services.release_create(request=request, released_on=D(2020, 6, 17))
    path = tmp_path / "m.mbox"
    path.write_bytes((FIXTURES / "mbox/release.mbox").read_bytes())
    services.release_ingest(release_id=release.pk, paths=[path])
    response = staff_client.get(reverse("admin:documents_document_changelist"), {"q": "dingus"})
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    assert "<mark>" in response.content.decode()


def test_withheld_documents_make_the_vaughn_index_and_its_csv(staff_client, suit_and_request):
    lawsuit, request = suit_and_request
    release = services.release_create(request=request, lawsuit=lawsuit, released_on=D(2020, 6, 17))
    b5 = Exemption.objects.get(jurisdiction__code="US", code="b5")
    b7c = Exemption.objects.get(jurisdiction__code="US", code="b7C")
    response = staff_client.post(
        reverse("admin:documents_document_add"),
        {
            "release": release.pk,
            "original_name": "Briefing memo",
            "bates_number": "DEA-000014",
            "subject": "Face recognition briefing",
            "exemptions": [b5.pk, b7c.pk],
            "withheld_in_full": "on",
            "pages_withheld": "4",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    memo = Document.objects.get()
    assert (memo.request_id, memo.file.name, memo.sha256) == (request.pk, "", "")

    page = staff_client.get(
        reverse("admin:documents_release_vaughn", args=[release.pk])
    ).content.decode()
    assert "DEA-000014" in page
    assert "b5, b7C" in page
    csv = b"".join(
        staff_client.get(
            reverse("admin:documents_lawsuit_vaughn", args=[lawsuit.pk]), {"format": "csv"}
        ).streaming_content
    ).decode()
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Bates,Date,From,To,Subject or description,Exemptions")
    assert lines[1] == 'DEA-000014,2020-06-17,,,Face recognition briefing,"b5, b7C",4,in full'


def test_a_document_without_a_file_must_be_withheld_in_full(staff_client, suit_and_request):
    _, request = suit_and_request
    release = services.release_create(request=request, released_on=D(2020, 6, 17))
    response = staff_client.post(
        reverse("admin:documents_document_add"),
        {"release": release.pk, "original_name": "Memo", "pages_withheld": "1"},
    )
    assert response.status_code == 200
    assert "Only a document withheld in full may have no file." in response.content.decode()


def test_request_and_lawsuit_pages_show_releases_with_totals(staff_client, suit_and_request):
    lawsuit, request = suit_and_request
    release = services.release_create(
        request=request,
        lawsuit=lawsuit,
        released_on=D(2020, 6, 17),
        pages_released=12,
        pages_withheld_in_full=3,
        pages_withheld_in_part=2,
        exemptions=[Exemption.objects.get(jurisdiction__code="US", code="b6")],
    )
    for url in (
        reverse("admin:requests_app_recordsrequest_change", args=[request.pk]),
        reverse("admin:requests_app_lawsuit_change", args=[lawsuit.pk]),
    ):
        page = staff_client.get(url).content.decode()
        assert (
            "1 release(s), 0 document(s); pages released 12, withheld in full 3, in part 2" in page
        )
        assert "top exemptions: b6 (1)" in page
        assert release.get_admin_url() in page


def test_save_says_the_files_were_read_when_they_were_read_in_the_request(
    staff_client, suit_and_request, eager, django_capture_on_commit_callbacks
):
    """With no worker (make run), Save returns once the files are read: its message says so
    and gives the outcome, instead of promising a background read that never comes."""
    lawsuit, request = suit_and_request
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:documents_release_add"),
            release_form(request, lawsuit, uploads=[upload("pdf/three_pages.pdf")]),
        )
    assert response.status_code == 302
    said = [str(m) for m in response.wsgi_request._messages]
    assert len(said) == 2  # the file's, then the admin's own "added successfully"
    assert said[0].startswith("1 file(s) saved and read in this request")
    assert "no background worker" in said[0]
    # A plain Save goes back to the list: the outcome is on the release's page, not below.
    assert said[0].endswith("the release's page says what was found.")
    assert response.url == reverse("admin:documents_release_changelist")
    release = Release.objects.get()
    assert release.ingestion == Release.Ingestion.DONE
    assert (
        "Done: 1 of 1 files"
        in staff_client.get(
            reverse("admin:documents_release_change", args=[release.pk])
        ).content.decode()
    )


def test_the_release_list_gives_each_release_one_line_of_progress(staff_client, suit_and_request):
    lawsuit, request = suit_and_request
    for day in (1, 2, 3):
        release = services.release_create(
            request=request, lawsuit=lawsuit, released_on=D(2020, 6, day)
        )
    Release.objects.filter(pk=release.pk).update(
        ingestion=Release.Ingestion.DONE, files_done=2, files_total=2
    )
    page = staff_client.get(reverse("admin:documents_release_changelist")).content.decode()
    assert "Done: 2 of 2 files" in page
    # The page's long account (mode, uploads so far) stays on the release's own page.
    assert "Files are read in" not in page
