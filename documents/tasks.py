"""Background work on releases: ingestion, the fixity check and the sweep of kept uploads."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from core.tasks import AfterCommitTask


# Routed to the `ingestion` queue (foiatracker/celery.py): a long upload there never delays a
# reminder. The longest hard limit of all tasks; the broker's visibility timeout is sized from it.
@shared_task(
    base=AfterCommitTask,
    acks_late=True,
    time_limit=6 * 3600,
    soft_time_limit=6 * 3600 - 60,
    ignore_result=True,
    # The database gone for a while (restarted, failed over): the run stops on its first query
    # and is tried again when it may be back, carrying on where its last commit left it.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=20,
)
def release_ingest(release_id: int, paths: list[str]) -> None:
    """Ingest a release's staged uploads. At-least-once and idempotent by state (see
    services.release_ingest_staged): the run takes every upload still staged, `paths` (this
    message's own) among them until they are finished; a redelivery after the run finished, or
    a second task while it runs, does nothing."""
    # Here, not at the top: documents.services imports this module to enqueue this task.
    from documents import services  # noqa: PLC0415

    services.release_ingest_staged(release_id=release_id)


@shared_task(base=AfterCommitTask, acks_late=True, time_limit=12 * 3600, ignore_result=True)
def documents_verify() -> int:
    """Re-hash every stored document and record what changed or vanished; touches no file."""
    # Inside the task, as in every app: services enqueue tasks, so tasks import services late.
    from documents import fixity  # noqa: PLC0415

    return fixity.fixity_check().pk


@shared_task(base=AfterCommitTask, acks_late=True, time_limit=600, ignore_result=True)
def kept_uploads_sweep() -> int:
    """Delete the files kept from release forms with errors once UPLOAD_KEEP_HOURS old (their
    references have expired). Idempotent: a second sweep finds nothing left to delete."""
    from documents import kept_uploads  # noqa: PLC0415

    return kept_uploads.kept_uploads_sweep()
