"""Bounds on what one upload may cost: memory held at once, attachments per message, files per
archive, text per document, pages and time per PDF, upload sizes, and long names. Each limit hit
is a problem on the release naming the unit and the setting; the rest of the release goes on."""

from __future__ import annotations

import datetime
import io
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.ingest.emails import parse_email
from documents.models import Document, Release
from tests.documents.fixture_files import FIXTURES, release_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(suit_and_request):
    lawsuit, request = suit_and_request
    return services.release_create(
        request=request, lawsuit=lawsuit, released_on=datetime.date(2020, 6, 17)
    )


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


def _message_with_attachments(count: int) -> bytes:
    message = EmailMessage()
    message["From"] = "records@agency.gov"
    message["Subject"] = "Responsive records"
    message["Date"] = "Fri, 15 Sep 2017 10:00:00 -0400"
    message.set_content("See attached.")
    for index in range(count):
        message.add_attachment(
            f"record {index}".encode(), maintype="text", subtype="plain", filename=f"{index}.txt"
        )
    return message.as_bytes()


def _ingest(release: Release, tmp_path: Path, name: str, data: bytes) -> services.IngestReport:
    path = tmp_path / name
    path.write_bytes(data)
    return services.release_ingest(release_id=release.pk, paths=[path])


def _problems(release: Release) -> list[tuple[str, str]]:
    release.refresh_from_db()
    return [(p["kind"], p["reason"]) for p in release.errors]


# -- attachments per message -----------------------------------------------------------------------


def test_the_parser_decodes_only_the_first_attachments_and_counts_them_all():
    parsed = parse_email(_message_with_attachments(5), max_attachments=3)

    assert [a.filename for a in parsed.attachments] == ["0.txt", "1.txt", "2.txt"]
    assert parsed.attachments_found == 5


def test_a_message_with_too_many_attachments_keeps_the_first_and_says_so(
    release, tmp_path, settings
):
    settings.INGEST_MAX_PARTS = 3

    _ingest(release, tmp_path, "many.eml", _message_with_attachments(5))

    assert release.documents.filter(parent__isnull=False).count() == 3
    assert (
        "warning",
        "message has 5 attachments; only the first 3 were kept (INGEST_MAX_PARTS)",
    ) in _problems(release)


# -- files per archive -----------------------------------------------------------------------------


def test_an_archive_with_too_many_files_keeps_the_first_and_names_the_setting(
    release, tmp_path, settings
):
    settings.DOCUMENT_MAX_ARCHIVE_FILES = 3
    data = _zip([(f"{n}.txt", f"record {n}".encode()) for n in range(5)])

    _ingest(release, tmp_path, "five.zip", data)

    assert release.documents.count() == 3
    [(kind, reason)] = _problems(release)
    assert kind == "error"
    assert reason.startswith("archive has 5 files; only the first 3 were read")
    assert reason.endswith("(DOCUMENT_MAX_ARCHIVE_FILES)")


# -- text per document -----------------------------------------------------------------------------


def test_a_documents_text_is_capped_and_the_cut_named(release, tmp_path, settings):
    settings.INGEST_MAX_TEXT_CHARS = 1000

    _ingest(release, tmp_path, "long.txt", b"word " * 1000)

    document = release.documents.get()
    assert len(document.text) == 1000
    reason = "text of 5,000 characters; only the first 1,000 were kept (INGEST_MAX_TEXT_CHARS)"
    assert ("warning", reason) in _problems(release)
    assert reason in document.warnings


def test_a_pdf_stops_reading_at_the_text_cap(release, tmp_path, settings):
    settings.INGEST_MAX_TEXT_CHARS = 10

    _ingest(release, tmp_path, "three.pdf", (FIXTURES / "pdf/three_pages.pdf").read_bytes())

    document = release.documents.get()
    assert document.page_count == 3
    assert len(document.text) == 10
    assert any("(INGEST_MAX_TEXT_CHARS)" in reason for _, reason in _problems(release))


# -- pages per PDF ---------------------------------------------------------------------------------


def test_pages_read_per_pdf_are_bounded_by_the_setting(release, tmp_path, settings):
    settings.INGEST_MAX_PDF_PAGES = 2

    _ingest(release, tmp_path, "three.pdf", (FIXTURES / "pdf/three_pages.pdf").read_bytes())

    document = release.documents.get()
    assert document.page_count == 3
    assert document.text.count("\f") == 1
    assert (
        "warning",
        "text taken from the first 2 of 3 pages (INGEST_MAX_PDF_PAGES)",
    ) in _problems(release)


# -- memory held at once ---------------------------------------------------------------------------


def test_a_batch_ends_once_its_units_hold_the_memory_limit(
    release, tmp_path, settings, monkeypatch
):
    settings.INGEST_MAX_MEMORY_BYTES = 25_000
    batches: list[int] = []
    write_batch = services._write_batch

    def counting(release, units, report, known):
        batches.append(sum(len(unit.data) for unit in units))
        write_batch(release, units, report, known)

    monkeypatch.setattr(services, "_write_batch", counting)
    data = _zip([(f"{n}.txt", bytes([65 + n]) * 10_000) for n in range(7)])

    _ingest(release, tmp_path, "seven.zip", data)

    assert release.documents.count() == 7
    assert batches == [30_000, 30_000, 10_000]
    assert max(batches) < services.COMMIT_EVERY * 10_000


# -- long names ------------------------------------------------------------------------------------


def test_archive_members_named_alike_past_the_column_are_two_documents(release, tmp_path):
    # Letters of three bytes each in UTF-8: the key is bounded in bytes as well (PostgreSQL's
    # unique index on the source refuses entries over about 2,700 bytes).
    prefix = "記" * 4990
    data = _zip([(f"{prefix}one.txt", b"first record"), (f"{prefix}two.txt", b"second record")])

    _ingest(release, tmp_path, "long.zip", data)

    documents = list(release.documents.order_by("pk"))
    assert [d.text for d in documents] == ["first record", "second record"]
    assert len({d.source for d in documents}) == 2
    assert all(len(d.source) <= 1000 and len(d.source.encode()) <= 2000 for d in documents)
    assert all(len(d.original_name) <= 500 for d in documents)
    assert documents[0].original_name.endswith("one.txt")
    assert _problems(release) == []
    # The same archive again: both are recognised as already stored.
    report = _ingest(release, tmp_path, "long.zip", data)
    assert (report.ingested, report.already) == (0, 2)


def test_an_upload_with_a_very_long_name_is_ingested(
    staff_client, suit_and_request, settings, eager, django_capture_on_commit_callbacks
):
    lawsuit, request = suit_and_request
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # to a temporary file, as large uploads go
    upload = io.BytesIO(b"Subject: records\n\nbody of the message")
    # A client's name, as sent: its "extension" alone is 900 characters long (longer names
    # make a part header over the 1,024 bytes Django's parser takes, refused with a 400).
    upload.name = "release." + "n" * 900

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:documents_release_add"), release_form(request, lawsuit, [upload])
        )

    assert response.status_code == 302
    document = Document.objects.get()
    assert "body of the message" in document.text
    assert len(document.original_name) <= 500


# -- upload size -----------------------------------------------------------------------------------


def test_an_oversized_file_is_refused_and_nothing_saved(
    staff_client, suit_and_request, settings, eager
):
    lawsuit, request = suit_and_request
    settings.UPLOAD_MAX_FILE_BYTES = 100
    files = [
        SimpleUploadedFile("small.txt", b"x" * 100),
        SimpleUploadedFile("large.txt", b"x" * 101),
    ]

    response = staff_client.post(
        reverse("admin:documents_release_add"), release_form(request, lawsuit, files)
    )

    assert response.status_code == 200
    assert (
        "large.txt is 101 bytes, over the limit of 100 bytes per file." in response.content.decode()
    )
    assert not Release.objects.exists()
    assert not Document.objects.exists()
    # The file within the limit is kept for the next try (documents.kept_uploads); the one
    # over it is not written anywhere.
    kept = response.context["adminform"].form.kept_brought
    assert [file.name for file in kept.files] == ["small.txt"]
    staged = [p for p in services.staging_root().rglob("*") if p.is_file()]
    assert sorted(p.read_bytes() for p in staged if p.name.isdigit()) == [b"x" * 100]


def test_files_together_over_the_request_limit_are_refused(
    staff_client, suit_and_request, settings, eager
):
    lawsuit, request = suit_and_request
    settings.UPLOAD_MAX_FILE_BYTES = 100
    settings.UPLOAD_MAX_REQUEST_BYTES = 150
    files = [SimpleUploadedFile(f"{n}.txt", b"x" * 80) for n in range(2)]

    response = staff_client.post(
        reverse("admin:documents_release_add"), release_form(request, lawsuit, files)
    )

    assert response.status_code == 200
    assert "come to 160 bytes, over the limit of 150 bytes per upload" in response.content.decode()
    assert not Release.objects.exists()
