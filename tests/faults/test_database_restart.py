"""Nothing lost when the database goes away: a PostgreSQL cluster of the test's own (initdb and
pg_ctl in a temporary folder, on a port of its own, run as the postgres user when the tests run
as root), migrated, with a real worker ingesting a release into it; the cluster is stopped the
hard way (`pg_ctl stop -m immediate`: its processes killed, recovery on the next start, the
batches committed without waiting for the disk lost) mid-ingestion and started again. The task
is tried again by itself and carries on; every byte is checked afterwards."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.celery_worker import ROOT, new_queue, routed_queue, start_worker, stop
from tests.faults.parts import forget_queue, wait_for

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
AS_ROOT = os.geteuid() == 0

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="needs REDIS_URL and PostgreSQL (the CI run sets both)",
    ),
    pytest.mark.skipif(not BINARIES, reason="needs PostgreSQL's initdb and pg_ctl"),
]

MESSAGES = 2000
OUTAGE = 3.0  # seconds the cluster stays down: the fault itself, not a wait for anything
DONE = "done"
FINISHED = (DONE, "done_with_errors", "failed")


def message(n: int) -> bytes:
    return (
        f"From: clerk@agency.example.gov\nTo: requester@example.org\n"
        f"Date: Fri, 15 Sep 2017 10:00:00 -0400\nSubject: Record {n}\n\nRecord number {n}.\n"
    ).encode()


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/foiatracker"

    def pg(self, *args: str) -> None:
        binaries = Path(BINARIES[-1]).parent
        command = [str(binaries / args[0]), *args[1:]]
        if AS_ROOT:  # initdb refuses root; the server runs as the postgres user
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            # A crash of the server's processes is the fault here, not of the machine: what
            # reached the operating system survives it either way, so its files need no fsync.
            "-c fsync=off -c full_page_writes=off"
        )
        self.pg("pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.log), "-o", options,
                "-w", "start")  # fmt: skip

    def crash(self) -> None:
        self.pg("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "stop")

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.url, connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="foiatracker-cluster-"))
    if AS_ROOT:
        shutil.chown(folder, "postgres", "postgres")
    made = Cluster(folder, free_port())
    try:
        made.pg("initdb", "-D", str(folder / "data"), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--no-sync")  # fmt: skip
        made.start()
        with psycopg.connect(
            f"postgres://postgres@127.0.0.1:{made.port}/postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE foiatracker")
        yield made
    finally:
        made.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_the_database_stopped_mid_release_and_started_again_loses_nothing(cluster, tmp_path):
    began = time.monotonic()
    media = tmp_path / "media"
    queue = new_queue()
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "MEDIA_ROOT": str(media),
        "SECRET_KEY": "cluster-test",
        "FOIATRACKER_ENV_FILE": "",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # The upload below is sent from a shell of its own: its ingestion task goes to the
        # test's own ingestion queue only with the same prefix as the worker's.
        "TASK_QUEUE_PREFIX": routed_queue(queue, ""),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    manage(env, "migrate", "--no-input", "-v", "0")
    migrated = time.monotonic()
    upload = tmp_path / "production.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        for n in range(MESSAGES):
            archive.writestr(f"mail/{n:05d}.eml", message(n))

    worker = start_worker(queue, env)
    try:
        # The upload as the admin makes it, in the cluster's database: staged, then sent.
        release_id = int(
            manage(
                env,
                "shell",
                "-c",
                "import datetime\n"
                "from django.core.files.uploadedfile import SimpleUploadedFile\n"
                "from documents import services\n"
                "from tests.factories import RecordsRequestFactory\n"
                "r = services.release_create(request=RecordsRequestFactory(),"
                " released_on=datetime.date(2020, 6, 17))\n"
                f"data = open({str(upload)!r}, 'rb').read()\n"
                "services.release_upload(release=r,"
                " files=[SimpleUploadedFile('production.zip', data)])\n"
                "print(r.pk)\n",
            ).split()[-1]
        )
        staged = cluster.query("SELECT staged FROM documents_release WHERE id = %s", (release_id,))
        staged_paths = [Path(p) for p in staged[0][0]]

        def progress() -> tuple[str, int]:
            return cluster.query(
                "SELECT ingestion, files_done FROM documents_release WHERE id = %s", (release_id,)
            )[0]

        wait_for(lambda: progress()[1] >= 3 * 200, worker=worker, poll=0.02)
        cluster.crash()
        crashed = time.monotonic()
        time.sleep(OUTAGE)
        cluster.start()
        wait_for(lambda: progress()[0] in FINISHED, worker=worker, within=90)
        recovered = time.monotonic() - crashed
        state, errors = cluster.query(
            "SELECT ingestion, errors FROM documents_release WHERE id = %s", (release_id,)
        )[0]
        assert (state, errors) == (DONE, [])

        rows = cluster.query(
            "SELECT file, size, sha256, source FROM documents_document WHERE release_id = %s",
            (release_id,),
        )
        assert len(rows) == MESSAGES
        assert (
            len({sha for _, _, sha, _ in rows})
            == len({source for *_, source in rows})
            == (MESSAGES)
        )
        verified = 0
        for name, size, digest, _ in rows:
            data = (media / name).read_bytes()
            assert (len(data), hashlib.sha256(data).hexdigest()) == (size, digest)
            verified += len(data)
        stored = [p for p in (media / "documents").rglob("*") if p.is_file()]
        assert len(stored) == MESSAGES  # no stray temporary file, nothing twice
        (counts, files_done, files_total, still_staged) = cluster.query(
            "SELECT ingest_counts, files_done, files_total, staged FROM documents_release "
            "WHERE id = %s",
            (release_id,),
        )[0]
        expected = {
            "units": MESSAGES,
            "ingested": MESSAGES,
            "duplicates": 0,
            "already": 0,
            "errors": 0,
            "warnings": 0,
        }
        assert counts == {"last": expected, "total": expected}
        assert files_done == files_total == MESSAGES
        assert still_staged == []
        assert not any(p.exists() for p in staged_paths)
    finally:
        stop(worker)
        forget_queue(queue)
    print(
        f"\ncluster ready and migrated in {migrated - began:.1f} s; stopped mid-release for "
        f"{OUTAGE:.0f} s, done {recovered:.1f} s after the crash; {MESSAGES} documents, "
        f"{verified:,} bytes verified; {time.monotonic() - began:.1f} s in all"
    )
