"""`manage.py backup` and `manage.py restore`, and the restore drill: the demo tracker with its
stored documents is backed up, restored into an empty database (a new one on PostgreSQL) by a
separate process, and the restored tracker has every row, finds a known document and every
document's bytes still hash to the recorded SHA-256."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from core import backup
from documents import services
from documents.models import Document, Release
from documents.selectors import document_search
from documents.services import staging_root
from tests.factories import RecordsRequestFactory

ROOT = Path(__file__).resolve().parents[2]
#: A word of one demo document only (sample_data/demo_release.py): "Demonstrations at the
#: Reston, Virginia office".
KNOWN_WORD, KNOWN_SUBJECT = "Reston", "Demonstrations at the Reston, Virginia office"


def every_model_count() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def media_state() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def demo_tracker(transactional_db) -> dict[str, int]:
    """The demo case with its DEA release (four stored emails), committed so that pg_dump sees
    it, plus an upload waiting in the staging area, which is not a stored file."""
    call_command("seed_demo", stdout=StringIO())
    staged = staging_root() / "1" / "waiting"
    staged.mkdir(parents=True)
    (staged / "0001.eml").write_bytes(b"Subject: not ingested yet\n\nstill staging\n")
    return every_model_count()


def the_backup(tmp_path: Path) -> Path:
    call_command("backup", str(tmp_path / "backups"), stdout=StringIO())
    (made,) = (tmp_path / "backups").iterdir()
    return made


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "FOIATRACKER_ENV_FILE": "", "PYTHONPATH": str(ROOT), **extra}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@pytest.fixture
def empty_target(tmp_path) -> Iterator[dict[str, str]]:
    """The environment of a process whose tracker is new and empty: on PostgreSQL a database
    created for the test (named after this checkout's, plus _restore_), on SQLite a folder
    with no database file yet; MEDIA_ROOT an empty folder."""
    media = tmp_path / "restored-media"
    media.mkdir()
    if connection.vendor != "postgresql":
        env = subprocess_env(FOIATRACKER_VAR_DIR=str(tmp_path / "restored-var"))
        env.pop("DATABASE_URL", None)
        yield {**env, "MEDIA_ROOT": str(media)}
        return
    source = urlsplit(os.environ["DATABASE_URL"])
    name = f"{source.path.lstrip('/')}_restore_{uuid.uuid4().hex[:8]}"
    params = connection.settings_dict

    def server() -> psycopg.Connection:
        return psycopg.connect(
            host=params["HOST"] or "",
            port=params["PORT"] or "",
            user=params["USER"] or "",
            password=params["PASSWORD"] or "",
            dbname="postgres",
            autocommit=True,
        )

    with server() as maintenance:
        maintenance.execute(f'CREATE DATABASE "{name}"')
    try:
        url = urlunsplit(source._replace(path=f"/{name}"))
        yield subprocess_env(DATABASE_URL=url, MEDIA_ROOT=str(media))
    finally:
        with server() as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def tracker_seen_by(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "tests/core/restored_tracker.py", KNOWN_WORD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def target_tables(env: dict[str, str]) -> int:
    """The number of tables of the target database, read by a process of its own."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.db import connection; "
            "print(len(connection.introspection.table_names()))",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "foiatracker.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def test_restore_drill_every_row_search_and_fixity(demo_tracker, tmp_path, empty_target):
    # Four stored emails, and an attachment withheld in full (no file) beside them.
    assert demo_tracker["documents.Document"] == 5
    assert [hit.document.subject for hit in document_search(query=KNOWN_WORD)] == [KNOWN_SUBJECT]
    folder = the_backup(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = {entry["path"] for entry in manifest["files"]}
    files = Document.objects.exclude(file="").values_list("file", flat=True)  # not the withheld
    stored = {f"media/{name}" for name in files}
    assert stored <= listed
    assert not any("staging" in path for path in listed)

    restored = manage(empty_target, "restore", str(folder))

    assert restored.returncode == 0, restored.stderr
    assert "Checked 4 document(s): 0 changed, 0 missing." in restored.stdout
    seen = tracker_seen_by(empty_target)
    # The restored tracker has two rows more: the restore's own fixity check, and the fingerprint
    # its `migrate` takes of the federal calendar, which the demo's open deadlines count on
    # (requests_app.deadlines.recount; the test database was migrated before the demo existed).
    assert demo_tracker["requests_app.CalendarFingerprint"] == 0
    expected = {
        **demo_tracker,
        "documents.FixityCheck": demo_tracker["documents.FixityCheck"] + 1,
        "requests_app.CalendarFingerprint": 1,
    }
    assert seen["counts"] == expected
    assert sum(1 for rows in demo_tracker.values() if rows) >= 30  # the demo touches most models
    assert seen["found"] == [KNOWN_SUBJECT]
    assert len(seen["documents"]) == 4
    assert all(recorded == actual for recorded, actual in seen["documents"].values())
    assert not (Path(empty_target["MEDIA_ROOT"]) / "staging").exists()


def test_a_tampered_backup_is_refused_naming_the_file_and_nothing_is_touched(
    demo_tracker, tmp_path, empty_target
):
    folder = the_backup(tmp_path)
    tampered = sorted(p for p in (folder / "media").rglob("*") if p.is_file())[0]
    data = bytearray(tampered.read_bytes())
    data[-2] ^= 0x01  # one bit, same size
    tampered.write_bytes(bytes(data))

    refused = manage(empty_target, "restore", str(folder))

    assert refused.returncode == backup.EXIT_UNUSABLE
    assert str(tampered.relative_to(folder)) in refused.stderr
    assert "nothing was restored" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert target_tables(empty_target) == 0
    assert list(Path(empty_target["MEDIA_ROOT"]).iterdir()) == []


def test_a_tampered_dump_is_refused(transactional_db, tmp_path):
    folder = the_backup(tmp_path)
    dump = folder / json.loads((folder / "manifest.json").read_text())["database"]["file"]
    with dump.open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(CommandError, match=dump.name) as refused:
        call_command("restore", str(folder))
    assert refused.value.returncode == backup.EXIT_UNUSABLE


def test_restore_over_a_database_holding_data_is_refused_without_force(demo_tracker, tmp_path):
    folder = the_backup(tmp_path)
    Document.objects.filter(subject=KNOWN_SUBJECT).update(subject="changed after the backup")
    rows, files = every_model_count(), media_state()

    with pytest.raises(CommandError, match=r"holds data.*--force") as refused:
        call_command("restore", str(folder))

    assert refused.value.returncode == backup.EXIT_NOT_EMPTY
    assert every_model_count() == rows
    assert media_state() == files
    assert Document.objects.filter(subject="changed after the backup").exists()


def test_the_manifest_records_vendor_migrations_and_every_file(
    transactional_db, tmp_path, settings
):
    stored = Path(settings.MEDIA_ROOT) / "documents" / "7" / "ab" / "abc"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"stored bytes")

    folder = the_backup(tmp_path)

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format_version"] == backup.FORMAT_VERSION
    assert manifest["created_at"].endswith("Z")
    assert manifest["database"]["vendor"] == connection.vendor
    loader = MigrationLoader(connection)
    assert manifest["migrations"] == dict(loader.graph.leaf_nodes())
    entries = {entry["path"]: entry for entry in manifest["files"]}
    assert entries["media/documents/7/ab/abc"] == {
        "path": "media/documents/7/ab/abc",
        "size": 12,
        "sha256": hashlib.sha256(b"stored bytes").hexdigest(),
    }
    dump = manifest["database"]["file"]
    assert entries[dump]["sha256"] == hashlib.sha256((folder / dump).read_bytes()).hexdigest()
    # Nothing but the one complete backup in the target folder: no partial left beside it.
    assert [p.name for p in (tmp_path / "backups").iterdir()] == [folder.name]


def test_the_staging_area_is_what_the_backup_leaves_out():
    assert staging_root().relative_to(settings.MEDIA_ROOT).parts[0] in backup.MEDIA_SKIPPED


def test_a_backup_that_fails_half_way_leaves_nothing(
    transactional_db, tmp_path, settings, monkeypatch
):
    stored = Path(settings.MEDIA_ROOT) / "documents" / "1" / "aa" / "aaa"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"x")
    copy = backup._sha256_copy

    def disk_full(source, target):
        if target is not None:
            raise OSError(28, "No space left on device", str(target))
        return copy(source, target)

    monkeypatch.setattr(backup, "_sha256_copy", disk_full)
    with pytest.raises(CommandError, match="No space left on device") as failed:
        call_command("backup", str(tmp_path / "backups"), stdout=StringIO())
    assert failed.value.returncode == backup.EXIT_FAILED
    assert list((tmp_path / "backups").iterdir()) == []


def edited_backup(tmp_path: Path, **changes) -> Path:
    folder = the_backup(tmp_path)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for key, value in changes.items():
        manifest[key] = {**manifest[key], **value}
    manifest_path.write_text(json.dumps(manifest))
    return folder


def test_a_backup_of_another_vendor_is_refused(transactional_db, tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    folder = edited_backup(tmp_path, database={"vendor": other})
    with pytest.raises(CommandError, match=f"backup is of a {other} database") as refused:
        call_command("restore", str(folder), "--force")
    assert refused.value.returncode == backup.EXIT_UNUSABLE


def test_a_backup_migrated_further_than_the_code_is_refused(transactional_db, tmp_path):
    folder = edited_backup(tmp_path, migrations={"documents": "0999_from_the_future"})
    with pytest.raises(CommandError, match="documents 0999_from_the_future") as refused:
        call_command("restore", str(folder), "--force")
    assert refused.value.returncode == backup.EXIT_UNUSABLE


def test_a_manifest_path_climbing_out_is_refused(transactional_db, tmp_path):
    folder = the_backup(tmp_path)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"].append({"path": "media/../../outside", "size": 0, "sha256": ""})
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="outside the backup"):
        call_command("restore", str(folder), "--force")


def test_a_missing_folder_is_a_clear_error_without_a_traceback(tmp_path, empty_target):
    missing = manage(empty_target, "restore", str(tmp_path / "nowhere"))
    assert missing.returncode == backup.EXIT_UNUSABLE
    assert f"no backup folder at {tmp_path / 'nowhere'}" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_the_parent_folder_points_to_the_backups_it_holds(transactional_db, tmp_path):
    folder = the_backup(tmp_path)
    with pytest.raises(CommandError, match=f"holds the backups {folder.name}"):
        call_command("restore", str(tmp_path / "backups"))


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="no pg_dump on the PATH")
def test_a_pg_dump_older_than_the_server_is_refused(monkeypatch):
    # A server newer than any client here: Debian's folder for it does not exist, and the
    # pg_dump on the PATH is older.
    monkeypatch.setattr(backup, "_server_major", lambda: 99)
    with pytest.raises(backup.BackupError, match=r"PostgreSQL 99.*older.*postgresql-client-99"):
        backup.postgres_tool("pg_dump")


def test_a_database_that_does_not_exist_is_a_clear_error(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: a SQLite file that does not exist yet is simply created")
    folder = the_backup(tmp_path)
    source = urlsplit(os.environ["DATABASE_URL"])
    nowhere = urlunsplit(source._replace(path=f"{source.path}_restore_never_created"))
    refused = manage(subprocess_env(DATABASE_URL=nowhere), "restore", str(folder))
    assert refused.returncode == backup.EXIT_FAILED
    assert "cannot use the database" in refused.stderr
    assert "does not exist" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_dump_that_cannot_be_loaded_leaves_the_database_as_it_was(
    demo_tracker, tmp_path, empty_target
):
    # A dump cut short whose manifest was rewritten to match: it passes the hash check, and the
    # database tool itself must fail, in the middle of the restore, without a half-loaded result.
    folder = the_backup(tmp_path)
    assert manage(empty_target, "restore", str(folder)).returncode == 0
    before = tracker_seen_by(empty_target)["counts"]
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    dump = folder / manifest["database"]["file"]
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 3])
    for entry in manifest["files"]:
        if entry["path"] == dump.name:
            entry.update(
                size=dump.stat().st_size, sha256=hashlib.sha256(dump.read_bytes()).hexdigest()
            )
    manifest_path.write_text(json.dumps(manifest))

    failed = manage(empty_target, "restore", "--force", str(folder))

    assert failed.returncode == backup.EXIT_FAILED, failed.stderr
    assert dump.name in failed.stderr
    assert "Traceback" not in failed.stderr
    assert tracker_seen_by(empty_target)["counts"] == before


def released_staging(env: dict[str, str], release_id: int) -> dict:
    """A release's ingestion state, staged list and problems, read by a process of its own."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json, sys; django.setup(); "
            "from documents.models import Release; "
            "r = Release.objects.get(pk=int(sys.argv[1])); "
            "print(json.dumps({'ingestion': r.ingestion, 'staged': r.staged, "
            "'problems': [p['file'] for p in r.errors]}))",
            str(release_id),
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "foiatracker.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_release_waiting_on_staged_uploads_is_told_to_upload_them_again_after_a_restore(
    demo_tracker, tmp_path, empty_target
):
    """Staging is in no backup: the restored release must not hand the requeue sweep files that
    are not there (it would end "Done, with errors", the upload gone without a word)."""
    waiting = Release.objects.order_by("pk").first()
    (staged,) = (p for p in staging_root().rglob("*") if p.is_file())
    Release.objects.filter(pk=waiting.pk).update(
        ingestion=Release.Ingestion.PENDING, staged=[str(staged)]
    )
    folder = the_backup(tmp_path)

    restored = manage(empty_target, "restore", str(folder))

    assert restored.returncode == 0, restored.stderr
    assert f"release {waiting.pk} " in restored.stdout
    assert "upload them again" in restored.stdout
    assert released_staging(empty_target, waiting.pk) == {
        "ingestion": Release.Ingestion.FAILED,
        "staged": [],
        "problems": [services.UPLOADS_LOST],
    }


def test_after_a_restore_only_the_uploads_the_media_root_lacks_leave_the_staged_list(db):
    request = RecordsRequestFactory()
    kept, lost = (
        services.release_create(request=request, released_on=datetime.date(2020, 6, day))
        for day in (17, 18)
    )
    (here,) = services.release_stage_uploads(
        release=kept, files=[SimpleUploadedFile("a.eml", b"Subject: a\n\nA.\n")]
    )
    gone = services.release_stage_uploads(
        release=lost,
        files=[
            SimpleUploadedFile("b.eml", b"Subject: b\n\nB.\n"),
            SimpleUploadedFile("c.eml", b"Subject: c\n\nC.\n"),
        ],
    )
    for path in gone[1:]:
        Path(path).unlink()

    lines = backup.after_restore()

    assert lines == [
        f"release {lost.pk} ({lost}): 1 staged upload(s) not in the backup; upload them again"
    ]
    kept.refresh_from_db()
    lost.refresh_from_db()
    assert (kept.staged, kept.errors) == ([here], [])
    assert lost.staged == gone[:1]  # still waiting: the sweep ingests what is there
    assert lost.ingestion == Release.Ingestion.PENDING
    assert [p["file"] for p in lost.errors] == [services.UPLOADS_LOST]
    assert backup.after_restore() == []  # a second run finds nothing


def test_a_restored_file_that_does_not_read_back_as_the_backup_holds_it_is_never_put_in_place(
    tmp_path, settings, monkeypatch
):
    data = b"the stored bytes"
    source = tmp_path / "backup-copy"
    source.write_bytes(data)
    relative = PurePosixPath("documents", "1", "ab", "abc")
    target = Path(settings.MEDIA_ROOT, *relative.parts)
    real_copy = shutil.copyfileobj

    def failing_disk(reader, out, length=0):  # the disk keeps other bytes than it was given
        real_copy(reader, out, length)
        out.seek(0)
        out.write(b"T")

    monkeypatch.setattr(backup.shutil, "copyfileobj", failing_disk)
    with pytest.raises(backup.BackupError, match="does not read back"):
        backup._restore_file(
            source, relative, size=len(data), sha256=hashlib.sha256(data).hexdigest()
        )
    assert not list(target.parent.iterdir())  # neither the file nor a temporary one

    monkeypatch.setattr(backup.shutil, "copyfileobj", real_copy)
    flushed = []
    real_fsync = os.fsync
    monkeypatch.setattr(backup.os, "fsync", lambda fd: flushed.append(fd) or real_fsync(fd))
    backup._restore_file(source, relative, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    assert target.read_bytes() == data
    assert len(flushed) == 2  # the file's bytes, then its folder's entry
