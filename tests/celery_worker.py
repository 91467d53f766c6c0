"""Real Celery workers for end-to-end tests: a process reading the Redis broker on queues of the
test's own (its default queue, and the routed groups under the test's prefix), with the test
process sending to those queues meanwhile."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from foiatracker.celery import QUEUE_GROUPS
from foiatracker.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def routed_queue(queue: str, group: str) -> str:
    """The name a queue group (foiatracker.celery) has under the test's `queue` prefix."""
    return f"{queue}-{group}"


def start_worker(
    queue: str,
    env: dict[str, str],
    *,
    frozen_clock: bool = False,
    include: Sequence[str] = (),
    prefork: bool = False,
    groups: Sequence[str] = ("default", *QUEUE_GROUPS),
) -> subprocess.Popen:
    """A solo-pool worker reading the queue `groups` ("default" is `queue` itself, the others
    are named under its prefix; all of them by default, like `make worker`); with
    `frozen_clock`, its clock starts at env FROZEN_NOW (tests/frozen_clock.py); `include` names
    modules of test-only tasks it loads as well. With `prefork`, a main process and one child,
    as deployed, in a process group of their own (its id is the main process's), so a test can
    kill the whole worker at once."""
    listens = [queue if group == "default" else routed_queue(queue, group) for group in groups]
    runner = [sys.executable, "tests/frozen_clock.py"] if frozen_clock else [sys.executable]
    return subprocess.Popen(
        [
            *runner,
            "-m",
            "celery",
            "-A",
            "foiatracker",
            "worker",
            *(["--pool=prefork", "--concurrency=1"] if prefork else ["--pool=solo"]),
            "--loglevel=WARNING",
            "-Q",
            ",".join(listens),
            "--without-gossip",
            "--without-mingle",
            *(["--include", ",".join(include)] if include else []),
        ],
        cwd=ROOT,
        env={
            **env,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "TASK_QUEUE_PREFIX": routed_queue(queue, ""),
            "CELERY_TASK_ALWAYS_EAGER": "false",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=prefork,
    )


@contextlib.contextmanager
def sending_to(queue: str) -> Iterator[None]:
    """Tasks this process enqueues go through the broker to `queue`, or to their group's queue
    under its prefix (not run eagerly)."""
    conf = celery_app.conf
    before = conf.task_default_queue, conf.task_always_eager, conf.queue_prefix
    conf.task_default_queue = queue
    conf.task_always_eager = False
    conf.queue_prefix = routed_queue(queue, "")
    try:
        yield
    finally:
        conf.task_default_queue, conf.task_always_eager, conf.queue_prefix = before


@contextlib.contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Tasks this process enqueues go to the broker at `url` (not run eagerly)."""
    conf = celery_app.conf
    before = conf.broker_url, conf.task_always_eager
    conf.update(broker_url=url, task_always_eager=False)
    _fresh_connections()
    try:
        yield
    finally:
        conf.update(broker_url=before[0], task_always_eager=before[1])
        _fresh_connections()


def _fresh_connections() -> None:
    # Celery keeps its broker connections in pools made from the broker URL it saw first.
    celery_app._pool = None  # type: ignore[attr-defined]
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
