"""A document's original: the stored bytes it was made from, checked before they are handed out,
the name they are offered under, and the record of every download.

What "the original" is, by kind of document (ingestion stores each one's bytes once per
request, named by their SHA-256: documents.services):

- a file uploaded as itself (a PDF, a text, a spreadsheet): its bytes as uploaded;
- a member of an uploaded zip: the member's bytes as unpacked (the archive is not kept);
- an email, uploaded as a message or read from a mailbox: the whole message as RFC 822 text
  (``.eml``), attachments included, as it stood in the mailbox without its ``From `` envelope
  line (the mbox escaping of body lines undone);
- an attachment: the decoded bytes of its MIME part, the file as the sender attached it (an
  attached message: that message, ``.eml``);
- a document withheld in full: none; staff enter it by hand, with no file.

The bytes are read back and checked against their recorded size and SHA-256 before any is
handed out: a changed or missing file is never served as the released record. Each download
is recorded by documents.services.download_record.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from documents.download_name import content_disposition, download_filename
from documents.models import Document

log = logging.getLogger(__name__)

_CHUNK = 1024 * 1024
#: What a stored media type must look like to be sent as the Content-Type (type/subtype, no
#: parameters): ingestion writes only such values, this keeps it so whatever a row holds.
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&.+^_-]*/[a-z0-9][a-z0-9!#$&.+^_-]*$")
#: The extension an original of this kind must carry for a mail or PDF reader to open it.
_EXTENSIONS = {Document.Kind.EMAIL: ".eml", Document.Kind.PDF: ".pdf"}


class OriginalUnavailable(Exception):
    """The stored bytes of a document are missing, unreadable, or not the bytes recorded; the
    message completes "its stored file ..."."""


def original_media_type(document: Document) -> str:
    media_type = document.media_type.strip().lower()
    return media_type if _MEDIA_TYPE.match(media_type) else "application/octet-stream"


def original_filename(document: Document) -> str:
    """The safe name the original is offered under (documents.download_name)."""
    return download_filename(
        document.original_name,
        extension=_EXTENSIONS.get(Document.Kind(document.kind), ""),
        fallback=f"document-{document.pk}",
    )


def original_content_disposition(document: Document) -> str:
    return content_disposition(original_filename(document), fallback=f"document-{document.pk}")


def original_description(document: Document) -> str:
    """What a link to the original says it is: its kind and size, "PDF, 1.2 MB" (a file of no
    kind we read: its extension, "XLSX, 20 KB")."""
    kind = Document.Kind(document.kind)
    label = str(kind.label)
    if kind == Document.Kind.OTHER:
        extension = Path(original_filename(document)).suffix.lstrip(".").upper()
        label = extension or "file"
    return f"{label}, {filesizeformat(document.size)}"


def original_path(document: Document) -> Path:
    """Where the original lies: inside MEDIA_ROOT, or OriginalUnavailable."""
    name = document.file.name
    if not name:
        raise _unavailable(document, "(none)", "is not recorded")
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if root not in path.parents:
        raise _unavailable(document, path, "is recorded outside MEDIA_ROOT")
    return path


def original_open(document: Document) -> BinaryIO:
    """The original, open at its first byte, once its size and SHA-256 are checked (read in
    chunks, never whole). The caller streams from this very handle, so the bytes sent are the
    bytes checked even if the file were replaced by a rename meanwhile (stored files are
    content-addressed and written once, never rewritten in place). Raises OriginalUnavailable, with
    a line in the log naming the document and the file."""
    path = original_path(document)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise _unavailable(document, path, f"cannot be opened ({exc.strerror or exc})") from exc
    try:
        _check(document, path, handle)
    except BaseException:
        handle.close()
        raise
    return handle


def _check(document: Document, path: Path, handle: BinaryIO) -> None:
    try:
        size = os.fstat(handle.fileno()).st_size
        if size != document.size:
            raise _unavailable(
                document, path, f"holds {size:,} bytes, not the {document.size:,} recorded"
            )
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
        handle.seek(0)
    except OSError as exc:
        raise _unavailable(document, path, f"cannot be read ({exc.strerror or exc})") from exc
    if digest.hexdigest() != document.sha256:
        raise _unavailable(document, path, "does not hash to its recorded SHA-256")


def _unavailable(document: Document, path: Path | str, reason: str) -> OriginalUnavailable:
    log.error(
        "original of document %s (%s, SHA-256 %s): its stored file %s %s; run manage.py "
        "verify_documents and restore the file from a backup",
        document.pk,
        document.original_name,
        document.sha256,
        path,
        reason,
    )
    return OriginalUnavailable(reason)
