"""End to end through the real broker: a release uploaded in the admin is ingested by a real
Celery worker process reading the Redis on 127.0.0.1:6379."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from documents.models import Release
from requests_app.workflow import RequestStatus
from tests.celery_worker import new_queue, sending_to, start_worker, stop
from tests.documents.fixture_files import release_form
from tests.factories import LawsuitFactory, RecordsRequestFactory

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "documents" / "fixtures"

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="needs REDIS_URL and PostgreSQL shared with a worker process (the CI run sets both)",
    ),
    # Committed data a worker can see (tests/conftest.py puts the rows data migrations seeded
    # back after an earlier transactional test emptied the tables).
    pytest.mark.usefixtures("transactional_db"),
]


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture
def worker(settings):
    """A real worker on a queue of its own, sharing the test database and media folder."""
    queue = new_queue()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": "worker-test",
    }
    process = start_worker(queue, env)
    with sending_to(queue):
        yield process
    stop(process)


def test_an_uploaded_release_is_ingested_by_a_real_worker(worker, staff_client):
    request = RecordsRequestFactory(status=RequestStatus.IN_LITIGATION)
    lawsuit = LawsuitFactory()
    lawsuit.requests.add(request)
    response = staff_client.post(
        reverse("admin:documents_release_add"),
        release_form(request, lawsuit),
    )
    assert response.status_code == 302
    release = Release.objects.get()
    deadline = time.monotonic() + 90  # a bound on waiting, not a measure of anything
    while time.monotonic() < deadline:
        release.refresh_from_db()
        if release.ingestion in (
            Release.Ingestion.DONE,
            Release.Ingestion.DONE_WITH_ERRORS,
            Release.Ingestion.FAILED,
        ):
            break
        if worker.poll() is not None:
            pytest.fail(f"the worker exited: {worker.stdout.read()}")
        time.sleep(0.2)
    else:
        said = worker.stdout.read() if worker.poll() is not None else "(still running)"
        pytest.fail(f"not ingested in time; the worker: {said}")
    assert release.ingestion in (Release.Ingestion.DONE, Release.Ingestion.DONE_WITH_ERRORS)
    assert release.documents.filter(kind="pdf").get().page_count == 3
    assert release.documents.filter(parent__isnull=True, kind="email").count() >= 4
    assert release.files_done == release.files_total == 6
