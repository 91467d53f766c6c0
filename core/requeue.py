"""Work that waits for the broker: each app registers how to find its own rows that were meant
for a worker but that no worker has started, and how to hand them over again.

A message can fail to reach a worker in two ways the sender cannot repair on the spot: the
broker refused it (Redis down: core.tasks logs the error and lets the commit stand), or the
broker lost it (Redis restarted without persistence). Either way the row keeps the state that
says it is waiting (a release `pending` with staged files), so one periodic sweep
(`core.tasks.waiting_work_requeue`, every `REQUEUE_SWEEP_MINUTES`) asks every registered kind
for rows handed over longer than `REQUEUE_AFTER_MINUTES` ago and sends them again.

Core imports no app: an app registers its kind from its `AppConfig.ready()`. A kind's requeue must
be harmless to repeat: the message it sends may meet one still queued, and the task must then
find nothing left to do (each task's own idempotence says how).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

#: Given the moment before which a hand-over counts as lost, send those rows again; returns how
#: many were sent.
Requeue = Callable[[datetime.datetime], int]

_kinds: dict[str, Requeue] = {}


def requeue_register(kind: str, requeue: Requeue) -> None:
    """Register (or replace, as a reloaded app does) how `kind` of work is sent again."""
    _kinds[kind] = requeue


def requeue_kinds() -> tuple[str, ...]:
    return tuple(sorted(_kinds))


def requeue_waiting(*, handed_over_before: datetime.datetime) -> dict[str, int]:
    """Every registered kind's waiting rows sent again; one kind failing stops no other."""
    sent = {}
    for kind in requeue_kinds():
        try:
            sent[kind] = _kinds[kind](handed_over_before)
        except Exception:  # one app's failure is logged; the others still get their turn
            log.exception("requeue of %s failed", kind)
            sent[kind] = 0
    return sent
