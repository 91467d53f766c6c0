"""The Celery application.

Tasks live in the apps; the whole beat schedule lives here, in one place.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foiatracker.settings")

app = Celery("foiatracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

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
}


@app.on_after_configure.connect
def _reports_refresh_every(sender: Celery, **kwargs: Any) -> None:
    """The reports' period is a setting, shared with the refresh-on-read that stands in for beat
    when there is no broker (reports.snapshots); Django's settings are read only now, because
    this module is imported while they load."""
    from django.conf import settings  # noqa: PLC0415

    minutes = settings.REPORTS_REFRESH_MINUTES
    sender.conf.beat_schedule["reports-refresh"]["schedule"] = timedelta(minutes=minutes)
