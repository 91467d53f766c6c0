"""Background work on releases: ingestion and the fixity check."""

from __future__ import annotations

from celery import shared_task

from core.tasks import AfterCommitTask


# Routed to the `ingestion` queue (foiatracker/celery.py): a long upload there never delays a
# reminder. The longest hard limit of all tasks; the broker's visibility timeout is sized from it.
@shared_task(
    base=AfterCommitTask,
    acks_late=True,
    time_limit=6 * 3600,
    soft_time_limit=6 * 3600 - 60,
    ignore_result=True,
)
def release_ingest(release_id: int, paths: list[str]) -> None:
    """Ingest staged uploads into a release. At-least-once: a redelivered or re-run task skips
    what is already stored (see services.release_ingest), so running twice is harmless."""
    # Here, not at the top: documents.services imports this module to enqueue this task.
    from documents import selectors, services  # noqa: PLC0415

    # A copy of this message (the requeue sweep sends one when the first seemed lost) may arrive
    # after a run finished these files and discarded them: it then has nothing left to do,
    # rather than reporting the vanished files as unreadable.
    waiting = selectors.release_paths_still_staged(release_id=release_id, paths=paths)
    if waiting:
        services.release_ingest(release_id=release_id, paths=waiting)


@shared_task(base=AfterCommitTask, acks_late=True, time_limit=12 * 3600, ignore_result=True)
def documents_verify() -> int:
    """Re-hash every stored document and record what changed or vanished; touches no file."""
    # Inside the task, as in every app: services enqueue tasks, so tasks import services late.
    from documents import fixity  # noqa: PLC0415

    return fixity.fixity_check().pk
