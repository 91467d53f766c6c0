"""Page count and text of a PDF, with pypdf.

Agencies release PDFs of every vintage: scanned images with no text layer, "secured" files that
restrict printing but open without a password (an empty user password), files really locked with
one, and files damaged in transfer. This module opens what can be opened and says clearly why the
rest cannot: :class:`PdfEncrypted` (a password is needed) or :class:`PdfUnreadable` (damaged, or
not a PDF). Every pypdf failure is turned into one of those, never leaked.

Text is extracted page by page and joined with form feeds (``\\f``), so page *n* of the text is
``text.split("\\f")[n - 1]``. Only the first ``max_pages`` pages are read for text, so one
pathological file cannot hold an ingestion worker for hours; the page count is still the full one.

Plain Python, no Django.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

__all__ = [
    "DEFAULT_MAX_PAGES",
    "ParsedPdf",
    "PdfEncrypted",
    "PdfError",
    "PdfUnreadable",
    "parse_pdf",
]

DEFAULT_MAX_PAGES = 2000
PAGE_SEPARATOR = "\f"


class PdfError(Exception):
    """A PDF that cannot be read; ``str()`` says why in words for staff."""


class PdfEncrypted(PdfError):
    """The PDF is encrypted and does not open without a password."""


class PdfUnreadable(PdfError):
    """The file is damaged, truncated, or not a PDF at all."""


@dataclass
class ParsedPdf:
    page_count: int
    text: str
    warnings: list[str] = field(default_factory=list)


def parse_pdf(data: bytes, *, max_pages: int = DEFAULT_MAX_PAGES) -> ParsedPdf:
    """Open ``data`` as a PDF and return its page count and text (see the module docstring)."""
    if not data:
        raise PdfUnreadable("empty file")
    warnings: list[str] = []
    with _pypdf_warnings_into(warnings):
        try:
            return _parse(data, max_pages=max_pages, warnings=warnings)
        except PdfError:
            raise
        except DependencyError as exc:
            # pypdf needs the `cryptography` package for AES; without it no AES file opens, not
            # even one whose user password is empty.
            raise PdfEncrypted(
                f"encrypted with AES, which this installation cannot open ({exc})"
            ) from exc
        except FileNotDecryptedError as exc:
            raise PdfEncrypted(f"encrypted: {exc}") from exc
        except RecursionError as exc:
            raise PdfUnreadable(
                "damaged PDF: objects nest or refer to one another endlessly"
            ) from exc
        except Exception as exc:  # besides PyPdfError, pypdf raises KeyError, ValueError, ...
            if b"%%EOF" not in data[-2048:]:
                raise PdfUnreadable(
                    f"truncated PDF: no %%EOF end marker ({_describe(exc)})"
                ) from exc
            raise PdfUnreadable(f"damaged PDF: {_describe(exc)}") from exc


def _parse(data: bytes, *, max_pages: int, warnings: list[str]) -> ParsedPdf:
    if b"%PDF-" not in data[:1024]:
        raise PdfUnreadable("not a PDF: no %PDF- header in the first 1024 bytes")
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        if not reader.decrypt(""):
            raise PdfEncrypted("encrypted: a password is needed to open it")
        warnings.append("encrypted with an empty user password (restrictions only); opened")
    page_count = len(reader.pages)
    texts: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        if number > max_pages:
            warnings.append(f"text taken from the first {max_pages} of {page_count} pages only")
            break
        try:
            texts.append(page.extract_text() or "")
        except Exception as exc:  # one bad content stream should not cost the other pages
            warnings.append(f"page {number}: text could not be extracted ({_describe(exc)})")
            texts.append("")
    text = PAGE_SEPARATOR.join(texts).replace("\x00", "")
    if page_count and not text.replace(PAGE_SEPARATOR, "").strip():
        warnings.append("no text layer (a scan or images only?): no text extracted")
    return ParsedPdf(page_count=page_count, text=text, warnings=list(dict.fromkeys(warnings)))


def _describe(exc: BaseException) -> str:
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


class _ThreadWarnings(logging.Handler):
    """Collects the warnings pypdf logs while this thread parses (it logs, it does not warn)."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.WARNING)
        self._sink = sink
        self._thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self._thread:
            self._sink.append(f"PDF structure: {record.getMessage()}")


@contextmanager
def _pypdf_warnings_into(sink: list[str]) -> Iterator[None]:
    logger = logging.getLogger("pypdf")
    handler = _ThreadWarnings(sink)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
