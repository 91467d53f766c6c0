"""Releases whose ingestion never reached a worker: the broker was down when they were saved,
or lost the message. The upload still succeeds; the requeue sweep (core.requeue) hands them
over again; a copy of the message arriving after the work was done does nothing."""

from __future__ import annotations

import datetime
import os

import psycopg
import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.tasks import waiting_work_requeue
from documents import selectors, services, tasks
from documents.models import Release
from tests.documents.fixture_files import release_form, upload

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 7, 12, tzinfo=datetime.UTC)
Ingestion = Release.Ingestion


def test_an_upload_the_broker_refused_is_saved_then_ingested_once_the_sweep_runs(
    staff_client, suit_and_request, broker_unreachable, django_capture_on_commit_callbacks
):
    lawsuit, request = suit_and_request
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:documents_release_add"), release_form(request, lawsuit), follow=True
        )
    assert response.status_code == 200
    assert "a background worker reads them as soon as one is reachable" in response.content.decode()
    release = Release.objects.get()
    assert (release.ingestion, len(release.staged)) == (Ingestion.PENDING, 2)
    assert release.ingestion_queued_at == NOW
    assert release.documents.count() == 0


def test_the_sweep_hands_over_releases_pending_longer_than_the_threshold(
    suit_and_request, eager, django_capture_on_commit_callbacks, settings
):
    settings.REQUEUE_AFTER_MINUTES = 30
    _, request = suit_and_request
    waiting = services.release_create(request=request, released_on=datetime.date(2020, 6, 17))
    fresh = services.release_create(request=request, released_on=datetime.date(2020, 6, 18))
    with time_machine.travel(NOW, tick=False):
        services.release_stage_uploads(release=waiting, files=[upload("pdf/three_pages.pdf")])
        Release.objects.filter(pk=waiting.pk).update(ingestion_queued_at=timezone.now())
    with time_machine.travel(NOW + datetime.timedelta(minutes=25), tick=False):
        services.release_stage_uploads(release=fresh, files=[upload("pdf/no_text.pdf")])
        Release.objects.filter(pk=fresh.pk).update(ingestion_queued_at=timezone.now())

    later = NOW + datetime.timedelta(minutes=31)  # the first waits 31 minutes, the second 6
    cutoff = later - datetime.timedelta(minutes=30)
    assert list(selectors.releases_waiting_for_worker(handed_over_before=cutoff)) == [waiting]
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert waiting_work_requeue() == "release ingestion: 1"
    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert (waiting.ingestion, waiting.staged, waiting.documents.count()) == (Ingestion.DONE, [], 1)
    assert fresh.ingestion == Ingestion.PENDING  # its message may still be on its way
    # Done: a second sweep finds nothing.
    with time_machine.travel(later, tick=False):
        assert waiting_work_requeue() == "release ingestion: 0"


def test_a_copy_of_the_message_after_the_run_finished_does_nothing(suit_and_request, eager):
    _, request = suit_and_request
    release = services.release_create(request=request, released_on=datetime.date(2020, 6, 17))
    staged = services.release_stage_uploads(release=release, files=[upload("pdf/three_pages.pdf")])
    tasks.release_ingest(release.pk, staged)
    release.refresh_from_db()
    before = (release.ingestion, release.errors, release.ingest_counts)
    assert release.ingestion == Ingestion.DONE

    tasks.release_ingest(release.pk, staged)  # the requeued copy, its files long discarded
    release.refresh_from_db()
    assert (release.ingestion, release.errors, release.ingest_counts) == before


def test_a_release_a_worker_started_meanwhile_is_not_sent_again(
    suit_and_request, eager, monkeypatch
):
    _, request = suit_and_request
    release = services.release_create(request=request, released_on=datetime.date(2020, 6, 17))
    services.release_stage_uploads(release=release, files=[upload("pdf/three_pages.pdf")])
    found = list(selectors.releases_waiting_for_worker(handed_over_before=NOW))
    assert found == [release]
    # Between the sweep's read and its send, a worker takes the original message (its run
    # moves the release as it starts).
    Release.objects.filter(pk=release.pk).update(
        ingestion=Ingestion.INGESTING, ingestion_queued_at=NOW
    )
    monkeypatch.setattr(selectors, "releases_waiting_for_worker", lambda **kwargs: found)
    sent = []
    monkeypatch.setattr(tasks.release_ingest, "delay", lambda *args: sent.append(args))
    assert services.releases_requeue(NOW) == 0
    assert sent == []


def _other_connection() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], autocommit=True
    )


def _left_ingesting(request, moved: datetime.datetime) -> Release:
    """A release whose run got as far as marking it ingesting, then lost its worker's host."""
    release = services.release_create(request=request, released_on=datetime.date(2020, 6, 17))
    services.release_stage_uploads(release=release, files=[upload("pdf/three_pages.pdf")])
    Release.objects.filter(pk=release.pk).update(
        ingestion=Ingestion.INGESTING, ingestion_queued_at=moved
    )
    return release


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="the run's claim is a PostgreSQL advisory lock; on SQLite a run dies with its request",
)
def test_a_release_left_ingesting_by_a_dead_run_is_handed_over_once_it_stopped_moving(
    suit_and_request, eager, django_capture_on_commit_callbacks, settings
):
    settings.REQUEUE_AFTER_MINUTES = 30
    _, request = suit_and_request
    orphan = _left_ingesting(request, NOW)
    recent = _left_ingesting(request, NOW + datetime.timedelta(minutes=25))

    later = NOW + datetime.timedelta(minutes=31)  # the first has not moved for 31 minutes
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert waiting_work_requeue() == "release ingestion: 1"
    orphan.refresh_from_db()
    recent.refresh_from_db()
    assert (orphan.ingestion, orphan.staged, orphan.documents.count()) == (Ingestion.DONE, [], 1)
    assert recent.ingestion == Ingestion.INGESTING  # a long file between two batches, maybe
    with time_machine.travel(later, tick=False):
        assert waiting_work_requeue() == "release ingestion: 0"


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="the run's claim is a PostgreSQL advisory lock; on SQLite a run dies with its request",
)
def test_a_release_whose_run_is_live_is_not_handed_over_however_long_it_has_not_moved(
    suit_and_request, eager, django_capture_on_commit_callbacks, settings
):
    settings.REQUEUE_AFTER_MINUTES = 30
    _, request = suit_and_request
    release = _left_ingesting(request, NOW)
    later = NOW + datetime.timedelta(hours=5)
    with _other_connection() as live_run:  # a worker on another host, still at it
        live_run.execute("SELECT pg_advisory_lock(%s, %s)", [services.RUN_LOCK, release.pk])
        with (
            time_machine.travel(later, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert waiting_work_requeue() == "release ingestion: 0"
        release.refresh_from_db()
        assert (release.ingestion, release.documents.count()) == (Ingestion.INGESTING, 0)
        # The sweep let go of the lock it tried: the live run still holds it alone.
        (held,) = live_run.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
            [release.pk],
        ).fetchone()
        assert held == 1
        # That host dies now; the server lets go of its claim.
        live_run.execute("SELECT pg_advisory_unlock(%s, %s)", [services.RUN_LOCK, release.pk])
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert waiting_work_requeue() == "release ingestion: 1"
    release.refresh_from_db()
    assert (release.ingestion, release.documents.count()) == (Ingestion.DONE, 1)
