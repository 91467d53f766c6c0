"""The task base class (core.tasks): a task is enqueued only after its transaction commits.

In-process (no broker, as on a laptop) on every database; through Redis to a real worker sharing
PostgreSQL where both are configured. The probe task (tests/core/probe_tasks.py) logs, outside
the database, the agency each run sees."""

from __future__ import annotations

import datetime
import os
import time
import uuid

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction

from core import requeue
from core.tasks import AfterCommitTask, waiting_work_requeue
from foiatracker.celery import app as celery_app
from requests_app.models import Agency
from tests.celery_worker import new_queue, sending_to, start_worker, stop
from tests.core.probe_tasks import agency_read, log
from tests.factories import AgencyFactory

# Real commits: the test's own transaction would hold every on_commit callback back.
pytestmark = pytest.mark.django_db(transaction=True)


class Abandoned(Exception):
    """Raised to roll a block back."""


def delay_in_a_block_rolled_back(key: str, agency_id: int) -> None:
    with transaction.atomic():
        agency_read.delay(key, agency_id)
        raise Abandoned


@pytest.fixture
def key():
    """A log of the probe's runs for this test alone."""
    key = f"probe-{uuid.uuid4().hex}"
    yield key
    cache.delete(key)


@pytest.fixture
def in_process():
    """No broker: Celery runs the task in this process when it would send it (PostgreSQL runs
    have REDIS_URL set, and would send it)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def test_every_task_of_the_project_is_enqueued_after_commit():
    celery_app.loader.import_default_modules()  # the apps' tasks modules, as a worker loads them
    ours = {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}
    # The reminder and report tasks keep the names they had in requests_app (reminders/tasks.py).
    assert {
        "documents.tasks.release_ingest",
        "documents.tasks.documents_verify",
        "requests_app.tasks.court_schedules_extend",
        "requests_app.tasks.reminders_sweep",
        "requests_app.tasks.reminder_send",
        "requests_app.tasks.reminder_digest_send",
        "requests_app.tasks.reports_refresh",
    } <= set(ours)
    assert [name for name, task in ours.items() if not isinstance(task, AfterCommitTask)] == []


def test_every_periodic_job_names_a_task_that_exists():
    """Beat sends names, not functions: a task moved to another app without its name pinned
    would leave its schedule sending messages no worker knows."""
    celery_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert scheduled == {
        "requests_app.tasks.reminders_sweep",
        "requests_app.tasks.court_schedules_extend",
        "requests_app.tasks.reports_refresh",
        "documents.tasks.documents_verify",
        "documents.tasks.kept_uploads_sweep",
        "core.tasks.waiting_work_requeue",
    }
    assert scheduled <= set(celery_app.tasks)


# --- in-process ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_process")
def test_inside_a_block_that_rolls_back_the_task_never_runs(key):
    agency = AgencyFactory(name="Drug Enforcement Administration")
    with pytest.raises(Abandoned):
        delay_in_a_block_rolled_back(key, agency.pk)
    assert log(key) == []


@pytest.mark.usefixtures("in_process")
def test_inside_a_savepoint_that_rolls_back_the_task_never_runs_though_the_outer_block_commits(
    key,
):
    agency = AgencyFactory(name="Drug Enforcement Administration")
    with transaction.atomic():
        with pytest.raises(Abandoned):
            delay_in_a_block_rolled_back(key, agency.pk)  # a savepoint inside the outer block
        agency.save()
    assert log(key) == []


@pytest.mark.usefixtures("in_process")
def test_inside_a_block_that_commits_the_task_runs_once_after_the_commit(key):
    with transaction.atomic():
        agency = AgencyFactory(name="Federal Bureau of Investigation")
        agency_read.delay(key, agency.pk)
        assert log(key) == []  # not yet: the block is still open
    assert log(key) == ["Federal Bureau of Investigation"]


@pytest.mark.usefixtures("in_process")
def test_outside_a_transaction_the_task_runs_at_once(key):
    agency = AgencyFactory(name="Federal Bureau of Investigation")
    agency_read.delay(key, agency.pk)
    assert log(key) == ["Federal Bureau of Investigation"]


@pytest.mark.usefixtures("in_process")
def test_a_retry_a_running_task_schedules_with_an_eta_runs(key):
    agency = AgencyFactory(name="Federal Bureau of Investigation")
    with transaction.atomic():
        agency_read.delay(key, agency.pk, runs_after=2)
    assert log(key) == ["Federal Bureau of Investigation"] * 3


# --- a real worker -------------------------------------------------------------------------------

needs_worker = pytest.mark.skipif(
    not os.environ.get("REDIS_URL") or "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="needs REDIS_URL and PostgreSQL shared with a worker process (the CI run sets both)",
)


@pytest.fixture
def worker():
    """A real worker on a queue of its own, sharing the test database, loading the probe."""
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        "SECRET_KEY": "worker-test",
    }
    queue = new_queue()
    process = start_worker(queue, env, include=["tests.core.probe_tasks"])
    with sending_to(queue):
        yield process
    stop(process)


def wait_for(condition, what: str, worker, seconds: float = 90) -> None:
    """Poll until the condition holds; the bound only stops a broken test from hanging."""
    limit = time.monotonic() + seconds
    while time.monotonic() < limit:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}: {worker.stdout.read()}")
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def handled_so_far(worker, agency) -> None:
    """Wait until the worker has handled every message sent so far. It takes them in order, one
    at a time, so it is done once a marker sent now has run; the marker goes by `send_task`,
    straight to the broker, past the base class (it must arrive even inside an open block)."""
    marker = f"probe-{uuid.uuid4().hex}"
    celery_app.send_task(agency_read.name, args=(marker, agency.pk))
    try:
        wait_for(lambda: log(marker), "the marker", worker)
    finally:
        cache.delete(marker)


@needs_worker
def test_a_real_worker_gets_the_task_once_after_the_commit_and_never_after_a_rollback(worker, key):
    committed = AgencyFactory(name="Drug Enforcement Administration")
    with pytest.raises(Abandoned):
        delay_in_a_block_rolled_back(key, committed.pk)
    with transaction.atomic():
        fresh = AgencyFactory(name="Federal Bureau of Investigation")
        agency_read.delay(key, fresh.pk)
        # A message sent so far has reached the worker while this block is open: its run would
        # have found no agency ("missing") or run the rolled-back call.
        handled_so_far(worker, committed)
        assert log(key) == []
    handled_so_far(worker, committed)
    assert log(key) == ["Federal Bureau of Investigation"]


@needs_worker
def test_a_real_worker_gets_a_task_sent_outside_a_transaction_and_the_retries_it_schedules(
    worker, key
):
    agency = AgencyFactory(name="Federal Bureau of Investigation")
    agency_read.delay(key, agency.pk, runs_after=2)
    wait_for(lambda: len(log(key)) == 3, "the run and its two retries", worker)
    handled_so_far(worker, agency)
    assert log(key) == ["Federal Bureau of Investigation"] * 3


# --- the broker down -----------------------------------------------------------------------------


@pytest.mark.usefixtures("broker_unreachable")
def test_a_broker_that_is_down_neither_fails_nor_undoes_the_commit(key, caplog):
    with transaction.atomic():
        agency = AgencyFactory(name="Federal Bureau of Investigation")
        agency_read.delay(key, agency.pk)
    assert Agency.objects.filter(pk=agency.pk).exists()
    agency_read.delay(key, agency.pk)  # outside a block, sent at once: the same
    assert caplog.text.count("broker unreachable: tests.core.probe_tasks.agency_read") == 2
    assert log(key) == []


def test_the_requeue_sweep_asks_every_registered_kind_and_one_failing_stops_no_other(
    monkeypatch,
):
    asked = []

    def broken(before):
        raise RuntimeError("its table is gone")

    monkeypatch.setattr(requeue, "_kinds", {})
    requeue.requeue_register("mail", lambda before: asked.append(before) or 2)
    requeue.requeue_register("ocr", broken)
    with time_machine.travel(datetime.datetime(2026, 12, 7, 12, tzinfo=datetime.UTC), tick=False):
        assert waiting_work_requeue() == "mail: 2, ocr: 0"
    # Handed over more than REQUEUE_AFTER_MINUTES (30) ago.
    assert asked == [datetime.datetime(2026, 12, 7, 11, 30, tzinfo=datetime.UTC)]
