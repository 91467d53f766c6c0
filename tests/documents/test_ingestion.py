"""Ingesting releases: real messages, PDFs and archives; duplicates; re-runs; hostile input.

The message and PDF files are in tests/documents/fixtures (see the README there for their
origin); archives are built here from them.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import shutil
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from documents import services
from documents.models import Document, Release
from requests_app.workflow import RequestStatus
from tests.factories import LawsuitFactory, RecordsRequestFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent / "fixtures"
D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def release(db):
    request = RecordsRequestFactory(status=RequestStatus.IN_LITIGATION)
    return services.release_create(request=request, released_on=D(2020, 6, 17))


def copy(tmp_path, *names) -> list[Path]:
    paths = []
    for name in names:
        source = FIXTURES / name
        target = tmp_path / "in" / source.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(source, target)
        paths.append(target)
    return paths


def test_a_real_message_with_its_metadata_and_text(release, tmp_path):
    report = services.release_ingest(
        release_id=release.pk, paths=copy(tmp_path, "email/encoded_words.eml")
    )
    assert (report.ingested, report.errors) == (1, [])
    document = Document.objects.get()
    assert document.kind == Document.Kind.EMAIL
    assert document.request_id == release.request_id
    assert (
        document.sha256
        == hashlib.sha256((FIXTURES / "email/encoded_words.eml").read_bytes()).hexdigest()
    )
    assert document.size == (FIXTURES / "email/encoded_words.eml").stat().st_size
    assert document.subject  # decoded encoded-words, not =?...?=
    assert "=?" not in document.subject
    assert (
        document.file.name
        == f"documents/{release.request_id}/{document.sha256[:2]}/{document.sha256}"
    )
    release.refresh_from_db()
    assert (release.ingestion, release.files_done, release.files_total) == ("done", 1, 1)


def test_a_mailbox_becomes_one_document_per_message_with_attachments(release, tmp_path):
    report = services.release_ingest(
        release_id=release.pk, paths=copy(tmp_path, "mbox/release.mbox")
    )
    messages = Document.objects.filter(parent__isnull=True)
    assert messages.count() + report.duplicates == 5
    # Sources name the input by its hash and name, then the message's position.
    assert all(d.source.split(":", 1)[1].startswith("release.mbox#") for d in messages)
    subjects = set(messages.values_list("subject", flat=True))
    assert "Here is your dingus fish" in subjects
    # Attachments of a message are documents of their own, linked to it.
    for attachment in Document.objects.filter(parent__isnull=False):
        assert attachment.release == release
        assert attachment.source.startswith(attachment.parent.source + "/attachment/")


def test_pdfs_multi_page_encrypted_and_corrupt(release, tmp_path):
    paths = copy(
        tmp_path, "pdf/three_pages.pdf", "pdf/encrypted_password_secret.pdf", "pdf/truncated.pdf"
    )
    report = services.release_ingest(release_id=release.pk, paths=paths)
    pdf = Document.objects.get()
    assert (pdf.kind, pdf.page_count) == (Document.Kind.PDF, 3)
    assert pdf.text.strip()
    reasons = {e["file"].split(":", 1)[1]: e["reason"] for e in report.errors}
    assert "encrypted PDF" in reasons["encrypted_password_secret.pdf"]
    assert "cannot be read" in reasons["truncated.pdf"]
    release.refresh_from_db()
    assert release.ingestion == Release.Ingestion.DONE_WITH_ERRORS
    assert {e["file"].split(":", 1)[1] for e in release.errors} == {
        "encrypted_password_secret.pdf",
        "truncated.pdf",
    }


def test_running_again_leaves_exactly_one_copy(release, tmp_path):
    paths = copy(tmp_path, "mbox/release.mbox", "pdf/three_pages.pdf")
    first = services.release_ingest(release_id=release.pk, paths=paths)
    count = Document.objects.count()
    files = sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file())
    second = services.release_ingest(release_id=release.pk, paths=paths)
    assert Document.objects.count() == count
    assert second.ingested == 0
    assert second.already == first.ingested - Document.objects.filter(parent__isnull=False).count()
    assert sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file()) == files


def test_resuming_after_a_crash_half_way_leaves_exactly_one_copy(release, tmp_path, monkeypatch):
    paths = copy(tmp_path, "mbox/release.mbox")
    real = services._ingest_unit
    calls = {"n": 0}

    def dies_on_the_third(*args, **kwargs):
        if kwargs.get("parent") is None:  # a message, not one of its attachments
            calls["n"] += 1
            if calls["n"] == 3:
                raise SystemExit("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_ingest_unit", dies_on_the_third)
    monkeypatch.setattr(services, "COMMIT_EVERY", 2)  # commit two messages at a time
    with pytest.raises(SystemExit):
        services.release_ingest(release_id=release.pk, paths=paths)
    half = Document.objects.filter(parent__isnull=True).count()
    assert half == 2  # the committed batch of two whole messages, nothing of the third
    monkeypatch.setattr(services, "_ingest_unit", real)
    report = services.release_ingest(release_id=release.pk, paths=paths)
    messages = Document.objects.filter(parent__isnull=True)
    assert messages.count() + report.duplicates == 5
    assert messages.values("source").distinct().count() == messages.count()
    # The resumed run carries on the one cut short: the upload's figures are those of one run
    # (the two messages of the first batch are its own, not "already in the release").
    assert report.already == 0
    assert report.ingested == Document.objects.count()
    release.refresh_from_db()
    assert release.ingest_counts["last"] == release.ingest_counts["total"]
    assert release.ingest_counts["last"]["ingested"] == Document.objects.count()
    assert "run" not in release.ingest_counts


def test_the_same_bytes_twice_in_a_request_are_stored_once(release, tmp_path):
    one = copy(tmp_path, "email/msg_07.txt")[0]
    twin = tmp_path / "in" / "copy-of-msg_07.eml"
    shutil.copy(one, twin)
    report = services.release_ingest(release_id=release.pk, paths=[one, twin])
    assert report.duplicates == 1
    assert Document.objects.filter(parent__isnull=True).count() == 1
    duplicate = next(p for p in report.problems if p["kind"] == "duplicate")
    assert "stored once" in duplicate["reason"]
    # A second release of the same request: the bytes are known there too.
    later = services.release_create(request=release.request, released_on=D(2020, 7, 1))
    count = Document.objects.count()
    again = services.release_ingest(release_id=later.pk, paths=[twin])
    assert (again.ingested, again.duplicates) == (0, 1)
    assert Document.objects.count() == count


def test_a_nested_archive_with_hostile_members(release, tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("mail/dingus.eml", (FIXTURES / "email/msg_07.txt").read_bytes())
        z.writestr("../../escape.txt", b"climbing out")
    outer = tmp_path / "batch.zip"
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("report.pdf", (FIXTURES / "pdf/three_pages.pdf").read_bytes())
        z.writestr("inner.zip", inner.getvalue())
        z.writestr("/etc/passwd", b"root:x:0:0")
        z.writestr("empty.txt", b"")
        # Last: a bomb stops the walk of the archive (what came before it is kept).
        z.writestr("bomb.txt", b"\0" * (5 * 1024 * 1024))
    report = services.release_ingest(release_id=release.pk, paths=[outer])
    names = set(Document.objects.values_list("original_name", flat=True))
    assert "report.pdf" in names
    assert "dingus.eml" in names
    problems = {e["file"]: e["reason"] for e in report.errors}
    assert any("escape.txt" in f for f in problems), problems
    assert any("passwd" in f for f in problems), problems
    assert any("bomb.txt" in f for f in problems), problems
    assert any("empty" in r for f, r in problems.items() if "empty.txt" in f), problems
    # Nothing was written anywhere but the storage root.
    assert not (tmp_path / "escape.txt").exists()
    assert not any("escape" in p.name for p in tmp_path.rglob("*"))


def test_files_over_the_size_limit_are_refused(release, tmp_path, settings):
    settings.DOCUMENT_MAX_FILE_BYTES = 1000
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 1001)
    report = services.release_ingest(release_id=release.pk, paths=[big])
    assert "over the limit" in report.errors[0]["reason"]
    assert not Document.objects.exists()


def test_a_document_must_share_its_releases_request_in_the_database(release):
    other = RecordsRequestFactory()

    def insert_mismatched() -> None:
        with transaction.atomic():
            Document.objects.create(
                release=release, request=other, original_name="x", source="x", sha256="a" * 64
            )
            if connection.vendor == "postgresql":
                connection.check_constraints()  # the composite foreign key is deferred to commit

    with pytest.raises(IntegrityError):
        insert_mismatched()


def test_the_lawsuit_of_a_release_must_cover_its_request(release):

    suit = LawsuitFactory()
    with pytest.raises(ValidationError, match="does not cover this request"):
        services.release_create(request=release.request, released_on=D(2020, 6, 17), lawsuit=suit)
    suit.requests.add(release.request)
    assert services.release_create(
        request=release.request, released_on=D(2020, 6, 17), lawsuit=suit
    )


def test_the_command_shows_progress_and_a_summary(release, tmp_path):
    out, err = StringIO(), StringIO()
    call_command(
        "ingest_release",
        str(release.pk),
        *map(str, copy(tmp_path, "mbox/release.mbox", "pdf/truncated.pdf")),
        stdout=out,
        stderr=err,
    )
    assert "Ingested" in out.getvalue()
    assert "errors 1" in out.getvalue()
    assert "truncated.pdf" in out.getvalue()
    assert "/6]" in err.getvalue() or "6/6" in err.getvalue()
    with pytest.raises(CommandError, match="no release 999"):
        call_command("ingest_release", "999", str(tmp_path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("ingest_release", str(release.pk), str(tmp_path / "missing.eml"))


def test_fixity_reports_changed_and_missing_files_without_touching_them(
    release, tmp_path, settings
):
    services.release_ingest(
        release_id=release.pk,
        paths=copy(tmp_path, "email/encoded_words.eml", "pdf/three_pages.pdf"),
    )
    email, pdf = Document.objects.order_by("kind")
    out = StringIO()
    call_command("verify_documents", stdout=out)
    assert "2 document(s): 0 changed, 0 missing" in out.getvalue()
    changed = Path(settings.MEDIA_ROOT) / email.file.name
    changed.write_bytes(changed.read_bytes() + b"tampered")
    (Path(settings.MEDIA_ROOT) / pdf.file.name).unlink()
    with pytest.raises(CommandError, match="1 changed, 1 missing"):
        call_command("verify_documents", stdout=StringIO())
    assert changed.read_bytes().endswith(b"tampered")  # reported, not repaired
