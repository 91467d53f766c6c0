"""Stored bytes that cannot lie, and runs that are idempotent by state: what a crash leaves at a
content address, a stray temporary file, a late redelivery, a second task while a run is live,
staged uploads kept until their run finished."""

from __future__ import annotations

import datetime
import hashlib
import os
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from documents import services, tasks
from documents.models import Document, Release
from tests.factories import RecordsRequestFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def release():
    return services.release_create(request=RecordsRequestFactory(), released_on=D(2020, 6, 17))


def message(subject: str) -> bytes:
    return (
        f"From: a@example.org\nTo: b@example.org\nDate: Fri, 15 Sep 2017 10:00:00 -0400\n"
        f"Subject: {subject}\n\nBody of {subject}.\n"
    ).encode()


def address(media: Path, request_id: int, data: bytes) -> Path:
    digest = hashlib.sha256(data).hexdigest()
    return media / "documents" / str(request_id) / digest[:2] / digest


@pytest.fixture
def sent(eager, django_capture_on_commit_callbacks):
    """Runs what the block enqueues, in-process, when it ends (as the commit would send it)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def uploads(*subjects: str) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"{s}.eml", message(s)) for s in subjects]


@pytest.mark.parametrize("left", [b"", b"From: a@example.org\nTo: b@exa"], ids=["empty", "cut"])
def test_a_file_cut_short_at_the_content_address_is_rewritten(release, tmp_path, settings, left):
    """A worker killed mid-write used to leave this, and the next run took it as stored."""
    data = message("the original")
    target = address(tmp_path / "media", release.request_id, data)
    target.parent.mkdir(parents=True)
    target.write_bytes(left)
    (tmp_path / "one.eml").write_bytes(data)

    report = services.release_ingest(release_id=release.pk, paths=[tmp_path / "one.eml"])

    assert report.ingested == 1
    assert target.read_bytes() == data
    document = Document.objects.get()
    assert document.file.name == str(target.relative_to(tmp_path / "media"))
    assert hashlib.sha256(document.file.open("rb").read()).hexdigest() == document.sha256


def test_only_a_file_with_other_bytes_of_the_same_size_is_rewritten(release, tmp_path):
    media = tmp_path / "media"
    whole, wrong = message("already there"), message("same size, other bytes")
    kept = address(media, release.request_id, whole)
    spoilt = address(media, release.request_id, wrong)
    for target, content in ((kept, whole), (spoilt, bytes(len(wrong)))):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    inode = kept.stat().st_ino
    (tmp_path / "one.eml").write_bytes(whole)
    (tmp_path / "two.eml").write_bytes(wrong)

    report = services.release_ingest(
        release_id=release.pk, paths=[tmp_path / "one.eml", tmp_path / "two.eml"]
    )

    assert report.ingested == 2
    assert spoilt.read_bytes() == wrong
    assert kept.stat().st_ino == inode  # a whole file is not written again
    assert not [p for p in media.rglob(".*") if p.is_file()]  # no temporary file stays


def test_a_write_that_does_not_read_back_the_same_stops_the_run(release, sent, monkeypatch):
    """The check after the write is real: bytes the disk gave back wrong are never renamed in,
    no row points at them, and the upload stays staged."""
    staged = services.release_stage_uploads(release=release, files=uploads("a", "b"))
    monkeypatch.setattr(services, "_holds", lambda path, digest, size: False)

    with pytest.raises(services.StorageError), sent():
        tasks.release_ingest.delay(release.pk, staged)

    release.refresh_from_db()
    assert release.ingestion == Release.Ingestion.FAILED
    assert not Document.objects.exists()
    assert all(Path(p).exists() for p in staged)
    media = Path(services.staging_root()).parent / "documents"
    assert not [p for p in media.rglob("*") if p.is_file()]  # no original, no temporary file


def test_a_disk_that_refuses_writes_stops_the_run_instead_of_failing_each_file(
    release, sent, monkeypatch
):
    """A full or failing disk is a part down, not every file being unreadable: the run stops,
    the upload stays staged to be resumed, and no file is reported as bad."""
    staged = services.release_stage_uploads(release=release, files=uploads("a", "b", "c"))

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services, "_write_stored", disk_full)
    with pytest.raises(services.StorageError, match="No space left"), sent():
        tasks.release_ingest.delay(release.pk, staged)

    release.refresh_from_db()
    assert release.ingestion == Release.Ingestion.FAILED
    assert [p["file"] for p in release.errors] == ["(ingestion)"]
    assert release.staged == staged
    assert all(Path(p).exists() for p in staged)


def test_what_a_killed_run_was_writing_is_removed_by_the_next_run_and_never_taken(
    release, tmp_path
):
    data = message("being written when the worker died")
    target = address(tmp_path / "media", release.request_id, data)
    target.parent.mkdir(parents=True)
    stray = target.with_name(f".{target.name}.r{release.pk}-dead{services.PARTIAL_SUFFIX}")
    stray.write_bytes(data[:10])
    other = target.with_name(f".{target.name}.r{release.pk + 1}-live{services.PARTIAL_SUFFIX}")
    other.write_bytes(data[:10])  # another release's run, perhaps writing right now
    Release.objects.filter(pk=release.pk).update(ingestion=Release.Ingestion.INGESTING)
    (tmp_path / "one.eml").write_bytes(data)

    services.release_ingest(release_id=release.pk, paths=[tmp_path / "one.eml"])

    assert not stray.exists()
    assert other.exists()
    assert target.read_bytes() == data
    assert Document.objects.get().file.name.endswith(target.name)


def state(release: Release) -> tuple:
    release.refresh_from_db()
    return (
        release.ingestion,
        release.files_done,
        release.files_total,
        release.ingest_counts,
        release.errors,
        release.staged,
    )


def test_a_late_redelivery_after_the_run_finished_changes_nothing(release, sent):
    with sent():
        staged = services.release_upload(release=release, files=uploads("one", "two"))
    before = state(release)
    assert before[:3] == (Release.Ingestion.DONE, 2, 2)

    with sent():
        tasks.release_ingest.delay(release.pk, staged)  # the message delivered again, hours later

    assert state(release) == before  # not "Done, with errors: 0 of 0"
    assert Document.objects.count() == 2


def test_a_resume_then_the_late_redelivery_leave_the_finished_release_as_it_is(release, sent):
    """The worker's host died mid-run: a person resumes, then the broker delivers the first
    message again when its visibility timeout ends."""
    staged = services.release_stage_uploads(release=release, files=uploads("a", "b", "c"))
    Release.objects.filter(pk=release.pk).update(ingestion=Release.Ingestion.INGESTING)
    release.refresh_from_db()

    with sent():
        assert services.release_resume(release=release)
    finished = state(release)
    assert finished[0] == Release.Ingestion.DONE
    assert release.ingest_counts["total"]["ingested"] == 3
    assert not any(Path(p).exists() for p in staged)

    with sent():
        tasks.release_ingest.delay(release.pk, staged)

    assert state(release) == finished
    assert not services.release_resume(release=release)  # nothing waits any more


def test_staged_uploads_stay_until_their_run_finished(release, sent, monkeypatch):
    staged = services.release_stage_uploads(release=release, files=uploads("a", "b"))
    real = services._write_batch

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services, "_write_batch", disk_full)
    with pytest.raises(OSError, match="No space left"), sent():
        tasks.release_ingest.delay(release.pk, staged)
    release.refresh_from_db()
    assert release.ingestion == Release.Ingestion.FAILED
    assert release.staged == staged
    assert all(Path(p).exists() for p in staged)

    monkeypatch.setattr(services, "_write_batch", real)
    with sent():
        assert services.release_resume(release=release)
    release.refresh_from_db()
    assert release.ingestion == Release.Ingestion.DONE  # the earlier "stopped" is moot now
    assert release.staged == []
    assert not any(Path(p).exists() for p in staged)
    assert release.ingest_counts["total"]["ingested"] == 2


def _other_connection() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], autocommit=True
    )


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""), reason="advisory locks are PostgreSQL's"
)
def test_a_second_task_while_a_run_is_live_does_nothing(release, sent):
    staged = services.release_stage_uploads(release=release, files=uploads("a"))
    Release.objects.filter(pk=release.pk).update(ingestion=Release.Ingestion.INGESTING)
    before = state(release)
    with _other_connection() as live_run:  # another worker, in the middle of this release
        live_run.execute("SELECT pg_advisory_lock(%s, %s)", [services.RUN_LOCK, release.pk])

        with sent():
            tasks.release_ingest.delay(release.pk, staged)
        with pytest.raises(services.RunInProgress):
            services.release_ingest(release_id=release.pk, paths=staged)

        assert state(release) == before
        assert not Document.objects.exists()
        # The live run ends. (Its connection closing would let go too, but the server notices
        # that a moment later: a killed worker's case is tests/faults/test_worker_killed.py.)
        live_run.execute("SELECT pg_advisory_unlock(%s, %s)", [services.RUN_LOCK, release.pk])
    with sent():
        assert services.release_resume(release=release)
    assert state(release)[0] == Release.Ingestion.DONE
    assert Document.objects.count() == 1


def test_a_staged_upload_that_cannot_be_read_stops_the_run_and_stays_staged(
    release, sent, monkeypatch
):
    """Permission refused (or an I/O error, an unmounted volume) is the disk, not the upload:
    recorded as the file's error, the run's end would delete the upload with the release
    "done". Only a file that is gone is that file's error."""
    staged = services.release_stage_uploads(release=release, files=uploads("a", "b"))
    unreadable = Path(staged[1])
    real_stat = Path.stat

    # At the file system's boundary, not by chmod: a test running as root reads a 000 file.
    def stat(self, *args, **kwargs):
        if self == unreadable:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    with pytest.raises(services.StorageError, match="Permission denied"), sent():
        tasks.release_ingest.delay(release.pk, staged)

    release.refresh_from_db()
    assert release.ingestion == Release.Ingestion.FAILED
    assert [p["file"] for p in release.errors] == ["(ingestion)"]
    assert release.staged == staged
    monkeypatch.undo()
    assert all(Path(p).exists() for p in staged)


def test_a_finished_upload_that_cannot_be_removed_leaves_the_run_finished(
    release, sent, monkeypatch, caplog
):
    staged = services.release_stage_uploads(release=release, files=uploads("a"))

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "unlink", refuse)
    with sent():
        tasks.release_ingest.delay(release.pk, staged)

    release.refresh_from_db()
    assert (release.ingestion, release.staged) == (Release.Ingestion.DONE, [])
    assert Document.objects.count() == 1
    assert "could not be removed from staging" in caplog.text
