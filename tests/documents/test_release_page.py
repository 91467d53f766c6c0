"""The release page while and after its files are read: the progress it polls by itself, the
mode it states (in this request or by a worker), cumulative and last-upload counts with
duplicates skipped, the lawsuits it offers, and PDFs without a text layer counted as problems.
Files chosen before a validation error are kept: tests/documents/test_kept_uploads.py."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.kept_uploads import kept_root
from documents.models import Document, Release
from documents.services import _pages_without_text
from foiatracker.celery import app as celery_app
from tests.documents.fixture_files import FIXTURES, release_form, upload
from tests.factories import LawsuitFactory, RecordsRequestFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def worker_mode():
    """As with REDIS_URL: the task is sent to a broker, not run here."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    """Upload files and run the ingestion the commit sends (in-process, as without a broker)."""

    def run(release: Release, *files: SimpleUploadedFile) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.release_upload(release=release, files=list(files))

    return run


def form_data(release: Release, **more) -> dict:
    """The release's change form as sent back unchanged, choosing no file unless `uploads`
    says."""
    sent = release_form(release.request, uploads=[], released_on=release.released_on.isoformat())
    return {**sent, "lawsuit": release.lawsuit_id or "", **more}


def change_page(client, release: Release) -> str:
    return client.get(reverse("admin:documents_release_change", args=[release.pk])).content.decode()


def test_the_progress_endpoint_answers_json_to_whoever_may_see_the_release(
    staff_client, suit_and_request, client
):
    _, request = suit_and_request
    release = services.release_create(request=request, released_on=D(2020, 6, 17))
    Release.objects.filter(pk=release.pk).update(
        ingestion=Release.Ingestion.INGESTING, files_done=40, files_total=3000
    )
    url = reverse("admin:documents_release_progress", args=[release.pk])

    response = staff_client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    progress = response.json()
    assert progress["running"] is True
    assert progress["status"] == "Ingesting: 40 of 3000 files"
    assert (progress["files_done"], progress["files_total"]) == (40, 3000)
    # A staff login without a role may not see releases; a visitor is sent to log in.
    nobody = UserFactory(username="norole", is_staff=True, roles=[])
    client.force_login(nobody)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_in_process_mode_says_the_files_are_read_in_this_request(staff_client, eager):
    page = staff_client.get(reverse("admin:documents_release_add")).content.decode()
    assert "They are read now, in this request" in page
    assert "updates by itself" not in page


def test_worker_mode_says_a_worker_reads_them_and_the_page_follows_by_itself(
    staff_client, suit_and_request, worker_mode, django_capture_on_commit_callbacks, monkeypatch
):
    lawsuit, request = suit_and_request
    release = services.release_create(request=request, lawsuit=lawsuit, released_on=D(2020, 6, 17))
    sent = []
    monkeypatch.setattr(
        "documents.tasks.release_ingest.apply_async", lambda *a, **k: sent.append(a)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:documents_release_change", args=[release.pk]),
            form_data(release, uploads=[upload("pdf/three_pages.pdf")]),
        )
    assert response.status_code == 302
    assert len(sent) == 1

    page = change_page(staff_client, release)

    assert "read in the background by a worker" in page
    assert "Waiting for a worker to start reading the files" in page
    # The script polls while the files wait or are read; without it, the link reloads by hand.
    assert 'data-running="1"' in page
    assert "Reload to follow" in page
    assert reverse("admin:documents_release_progress", args=[release.pk]) in page
    assert "window.location.reload()" in page


def test_a_finished_release_page_does_not_poll(staff_client, suit_and_request, eager, ingest):
    _, request = suit_and_request
    release = services.release_create(request=request, released_on=D(2020, 6, 17))
    ingest(release, *[upload("pdf/three_pages.pdf")])
    page = change_page(staff_client, release)
    assert 'data-running="0"' in page
    assert "Reload to follow" not in page
    assert "Files are read in the request that uploads them (no background worker)." in page


def test_uploading_the_same_files_again_reports_them_skipped_with_cumulative_counts(
    staff_client, suit_and_request, eager, ingest
):
    _, request = suit_and_request
    release = services.release_create(request=request, released_on=D(2020, 6, 17))
    ingest(release, *[upload("mbox/release.mbox")])
    release.refresh_from_db()
    first = release.ingest_counts["last"]
    assert first["ingested"] > 0

    ingest(release, *[upload("mbox/release.mbox")])
    ingest(release, *[upload("pdf/three_pages.pdf")])

    release.refresh_from_db()
    assert release.ingest_counts["last"] == {
        "units": 1,
        "ingested": 1,
        "duplicates": 0,
        "already": 0,
        "errors": 0,
        "warnings": 0,
    }
    total = release.ingest_counts["total"]
    assert total["ingested"] == first["ingested"] + 1
    assert total["already"] == first["units"]
    page = change_page(staff_client, release)
    assert "Last upload: 1 file(s) or message(s) read: 1 new document(s)." in page
    assert (
        f"All uploads to this release: {2 * first['units'] + 1} file(s) or message(s) read: "
        f"{first['ingested'] + 1} new document(s); {first['units']} already in this release, "
        "skipped" in page
    )


def test_the_same_bytes_under_another_name_are_reported_as_duplicates_skipped(
    staff_client, suit_and_request, eager, ingest
):
    _, request = suit_and_request
    release = services.release_create(request=request, released_on=D(2020, 6, 17))
    data = (FIXTURES / "pdf/three_pages.pdf").read_bytes()
    ingest(release, *[SimpleUploadedFile("a.pdf", data)])
    ingest(release, *[SimpleUploadedFile("copy.pdf", data)])
    page = change_page(staff_client, release)
    assert "Problems: None" not in page
    assert "0 error(s), 1 duplicate(s) skipped, 0 warning(s)." in page
    assert "duplicate, skipped" in page
    assert "1 duplicate(s) of documents already stored, skipped" in page


def test_a_valid_form_with_files_ingests_them_and_keeps_nothing_aside(
    staff_client, suit_and_request, eager, django_capture_on_commit_callbacks
):
    _, request = suit_and_request
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:documents_release_add"),
            release_form(request, uploads=[upload("pdf/three_pages.pdf")]),
        )
    assert response.status_code == 302
    assert Release.objects.get().documents.count() == 1
    assert not kept_root().exists() or not any(kept_root().iterdir())


def test_the_lawsuit_picker_offers_only_suits_covering_the_release_request(
    staff_client, suit_and_request
):
    lawsuit, request = suit_and_request
    other = LawsuitFactory()
    release = services.release_create(request=request, released_on=D(2020, 6, 17))

    page = change_page(staff_client, release)

    assert f'<option value="{lawsuit.pk}">' in page
    assert f'<option value="{other.pk}">' not in page
    response = staff_client.post(
        reverse("admin:documents_release_change", args=[release.pk]),
        form_data(release, lawsuit=other.pk),
    )
    assert response.status_code == 200
    release.refresh_from_db()
    assert release.lawsuit is None


def test_a_pdf_without_a_text_layer_is_a_problem_in_words_on_the_release_page(
    staff_client, suit_and_request, eager, ingest
):
    _, request = suit_and_request
    release = services.release_create(request=request, released_on=D(2020, 6, 17))

    ingest(release, upload("pdf/no_text.pdf"))

    release.refresh_from_db()
    assert release.documents.count() == 1  # stored and listed; only its text is missing
    assert release.ingest_counts["last"]["warnings"] == 1
    assert [p["kind"] for p in release.errors] == ["warning"]
    page = change_page(staff_client, release)
    assert "page 1 has no text layer; OCR is not done yet" in page
    assert "0 error(s), 0 duplicate(s) skipped, 1 warning(s)." in page
    assert "1 with a warning" in page


def test_pages_without_text_are_listed_when_several():

    document = Document(page_count=4, text="first\f\f  \fFourth")
    assert _pages_without_text(document) == (
        "2 pages (2, 3) have no text layer; OCR is not done yet, so they cannot be searched"
    )
    assert _pages_without_text(Document(page_count=1, text="all there")) == ""


def test_the_add_page_opened_from_a_request_offers_only_the_suits_covering_it(
    staff_client, suit_and_request
):
    lawsuit, request = suit_and_request
    other = LawsuitFactory()

    page = staff_client.get(
        reverse("admin:documents_release_add"), {"request": request.pk}
    ).content.decode()

    assert f'<option value="{lawsuit.pk}">' in page
    assert f'<option value="{other.pk}">' not in page
    assert "Only the lawsuits that cover this release" in page
    # Opened with no request, the picker keeps every suit.
    form = staff_client.get(reverse("admin:documents_release_add")).context["adminform"].form
    assert set(form.fields["lawsuit"].queryset) == {lawsuit, other}


def test_the_add_form_reshown_after_choosing_a_request_narrows_and_names_the_mismatch(
    staff_client, suit_and_request
):
    # The add page opened with no request offers every suit; staff choose the request and a
    # suit that does not cover it together, and the form comes back narrowed, naming both.
    lawsuit, request = suit_and_request
    other = LawsuitFactory()
    release = Release(request=request, released_on=D(2020, 6, 17))

    response = staff_client.post(
        reverse("admin:documents_release_add"), form_data(release, lawsuit=other.pk)
    )

    assert response.status_code == 200
    assert not Release.objects.exists()
    errors = response.context["adminform"].form.errors["lawsuit"]
    assert errors == [
        f"{other} does not cover this request ({request}); add the request to the suit first, "
        "or choose a suit that covers it. Only those suits are offered."
    ]
    page = response.content.decode()
    assert f'<option value="{lawsuit.pk}">' in page
    assert f'<option value="{other.pk}" selected>' not in page
    assert f'<option value="{other.pk}">' not in page


def test_the_service_still_refuses_a_non_covering_suit_naming_both():
    request = RecordsRequestFactory()
    other = LawsuitFactory()

    with pytest.raises(ValidationError) as refused:
        services.release_create(request=request, lawsuit=other, released_on=D(2020, 6, 17))

    assert refused.value.message_dict["lawsuit"] == [
        f"{other} does not cover this request ({request}); add the request to the suit first, "
        "or choose a suit that covers it."
    ]
    assert not Release.objects.exists()
