"""The queues, routes and time limits of background work (foiatracker/celery.py): each kind of
work has its queue, so one never waits behind another; the broker's visibility timeout is sized
from the longest hard time limit and checked at a worker's start."""

from __future__ import annotations

import pytest
from celery.signals import worker_init
from django.core.exceptions import ImproperlyConfigured

from foiatracker.celery import app as celery_app
from foiatracker.celery import longest_time_limit, queue_names, visibility_timeout_size

# Loading the tasks as a worker does runs Django's checks, which read the database.
pytestmark = pytest.mark.django_db

ROUTES = {
    "documents.tasks.release_ingest": "ingestion",
    "requests_app.tasks.reminders_sweep": "reminders",
    "requests_app.tasks.reminder_send": "reminders",
    "requests_app.tasks.reminder_digest_send": "reminders",
    "requests_app.tasks.reports_refresh": "reports",
    # Maintenance, on the default queue every task used before the split.
    "requests_app.tasks.court_schedules_extend": "foiatracker",
    "documents.tasks.documents_verify": "foiatracker",
    "documents.tasks.kept_uploads_sweep": "foiatracker",
    "core.tasks.waiting_work_requeue": "foiatracker",
}


def ours() -> dict:
    celery_app.loader.import_default_modules()
    # Celery's own tasks aside, and the probe other tests load (tests/core/probe_tasks.py).
    return {
        name: task
        for name, task in celery_app.tasks.items()
        if not name.startswith(("celery.", "tests."))
    }


def test_each_task_goes_to_the_queue_of_its_kind():
    assert set(ROUTES) == set(ours())
    routed = {name: celery_app.amqp.router.route({}, name, (), {})["queue"].name for name in ROUTES}
    assert routed == ROUTES


def test_a_worker_given_no_queue_reads_every_queue_mail_included():
    assert queue_names() == ["foiatracker", "ingestion", "mail", "reminders", "reports"]
    assert [queue.name for queue in celery_app.conf.task_queues] == queue_names()


def test_each_task_declares_its_own_limit_ingestion_long_reports_medium_reminders_short():
    limits = {name: task.time_limit for name, task in ours().items()}
    assert None not in limits.values()
    reminders = max(limits[n] for n, q in ROUTES.items() if q == "reminders")
    assert reminders < limits["requests_app.tasks.reports_refresh"]
    assert limits["requests_app.tasks.reports_refresh"] < limits["documents.tasks.release_ingest"]


def test_the_visibility_timeout_outlasts_the_longest_task(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    longest = longest_time_limit(celery_app)
    assert longest == max(task.time_limit for task in ours().values())
    assert visibility_timeout_size(celery_app) > longest
    assert celery_app.conf.broker_transport_options["visibility_timeout"] > longest


def test_a_visibility_timeout_shorter_than_a_task_stops_the_worker_starting(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {"visibility_timeout": 3600})
    with pytest.raises(ImproperlyConfigured, match="must exceed the longest task"):
        visibility_timeout_size(celery_app)


def test_the_worker_start_hook_stops_the_worker_rather_than_logging(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {"visibility_timeout": 60})
    worker = Worker()
    with pytest.raises(SystemExit, match="worker not started: the broker's visibility timeout"):
        worker_init.send(sender=worker)


class Worker:
    """What the hook reads of Celery's WorkController."""

    app = celery_app
