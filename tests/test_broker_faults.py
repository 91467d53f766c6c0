"""Faults of the broker, with real parts: a redis-server of the test's own (started and stopped
here), a real Celery worker, real PostgreSQL, the admin and the API through Django's client.

Redis stops while staff upload a release and the API is read: no 500 for a valid token, the
upload answers success; Redis starts again on the same port, the requeue sweep hands the
release over again and the worker ingests it. And the queues: a worker reading only
`reminders` sends reminders while `ingestion` is backed up."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.tasks import waiting_work_requeue
from documents import services
from documents.models import Document, Release
from reminders import tasks as reminder_tasks
from requests_app.workflow import RequestStatus
from tests.celery_worker import (
    broker_at,
    new_queue,
    routed_queue,
    sending_to,
    start_worker,
    stop,
)
from tests.documents.fixture_files import FIXTURES, release_form, upload
from tests.factories import LawsuitFactory, RecordsRequestFactory, UserFactory, api_key_for
from tests.reminders.test_reminder_delivery import (
    FROZEN,
    Inbox,
    SMTPServer,
    database_url,
    due_reminders,
    free_port,
    process_env,
    wait_for,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("transactional_db"),
    pytest.mark.skipif(
        not shutil.which("redis-server")
        or not os.environ.get("REDIS_URL")
        or "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="needs redis-server, REDIS_URL and PostgreSQL shared with a worker process",
    ),
]


class RedisServer:
    """A redis-server on a port of its own, without persistence: stopped, its port is closed
    and everything it held is gone, as after a crash."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, "redis-server to answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        assert not self.answers()

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=1).ping())
        except redis.ConnectionError:
            return False


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def test_redis_down_while_staff_upload_and_the_api_is_read_then_back(
    own_redis, settings, staff_client
):
    settings.REDIS_URL = own_redis.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": django_settings.CACHES["default"].get("OPTIONS", {}),
        }
    }
    queue = new_queue()
    env = {
        **os.environ,
        "REDIS_URL": own_redis.url,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": "worker-test",
    }
    worker = start_worker(queue, env)
    request = RecordsRequestFactory(status=RequestStatus.IN_LITIGATION)
    lawsuit = LawsuitFactory()
    lawsuit.requests.add(request)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(UserFactory(roles=['staff']))}")
    try:
        with sending_to(queue), broker_at(own_redis.url):
            assert api.get("/api/v1/requests/").status_code == 200  # Redis up: the usual way

            own_redis.stop()
            response = staff_client.post(
                reverse("admin:documents_release_add"), release_form(request, lawsuit), follow=True
            )
            assert response.status_code == 200
            assert "a background worker reads them as soon as one is reachable" in (
                response.content.decode()
            )
            release = Release.objects.get()
            assert release.ingestion == Release.Ingestion.PENDING
            assert len(release.staged) == 2
            # A valid token is never refused because the failure counters are unreachable.
            assert api.get("/api/v1/requests/").status_code == 200
            assert api.get(f"/api/v1/releases/{release.pk}/").status_code == 200
            changelist = reverse("admin:documents_release_changelist")
            assert staff_client.get(changelist).status_code == 200
            health = staff_client.get("/healthz")
            assert health.status_code == 503
            assert health.json()["broker"]["ok"] is False
            assert health.json()["database"]["ok"] is True

            own_redis.start()  # the same port, empty: nothing queued survived
            back = time.monotonic()
            later = timezone.now() + timedelta(minutes=settings.REQUEUE_AFTER_MINUTES + 1)
            with time_machine.travel(later, tick=False):
                assert waiting_work_requeue() == "release ingestion: 1"
            wait_for(
                lambda: Release.objects.get().ingestion == Release.Ingestion.DONE,
                "the worker to ingest the release",
                [worker],
                seconds=120,
            )
            recovery = time.monotonic() - back
    finally:
        stop(worker)

    release.refresh_from_db()
    assert release.staged == []
    pdf = Document.objects.get(release=release, kind=Document.Kind.PDF)
    assert pdf.sha256 == hashlib.sha256((FIXTURES / "pdf/three_pages.pdf").read_bytes()).hexdigest()
    documents = Document.objects.filter(release=release).count()
    assert documents == release.ingest_counts["last"]["ingested"] > 1
    print(
        f"uploaded 2 files with Redis down; {documents} documents ingested "
        f"{recovery:.1f} s after Redis came back"
    )
    # Redis up again: repeated failures are limited again.
    settings.API_TOKEN_FAILURE_LIMIT = 2
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert [wrong.get("/api/v1/requests/").status_code for _ in range(3)] == [401, 401, 429]


def test_a_reminders_worker_sends_while_ingestion_is_backed_up(settings):
    smtp = SMTPServer(Inbox(), free_port())
    smtp.start()
    queue = new_queue()
    worker = start_worker(queue, process_env(smtp, FROZEN), frozen_clock=True, groups=["reminders"])
    try:
        with sending_to(queue):
            request = RecordsRequestFactory(status=RequestStatus.IN_LITIGATION)
            release = services.release_create(request=request, released_on=FROZEN.date())
            for _ in range(2):  # two uploads waiting in `ingestion`, which nobody reads here
                services.release_upload(release=release, files=[upload("pdf/three_pages.pdf")])
            due_reminders(3)
            reminder_tasks.reminders_sweep.delay()
            wait_for(lambda: len(smtp.inbox.message_ids()) == 3, "the reminders", [worker])
    finally:
        stop(worker)
        smtp.stop()
    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert broker.llen(routed_queue(queue, "ingestion")) == 2
    broker.delete(routed_queue(queue, "ingestion"))
    assert Release.objects.get().ingestion == Release.Ingestion.PENDING
