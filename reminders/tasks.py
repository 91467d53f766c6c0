"""Background work of the reminder outbox: the sweep, and one send task per row or digest.

The task names are those the tasks had when they lived in requests_app: messages already queued
(or retrying with an ETA) under those names still find their task after an upgrade. Rename them
one release after the move, once no queue can hold the old names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import shared_task

from core.tasks import AfterCommitTask

if TYPE_CHECKING:
    from reminders.outbox import SweepResult


@shared_task(
    base=AfterCommitTask,
    name="requests_app.tasks.reminders_sweep",
    acks_late=True,
    # Short, like every task on the `reminders` queue (foiatracker/celery.py): the sweep only
    # writes rows and hands each to a send task.
    time_limit=600,
    ignore_result=True,
)
def reminders_sweep() -> str:
    """Fill the reminder outbox and hand each due row to a send task. The sweep has committed
    when it returns (and were a caller's transaction still open, the task base class would hold
    each send back until it commits), so no send task looks for a row not committed yet."""
    # Inside the task, as in every app: services enqueue tasks, so tasks import services late.
    from reminders import outbox  # noqa: PLC0415

    result = outbox.reminders_sweep()
    _enqueue(result)
    return result.summary()


def _enqueue(result: SweepResult) -> None:
    for reminder_id in result.individual:
        reminder_send.delay(reminder_id)
    for recipient_id in result.digests:
        reminder_digest_send.delay(recipient_id)


# The claim inside the service, not Celery, guarantees one send per row: a redelivered or
# duplicated message finds the row claimed and does nothing. acks_late + reject_on_worker_lost
# (settings) put a message back if the worker dies mid-send; the sweep re-queues the row.
@shared_task(
    base=AfterCommitTask,
    name="requests_app.tasks.reminder_send",
    acks_late=True,
    time_limit=120,
    ignore_result=True,
)
def reminder_send(reminder_id: int) -> str:
    # Inside the task, as in every app: services enqueue tasks, so tasks import services late.
    from reminders import outbox  # noqa: PLC0415

    outcome = outbox.reminder_send(reminder_id=reminder_id)
    # The send has committed its outcome, so no transaction is open: the retry leaves at once.
    if outcome.retry_at is not None:
        reminder_send.apply_async((reminder_id,), eta=outcome.retry_at)
    return outcome.state


@shared_task(
    base=AfterCommitTask,
    name="requests_app.tasks.reminder_digest_send",
    acks_late=True,
    time_limit=300,
    ignore_result=True,
)
def reminder_digest_send(recipient_id: int) -> str:
    # Inside the task, as in every app: services enqueue tasks, so tasks import services late.
    from reminders import outbox  # noqa: PLC0415

    outcome = outbox.reminder_digest_send(recipient_id=recipient_id)
    if outcome.retry_at is not None:
        reminder_digest_send.apply_async((recipient_id,), eta=outcome.retry_at)
    return outcome.state
