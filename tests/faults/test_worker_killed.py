"""Nothing lost when a whole worker dies: a real Celery worker (main process and its child) is
killed with SIGKILL in the middle of a release of thousands of messages, a new worker is
started, the release is resumed the documented way, and then the first message is delivered
again, late. Real Redis broker, real PostgreSQL, real files."""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import signal
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from documents import services, tasks
from documents.models import Document, Release
from tests.celery_worker import new_queue, sending_to, start_worker, stop
from tests.factories import RecordsRequestFactory
from tests.faults.parts import database_url, forget_queue, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="needs REDIS_URL and PostgreSQL shared with a worker process (the CI run sets both)",
    ),
    pytest.mark.usefixtures("transactional_db"),
]

MESSAGES = 3000
TWINS = 100  # members whose bytes repeat an earlier message: duplicates, stored once
FINISHED = (Release.Ingestion.DONE, Release.Ingestion.DONE_WITH_ERRORS, Release.Ingestion.FAILED)


def message(n: int) -> bytes:
    return (
        f"From: clerk{n % 7}@agency.example.gov\nTo: requester@example.org\n"
        f"Date: Fri, 15 Sep 2017 10:{n % 60:02d}:00 -0400\nMessage-ID: <{n}@agency.example.gov>\n"
        f"Subject: Records, item {n}\n\nResponsive record number {n}.\n"
    ).encode()


def production() -> bytes:
    """A zip of MESSAGES distinct emails and TWINS members repeating earlier ones."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(MESSAGES):
            archive.writestr(f"mail/{n:05d}.eml", message(n))
        for n in range(TWINS):
            archive.writestr(f"again/{n:05d}.eml", message(n * 7))
    return buffer.getvalue()


@pytest.fixture
def workers(settings):
    """Starts real workers (prefork: a main process and a child) on a queue of the test's own,
    sharing the test database and media folder; stops whatever is left at the end."""
    queue = new_queue()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": "worker-test",
    }
    started = []

    def start():
        process = start_worker(queue, env, prefork=True)
        started.append(process)
        return process

    with sending_to(queue):
        yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    forget_queue(queue)


def test_a_worker_killed_mid_release_loses_and_duplicates_nothing(workers, settings):
    began = time.monotonic()
    release = services.release_create(
        request=RecordsRequestFactory(), released_on=datetime.date(2020, 6, 17)
    )
    first = workers()
    staged = services.release_upload(
        release=release, files=[SimpleUploadedFile("production.zip", production())]
    )

    # Killed once a few batches are committed: the whole process group, no chance to clean up.
    wait_for(
        lambda: Release.objects.get(pk=release.pk).files_done >= 3 * services.COMMIT_EVERY,
        worker=first,
        poll=0.02,
    )
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    stop(first)
    release.refresh_from_db()
    at_kill = release.documents.count()
    assert release.ingestion == Release.Ingestion.INGESTING, "finished before the kill"
    assert 0 < at_kill < MESSAGES
    assert all(Path(p).exists() for p in staged)  # the upload is kept until the run finished

    second = workers()
    assert services.release_resume(release=release)
    wait_for(lambda: Release.objects.get(pk=release.pk).ingestion in FINISHED, worker=second)

    release.refresh_from_db()
    assert release.ingestion == Release.Ingestion.DONE
    documents = Document.objects.filter(release=release)
    assert documents.count() == MESSAGES
    verified = 0
    for name, size, digest in documents.values_list("file", "size", "sha256"):
        data = (Path(settings.MEDIA_ROOT) / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, digest)
        verified += len(data)
    twice = documents.values("request", "sha256").annotate(n=Count("pk")).filter(n__gt=1)
    assert not twice.exists()
    assert documents.values("source").distinct().count() == MESSAGES
    counts = {
        "units": MESSAGES + TWINS,
        "ingested": MESSAGES,
        "duplicates": TWINS,
        "already": 0,
        "errors": 0,
        "warnings": 0,
    }
    assert release.ingest_counts == {"last": counts, "total": counts}
    assert release.files_done == release.files_total == MESSAGES + TWINS
    assert [p["kind"] for p in release.errors] == ["duplicate"] * TWINS
    assert release.staged == []
    assert not any(Path(p).exists() for p in staged)
    media = Path(settings.MEDIA_ROOT)
    assert not list(media.rglob(f"*{services.PARTIAL_SUFFIX}"))
    stored = [p for p in (media / "documents").rglob("*") if p.is_file()]
    assert len(stored) == MESSAGES  # nothing stored twice, no stray file

    # The killed worker's message, delivered again when its visibility timeout ends: nothing
    # changes. A small upload behind it tells when the worker has taken it (one at a time).
    finished = (release.ingestion, release.files_done, release.ingest_counts, release.errors)
    tasks.release_ingest.delay(release.pk, staged)
    later = services.release_create(request=release.request, released_on=datetime.date(2020, 7, 1))
    services.release_upload(
        release=later, files=[SimpleUploadedFile("one.eml", message(MESSAGES + 1))]
    )
    wait_for(lambda: Release.objects.get(pk=later.pk).ingestion in FINISHED, worker=second)
    release.refresh_from_db()
    assert (release.ingestion, release.files_done, release.ingest_counts, release.errors) == (
        finished
    )
    assert release.documents.count() == MESSAGES
    print(
        f"\nworker killed at {at_kill} of {MESSAGES} documents; after the resume "
        f"{MESSAGES} documents, {verified:,} bytes verified; "
        f"{time.monotonic() - began:.1f} s in all"
    )
