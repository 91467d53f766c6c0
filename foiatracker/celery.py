"""The Celery application.

Tasks live in the apps; the whole beat schedule lives here, in one place.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foiatracker.settings")

app = Celery("foiatracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic sweeps are added here as their issues land (reminders, fixity checks).
app.conf.beat_schedule = {}
