"""Background work of the domain core. Tasks take no model instances and call services."""

from __future__ import annotations

from celery import shared_task

from core.tasks import AfterCommitTask
from core.today import organisation_today


@shared_task(base=AfterCommitTask, acks_late=True, time_limit=600, ignore_result=True)
def court_schedules_extend() -> int:
    """Keep open-ended court schedules ("every 60 days until further order") expanded two years
    ahead. Idempotent: a second run the same day finds nothing to do; a run that dies half-way
    has extended whole schedules only, and the next run carries on."""
    # Inside the task, as in every app: services enqueue tasks, so tasks import services late.
    from requests_app.deadlines.court import court_schedules_extend_one  # noqa: PLC0415

    today = organisation_today()
    extended = 0
    while court_schedules_extend_one(today=today) is not None:
        extended += 1
    return extended
