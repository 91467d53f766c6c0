"""What the fault tests share: the test database's address for a worker, waiting on a
condition while a worker runs, and forgetting a test queue's messages in the broker."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable

import pytest
from django.db import connection

from foiatracker.celery import QUEUE_GROUPS
from tests.celery_worker import routed_queue


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def wait_for(
    condition: Callable[[], bool],
    *,
    worker: subprocess.Popen | None = None,
    within: float = 90,
    poll: float = 0.2,
) -> None:
    """Poll until `condition` holds; fail (with the worker's output) if it exits or `within`
    seconds pass: a bound on waiting, not a measure of anything."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.poll() is not None:
            said = worker.stdout.read() if worker.stdout else ""
            pytest.fail(f"the worker exited: {said}")
        time.sleep(poll)
    said = ""
    if worker is not None:  # stopped, so that what it said can be read to the end
        worker.terminate()
        said = worker.communicate(timeout=30)[0] or ""
    pytest.fail(f"not so within {within} s; the worker said: {said[-5000:]}")


def forget_queue(queue: str) -> None:
    """Drop what the broker still holds for a test's queue: its waiting messages, and those a
    killed worker took and never acknowledged (Redis keeps them aside, to put back in the
    queue when the visibility timeout ends, hours after the test); its routed queues too
    (tests.celery_worker.routed_queue)."""
    import redis  # noqa: PLC0415 - only the tests that run with a broker need it

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete(queue, *(routed_queue(queue, group) for group in QUEUE_GROUPS))
    for tag, payload in client.hscan_iter("unacked"):
        try:
            routing_key = json.loads(payload)[2]
        except (ValueError, IndexError, TypeError):
            continue
        if routing_key == queue or routing_key.startswith(routed_queue(queue, "")):
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
