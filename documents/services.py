"""Writes to releases and documents: creating a release, staging uploads, ingesting them.

Ingestion is idempotent and resumable. The inputs are expanded into *units* (a file, a member
of an archive, a message of a mailbox), each named by where it came from (its `source`). Each
unit is processed in its own transaction: the bytes are stored content-addressed first (under
the storage root, named by their SHA-256, never by anything in the input), then its document
rows (an email with its attachments) are written at once. A re-run skips every unit whose source
the release already has; a run killed half-way leaves whole units only, and the next run
carries on. The same bytes twice within a request are stored once and reported as duplicates.
Guarantee: exactly one document per (release, source) and per (request, bytes), enforced by
unique constraints; a crash between storing bytes and writing the row leaves an unreferenced
file that the re-run reuses.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from requests_app.models import RecordsRequest

from .ingest.archives import ArchiveEntry, ArchiveError, ArchiveLimits, iter_zip
from .ingest.emails import EmptyInput, ParseError, iter_mbox, parse_email
from .ingest.pdfs import PdfEncrypted, PdfError, parse_pdf
from .ingest.sniff import sniff
from .models import Document, Exemption, Release

log = logging.getLogger(__name__)

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


def staging_root() -> Path:
    """Where uploads wait for ingestion: inside the media root, never anywhere a name chooses."""
    return Path(settings.MEDIA_ROOT) / "staging"


def release_stage_uploads(*, release: Release, files: Sequence[UploadedFile]) -> list[str]:
    """Keep uploaded files until the ingestion task reads them; returns their staged paths.

    Each file is stored under the release's staging folder by a name we make (its position), so
    nothing in the upload decides where bytes are written; the original name is kept beside it.
    """
    folder = staging_root() / str(release.pk)
    folder.mkdir(parents=True, exist_ok=True)
    staged = []
    for index, upload in enumerate(files):
        target = folder / f"{index:04d}"
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        (folder / f"{index:04d}.name").write_text(
            os.path.basename(upload.name or f"upload-{index}")
        )
        staged.append(str(target))
    return staged


# --- Ingestion ----------------------------------------------------------------------------------


@dataclass
class IngestReport:
    ingested: int = 0
    duplicates: int = 0
    already: int = 0
    # {"file": source, "reason": text, "kind": "error" | "duplicate"}, in the order met.
    problems: list[dict[str, str]] = field(default_factory=list)

    def error(self, source: str, reason: str) -> None:
        self.problems.append({"file": source, "reason": reason, "kind": "error"})

    def duplicate(self, source: str, reason: str) -> None:
        self.duplicates += 1
        self.problems.append({"file": source, "reason": reason, "kind": "duplicate"})

    @property
    def errors(self) -> list[dict[str, str]]:
        return [p for p in self.problems if p["kind"] == "error"]


@dataclass(frozen=True)
class Unit:
    """One thing to turn into a document: its source name, its original file name, its bytes."""

    source: str
    name: str
    data: bytes


def _limits() -> ArchiveLimits:
    return ArchiveLimits(
        max_file_bytes=settings.DOCUMENT_MAX_FILE_BYTES,
        max_total_bytes=settings.DOCUMENT_MAX_ARCHIVE_BYTES,
        max_files=settings.DOCUMENT_MAX_ARCHIVE_FILES,
    )


def _original_name(path: Path) -> str:
    name_file = path.with_name(path.name + ".name")
    return name_file.read_text().strip() if name_file.exists() else path.name


def expand(paths: Sequence[Path | str], report: IngestReport) -> Iterator[Unit]:
    """The units of the inputs: files as they are, archive members, mailbox messages.

    Errors about an input (too large, unreadable, a hostile archive member) are recorded in the
    report and that input, or member, is skipped; the others go on.
    """
    limit = settings.DOCUMENT_MAX_FILE_BYTES
    for raw in paths:
        path = Path(raw)
        name = _original_name(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            report.error(name, f"cannot be read: {exc.strerror or exc}")
            continue
        container = _container(path)
        if size > limit and container is None:
            report.error(name, f"is {size:,} bytes, over the limit of {limit:,}")
            continue
        if container == "mbox":
            for index, message in iter_mbox(path):
                if len(message) > limit:
                    report.error(
                        f"{name}#{index}", f"message of {len(message):,} bytes is over the limit"
                    )
                    continue
                yield Unit(f"{name}#{index}", f"{name} message {index + 1}", message)
            continue
        if container == "zip":
            for item in iter_zip(path, _limits()):
                if isinstance(item, ArchiveError):
                    report.error(f"{name}/{item.path}" if item.path else name, item.reason)
                else:
                    yield from _archive_member(name, item, report)
            continue
        yield Unit(name, name, path.read_bytes())


def _archive_member(archive: str, entry: ArchiveEntry, report: IngestReport) -> Iterator[Unit]:
    source = f"{archive}/{entry.path}"
    member_name = entry.path.rsplit("/", 1)[-1]
    if entry.data.startswith(b"From ") and sniff(entry.data, member_name).kind == "mbox":
        for index, message in _split_mbox_bytes(entry.data):
            yield Unit(f"{source}#{index}", f"{member_name} message {index + 1}", message)
        return
    yield Unit(source, member_name, entry.data)


def _split_mbox_bytes(data: bytes) -> Iterator[tuple[int, bytes]]:
    import io

    yield from iter_mbox(io.BytesIO(data))


def _container(path: Path) -> str | None:
    """ "mbox" or "zip" when the file holds other files (by its bytes, not its name); a .docx or
    an .xlsx is a zip inside but is one document, and sniff says so."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    kind = sniff(head, path.name).kind
    return kind if kind in ("mbox", "zip") else None


def _store(request_id: int, digest: str, data: bytes) -> str:
    """Content-addressed storage: the name is made of the hash alone (no input names a path)."""
    name = f"documents/{request_id}/{digest[:2]}/{digest}"
    if not default_storage.exists(name):
        stored = default_storage.save(name, ContentFile(data))
        if stored != name:  # pragma: no cover - a concurrent writer stored the same bytes
            default_storage.delete(stored)
    return name


def _document(
    release: Release, unit: Unit, *, parent: Document | None, warnings: list[str]
) -> tuple[Document, list[Unit]]:
    """Build (unsaved) the document of a unit, with the units of its attachments."""
    digest = hashlib.sha256(unit.data).hexdigest()
    sniffed = sniff(unit.data, unit.name)
    document = Document(
        release=release,
        request_id=release.request_id,
        parent=parent,
        original_name=unit.name[:500],
        source=unit.source[:1000],
        size=len(unit.data),
        sha256=digest,
        media_type=sniffed.media_type,
        warnings=list(warnings),
    )
    attachments: list[Unit] = []
    if sniffed.kind == "email":
        parsed = parse_email(unit.data)
        document.kind = Kind.EMAIL
        document.sender = parsed.sender[:500]
        document.recipients = ", ".join(parsed.to)
        document.cc = ", ".join(parsed.cc)
        document.sent_at = parsed.date
        document.subject = parsed.subject[:1000]
        document.message_id = parsed.message_id[:500]
        document.in_reply_to = parsed.in_reply_to[:500]
        document.text = parsed.text
        document.warnings += parsed.warnings
        for index, attachment in enumerate(parsed.attachments):
            name = attachment.filename or f"attachment-{index + 1}"
            attachments.append(Unit(f"{unit.source}/attachment/{index}", name, attachment.data))
    elif sniffed.kind == "pdf":
        pdf = parse_pdf(unit.data)
        document.kind = Kind.PDF
        document.page_count = pdf.page_count
        document.text = pdf.text
        document.warnings += pdf.warnings
    elif sniffed.kind == "text":
        from .ingest.charsets import decode_text

        document.kind = Kind.TEXT
        document.text = decode_text(unit.data).text
    else:
        document.kind = Kind.OTHER
    # PostgreSQL text cannot hold NUL characters; they carry no meaning in extracted text.
    document.text = document.text.replace("\x00", "")
    return document, attachments


def _ingest_unit(
    release: Release, unit: Unit, report: IngestReport, *, parent: Document | None = None
) -> None:
    """Store one unit (and, for an email, its attachments) in one go, or record why not."""
    if not unit.data:
        report.error(unit.source, "is empty")
        return
    if len(unit.data) > settings.DOCUMENT_MAX_FILE_BYTES:
        report.error(unit.source, f"is {len(unit.data):,} bytes, over the limit")
        return
    try:
        document, attachments = _document(release, unit, parent=parent, warnings=[])
    except PdfEncrypted:
        report.error(unit.source, "is an encrypted PDF: ask the agency for an unencrypted copy")
        return
    except (PdfError, ParseError, EmptyInput) as exc:
        report.error(unit.source, f"cannot be read: {exc}")
        return
    duplicate = Document.objects.filter(
        request_id=release.request_id, sha256=document.sha256
    ).first()
    if duplicate is not None:
        report.duplicate(
            unit.source, f"same bytes as “{duplicate}” ({duplicate.source}): stored once"
        )
        return
    document.file.name = _store(release.request_id, document.sha256, unit.data)
    document.full_clean(validate_unique=False, validate_constraints=False)
    document.save()
    report.ingested += 1
    for attachment in attachments:
        _ingest_unit(release, attachment, report, parent=document)


def release_ingest(
    *,
    release_id: int,
    paths: Sequence[Path | str],
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Ingest the files at `paths` into a release. Safe to run again, or after a crash."""
    report = IngestReport()
    Release.objects.filter(pk=release_id).update(ingestion=Release.Ingestion.INGESTING)
    release = Release.objects.select_related("request").get(pk=release_id)
    done_sources = set(release.documents.values_list("source", flat=True))
    try:
        total = count_units(paths)
        Release.objects.filter(pk=release_id).update(files_total=total, files_done=0, errors=[])
        done = 0
        for unit in expand(paths, report):
            if unit.source in done_sources:
                report.already += 1
            else:
                try:
                    with transaction.atomic():
                        _ingest_unit(release, unit, report)
                except IntegrityError:
                    # A concurrent run stored the same unit first: nothing is lost or doubled.
                    report.already += 1
            done += 1
            if done % 50 == 0 or done == total:
                Release.objects.filter(pk=release_id).update(files_done=done)
                if progress:
                    progress(done, total)
    except Exception as exc:
        log.exception("ingestion of release %s failed", release_id)
        report.error("(ingestion)", f"stopped: {exc}")
        Release.objects.filter(pk=release_id).update(
            ingestion=Release.Ingestion.FAILED, errors=report.problems
        )
        raise
    state = Release.Ingestion.DONE_WITH_ERRORS if report.errors else Release.Ingestion.DONE
    Release.objects.filter(pk=release_id).update(
        ingestion=state, files_total=done, files_done=done, errors=report.problems
    )
    return report


def count_units(paths: Sequence[Path | str]) -> int:
    """How many units the inputs hold, cheaply, for the progress bar: mailbox messages are
    counted by their "From " lines and archives by their members (nested ones count once)."""
    import zipfile

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
