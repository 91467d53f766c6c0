"""A hostile archive against a real Celery worker held to a memory limit: the kind of zip that is
within every bomb limit yet drove a worker to gigabytes (hundreds of mid-sized members, each
decoded into text) must end as a release with named problems, the worker alive and able to ingest
the next upload."""

from __future__ import annotations

import io
import os
import random
import resource
import threading
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from documents.models import Release
from tests.celery_worker import new_queue, sending_to, start_worker, stop
from tests.documents.fixture_files import release_form

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The address space the worker may map. An idle worker maps about 0.4 GB and one ingesting
#: ordinary files stays well under 1 GB (VmPeak measured on this suite's files); the hostile
#: archive below took 3.3 GB before its units were bounded by INGEST_MAX_MEMORY_BYTES.
WORKER_ADDRESS_SPACE = 1536 * 1024 * 1024

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="needs REDIS_URL and PostgreSQL shared with a worker process (the CI run sets both)",
    ),
    pytest.mark.usefixtures("transactional_db"),
]


def hostile_archive(members: int = 200, size: int = 3 * 1024 * 1024) -> bytes:
    """About 8 MB of zip expanding to 600 MB, 81 to 1 for every member and for the whole (under
    the bomb ratio of 100): a 24 KB block of Windows-1252 words (with euro signs and smart quotes,
    so each decoded character takes two bytes) repeated, which deflate finds within its window."""
    rng = random.Random(7)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(members):
            letters = b"abcdefghijklmnopqrstuvwxyz\x80\x93\x94"
            words = [
                bytes(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(4000)
            ]
            block = b" ".join(words)[: 24 * 1024]
            archive.writestr(f"records/{index:04d}.txt", (block * (size // len(block) + 1))[:size])
    return out.getvalue()


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _peak_resident_bytes(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM line")


@pytest.fixture
def limited_worker(settings):
    queue = new_queue()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": "worker-test",
    }
    process = start_worker(queue, env)
    # The solo pool runs tasks in this very process, as a prefork child would under the same
    # inherited limit. Set from outside, so the shared worker starter stays as it is.
    resource.prlimit(process.pid, resource.RLIMIT_AS, (WORKER_ADDRESS_SPACE, WORKER_ADDRESS_SPACE))
    # Its log is read as it comes: a worker logging more than a pipe holds would otherwise
    # stop, blocked on writing, in the middle of a task.
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.extend(process.stdout), daemon=True)
    reader.start()
    process.said = said
    with sending_to(queue):
        yield process
    stop(process)


def _upload(client, request, lawsuit, *files: SimpleUploadedFile) -> Release:
    before = set(Release.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:documents_release_add"),
        release_form(request, lawsuit, list(files)),
    )
    assert response.status_code == 302, response.content[:2000]
    return Release.objects.exclude(pk__in=before).get()


def _wait_until_ingested(release: Release, worker) -> None:
    deadline = time.monotonic() + 600  # a bound on waiting on a busy machine, not a measure
    while time.monotonic() < deadline:
        release.refresh_from_db()
        if release.ingestion in (
            Release.Ingestion.DONE,
            Release.Ingestion.DONE_WITH_ERRORS,
            Release.Ingestion.FAILED,
        ):
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited: {''.join(worker.said)[-5000:]}")
        time.sleep(0.5)
    pytest.fail(f"not ingested in time; the worker said: {''.join(worker.said)[-5000:]}")


def test_a_memory_hungry_archive_ends_with_named_problems_and_the_worker_lives_on(
    limited_worker, staff_client, suit_and_request
):
    lawsuit, request = suit_and_request
    hostile = _upload(
        staff_client, request, lawsuit, SimpleUploadedFile("records.zip", hostile_archive())
    )
    _wait_until_ingested(hostile, limited_worker)
    peak = _peak_resident_bytes(limited_worker.pid)
    print(f"worker peak resident memory after the hostile archive: {peak / 2**20:.0f} MiB")

    assert hostile.ingestion == Release.Ingestion.DONE, hostile.errors[:3]
    assert hostile.documents.count() == 200
    named = [p for p in hostile.errors if "(INGEST_MAX_TEXT_CHARS)" in p["reason"]]
    assert len(named) == 200
    assert named[0]["file"].endswith("records.zip/records/0000.txt")
    assert limited_worker.poll() is None

    normal = _upload(
        staff_client,
        request,
        lawsuit,
        SimpleUploadedFile("three_pages.pdf", (FIXTURES / "pdf/three_pages.pdf").read_bytes()),
    )
    _wait_until_ingested(normal, limited_worker)
    assert normal.ingestion == Release.Ingestion.DONE
    assert normal.documents.get().page_count == 3
