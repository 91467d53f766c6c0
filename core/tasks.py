"""The one task base class: every task in the project is enqueued only after its transaction
commits.

A task enqueued inside an open transaction could reach a worker before the rows it reads are
committed (the worker finds nothing) or for a write that is then rolled back (the worker acts on
something that never happened). So `delay` and `apply_async` called inside an atomic block hand
the message to the broker from `transaction.on_commit`: a rollback (of the whole transaction or
of the savepoint around the call) drops it, a commit sends it once. Outside an atomic block there
is nothing to wait for and it is sent at once, which is also how a task running in a worker (in
autocommit) schedules its own retry with `apply_async(eta=...)`.

Without a broker (CELERY_TASK_ALWAYS_EAGER, settings) Celery runs the task in-process in place of
sending it, so there it runs right after the commit, in the committing process.

Celery's `Task.retry()` also goes through `apply_async`: call it outside any atomic block, or the
rollback its exception causes drops the retry with the transaction.

A broker that cannot be reached (Redis down) does not undo or fail what was committed: the error
is logged and the caller carries on, as after a send. The work is not lost, because what a task
is for is recorded in its rows before it is sent (a release `pending` with staged files), and
the periodic requeue (core.requeue, `waiting_work_requeue` below) sends it again once the broker
answers. So a request that saved a release answers success, never a 500 after the save.
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from celery.result import AsyncResult
from celery.utils import uuid
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from core import requeue

log = logging.getLogger(__name__)


class AfterCommitTask(Task):
    """Use as `@shared_task(base=AfterCommitTask, ...)`; `delay` goes through `apply_async`."""

    def apply_async(
        self,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        task_id: str | None = None,
        *more: Any,
        **options: Any,
    ) -> AsyncResult[Any]:
        # The id is chosen now, so the caller holds the result handle of the message to come.
        task_id = task_id or uuid()
        send = functools.partial(self._send, args, kwargs, task_id, *more, **options)
        if not transaction.get_connection().in_atomic_block:
            return send()
        transaction.on_commit(send)
        return self.AsyncResult(task_id)

    def _send(
        self,
        args: tuple[Any, ...] | None,
        kwargs: dict[str, Any] | None,
        task_id: str,
        *more: Any,
        **options: Any,
    ) -> AsyncResult[Any]:
        if self.app.conf.task_always_eager:
            # No broker: the task runs here, and what it raises is its own, never a send error.
            return super().apply_async(args, kwargs, task_id, *more, **options)
        try:
            return super().apply_async(args, kwargs, task_id, *more, **options)
        except OperationalError as exc:  # kombu's word for "the broker did not take it"
            log.error(
                "broker unreachable: %s(%s) not sent; its rows wait for the requeue sweep (%s)",
                self.name,
                ", ".join(repr(a) for a in args or ()),
                exc,
            )
            return self.AsyncResult(task_id)


# Maintenance: on the default queue (foiatracker/celery.py routes the others).
@shared_task(base=AfterCommitTask, acks_late=True, time_limit=300, ignore_result=True)
def waiting_work_requeue() -> str:
    """Send again the work every app registered (core.requeue) that was handed to the broker
    more than `REQUEUE_AFTER_MINUTES` ago and that no worker has started. Idempotent: each kind's
    task finds nothing to do when a copy already did it."""
    before = timezone.now() - timedelta(minutes=settings.REQUEUE_AFTER_MINUTES)
    sent = requeue.requeue_waiting(handed_over_before=before)
    return ", ".join(f"{kind}: {count}" for kind, count in sent.items()) or "nothing registered"
