"""Background work of the reports: refreshing the precomputed snapshots.

The task keeps the name it had in requests_app, so a queued refresh still finds it after an
upgrade; rename it one release after the move.
"""

from __future__ import annotations

from celery import shared_task

from core.tasks import AfterCommitTask


# Each refresh replaces its report's rows whole under the report's lock: a second run (or a run
# beside `manage.py refresh_reports`) waits its turn and recomputes the same figures.
@shared_task(
    base=AfterCommitTask,
    name="requests_app.tasks.reports_refresh",
    acks_late=True,
    time_limit=900,
    ignore_result=True,
)
def reports_refresh() -> str:
    # Inside the task, as in every app: services enqueue tasks, so tasks import services late.
    from reports import snapshots  # noqa: PLC0415

    done = snapshots.reports_refresh()
    return ", ".join(f"{s.report}: {s.rows} rows in {s.seconds:.1f} s" for s in done)
