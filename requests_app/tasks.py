"""Background work for the tracker. Tasks take no model instances and call services."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import deadlines, reminders, report_snapshots


@shared_task(acks_late=True, time_limit=600, ignore_result=True)
def court_schedules_extend() -> int:
    """Keep open-ended court schedules ("every 60 days until further order") expanded two years
    ahead. Idempotent: a second run the same day finds nothing to do; a run that dies half-way
    has extended whole schedules only, and the next run carries on."""
    today = timezone.localdate()
    extended = 0
    while deadlines.court_schedules_extend_one(today=today) is not None:
        extended += 1
    return extended


@shared_task(acks_late=True, time_limit=900, ignore_result=True)
def reminders_sweep() -> str:
    """Fill the reminder outbox and hand each due row to a send task, after the sweep commits
    (a task enqueued before the commit could look for a row that is not there yet)."""
    result = reminders.reminders_sweep()
    transaction.on_commit(lambda: _enqueue(result))
    return result.summary()


def _enqueue(result: reminders.SweepResult) -> None:
    for reminder_id in result.individual:
        reminder_send.delay(reminder_id)
    for recipient_id in result.digests:
        reminder_digest_send.delay(recipient_id)


# The claim inside the service, not Celery, guarantees one send per row: a redelivered or
# duplicated message finds the row claimed and does nothing. acks_late + reject_on_worker_lost
# (settings) put a message back if the worker dies mid-send; the sweep re-queues the row.
@shared_task(acks_late=True, time_limit=120, ignore_result=True)
def reminder_send(reminder_id: int) -> str:
    outcome = reminders.reminder_send(reminder_id=reminder_id)
    if outcome.retry_at is not None:
        reminder_send.apply_async((reminder_id,), eta=outcome.retry_at)
    return outcome.state


@shared_task(acks_late=True, time_limit=300, ignore_result=True)
def reminder_digest_send(recipient_id: int) -> str:
    outcome = reminders.reminder_digest_send(recipient_id=recipient_id)
    if outcome.retry_at is not None:
        reminder_digest_send.apply_async((recipient_id,), eta=outcome.retry_at)
    return outcome.state


# Each refresh replaces its report's rows whole under the report's lock: a second run (or a run
# beside `manage.py refresh_reports`) waits its turn and recomputes the same figures.
@shared_task(acks_late=True, time_limit=900, ignore_result=True)
def reports_refresh() -> str:
    done = report_snapshots.reports_refresh()
    return ", ".join(f"{s.report}: {s.rows} rows in {s.seconds:.1f} s" for s in done)
