"""Tell what a file is from its bytes, not its name.

Staff upload releases whose names lie (``.txt`` that is an email, ``.eml`` that is a zip, no
extension at all), so the kind is decided from the content; the name only breaks a tie between plain
text and a header-less message (``.eml``) or mailbox (``.mbox``).

Plain Python, no Django.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
from collections.abc import Iterable
from typing import Literal, NamedTuple

__all__ = [
    "MEDIA_TYPES",
    "MediaKind",
    "Sniffed",
    "looks_like_header_block",
    "office_media_type",
    "sniff",
]

MediaKind = Literal["pdf", "zip", "mbox", "email", "text", "other"]

MEDIA_TYPES: dict[MediaKind, str] = {
    "pdf": "application/pdf",
    "zip": "application/zip",
    "mbox": "application/mbox",
    "email": "message/rfc822",
    "text": "text/plain",
    "other": "application/octet-stream",
}

#: How far into the file the checks look. A header block longer than this (mailing-list mail with
#: dozens of Received lines can reach several kilobytes) is judged on the part that fits.
_SAMPLE_BYTES = 64 * 1024
#: Acrobat accepts the ``%PDF-`` marker anywhere in the first kilobyte (PDF 32000-1, annex H.3).
_PDF_MARKER_WINDOW = 1024

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
#: A header field: a name of printable ASCII other than the colon, a colon, a value (RFC 5322 2.2).
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
#: At least one of these must be present for a header block to count as a message's.
_MESSAGE_FIELDS = frozenset({b"from", b"date", b"subject", b"message-id", b"mime-version"})
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MEDIA_TYPE = re.compile(rb"application/[A-Za-z0-9.+-]+")
_OOXML_TYPES = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_CONTROL_BYTES = bytes(byte for byte in range(0x20) if byte not in b"\t\n\r\f\x1b")


class Sniffed(NamedTuple):
    """What a file is: its kind for the ingestion pipeline and the media type to store."""

    kind: MediaKind
    media_type: str


def sniff(data: bytes, filename: str = "") -> Sniffed:
    """Return the kind and media type of ``data``.

    A zip that is really an office document or e-book (``.docx``, ``.xlsx``, ``.pptx``, ``.odt``,
    ``.epub``) is ``other`` with the document's own media type, so it is stored, not unpacked.

    Order matters: binary signatures first (PDF at offset 0, zip), then the mail formats, then a
    ``%PDF-`` marker later in the first kilobyte (so an email quoting ``%PDF-`` in its body stays an
    email), then text. An empty file is ``other``: the caller reports empty files itself.
    """
    if data.startswith(b"%PDF-"):
        return _result("pdf")
    if data.startswith(_ZIP_MAGICS):
        document_type = _zipped_document_type(data)
        if document_type is not None:  # a .docx or .odt is a file to keep, not a folder to open
            return Sniffed("other", document_type)
        return _result("zip")
    sample = data[:_SAMPLE_BYTES]
    truncated = len(data) > _SAMPLE_BYTES
    body = sample.removeprefix(codecs.BOM_UTF8)
    if body.startswith(b"From "):
        _, _, rest = body.partition(b"\n")
        if looks_like_header_block(rest, truncated=truncated, min_fields=1):
            return _result("mbox")
    elif looks_like_header_block(body, truncated=truncated):
        return _result("email")
    if b"%PDF-" in data[:_PDF_MARKER_WINDOW]:
        return _result("pdf")
    if _is_text(sample):
        name = filename.lower()
        if name.endswith(".eml") and sample.strip():
            return _result("email")
        if name.endswith((".mbox", ".mbx")) and body.startswith(b"From "):
            return _result("mbox")
        return _result("text")
    return _result("other")


def looks_like_header_block(data: bytes, *, truncated: bool = False, min_fields: int = 2) -> bool:
    """Whether ``data`` opens with an RFC 5322 header block.

    That is: ``min_fields`` or more ``Name: value`` lines (folded continuation lines allowed), one
    of them a field every message carries (From, Date, Subject, Message-ID, MIME-Version), then an
    empty line. If ``truncated``, the sample was cut short and a block still open at its end counts.
    """
    names: list[bytes] = []
    lines = data.split(b"\n")
    if truncated:
        lines = lines[:-1]  # the last line may be cut in the middle
    for line in lines:
        line = line.removesuffix(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if not names:
                return False  # a continuation line with nothing to continue
            continue
        if not _HEADER_LINE.match(line):
            return False
        names.append(line.split(b":", 1)[0].strip().lower())
    else:
        if not truncated:
            return False  # no empty line ends the block
    return len(names) >= min_fields and not _MESSAGE_FIELDS.isdisjoint(names)


def _is_text(sample: bytes) -> bool:
    """UTF-16 with a byte-order mark, or bytes with no NUL and almost no control characters.

    Only C0 controls other than tab, line ends, form feed and escape (ISO-2022 uses it) count
    against text: bytes from 0x80 up are characters in UTF-8 and in every legacy single-byte
    charset (Windows-1252, Latin-1), so text in any of them passes.
    """
    if not sample:
        return False
    if sample.startswith(_BOMS[1:]):
        return True
    if b"\x00" in sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls <= len(sample) * 0.02


def _zipped_document_type(data: bytes) -> str | None:
    """The media type of a document that is a zip inside (OOXML, OpenDocument, EPUB), or None."""
    # OpenDocument and EPUB open with an uncompressed member "mimetype" holding the media type
    # (ODF 1.2 part 3, 3.3; EPUB OCF 3.0, 4.3): read it straight from the first local header.
    if data[30:38] == b"mimetype":
        name_length, extra_length = struct.unpack_from("<HH", data, 26)
        (size,) = struct.unpack_from("<I", data, 18)
        start = 30 + name_length + extra_length
        declared = data[start : start + min(size, 100)]
        if _MEDIA_TYPE.fullmatch(declared):
            return declared.decode("ascii")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except Exception:  # damaged: the archive walker reports it
        return None
    return office_media_type(names)


def office_media_type(names: Iterable[str]) -> str | None:
    """The media type of an Office Open XML document (ECMA-376 part 2) with these member names,
    or None: a zip holding ``[Content_Types].xml`` and a ``word/``, ``xl/`` or ``ppt/`` folder."""
    names = list(names)
    if "[Content_Types].xml" in names:
        for folder, media_type in _OOXML_TYPES.items():
            if any(name.startswith(folder) for name in names):
                return media_type
    return None


def _result(kind: MediaKind) -> Sniffed:
    return Sniffed(kind, MEDIA_TYPES[kind])
