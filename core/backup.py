"""Backup and restore of the whole tracker: the database and the stored files under MEDIA_ROOT.

A backup is one folder: the database dump (PostgreSQL: `pg_dump --format=custom`; SQLite: a copy
made with SQLite's online backup API), the stored files under `media/`, and `manifest.json`
listing every file with its size and SHA-256 beside the database vendor and the migration state.
It is written under a hidden `.partial` name inside the target folder and renamed when complete,
so a folder named like a backup is always a whole one.

A restore checks every hash before it touches anything, refuses a database that holds data unless
forced, then loads the dump and the files. The caller runs the fixity check afterwards.

Generic over the apps (core imports none of them): it copies every table and every stored file.
What a restore cannot bring back (uploads waiting in `staging/`, left out of every backup) each
app sets right itself, from a hook it registers from its `AppConfig.ready()`
(`after_restore_register`), which `manage.py restore` runs once the database is migrated.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from core.durable import copy_beside, fsync_path

FORMAT = "foiatracker-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
MEDIA_FOLDER = "media"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
BACKUP_PREFIX = "foiatracker-"
#: Top-level folders of MEDIA_ROOT that hold no stored file: `staging` is where uploads wait to
#: be ingested (documents.services.staging_root); once ingested they live under `documents/`.
MEDIA_SKIPPED = frozenset({"staging"})
#: Tables Django fills by itself on `migrate`: rows there do not make a database "hold data".
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
_CHUNK = 1024 * 1024


#: Given nothing, set right in the restored database what the backup could not bring back;
#: returns one line per thing it changed, for the operator.
AfterRestore = Callable[[], list[str]]

_after_restore: dict[str, AfterRestore] = {}


def after_restore_register(kind: str, hook: AfterRestore) -> None:
    """Register (or replace, as a reloaded app does) what `kind` of data needs after a restore."""
    _after_restore[kind] = hook


def after_restore() -> list[str]:
    """Run every registered hook, in the order of their names; returns their lines."""
    lines = []
    for kind in sorted(_after_restore):
        lines.extend(_after_restore[kind]())
    return lines


class BackupError(Exception):
    """An expected problem with a backup or its target, said in words for the operator."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: Exit codes of `backup` and `restore` (README, "Backup and restore").
EXIT_FAILED = 1  # a tool is missing or failed; nothing complete was written
EXIT_UNUSABLE = 2  # the backup is missing, damaged or tampered with, or does not fit this code
EXIT_NOT_EMPTY = 3  # the target database holds data and --force was not given


@dataclass(frozen=True)
class BackupReport:
    folder: Path
    files: int
    media_bytes: int
    dump_bytes: int


@dataclass
class RestoreReport:
    folder: Path
    vendor: str
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    media_bytes: int = 0
    replaced_data: bool = False


# --- Reading what is there -------------------------------------------------------------------


def database_vendor() -> str:
    return connection.vendor


def migration_state() -> dict[str, str]:
    """The latest applied migration of each app (the one no other applied migration of the app
    follows), as the database records them."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations or {})
    latest: dict[str, str] = {}
    for app in sorted({app for app, _ in applied}):
        names = sorted(name for a, name in applied if a == app)
        leaves = []
        for name in names:
            node = loader.graph.node_map.get((app, name))
            children = node.children if node is not None else set()
            if not any(child in applied and child[0] == app for child in children):
                leaves.append(name)
        latest[app] = max(leaves or names)
    return latest


def table_rows() -> dict[str, int]:
    """Every table of the configured database with its number of rows."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        counts = {}
        for name in sorted(names):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def tables_holding_data() -> dict[str, int]:
    """The tables with rows, other than those `migrate` fills by itself."""
    return {
        name: rows for name, rows in table_rows().items() if rows and name not in BOOKKEEPING_TABLES
    }


def _sha256_copy(source: Path, target: Path | None) -> tuple[int, str]:
    """Size and SHA-256 of `source`, copying it to `target` in the same pass when given."""
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reader:
        out = target.open("xb") if target is not None else None
        try:
            for chunk in iter(lambda: reader.read(_CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                if out is not None:
                    out.write(chunk)
            if out is not None:
                out.flush()
                os.fsync(out.fileno())
        finally:
            if out is not None:
                out.close()
    return size, digest.hexdigest()


def stored_files(media_root: Path) -> Iterator[Path]:
    """The stored files under MEDIA_ROOT, relative to it: regular files only (a link could point
    anywhere), none of the staging area's."""
    if not media_root.is_dir():
        return
    for folder, subfolders, files in os.walk(media_root):
        here = Path(folder)
        if here == media_root:
            subfolders[:] = [name for name in subfolders if name not in MEDIA_SKIPPED]
        subfolders.sort()
        for name in sorted(files):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(media_root)


# --- PostgreSQL client tools -----------------------------------------------------------------


def _server_major() -> int:
    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def _tool_major(path: str) -> int:
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", output.stdout)
    if match is None:
        raise BackupError(f"cannot tell the version of {path}: {output.stdout or output.stderr}")
    return int(match[1])


def postgres_tool(name: str) -> str:
    """`pg_dump`, `pg_restore` or `psql` for the server's major version: Debian's
    /usr/lib/postgresql/<major>/bin first, then the PATH. One older than the server is refused
    (an older pg_dump cannot dump a newer server; its output may not load)."""
    major = _server_major()
    candidates = [str(Path("/usr/lib/postgresql") / str(major) / "bin" / name)]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    found = []
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            tool_major = _tool_major(candidate)
            if tool_major >= major:
                return candidate
            found.append(f"{candidate} (PostgreSQL {tool_major})")
    if found:
        raise BackupError(
            f"the database server is PostgreSQL {major}, and the only {name} found is older: "
            f"{', '.join(found)}; install postgresql-client-{major}"
        )
    raise BackupError(f"{name} not found; install postgresql-client-{major}")


def _postgres_command(tool: str) -> tuple[list[str], dict[str, str]]:
    """The tool's connection arguments and environment for the configured database, the way
    `manage.py dbshell` builds them (host, port, user, password, service, SSL files)."""
    args, env = PostgresClient.settings_to_cmd_args_env(connection.settings_dict, [])
    return [tool, *args[1:]], {**os.environ, **(env or {})}


def _run(command: list[str], env: dict[str, str], **kwargs: Any) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip()}")


# --- Backup -----------------------------------------------------------------------------------


def _dump_database(target: Path) -> dict[str, Any]:
    vendor = database_vendor()
    if vendor == "postgresql":
        pg_dump = postgres_tool("pg_dump")
        command, env = _postgres_command(pg_dump)
        # One snapshot: pg_dump reads every table in a single repeatable-read transaction.
        _run(
            [
                *command[:-1],
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                command[-1],
            ],
            env,
        )
        version = subprocess.run(
            [pg_dump, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        return {"server_version": connection.pg_version, "dump_tool": version}  # type: ignore[attr-defined]
    if vendor == "sqlite":
        if connection.in_atomic_block:
            # SQLite's backup would wait forever for the write lock this connection holds.
            raise BackupError("a backup cannot be made inside a database transaction")
        connection.ensure_connection()
        # The online backup API copies a consistent database page by page while it stays in use.
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return {"sqlite_version": sqlite3.sqlite_version}
    raise BackupError(f"backing up a {vendor} database is not supported (PostgreSQL or SQLite)")


def backup_create(
    *,
    folder: Path,
    now: datetime.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> BackupReport:
    """Write a complete backup into a new folder inside `folder` (created if missing) and return
    where. Nothing is written outside `folder`; a failure leaves no backup behind."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            f"cannot create the backup folder {folder}: {exc.strerror or exc}"
        ) from exc
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder")
    created = (now or timezone.now()).astimezone(datetime.UTC)
    name = f"{BACKUP_PREFIX}{created:%Y%m%dT%H%M%SZ}"
    final = folder / name
    if final.exists():
        raise BackupError(f"{final} already exists; a backup is never written over another")
    partial = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".partial", dir=folder))
    try:
        report = _write_backup(partial, created, progress or (lambda message: None))
        os.replace(partial, final)  # the backup appears whole or not at all
    except OSError as exc:  # a full disk, an unreadable file: said in words, nothing left
        shutil.rmtree(partial, ignore_errors=True)
        where = f" ({exc.filename})" if exc.filename else ""
        raise BackupError(f"cannot write the backup: {exc.strerror or exc}{where}") from exc
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupReport(final, report["files"], report["media_bytes"], report["dump_bytes"])


def _write_backup(
    partial: Path, created: datetime.datetime, progress: Callable[[str], None]
) -> dict[str, int]:
    vendor = database_vendor()
    dump_name = DUMP_NAMES.get(vendor, "database")
    # The database first, the files after: a file is stored before the row that names it
    # commits, so every file the dump refers to is already there when the files are copied.
    progress(f"dumping the {vendor} database")
    database = _dump_database(partial / dump_name)
    dump_size, dump_sha = _sha256_copy(partial / dump_name, None)
    entries = [{"path": dump_name, "size": dump_size, "sha256": dump_sha}]

    media_root = Path(settings.MEDIA_ROOT)
    progress(f"copying stored files from {media_root}")
    media_bytes = 0
    for relative in stored_files(media_root):
        target = partial / MEDIA_FOLDER / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            size, sha = _sha256_copy(media_root / relative, target)
        except FileNotFoundError:
            continue  # removed since the walk saw it (a staging file, a deleted upload)
        media_bytes += size
        entries.append(
            {
                "path": PurePosixPath(MEDIA_FOLDER, *relative.parts).as_posix(),
                "size": size,
                "sha256": sha,
            }
        )

    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "database": {"vendor": vendor, "file": dump_name, **database},
        "migrations": migration_state(),
        "files": entries,
    }
    manifest_path = partial / MANIFEST_NAME
    with manifest_path.open("x") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    return {"files": len(entries) - 1, "media_bytes": media_bytes, "dump_bytes": dump_size}


# --- Verify -----------------------------------------------------------------------------------


def _safe_relative(raw: object) -> PurePosixPath:
    if not isinstance(raw, str) or not raw or "\\" in raw or "\x00" in raw:
        raise BackupError(f"the manifest lists an unusable path: {raw!r}", exit_code=EXIT_UNUSABLE)
    path = PurePosixPath(raw)
    if path.is_absolute() or any(part in ("..", ".", "") for part in path.parts):
        raise BackupError(
            f"the manifest lists a path outside the backup: {raw!r}", exit_code=EXIT_UNUSABLE
        )
    return path


def backup_read(*, folder: Path) -> dict[str, Any]:
    """The backup's manifest, once every file it lists has the recorded size and SHA-256.
    Raises BackupError naming the first file that does not."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"no backup folder at {folder}", exit_code=EXIT_UNUSABLE)
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        inside = sorted(p.name for p in folder.glob(f"{BACKUP_PREFIX}*") if p.is_dir())
        hint = f"; it holds the backups {', '.join(inside)} (the newest is last)" if inside else ""
        raise BackupError(
            f"{folder} is not a complete backup: it has no {MANIFEST_NAME}{hint}",
            exit_code=EXIT_UNUSABLE,
        )
    try:
        manifest = json.loads(manifest_path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(
            f"{manifest_path} is not valid JSON: {exc}", exit_code=EXIT_UNUSABLE
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{manifest_path} is not a foiatracker backup manifest", exit_code=EXIT_UNUSABLE
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"the backup's format version {version!r} is newer than this code reads "
            f"({FORMAT_VERSION}); restore it with the version of foiatracker that made it",
            exit_code=EXIT_UNUSABLE,
        )
    database = manifest.get("database")
    files = manifest.get("files")
    if (
        not isinstance(database, dict)
        or not isinstance(files, list)
        or not isinstance(manifest.get("migrations"), dict)
    ):
        raise BackupError(
            f"{manifest_path} lacks its database, files or migrations", exit_code=EXIT_UNUSABLE
        )
    listed = set()
    for entry in files:
        if not isinstance(entry, dict):
            raise BackupError(
                f"{manifest_path} has a malformed file entry", exit_code=EXIT_UNUSABLE
            )
        relative = _safe_relative(entry.get("path"))
        listed.add(relative.as_posix())
        path = folder.joinpath(*relative.parts)
        if not path.is_file() or path.is_symlink():
            raise BackupError(
                f"{relative} is listed in the manifest but missing", exit_code=EXIT_UNUSABLE
            )
        size, sha = _sha256_copy(path, None)
        if size != entry.get("size") or sha != entry.get("sha256"):
            raise BackupError(
                f"{relative} does not match the manifest (size {size}, SHA-256 {sha}; "
                f"recorded {entry.get('size')}, {entry.get('sha256')}): the backup is damaged "
                "or was changed, and nothing was restored",
                exit_code=EXIT_UNUSABLE,
            )
    if database.get("file") not in listed:
        raise BackupError(
            f"{manifest_path} does not list its database dump", exit_code=EXIT_UNUSABLE
        )
    return manifest


def backup_fits_this_code(manifest: dict[str, Any]) -> None:
    """Refuse a backup of another database vendor, or one whose migrations this code lacks."""
    vendor = database_vendor()
    made_on = manifest["database"].get("vendor")
    if made_on != vendor:
        raise BackupError(
            f"the backup is of a {made_on} database and the configured one is {vendor}; "
            "restore it into the same kind of database (DATABASE_URL)",
            exit_code=EXIT_UNUSABLE,
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    for app, name in sorted(manifest["migrations"].items()):
        if (app, name) not in known:
            raise BackupError(
                f"the backup's database was migrated further than this code knows ({app} "
                f"{name}); restore it with the version of foiatracker that made it",
                exit_code=EXIT_UNUSABLE,
            )


# --- Restore ----------------------------------------------------------------------------------


def backup_restore(*, folder: Path, force: bool = False) -> RestoreReport:
    """Restore a verified backup into the configured database and MEDIA_ROOT.

    Every file is checked against the manifest, and the backup against this code and the
    configured database, before anything is touched; a database holding data is replaced only
    with `force`. The database is replaced whole in one step (PostgreSQL: one transaction;
    SQLite: an atomic rename), then the files are copied in, each by an atomic rename."""
    folder = Path(folder)
    manifest = backup_read(folder=folder)
    backup_fits_this_code(manifest)
    vendor = database_vendor()
    holding = tables_holding_data() if _database_exists() else {}
    if holding and not force:
        listed = ", ".join(f"{name} ({rows})" for name, rows in sorted(holding.items())[:5])
        more = f" and {len(holding) - 5} more" if len(holding) > 5 else ""
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} holds data: {listed}{more}. "
            "A restore replaces all of it; restore into a new empty database, or run again "
            "with --force to replace it",
            exit_code=EXIT_NOT_EMPTY,
        )
    try:
        return _restore_verified(folder, manifest, vendor, replaced=bool(holding))
    except OSError as exc:  # a full disk, a folder the process may not write: said in words
        where = f" ({exc.filename})" if exc.filename else ""
        raise BackupError(f"the restore stopped: {exc.strerror or exc}{where}") from exc


def _restore_verified(
    folder: Path, manifest: dict[str, Any], vendor: str, *, replaced: bool
) -> RestoreReport:
    report = RestoreReport(folder=folder, vendor=vendor, replaced_data=replaced)
    dump = folder / manifest["database"]["file"]
    if vendor == "postgresql":
        _restore_postgres(dump)
    else:
        _restore_sqlite(dump)
    for entry in manifest["files"]:
        relative = PurePosixPath(entry["path"])
        if relative.parts[0] != MEDIA_FOLDER or len(relative.parts) < 2:
            continue
        _restore_file(
            folder.joinpath(*relative.parts),
            PurePosixPath(*relative.parts[1:]),
            size=entry["size"],
            sha256=entry["sha256"],
        )
        report.files += 1
        report.media_bytes += entry["size"]
    report.tables = table_rows()
    return report


def _in_memory() -> bool:
    sqlite: Any = connection  # the SQLite wrapper's own method, absent from the base class
    return bool(sqlite.is_in_memory_db())


def _database_exists() -> bool:
    if database_vendor() == "sqlite":
        name = str(connection.settings_dict["NAME"])
        return _in_memory() or Path(name).is_file()
    return True


def _restore_postgres(dump: Path) -> None:
    """pg_restore writes the dump out as SQL, streamed to psql, which runs it in one transaction
    after dropping whatever tables the database has. psql commits only when its input ends, so
    the input is closed only once pg_restore has read the whole dump: if either fails, psql is
    stopped first and the database is left as it was."""
    pg_restore = postgres_tool("pg_restore")
    psql, env = _postgres_command(postgres_tool("psql"))
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    connection.close()
    drops = [
        f"--command=DROP TABLE IF EXISTS {connection.ops.quote_name(name)} CASCADE"
        for name in existing
    ]
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as load_errors:
        script = subprocess.Popen(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--clean",
                "--if-exists",
                "--file=-",
                str(dump),
            ],
            stdout=subprocess.PIPE,
            stderr=script_errors,
        )
        load = subprocess.Popen(
            [
                *psql[:-1],
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                *drops,
                "--file=-",
                psql[-1],
            ],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=load_errors,
        )
        if script.stdout is None or load.stdin is None:
            raise BackupError("cannot start pg_restore and psql")
        psql_stopped = False
        try:
            shutil.copyfileobj(script.stdout, load.stdin, _CHUNK)
        except BrokenPipeError:
            psql_stopped = True  # on an error (ON_ERROR_STOP): reported below
        finally:
            script.stdout.close()
        if script.wait() != 0 and not psql_stopped:
            load.kill()  # before its input ends: the transaction is rolled back
            load.wait()
            raise BackupError(f"pg_restore cannot read {dump.name}: {_read(script_errors)}")
        with contextlib.suppress(BrokenPipeError):
            load.stdin.close()
        if load.wait() != 0:
            raise BackupError(f"psql failed (exit {load.returncode}): {_read(load_errors)}")


def _read(errors: Any) -> str:
    errors.seek(0)
    return str(errors.read().decode(errors="replace").strip())


def _sqlite_regexp(pattern: str | None, value: object) -> bool | None:
    if pattern is None or value is None:
        return None
    return re.search(pattern, str(value)) is not None


def _restore_sqlite(dump: Path) -> None:
    if _in_memory():
        raise BackupError("the configured SQLite database is in memory; nothing to restore into")
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    with dump.open("rb") as source:
        temporary = copy_beside(target, source, suffix=".restoring")
    try:
        try:
            with contextlib.closing(sqlite3.connect(temporary)) as restored:
                # CHECK constraints call REGEXP, which Django defines on its connections.
                restored.create_function("REGEXP", 2, _sqlite_regexp, deterministic=True)
                verdict = restored.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            verdict = str(exc)
        if verdict != "ok":
            raise BackupError(f"{dump.name} is not a sound SQLite database: {verdict}")
        # A journal left beside the old file would be replayed into the new one.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _restore_file(source: Path, relative: PurePosixPath, *, size: int, sha256: str) -> None:
    """Copy one stored file into MEDIA_ROOT: written beside its place, flushed to the disk and
    read back against the manifest's size and SHA-256 before the rename puts it in place, then
    the rename itself flushed (its folder), as documents' own storing does: a crash or a disk
    that gives back other bytes never leaves a wrong file under a stored name."""
    media_root = Path(settings.MEDIA_ROOT).resolve()
    target = media_root.joinpath(*relative.parts)
    if media_root not in target.resolve().parents:
        raise BackupError(f"{relative} would land outside MEDIA_ROOT", exit_code=EXIT_UNUSABLE)
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as reader:
        temporary = copy_beside(target, reader, suffix=".restoring")
    try:
        written = _sha256_copy(temporary, None)
        if written != (size, sha256):
            raise BackupError(
                f"{relative} does not read back as the backup holds it (size {written[0]}, "
                f"SHA-256 {written[1]}; recorded {size}, {sha256}): the disk under MEDIA_ROOT "
                "is failing; fix it and run restore --force again"
            )
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_path(target.parent)
