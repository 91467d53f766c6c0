"""Writes to releases and documents: creating a release, staging uploads, ingesting them.

Ingestion is idempotent and resumable. The inputs are expanded into *units* (a file, a member
of an archive, a message of a mailbox), each named by where it came from (its `source`). Each
unit is parsed on its own, and units are written and committed a batch at a time: the
bytes are stored content-addressed first (under the storage root, named by their SHA-256, never
by anything in the input), then its document rows (an email with its attachments) are written at
once. A re-run skips every unit whose source the release already has; a run killed half-way
leaves whole committed batches only, and the next run carries on. The same bytes twice within
a request are stored once and reported as duplicates.
Guarantee: exactly one document per (release, source) and per (request, bytes), enforced by
unique constraints; a crash between storing bytes and writing the row leaves an unreferenced
file that the re-run checks and reuses. Stored bytes cannot lie (see _store): a file is in place
under its address only whole and verified, before any row names it. A run is idempotent by
state (see release_ingest_staged): one run per release at a time, and a task for a release with
nothing staged does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import hashlib
import io
import logging
import os
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import Error as DatabaseFailure
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from core.durable import fsync_path
from documents import kept_uploads, selectors, tasks
from documents.ingest.archives import (
    ArchiveEntry,
    ArchiveError,
    ArchiveLimits,
    ArchiveProblem,
    iter_zip,
)
from documents.ingest.charsets import decode_text
from documents.ingest.emails import EmptyInput, ParseError, iter_mbox, parse_email
from documents.ingest.pdfs import PAGE_SEPARATOR, PdfEncrypted, PdfError, PdfStop, parse_pdf
from documents.ingest.sniff import sniff
from documents.models import Document, Download, Exemption, Release
from documents.staging import stage_files, staged_name, staging_root
from requests_app.models import RecordsRequest

log = logging.getLogger(__name__)
COMMIT_EVERY = 200  # units per transaction during ingestion
#: Lengths of Document.source (in characters, and in UTF-8 bytes for its index) and
#: Document.original_name.
SOURCE_LENGTH = 1000
SOURCE_BYTES = 2000
NAME_LENGTH = 500
#: A whole PDF gets this many times the time of one page before its reading is cut short: a
#: file whose every page is just under the page limit must not take hours either.
PDF_PAGES_OF_TIME = 30

Kind = Document.Kind


# --- Releases -----------------------------------------------------------------------------------


@transaction.atomic
def release_create(
    *, request: RecordsRequest, exemptions: Iterable[Exemption] = (), **fields: Any
) -> Release:
    """Record a release (production) of a request; a lawsuit, if named, must cover the request."""
    release = Release(request=request, **fields)
    release.full_clean()
    release.save()
    release.exemptions.set(list(exemptions))
    return release


class UploadsNotStaged(Exception):
    """The files chosen could not be written to the staging area (a full or unwritable disk).
    The kept batch, if any, was not handed over: it is still in the kept area, claimed."""

    def __init__(
        self, *, files: Sequence[UploadedFile], kept: kept_uploads.KeptUploads | None
    ) -> None:
        self.files = list(files)
        self.kept = kept
        super().__init__("the chosen files could not be staged")


def release_stage_uploads(
    *,
    release: Release,
    files: Sequence[UploadedFile],
    kept: kept_uploads.KeptUploads | None = None,
) -> list[str]:
    """Keep uploaded files until the ingestion task reads them; returns their staged paths.

    Each file is stored under the release's staging folder by a name we make (its position), so
    nothing in the upload decides where bytes are written; the original name is kept beside it.
    Files kept from the form's earlier try (`kept`, claimed by the form) join as a batch of
    their own, before the files chosen now, as if uploaded with them. UploadsNotStaged when the
    disk refuses the files chosen now; the kept batch is then left in the kept area.
    """
    staged: list[str] = []
    if files:
        # A folder per batch: a second upload never overwrites a first one still waiting.
        folder = staging_root() / str(release.pk) / uuid.uuid4().hex
        try:
            staged += [str(path) for path in stage_files(folder, files)]
        except OSError as error:
            # The kept batch is still in the kept area (handed over only below), so the form
            # can keep it for the next try; the part written here goes.
            shutil.rmtree(folder, ignore_errors=True)
            _remove_if_empty(folder.parent)
            raise UploadsNotStaged(files=files, kept=kept) from error
    if kept is not None:
        # Last, once nothing else can fail on the disk: should the transaction still roll
        # back after this (the release is then not saved), the sweep of kept uploads deletes
        # the release's staging folder once it is older than UPLOAD_KEEP_HOURS.
        try:
            handed = kept_uploads.kept_uploads_hand_over(
                kept=kept, into=staging_root() / str(release.pk)
            )
        except OSError as error:
            # Not renamed (or, if it was, left to that sweep): the new files go, and the form
            # keeps what is still in the kept area.
            for path in staged:
                shutil.rmtree(Path(path).parent, ignore_errors=True)
            _remove_if_empty(staging_root() / str(release.pk))
            raise UploadsNotStaged(files=files, kept=kept) from error
        staged = handed + staged
    with transaction.atomic():
        locked = Release.objects.select_for_update().get(pk=release.pk)
        locked.staged = [*locked.staged, *staged]
        locked.save(update_fields=["staged"])
    return staged


def _remove_if_empty(folder: Path) -> None:
    """A release's staging folder made for files that could not be staged (another batch may
    wait in it: then it stays)."""
    with contextlib.suppress(OSError):
        folder.rmdir()


def release_upload(
    *,
    release: Release,
    files: Sequence[UploadedFile],
    kept: kept_uploads.KeptUploads | None = None,
) -> list[str]:
    """Stage uploaded files (and those `kept` from the form's earlier try) and hand them to the
    worker once the release is committed.

    Saved is done: the release is pending with its files staged before anything is sent, so a
    broker that is down loses nothing (core.tasks logs it; the requeue sweep sends it later)."""
    staged = release_stage_uploads(release=release, files=files, kept=kept)
    Release.objects.filter(pk=release.pk).update(
        ingestion=Release.Ingestion.PENDING, ingestion_queued_at=timezone.now()
    )
    # Sent only after the commit (core.tasks), so the worker finds the release and its staged list.
    tasks.release_ingest.delay(release.pk, staged)
    return staged


def release_resume(*, release: Release) -> bool:
    """Hand uploads that a cut-short run left waiting back to the worker; False if none."""
    staged = list(release.staged)
    if not staged:
        return False
    Release.objects.filter(pk=release.pk).update(ingestion_queued_at=timezone.now())
    tasks.release_ingest.delay(release.pk, staged)
    return True


def releases_requeue(handed_over_before: datetime.datetime) -> int:
    """Hand back to the worker every release still pending that was handed over before the
    given moment (core.requeue calls this): its message never reached a worker, or was lost.
    Also every release left ingesting by a run that died with its host (see
    _releases_orphaned_requeue). A copy meeting the original in the queue is harmless: the task
    ingests only files still staged, and a run skips what the release already has."""
    sent = _releases_orphaned_requeue(handed_over_before)
    for release in selectors.releases_waiting_for_worker(handed_over_before=handed_over_before):
        # Claimed first: a release a worker started meanwhile, or that a concurrent sweep took,
        # changes no row here and is not sent again.
        claimed = Release.objects.filter(
            pk=release.pk,
            ingestion=Release.Ingestion.PENDING,
            ingestion_queued_at=release.ingestion_queued_at,
        ).update(ingestion_queued_at=timezone.now())
        if claimed:
            log.info("release %s: handing its staged files to the worker again", release.pk)
            tasks.release_ingest.delay(release.pk, list(release.staged))
            sent += 1
    return sent


def _releases_orphaned_requeue(moved_before: datetime.datetime) -> int:
    """Hand back the releases still `ingesting`, files staged, that have not moved since the
    given moment and whose run nobody holds: its worker died (a whole host lost takes its
    message with it until the broker's visibility timeout, twelve hours and more). The run's
    claim says whether it is live; SQLite has no worker, so no run there outlives its request."""
    if connection.vendor != "postgresql":
        return 0
    sent = 0
    for release in selectors.releases_ingesting_unmoved(moved_before=moved_before):
        if _run_is_live(release.pk):
            continue  # a long file between two batches: the run is still there
        # Claimed as the pending releases are: a second sweep, or a run that started meanwhile
        # (its first write moves the release), changes no row here and sends nothing.
        claimed = Release.objects.filter(
            pk=release.pk,
            ingestion=Release.Ingestion.INGESTING,
            ingestion_queued_at=release.ingestion_queued_at,
        ).update(ingestion_queued_at=timezone.now())
        if claimed:
            log.warning(
                "release %s: its run is gone (no live claim); handing its staged files to the "
                "worker again",
                release.pk,
            )
            tasks.release_ingest.delay(release.pk, list(release.staged))
            sent += 1
    return sent


#: The `file` of a release's problem saying that uploads waiting in staging were lost.
UPLOADS_LOST = "(uploads lost in a restore)"


def releases_staged_after_restore() -> list[str]:
    """After a restore from backup (core.backup runs this): uploads waiting in staging are in no
    backup, so a release still listing staged files the restored media root lacks would hand
    the requeue sweep files that are not there, and end "Done, with errors" with the upload
    gone. Those files leave its staged list, the release says on its page that they must be
    uploaded again, and one with nothing left staged stops waiting (Failed). Returns a line per
    release, with its id, for the operator."""
    root = staging_root().resolve()
    lines = []
    for release in Release.objects.exclude(staged=[]).order_by("pk"):
        lost = [p for p in release.staged if not _staged_here(Path(p), root)]
        if not lost:
            continue
        with transaction.atomic():
            locked = Release.objects.select_for_update().get(pk=release.pk)
            locked.staged = [p for p in locked.staged if p not in lost]
            locked.errors = [
                *locked.errors,
                {
                    "file": UPLOADS_LOST,
                    "reason": f"{len(lost)} uploaded file(s) were still waiting to be ingested "
                    "when the backup was made, and backups do not hold uploads waiting in "
                    "staging: upload them again",
                    "kind": "error",
                },
            ]
            fields = ["staged", "errors"]
            if not locked.staged:
                locked.ingestion = Release.Ingestion.FAILED
                fields.append("ingestion")
            locked.save(update_fields=fields)
        lines.append(
            f"release {release.pk} ({release}): {len(lost)} staged upload(s) not in the backup; "
            "upload them again"
        )
    return lines


def _staged_here(path: Path, root: Path) -> bool:
    """Whether a staged upload is a file in this media root's staging area."""
    try:
        resolved = path.resolve()
        return root in resolved.parents and resolved.is_file()
    except OSError:
        return False


def document_record_by_hand(*, document: Document) -> Document:
    """A document staff enter without a file (withheld in full, for the Vaughn index): it takes
    its release's request, and a source of its own."""
    document.request_id = document.release.request_id
    if not document.source:
        document.source = f"entered by hand {uuid.uuid4().hex}"
    document.full_clean()
    document.save()
    return document


# --- Ingestion ----------------------------------------------------------------------------------


@dataclass
class IngestReport:
    ingested: int = 0
    duplicates: int = 0
    already: int = 0
    # {"file": source, "reason": text, "kind": "error" | "duplicate" | "warning"}, in the order
    # met. A warning is about a document that was stored but needs a person's eye.
    problems: list[dict[str, str]] = field(default_factory=list)

    def error(self, source: str, reason: str) -> None:
        self.problems.append({"file": source, "reason": reason, "kind": "error"})

    def duplicate(self, source: str, reason: str) -> None:
        self.duplicates += 1
        self.problems.append({"file": source, "reason": reason, "kind": "duplicate"})

    def warning(self, source: str, reason: str) -> None:
        self.problems.append({"file": source, "reason": reason, "kind": "warning"})

    @property
    def errors(self) -> list[dict[str, str]]:
        return [p for p in self.problems if p["kind"] == "error"]

    @property
    def warnings(self) -> list[dict[str, str]]:
        return [p for p in self.problems if p["kind"] == "warning"]

    def counts(self, units: int) -> dict[str, int]:
        """The figures the release page shows for this run."""
        return {
            "units": units,
            "ingested": self.ingested,
            "duplicates": self.duplicates,
            "already": self.already,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }


@dataclass(frozen=True)
class Unit:
    """One thing to turn into a document: its source name, its original file name, its bytes."""

    source: str
    name: str
    data: bytes


def source_key(source: str) -> str:
    """The source as stored: whole when it fits the column, else cut with a hash of the whole
    after it, so two long sources that share their beginning (archive members named alike up
    to the limit) stay two keys, and the same source always gives the same key. Bounded in
    UTF-8 bytes too: PostgreSQL's unique index on it takes no entry over about 2,700 bytes."""
    encoded = source.encode("utf-8", "surrogatepass")
    if len(source) <= SOURCE_LENGTH and len(encoded) <= SOURCE_BYTES:
        return source
    digest = hashlib.sha256(encoded).hexdigest()[:32]
    room = SOURCE_LENGTH - len(digest) - 2
    head = source[:room].encode("utf-8", "surrogatepass")[: SOURCE_BYTES - len(digest) - 4]
    return f"{head.decode('utf-8', 'ignore')}…#{digest}"


def display_name(name: str, length: int = NAME_LENGTH) -> str:
    """An original name cut to ``length`` for display, keeping its end (the extension says what
    the file is) and marking the cut."""
    if len(name) <= length:
        return name
    tail = name[-40:]
    return f"{name[: length - len(tail) - 1]}…{tail}"


#: The setting that sets each archive limit, named in the release's problem when it is hit.
_ARCHIVE_SETTINGS = {
    ArchiveProblem.TOO_LARGE: "DOCUMENT_MAX_FILE_BYTES",
    ArchiveProblem.TOO_MANY_FILES: "DOCUMENT_MAX_ARCHIVE_FILES",
    ArchiveProblem.TOTAL_TOO_LARGE: "DOCUMENT_MAX_ARCHIVE_BYTES",
}


def _limits() -> ArchiveLimits:
    return ArchiveLimits(
        max_file_bytes=settings.DOCUMENT_MAX_FILE_BYTES,
        max_total_bytes=settings.DOCUMENT_MAX_ARCHIVE_BYTES,
        max_files=settings.DOCUMENT_MAX_ARCHIVE_FILES,
    )


def _input_key(path: Path, name: str) -> str:
    """Names the input in its units' sources: its own hash and its name, so two different files
    of the same name stay two inputs, and the same file again is recognised."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return f"{digest.hexdigest()[:16]}:{name}"


def _is_empty_message(message: bytes) -> bool:
    """An mbox entry that is only its "From " envelope line."""
    return not message.partition(b"\n")[2].strip()


def expand(paths: Sequence[Path | str], report: IngestReport) -> Iterator[Unit]:
    """The units of the inputs: files as they are, archive members, mailbox messages.

    Errors about an input (too large, gone, a hostile archive member) are recorded in the
    report and that input, or member, is skipped; the others go on. An input that is there but
    cannot be read (permission refused, an I/O error, its volume unmounted) is the disk failing,
    not the input: a StorageError stops the run with every upload kept staged, since an input
    recorded as an error is one whose upload the run's end deletes.
    """
    limit = settings.DOCUMENT_MAX_FILE_BYTES
    for raw in paths:
        path = Path(raw)
        name = staged_name(path)
        try:
            size = path.stat().st_size
            key = _input_key(path, name)
            container = _container(path)
        except FileNotFoundError as exc:
            report.error(name, f"cannot be read: {exc.strerror or exc}")
            continue
        except OSError as exc:
            raise StorageError(f"{name} could not be read: {exc.strerror or exc}") from exc
        if size > limit and container is None:
            report.error(
                name, f"is {size:,} bytes, over the limit of {limit:,} (DOCUMENT_MAX_FILE_BYTES)"
            )
            continue
        if container == "mbox":
            for index, message in iter_mbox(path):
                source = f"{key}#{index}"
                if _is_empty_message(message):
                    report.error(source, f"message {index + 1} of {name} is empty")
                elif len(message) > limit:
                    report.error(
                        source,
                        f"message of {len(message):,} bytes is over the limit of {limit:,} "
                        "(DOCUMENT_MAX_FILE_BYTES)",
                    )
                else:
                    yield Unit(source, f"{name} message {index + 1}", message)
            continue
        if container == "zip":
            for item in iter_zip(path, _limits()):
                if isinstance(item, ArchiveError):
                    setting = _ARCHIVE_SETTINGS.get(item.problem)
                    report.error(
                        f"{key}/{item.path}" if item.path else key,
                        f"{item.reason} ({setting})" if setting else item.reason,
                    )
                else:
                    yield from _archive_member(key, item, report)
            continue
        yield Unit(key, name, path.read_bytes())


def _archive_member(archive: str, entry: ArchiveEntry, report: IngestReport) -> Iterator[Unit]:
    source = f"{archive}/{entry.path}"
    member_name = entry.path.rsplit("/", 1)[-1]
    if entry.data.startswith(b"From ") and sniff(entry.data, member_name).kind == "mbox":
        for index, message in _split_mbox_bytes(entry.data):
            yield Unit(f"{source}#{index}", f"{member_name} message {index + 1}", message)
        return
    yield Unit(source, member_name, entry.data)


def _split_mbox_bytes(data: bytes) -> Iterator[tuple[int, bytes]]:

    yield from iter_mbox(io.BytesIO(data))


# Zip-based formats that are one document, recognised by their members (a .docx, an .xlsx, an
# OpenDocument or an EPUB file is a zip inside but must not be unpacked).
_SINGLE_DOCUMENT_ZIPS = ("[Content_Types].xml", "mimetype")


def _container(path: Path) -> str | None:
    """ "mbox" or "zip" when the file holds other files, judged by its bytes, not its name."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "zip"  # let the archive walk report what is wrong with it
        return None if names & set(_SINGLE_DOCUMENT_ZIPS) else "zip"
    return "mbox" if sniff(head, path.name).kind == "mbox" else None


# A file being written is named after its content address with this ending, in the same folder,
# and starts with a dot: never a name `_store` gives an original. `.{digest}.r{release}-{random}`
# says which release's run wrote it, so the next run of that release can remove what a killed
# one left (see _remove_unfinished_writes).
PARTIAL_SUFFIX = ".partial"


class StorageError(Exception):
    """Bytes could not be stored as they are: the disk refused them (full, read-only, failing),
    or what was written does not read back the same."""


# A part failing, not a unit being bad: the disk, or the connection to the database. These stop
# the run (its uploads stay staged, the task tries again when the database may be back) rather
# than become the error of each unit met while the part is down, which would finish the release
# with those units reported unreadable and their upload deleted.
PART_FAILURES = (StorageError, OperationalError, InterfaceError)


def _store(
    request_id: int,
    digest: str,
    data: bytes,
    *,
    release_id: int | None = None,
    batch: _Writes | None = None,
) -> str:
    """Content-addressed storage: the name is made of the hash alone (no input names a path).

    A file counts as stored only once it is there in full: written under a temporary name in
    the same folder, flushed to disk, read back and checked (size and SHA-256), then renamed
    into place in one step and the folder flushed, so a crash at any moment leaves either the
    whole original or none under its name. A file already at the address counts only if its
    size and hash match; anything else (a 0-byte or cut-short file from an older write) is
    rewritten, and said in the log. With `batch`, the flushes, checks and renames are done
    together for the batch's files by `_Writes.settle`, before its rows are committed."""
    try:
        return _write_stored(request_id, digest, data, release_id, batch)
    except OSError as exc:
        raise StorageError(f"the bytes of {digest} could not be stored: {exc}") from exc


def _write_stored(
    request_id: int, digest: str, data: bytes, release_id: int | None, batch: _Writes | None
) -> str:
    name = f"documents/{request_id}/{digest[:2]}/{digest}"
    target = _inside_media_root(name)
    if target.exists():
        if _holds(target, digest, len(data)):
            return name
        log.warning(
            "stored file %s (%s bytes) does not hold its %s bytes with SHA-256 %s; rewriting it",
            name,
            target.stat().st_size,
            len(data),
            digest,
        )
    _make_folder(target.parent)
    tag = f"r{release_id}" if release_id is not None else "r-"
    handle, temporary = tempfile.mkstemp(
        prefix=f".{digest}.{tag}-", suffix=PARTIAL_SUFFIX, dir=target.parent
    )
    write = _Write(Path(temporary), target, digest, len(data))
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            if batch is None:
                os.fsync(out.fileno())
    except BaseException:
        write.abandon()
        raise
    if batch is not None:
        batch.pending.append(write)
        return name
    try:
        write.put_in_place()
    except BaseException:
        write.abandon()
        raise
    fsync_path(target.parent)
    return name


@dataclass(frozen=True)
class _Write:
    """A file written under its temporary name, on its way to its content address."""

    temporary: Path
    target: Path
    digest: str
    size: int

    def put_in_place(self) -> None:
        """Check the written bytes, then rename them to their address in one step."""
        if not _holds(self.temporary, self.digest, self.size):
            raise StorageError(f"{self.target.name}: the written bytes do not read back the same")
        if settings.FILE_UPLOAD_PERMISSIONS is not None:
            os.chmod(self.temporary, settings.FILE_UPLOAD_PERMISSIONS)
        os.replace(self.temporary, self.target)

    def abandon(self) -> None:
        with contextlib.suppress(OSError):
            self.temporary.unlink()


@dataclass
class _Writes:
    """The files of one batch: one flush to disk makes all of them durable before any is renamed
    into place, and one more makes the renames durable, before the batch's rows are committed.
    (A flush per file costs a journal commit each: five times the whole ingestion, measured.)"""

    pending: list[_Write] = field(default_factory=list)

    def settle(self) -> None:
        writes, self.pending = self.pending, []
        if not writes:
            return
        try:
            _flush_to_disk([write.temporary for write in writes])
            for write in writes:
                write.put_in_place()
            _flush_to_disk(sorted({write.target.parent for write in writes}))
        except BaseException as exc:
            for write in writes:
                write.abandon()  # those already in place have no temporary name any more
            if isinstance(exc, OSError):
                raise StorageError(f"the batch's files could not be stored: {exc}") from exc
            raise


def _flush_to_disk(paths: Sequence[Path]) -> None:
    """Make what was written to these files or folders durable: one syncfs(2) per file system
    where Linux offers it (one journal commit for them all), else an fsync of each."""
    if _syncfs is None:
        for path in paths:
            fsync_path(path)
        return
    devices: dict[int, Path] = {}
    for path in paths:
        devices.setdefault(path.stat().st_dev, path)
    for path in devices.values():
        descriptor = os.open(path, os.O_RDONLY)
        try:
            if _syncfs(descriptor) != 0:
                error = ctypes.get_errno()
                raise OSError(error, os.strerror(error), str(path))
        finally:
            os.close(descriptor)


def _find_syncfs() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - no C library to load
        return None
    return getattr(libc, "syncfs", None)


_syncfs = _find_syncfs()


def _inside_media_root(name: str) -> Path:
    """The path of a storage name, refused unless it lies inside MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = Path(default_storage.path(name)).resolve()
    if root not in path.parents:
        raise StorageError(f"{name} is not inside the media root")
    return path


def _holds(path: Path, digest: str, size: int) -> bool:
    """Whether the file has exactly these bytes: its size first (cheap), then its hash."""
    try:
        if path.stat().st_size != size:
            return False
        hashed = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                hashed.update(chunk)
    except OSError:
        return False
    return hashed.hexdigest() == digest


def _make_folder(folder: Path) -> None:
    """Create the folder and any missing parent, flushing each new entry to disk, so a renamed
    file is never in a folder that a crash forgets."""
    if folder.is_dir():
        return
    _make_folder(folder.parent)
    with contextlib.suppress(FileExistsError):
        folder.mkdir()
        fsync_path(folder.parent)


def _remove_unfinished_writes(request_id: int, release_id: int) -> int:
    """Remove the temporary files a cut-short run of this release left (a worker killed in the
    middle of a write). Only its own: the run holds the release's claim, so no other run of it
    is writing; other releases' runs use other names. Returns how many were removed."""
    folder = _inside_media_root(f"documents/{request_id}")
    removed = 0
    for leftover in folder.glob(f"*/.*.r{release_id}-*{PARTIAL_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
            removed += 1
    if removed:
        log.warning("removed %s unfinished write(s) of release %s", removed, release_id)
    return removed


def _plausible(moment: datetime.datetime | None, document: Document) -> datetime.datetime | None:
    """A message date far outside any records request (year 9999, 1601) is kept out of the date
    column, with a warning, rather than refused."""
    if moment is None or 1900 <= moment.year <= 2100:
        return moment
    document.warnings.append(f"implausible date {moment.isoformat()} not used")
    return None


def _document(
    release: Release, unit: Unit, *, parent: Document | None, warnings: list[str]
) -> tuple[Document, list[Unit], list[str]]:
    """Build (unsaved) the document of a unit, with the units of its attachments and, in words
    naming the setting, each limit it met (what was left out of it)."""
    digest = hashlib.sha256(unit.data).hexdigest()
    sniffed = sniff(unit.data, unit.name)
    limited: list[str] = []
    document = Document(
        release=release,
        request_id=release.request_id,
        parent=parent,
        original_name=display_name(unit.name),
        source=source_key(unit.source),
        size=len(unit.data),
        sha256=digest,
        media_type=sniffed.media_type,
        warnings=list(warnings),
    )
    attachments: list[Unit] = []
    if sniffed.kind == "email":
        parts = settings.INGEST_MAX_PARTS
        parsed = parse_email(unit.data, max_attachments=parts)
        if parsed.attachments_found > len(parsed.attachments):
            limited.append(
                f"message has {parsed.attachments_found:,} attachments; only the first "
                f"{len(parsed.attachments):,} were kept (INGEST_MAX_PARTS)"
            )
        document.kind = Kind.EMAIL
        document.sender = parsed.sender[:500]
        document.recipients = ", ".join(parsed.to)
        document.cc = ", ".join(parsed.cc)
        document.sent_at = _plausible(parsed.date, document)
        document.subject = parsed.subject[:1000]
        document.message_id = parsed.message_id[:500]
        document.in_reply_to = parsed.in_reply_to[:500]
        document.text = parsed.text
        document.warnings += parsed.warnings
        for index, attachment in enumerate(parsed.attachments):
            name = attachment.filename or f"attachment-{index + 1}"
            attachments.append(Unit(f"{unit.source}/attachment/{index}", name, attachment.data))
    elif sniffed.kind == "pdf":
        page_seconds = settings.INGEST_PDF_PAGE_SECONDS
        pdf = parse_pdf(
            unit.data,
            max_pages=settings.INGEST_MAX_PDF_PAGES,
            max_text=settings.INGEST_MAX_TEXT_CHARS,
            page_seconds=page_seconds,
            total_seconds=page_seconds * PDF_PAGES_OF_TIME,
        )
        document.kind = Kind.PDF
        document.page_count = pdf.page_count
        document.text = pdf.text
        document.warnings += pdf.warnings
        if pdf.stopped is not None:
            limited.append(_pdf_stop(pdf.stopped, pdf.stopped_at, pdf.page_count))
    elif sniffed.kind == "text":
        document.kind = Kind.TEXT
        document.text = decode_text(unit.data).text
    else:
        document.kind = Kind.OTHER
    # PostgreSQL text cannot hold NUL characters; they carry no meaning in extracted text.
    document.text = document.text.replace("\x00", "")
    cap = settings.INGEST_MAX_TEXT_CHARS
    if len(document.text) > cap:
        limited.append(
            f"text of {len(document.text):,} characters; only the first {cap:,} were kept "
            "(INGEST_MAX_TEXT_CHARS)"
        )
        document.text = document.text[:cap]
    document.warnings += limited
    return document, attachments, limited


def _pdf_stop(stop: PdfStop, page: int, page_count: int) -> str:
    """Why a PDF's text stops at ``page``, in words naming the setting."""
    kept = f"text taken from the first {page - 1:,} of {page_count:,} pages"
    if stop is PdfStop.PAGES:
        return f"{kept} (INGEST_MAX_PDF_PAGES)"
    if stop is PdfStop.TEXT:
        return (
            f"text reached {settings.INGEST_MAX_TEXT_CHARS:,} characters at page {page - 1:,} "
            f"of {page_count:,}; the rest was not read (INGEST_MAX_TEXT_CHARS)"
        )
    seconds = settings.INGEST_PDF_PAGE_SECONDS
    if stop is PdfStop.PAGE_TIME:
        return (
            f"page {page:,} took longer than {seconds:,} s to read; {kept} "
            "(INGEST_PDF_PAGE_SECONDS)"
        )
    return (
        f"reading took longer than {seconds * PDF_PAGES_OF_TIME:,} s in all "
        f"({PDF_PAGES_OF_TIME} times INGEST_PDF_PAGE_SECONDS); {kept}"
    )


class _Outcome:
    """What one unit did, kept apart until its transaction commits."""

    def __init__(self) -> None:
        self.ingested = 0
        self.hashes: list[str] = []
        self.problems: list[tuple[str, str, str]] = []

    def forget(self, known: dict[str, str]) -> None:
        """Its rows were not written after all: its hashes are not the request's."""
        for digest in self.hashes:
            known.pop(digest, None)

    def account(self, report: IngestReport) -> None:
        """Its rows are written: count them, and say what it refused."""
        report.ingested += self.ingested
        for kind, source, reason in self.problems:
            if kind == "duplicate":
                report.duplicate(source, reason)
            elif kind == "warning":
                report.warning(source, reason)
            else:
                report.error(source, reason)


def _ingest_unit(
    release: Release,
    unit: Unit,
    outcome: _Outcome,
    known: dict[str, str],
    *,
    parent: Document | None = None,
    pending: list[tuple[Document, Document | None]] | None = None,
    writes: _Writes | None = None,
) -> None:
    """Store one unit (and, for an email, its attachments) in one go, or record why not.

    `known` maps the hashes the request already holds to their source (loaded once per run).
    With `pending`, the rows are not saved but collected there (with their parent) for one
    multi-row INSERT per batch; the files are stored either way.
    """
    if not unit.data:
        outcome.problems.append(("error", unit.source, "is empty"))
        return
    if len(unit.data) > settings.DOCUMENT_MAX_FILE_BYTES:
        outcome.problems.append(
            ("error", unit.source, f"is {len(unit.data):,} bytes, over the limit")
        )
        return
    try:
        document, attachments, limited = _document(release, unit, parent=parent, warnings=[])
    except PdfEncrypted:
        outcome.problems.append(
            ("error", unit.source, "is an encrypted PDF: ask the agency for an unencrypted copy")
        )
        return
    except (PdfError, ParseError, EmptyInput) as exc:
        outcome.problems.append(("error", unit.source, f"cannot be read: {exc}"))
        return
    seen = known.get(document.sha256)
    if seen is not None:
        outcome.problems.append(
            ("duplicate", unit.source, f"same bytes as the document from {seen}: stored once")
        )
        return
    for reason in limited:
        outcome.problems.append(("warning", unit.source, reason))
    if document.kind == Kind.PDF and (blank := _pages_without_text(document)):
        outcome.problems.append(("warning", unit.source, blank))
    document.file.name = _store(
        release.request_id, document.sha256, unit.data, release_id=release.pk, batch=writes
    )
    # Every value was made here (lengths cut, dates checked, keys ours): the database's own
    # constraints are the check, and a refusal is this unit's error (see _store_one).
    if pending is None:
        document.save()
    else:
        pending.append((document, parent))
    known[document.sha256] = unit.source
    outcome.hashes.append(document.sha256)
    outcome.ingested += 1
    for attachment in attachments:
        _ingest_unit(
            release, attachment, outcome, known, parent=document, pending=pending, writes=writes
        )


def _pages_without_text(document: Document) -> str:
    """Says which pages of a PDF gave no text (a scan, or images only), in words staff read on the
    release page; "" when every page has text. Only pages the parser read are judged."""
    pages = document.text.split(PAGE_SEPARATOR) if document.page_count else []
    blank = [number for number, text in enumerate(pages, start=1) if not text.strip()]
    if not blank:
        return ""
    if len(blank) == 1:
        return f"page {blank[0]} has no text layer; OCR is not done yet, so it cannot be searched"
    listed = ", ".join(str(n) for n in blank[:10]) + (", …" if len(blank) > 10 else "")
    return (
        f"{len(blank)} pages ({listed}) have no text layer; OCR is not done yet, so they "
        "cannot be searched"
    )


def _write_batch(
    release: Release, units: list[Unit], report: IngestReport, known: dict[str, str]
) -> None:
    """A batch of units: parsed and stored first, then their rows written with one multi-row
    INSERT per level (messages, then their attachments). If the database refuses the batch, it is
    redone unit by unit in savepoints, so a refusal stays the error of the one unit it concerns."""
    prepared: list[tuple[Unit, _Outcome, list[tuple[Document, Document | None]]]] = []
    writes = _Writes()
    for unit in units:
        outcome = _Outcome()
        rows: list[tuple[Document, Document | None]] = []
        try:
            _ingest_unit(release, unit, outcome, known, pending=rows, writes=writes)
        except PART_FAILURES:
            raise
        except Exception as exc:  # one bad file must not stop the batch; say what it was
            outcome.forget(known)
            log.exception("could not read %s", unit.source)
            report.error(unit.source, f"could not be read: {type(exc).__name__}: {exc}"[:500])
            continue
        prepared.append((unit, outcome, rows))
    # Every file of the batch durable and in place before any of its rows is written.
    writes.settle()
    try:
        with transaction.atomic():
            _insert_levels([row for _, _, rows in prepared for row in rows])
    except PART_FAILURES:
        raise
    except Exception:
        log.warning("batch insert refused; storing its units one by one", exc_info=True)
        for _, outcome, _ in prepared:
            outcome.forget(known)
        for unit, _, _ in prepared:
            _store_one(release, unit, report, known)
        return
    for _, outcome, _ in prepared:
        outcome.account(report)


def _insert_levels(rows: list[tuple[Document, Document | None]]) -> None:
    """bulk_create parents before children: each level gets its primary keys back (RETURNING),
    which the next level's parent links need."""
    remaining = rows
    while remaining:
        level = [(doc, parent) for doc, parent in remaining if parent is None or parent.pk]
        for doc, parent in level:
            if parent is not None:
                doc.parent = parent  # now saved: sets parent_id
        Document.objects.bulk_create([doc for doc, _ in level], batch_size=500)
        remaining = [(doc, parent) for doc, parent in remaining if doc.pk is None]


def _store_one(release: Release, unit: Unit, report: IngestReport, known: dict[str, str]) -> None:
    """One unit in its own transaction; whatever goes wrong with it is that unit's error only."""
    outcome = _Outcome()
    try:
        with transaction.atomic():
            _ingest_unit(release, unit, outcome, known)
    except IntegrityError:
        outcome.forget(known)
        if Document.objects.filter(release=release, source=source_key(unit.source)).exists():
            report.already += 1  # a concurrent run stored it first
        else:
            report.error(unit.source, "could not be stored: the release changed meanwhile")
        return
    except PART_FAILURES:
        raise
    except Exception as exc:  # one bad file must not stop the batch; say what it was
        outcome.forget(known)
        log.exception("could not store %s", unit.source)
        report.error(unit.source, f"could not be stored: {type(exc).__name__}: {exc}"[:500])
        return
    outcome.account(report)


# The advisory lock a run holds on PostgreSQL, with the release's id as its second key ("rels").
RUN_LOCK = 0x72656C73


class RunInProgress(Exception):
    """Another run is ingesting into this release right now."""


@contextlib.contextmanager
def _run_claimed(release_id: int) -> Iterator[bool]:
    """Claim the release's run: True when this process may ingest into it, False while a live
    run holds it. On PostgreSQL the claim is a session advisory lock, held by the run's
    connection until the run ends, or until its process dies: the server lets go of the lock
    with the connection, so a worker killed mid-run (its whole host even, once the connection is
    seen gone) never keeps the release from being resumed, and no two runs ever overlap.
    SQLite has no worker (runs happen in the request that uploads) and no such lock."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s::integer, %s::integer)", [RUN_LOCK, release_id]
        )
        (claimed,) = cursor.fetchone()
    try:
        yield claimed
    finally:
        if claimed:
            # A connection lost meanwhile (the database restarted) lost the lock with it.
            with contextlib.suppress(DatabaseFailure), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s::integer, %s::integer)", [RUN_LOCK, release_id]
                )


def _run_is_live(release_id: int) -> bool:
    """Whether a run holds the release's claim now (PostgreSQL only): the lock is tried, and
    let go of at once when it was free, so this never keeps a run from starting."""
    with _run_claimed(release_id) as claimed:
        return not claimed


def release_ingest(
    *,
    release_id: int,
    paths: Sequence[Path | str],
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Ingest the files at `paths` into a release. Safe to run again, or after a crash (a run
    cut short is carried on, its counts with it); refused with RunInProgress while another run
    ingests into the same release."""
    with _run_claimed(release_id) as claimed:
        if not claimed:
            raise RunInProgress(f"release {release_id} is being ingested by another run")
        return _run(release_id, [str(p) for p in paths], progress)


def release_ingest_staged(*, release_id: int) -> IngestReport | None:
    """What the ingestion task does: ingest every upload the release still has staged, under the
    release's claim. Idempotent by state: with nothing staged (a late redelivery of a run that
    finished) or the claim held by a live run (a resume while it runs) it does nothing at all,
    and the release's status and counts stay as they are. The holder of the claim looks at the
    staged list again after letting go, so an upload staged while it ran is never left waiting
    by a task that found the claim taken. Returns the last run's report, None when none ran."""
    report = None
    while True:
        with _run_claimed(release_id) as claimed:
            if not claimed:
                return report
            staged = Release.objects.filter(pk=release_id).values_list("staged", flat=True)
            paths = [str(p) for p in (staged.first() or [])]
            if not paths:
                return report
            report = _run(release_id, paths, None)


def _run(
    release_id: int, paths: list[str], progress: Callable[[int, int], None] | None
) -> IngestReport:
    """One run over `paths`, the caller holding the release's claim.

    Each batch commits its rows together with where the run stands (`ingest_counts["run"]`:
    its paths, units gone through, documents ingested, units already there, warnings), so a
    run cut short (a worker killed) is carried on by the next run over the same paths: the
    units it went through count once, as the first run counted them, and the upload's figures
    come out as if it had never stopped. Errors and duplicates are not kept: their units have
    no rows, so the next run meets them again and says so again."""
    release = Release.objects.select_related("request").get(pk=release_id)
    counts = dict(release.ingest_counts or {})
    earlier = counts.pop("run", None)
    if release.ingestion == Release.Ingestion.INGESTING or earlier:
        # A run was cut short: what it was writing when it stopped is not an original.
        _remove_unfinished_writes(release.request_id, release_id)
    report = IngestReport()
    skip = 0
    if earlier and earlier.get("paths") == paths[: len(earlier.get("paths", []))]:
        report.ingested = earlier["ingested"]
        report.already = earlier["already"]
        report.problems = list(earlier["warnings"])
        skip = earlier["position"]
    done = 0
    # Every write of a run moves the release (ingestion_queued_at): the requeue sweep takes a
    # release ingesting that has not moved for a while, and whose claim nobody holds, for one
    # whose worker died.
    Release.objects.filter(pk=release_id).update(
        ingestion=Release.Ingestion.INGESTING, ingestion_queued_at=timezone.now()
    )
    done_sources = set(release.documents.values_list("source", flat=True))
    known = dict(
        Document.objects.filter(request_id=release.request_id)
        .exclude(sha256="")
        .values_list("sha256", "source")
    )
    try:
        total = count_units(paths)
        Release.objects.filter(pk=release_id).update(files_total=total, files_done=0)
        units = expand(paths, report)
        while True:
            # Units are committed in batches (see _write_batch): one commit per batch instead of
            # one per file, and a crash loses at most the batch in flight, which the next run
            # redoes (its sources are not stored yet).
            # A batch also ends once its units hold INGEST_MAX_MEMORY_BYTES: two hundred
            # archive members of a few megabytes each, with their text, would otherwise take
            # gigabytes at once.
            with transaction.atomic():
                _relax_commit()
                batch, held, fresh = 0, 0, []
                for unit in units:
                    done += 1
                    batch += 1
                    if source_key(unit.source) not in done_sources:
                        fresh.append(unit)
                        held += len(unit.data)
                    elif done > skip:  # up to `skip`, the cut-short run counted it
                        report.already += 1
                    if batch == COMMIT_EVERY or held >= settings.INGEST_MAX_MEMORY_BYTES:
                        break
                _write_batch(release, fresh, report, known)
                del fresh
                Release.objects.filter(pk=release_id).update(
                    files_done=done,
                    ingest_counts={**counts, "run": _standing(paths, done, report)},
                    ingestion_queued_at=timezone.now(),
                )
            if progress:
                progress(done, total)
            if batch < COMMIT_EVERY and held < settings.INGEST_MAX_MEMORY_BYTES:
                break
    except Exception as exc:
        log.exception("ingestion of release %s failed", release_id)
        report.error("(ingestion)", f"stopped: {exc}")
        _finish(release_id, report, Release.Ingestion.FAILED, done=None, paths=(), units=done)
        raise
    _finish(release_id, report, None, done=done, paths=paths, units=done)
    return report


def _standing(paths: list[str], done: int, report: IngestReport) -> dict[str, Any]:
    """Where a run stands after a committed batch, for the run that may carry it on."""
    return {
        "paths": paths,
        "position": done,
        "ingested": report.ingested,
        "already": report.already,
        "warnings": report.warnings,
    }


def _relax_commit() -> None:
    """Commit unit batches without waiting for the disk (PostgreSQL's synchronous_commit off, for
    this transaction only). Safe here because ingestion is re-runnable: a database crash can lose
    only the last batches, which the next run redoes; and the run's final, ordinary commit
    (_finish) flushes everything written before it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _finish(
    release_id: int,
    report: IngestReport,
    state: str | None,
    *,
    done: int | None,
    paths: Sequence[Path | str],
    units: int,
) -> None:
    """Record the run: its problems replace earlier ones about the same files, others stay; its
    counts become the release's last ones and, when it finished, add to its totals; the staged
    uploads it finished are no longer needed.

    A staged upload is deleted only here, after the commit that records every unit of it as
    stored (each file written and verified by _store first), and that commit is an ordinary,
    flushed one. A run that failed keeps its uploads staged and where it stood, to be resumed."""
    finished = {str(p) for p in paths}
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release_id)
        mentioned = {p["file"] for p in report.problems}
        kept = [
            p
            for p in release.errors
            # A run that finished makes an earlier run's "stopped" moot, and the uploads a
            # restore lost (the run is of their upload again, as the release asked).
            if p.get("file") not in mentioned
            and (state or p.get("file") not in ("(ingestion)", UPLOADS_LOST))
        ]
        release.errors = kept + report.problems
        has_errors = any(p.get("kind", "error") == "error" for p in release.errors)
        release.ingestion = state or (
            Release.Ingestion.DONE_WITH_ERRORS if has_errors else Release.Ingestion.DONE
        )
        release.staged = [p for p in release.staged if p not in finished]
        last = report.counts(units)
        counts = dict(release.ingest_counts or {})
        if state is None:
            counts.pop("run", None)
            total = counts.get("total", {})
            counts["total"] = {key: total.get(key, 0) + value for key, value in last.items()}
        counts["last"] = last
        release.ingest_counts = counts
        fields = ["errors", "ingestion", "staged", "ingest_counts"]
        if done is not None:
            release.files_total = release.files_done = done
            fields += ["files_total", "files_done"]
        release.save(update_fields=fields)
    for name in finished:
        _discard_staged(Path(name))


def _discard_staged(path: Path) -> None:
    """Remove a finished upload from the staging folder (only ever inside it). Never raises: the
    run is committed, and a file that could not be removed is only space, logged for staff."""
    try:
        root = staging_root().resolve()
        resolved = path.resolve()
        if root not in resolved.parents:
            return  # not ours: a path given to the command, never deleted
        for leftover in (resolved, resolved.with_name(resolved.name + ".name")):
            leftover.unlink(missing_ok=True)
    except OSError as exc:
        log.error("finished upload %s could not be removed from staging: %s", path, exc)
        return
    with contextlib.suppress(OSError):
        resolved.parent.rmdir()  # only when the batch folder is empty


def release_delete(*, release: Release) -> int:
    """Delete a release with its documents, and the stored files no other document uses.
    Returns how many files were removed."""
    names = set(release.documents.exclude(file="").values_list("file", flat=True))
    with transaction.atomic():
        release.delete()
        still_used = set(Document.objects.filter(file__in=names).values_list("file", flat=True))
    removed = 0
    for name in names - still_used:
        if default_storage.exists(name):
            default_storage.delete(name)
            removed += 1
    return removed


def count_units(paths: Sequence[Path | str]) -> int:
    """How many units the inputs hold, cheaply, for the progress bar: mailbox messages are
    counted by their "From " lines and archives by their members (nested ones count once)."""
    total = 0
    for raw in paths:
        path = Path(raw)
        try:
            container = _container(path)
            if container == "mbox":
                with path.open("rb") as handle:
                    total += sum(1 for line in handle if line.startswith(b"From "))
            elif container == "zip":
                with zipfile.ZipFile(path) as archive:
                    total += sum(1 for info in archive.infolist() if not info.is_dir())
            else:
                total += 1
        except (OSError, zipfile.BadZipFile):
            total += 1
    return total


# --- Downloads of originals ------------------------------------------------------------------


def download_record(*, document: Document, user: Any, door: str) -> Download | None:
    """Record that ``user`` downloaded the original of ``document`` through ``door``.

    In a savepoint of its own: the download is the point, so a record that cannot be written
    (the database refusing it) rolls back only itself, never a transaction the caller is in,
    and is logged with everything it would have held instead; the caller hands the file out
    all the same. Returns the record, or None when it could not be written."""
    moment = timezone.now()
    try:
        with transaction.atomic():
            return Download.objects.create(
                document=document,
                document_name=document.original_name[:500],
                sha256=document.sha256,
                user=user,
                username=user.get_username()[:150],
                door=door,
                downloaded_at=moment,
            )
    except DatabaseFailure:
        log.exception(
            "download not recorded: %s (user %s) downloaded document %s (%s, SHA-256 %s) "
            "through the %s at %s",
            user.get_username(),
            user.pk,
            document.pk,
            document.original_name,
            document.sha256,
            door,
            moment.isoformat(),
        )
        return None
