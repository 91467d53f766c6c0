"""Background work on releases: ingestion and the fixity check."""

from __future__ import annotations

from celery import shared_task

from core.tasks import AfterCommitTask


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
    from documents import services  # noqa: PLC0415

    services.release_ingest(release_id=release_id, paths=paths)


@shared_task(base=AfterCommitTask, acks_late=True, time_limit=12 * 3600, ignore_result=True)
def documents_verify() -> int:
    """Re-hash every stored document and record what changed or vanished; touches no file."""
    # Inside the task, as in every app: services enqueue tasks, so tasks import services late.
    from documents import fixity  # noqa: PLC0415

    return fixity.fixity_check().pk
