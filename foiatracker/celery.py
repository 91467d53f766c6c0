"""The Celery application.

Tasks live in the apps; the whole beat schedule, the queues and the routes live here, in one
place, and so does the sizing of the broker's visibility timeout.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_init
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foiatracker.settings")

log = logging.getLogger(__name__)

app = Celery("foiatracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The queues, one per kind of work, so that one kind never waits behind another: two slow
# uploads fill `ingestion` while `reminders` keeps sending. `mail` is reserved for
# correspondence. Every task not routed here (court schedules, fixity, the requeue sweep, the
# sweep of kept uploads) goes to the default queue, CELERY_TASK_DEFAULT_QUEUE (`foiatracker`): the
# one every task went to before the split, so messages queued before an upgrade are still read.
# Routes go by task name, and names never change (see reminders/tasks.py).
INGESTION, MAIL, REMINDERS, REPORTS = "ingestion", "mail", "reminders", "reports"
QUEUE_GROUPS = (INGESTION, MAIL, REMINDERS, REPORTS)
QUEUE_OF_TASK = {
    "documents.tasks.release_ingest": INGESTION,
    "requests_app.tasks.reminders_sweep": REMINDERS,
    "requests_app.tasks.reminder_send": REMINDERS,
    "requests_app.tasks.reminder_digest_send": REMINDERS,
    "requests_app.tasks.reports_refresh": REPORTS,
}
#: How much longer than the longest task the broker waits before it hands an unacknowledged
#: message to another worker.
VISIBILITY_MARGIN_SECONDS = 600


def queue_name(group: str) -> str:
    """A queue group's name on the broker: TASK_QUEUE_PREFIX lets several installations (or test
    runs) share one Redis."""
    return f"{app.conf.get('queue_prefix') or ''}{group}"


def queue_names() -> list[str]:
    """Every queue a worker reads when given no `-Q`: the default one and each group's."""
    return [app.conf.task_default_queue, *(queue_name(group) for group in QUEUE_GROUPS)]


def route_task(name: str, *args: Any, **kwargs: Any) -> dict[str, str] | None:
    group = QUEUE_OF_TASK.get(name)
    return {"queue": queue_name(group)} if group else None  # None: the default queue


app.conf.task_routes = (route_task,)

# The whole periodic schedule, in one place. Times are in CELERY_TIMEZONE (the organisation's).
app.conf.beat_schedule = {
    # Hourly, so a reminder goes out at REMINDER_SEND_HOUR and a missed run costs an hour, not a
    # reminder: each sweep creates whatever has fallen due since the last one.
    # The reminder and report tasks live in reminders.tasks and reports.tasks; they keep the names
    # they had under requests_app so that messages queued before an upgrade still find them.
    "reminders-sweep": {
        "task": "requests_app.tasks.reminders_sweep",
        "schedule": crontab(minute=5),
    },
    "court-schedules-extend": {
        "task": "requests_app.tasks.court_schedules_extend",
        "schedule": crontab(hour=2, minute=15),
    },
    # The precomputed reports (reports.snapshots): each answer says how old it is. The schedule,
    # every REPORTS_REFRESH_MINUTES, is added once the settings are read (below).
    "reports-refresh": {"task": "requests_app.tasks.reports_refresh"},
    "documents-verify": {
        "task": "documents.tasks.documents_verify",
        "schedule": crontab(hour=3, minute=30, day_of_week="sunday"),
    },
    # Files kept from release forms that had errors, once UPLOAD_KEEP_HOURS old: hourly, so they
    # outlive their references by an hour at most.
    "kept-uploads-sweep": {
        "task": "documents.tasks.kept_uploads_sweep",
        "schedule": crontab(minute=40),
    },
}


@app.on_after_configure.connect
def _reports_refresh_every(sender: Celery, **kwargs: Any) -> None:
    """The reports' period is a setting, shared with the refresh-on-read that stands in for beat
    when there is no broker (reports.snapshots); Django's settings are read only now, because
    this module is imported while they load."""
    from django.conf import settings  # noqa: PLC0415

    minutes = settings.REPORTS_REFRESH_MINUTES
    sender.conf.beat_schedule["reports-refresh"]["schedule"] = timedelta(minutes=minutes)
    sender.conf.beat_schedule["waiting-work-requeue"] = {
        "task": "core.tasks.waiting_work_requeue",
        "schedule": timedelta(minutes=settings.REQUEUE_SWEEP_MINUTES),
    }
    sender.conf.queue_prefix = settings.TASK_QUEUE_PREFIX
    sender.conf.task_queues = [Queue(name) for name in queue_names()]


def longest_time_limit(celery: Celery) -> int:
    """The longest hard time limit among the project's tasks; a task without one stops start-up,
    since nothing could then size the visibility timeout."""
    celery.loader.import_default_modules()
    limits = {}
    for name, task in celery.tasks.items():
        if name.startswith("celery."):
            continue
        limit = task.time_limit or celery.conf.task_time_limit
        if not limit:
            raise ImproperlyConfigured(f"task {name} declares no hard time limit (time_limit=)")
        limits[name] = int(limit)
    return max(limits.values())


def visibility_timeout_size(celery: Celery) -> int:
    """Size the broker's visibility timeout from the tasks' hard time limits (the one place it is
    set) and check it. Redis hands an unacknowledged message to another worker after this long,
    which is how the task of a host that died outright is run again; shorter than the longest
    task, a long task still running would be started a second time beside itself."""
    longest = longest_time_limit(celery)
    options = celery.conf.broker_transport_options
    timeout = options.setdefault("visibility_timeout", longest + VISIBILITY_MARGIN_SECONDS)
    if timeout <= longest:
        raise ImproperlyConfigured(
            f"the broker's visibility timeout ({timeout} s) must exceed the longest task's "
            f"hard time limit ({longest} s), or a long task would run twice at once"
        )
    return int(timeout)


@worker_init.connect
def visibility_outlasts_every_task(sender: Any, **kwargs: Any) -> None:
    """At a worker's start, before it connects. Celery logs and swallows an exception a signal
    handler raises, so a bad size stops the worker with SystemExit instead."""
    try:
        timeout = visibility_timeout_size(sender.app)
    except ImproperlyConfigured as exc:
        raise SystemExit(f"worker not started: {exc}") from exc
    log.info("broker visibility timeout: %d s (the longest task's hard limit + margin)", timeout)
