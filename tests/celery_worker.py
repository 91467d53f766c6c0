"""Real Celery workers for end-to-end tests: a process reading the Redis broker on a queue of the
test's own, with the test process sending to that queue meanwhile."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from foiatracker.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def start_worker(
    queue: str,
    env: dict[str, str],
    *,
    frozen_clock: bool = False,
    include: Sequence[str] = (),
    prefork: bool = False,
) -> subprocess.Popen:
    """A solo-pool worker on `queue`; with `frozen_clock`, its clock starts at env FROZEN_NOW
    (tests/frozen_clock.py); `include` names modules of test-only tasks it loads as well. With
    `prefork`, a main process and one child, as deployed, in a process group of their own (its
    id is the main process's), so a test can kill the whole worker at once."""
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
            queue,
            "--without-gossip",
            "--without-mingle",
            *(["--include", ",".join(include)] if include else []),
        ],
        cwd=ROOT,
        env={**env, "CELERY_TASK_DEFAULT_QUEUE": queue, "CELERY_TASK_ALWAYS_EAGER": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=prefork,
    )


@contextlib.contextmanager
def sending_to(queue: str) -> Iterator[None]:
    """Tasks this process enqueues go through the broker to `queue` (not run eagerly)."""
    before = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = before


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
