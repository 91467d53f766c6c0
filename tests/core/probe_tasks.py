"""A task for tests of the task base class (core.tasks), not part of the project: it reads an
agency and writes what it saw into a log in the cache, the one store the test process and a
worker process both reach (Redis when REDIS_URL is set; in-process memory otherwise), and which
no rollback undoes. A worker loads it with `--include tests.core.probe_tasks`."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from core.tasks import AfterCommitTask
from requests_app.models import Agency


def log(key: str) -> list[str]:
    """What the probe saw, one entry per run, in order: the agency's name, or "missing"."""
    return list(cache.get(key, []))


@shared_task(base=AfterCommitTask, ignore_result=True)
def agency_read(key: str, agency_id: int, runs_after: int = 0) -> None:
    """Log the agency as this run sees it; with `runs_after`, schedule itself again (with an
    ETA, as a retry is scheduled) that many more times."""
    agency = Agency.objects.filter(pk=agency_id).first()
    # Read and write, not atomic: one process runs the probe at a time (a solo worker, or this
    # one in-process).
    cache.set(key, [*log(key), agency.name if agency else "missing"], timeout=600)
    if runs_after:
        agency_read.apply_async((key, agency_id, runs_after - 1), eta=timezone.now())
