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
"""

from __future__ import annotations

import functools
from typing import Any

from celery import Task
from celery.result import AsyncResult
from celery.utils import uuid
from django.db import transaction


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
        if not transaction.get_connection().in_atomic_block:
            return super().apply_async(args, kwargs, task_id, *more, **options)
        # The id is chosen now, so the caller holds the result handle of the message to come.
        task_id = task_id or uuid()
        send = functools.partial(super().apply_async, args, kwargs, task_id, *more, **options)
        transaction.on_commit(send)
        return self.AsyncResult(task_id)
