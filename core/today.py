"""The organisation's "today".

A deadline is due on a calendar day where the organisation works, not in UTC: every "today" in the
tracker (overdue, due within, reminders, the dashboard) is the date in ``TIME_ZONE`` at this
moment, and is read from here.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def organisation_today(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date where the organisation works (settings.TIME_ZONE); at ``now`` if given (a
    sweep or a send that runs "as of" one instant), else at this moment."""
    return timezone.localdate(now)


def organisation_day_start(now: datetime.datetime | None = None) -> datetime.datetime:
    """Midnight at the start of the organisation's day containing ``now`` (aware, TIME_ZONE)."""
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
