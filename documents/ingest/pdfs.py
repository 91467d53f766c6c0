"""Page count and text of a PDF, with pypdf.

Agencies release PDFs of every vintage: scanned images with no text layer, "secured" files that
restrict printing but open without a password (an empty user password), files really locked with
one, and files damaged in transfer. This module opens what can be opened and says clearly why the
rest cannot: :class:`PdfEncrypted` (a password is needed) or :class:`PdfUnreadable` (damaged, or
not a PDF). Every pypdf failure is turned into one of those, never leaked.

Text is extracted page by page and joined with form feeds (``\\f``), so page *n* of the text is
``text.split("\\f")[n - 1]``. Only the first ``max_pages`` pages are read for text, and no more
than ``max_text`` characters kept, so one pathological file cannot hold an ingestion worker for
hours; the page count is still the full one. ``ParsedPdf.stopped`` says why reading stopped early.

With ``page_seconds``, the text is extracted in a child process (``python -m
documents.ingest.pdfs``) that sends each page's text as it is done; a page that takes longer is
not waited for: the child is killed and the pages before it are kept. A child process, because
nothing else stops pypdf in the middle of a page: its time goes into parsing content streams
and fonts before any callback runs, a thread cannot be killed, and an alarm signal works only in
a main thread and competes with the signals Celery's own time limits use. The child costs one
interpreter start per PDF, and its memory (a content stream that inflates to gigabytes) is its
own, gone when it ends. ``total_seconds`` bounds the whole document the same way.

Plain Python, no Django.
"""

from __future__ import annotations

import io
import json
import logging
import os
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

__all__ = [
    "DEFAULT_MAX_PAGES",
    "ParsedPdf",
    "PdfEncrypted",
    "PdfError",
    "PdfStop",
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


class PdfStop(StrEnum):
    """Why text was taken from only part of the document."""

    PAGES = "pages"  # max_pages reached
    TEXT = "text"  # max_text characters reached
    PAGE_TIME = "page_time"  # one page took longer than page_seconds
    TOTAL_TIME = "total_time"  # the document took longer than total_seconds


@dataclass
class ParsedPdf:
    page_count: int
    text: str
    warnings: list[str] = field(default_factory=list)
    #: Why reading stopped before the last page, and at which page (1-based), if it did.
    stopped: PdfStop | None = None
    stopped_at: int = 0


def parse_pdf(
    data: bytes,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_text: int | None = None,
    page_seconds: float | None = None,
    total_seconds: float | None = None,
) -> ParsedPdf:
    """Open ``data`` as a PDF and return its page count and text (see the module docstring)."""
    if not data:
        raise PdfUnreadable("empty file")
    if page_seconds is not None or total_seconds is not None:
        return _parse_in_child(
            data,
            max_pages=max_pages,
            max_text=max_text,
            page_seconds=page_seconds,
            total_seconds=total_seconds,
        )
    return _parse_here(data, max_pages=max_pages, max_text=max_text)


def _parse_here(data: bytes, *, max_pages: int, max_text: int | None) -> ParsedPdf:
    warnings: list[str] = []
    with _pypdf_warnings_into(warnings):
        try:
            page_count, pages = _open(data, warnings)
            texts: list[str] = []
            for text in pages:
                texts.append(text)
                if (stop := _limit_reached(texts, page_count, max_pages, max_text)) is not None:
                    return _parsed(page_count, texts, warnings, stop, len(texts) + 1)
            return _parsed(page_count, texts, warnings)
        except PdfError:
            raise
        except Exception as exc:
            raise _as_pdf_error(exc, data) from exc


def _open(data: bytes, warnings: list[str]) -> tuple[int, Iterator[str]]:
    """The page count, and the text of each page in turn (extracted as it is asked for)."""
    if b"%PDF-" not in data[:1024]:
        raise PdfUnreadable("not a PDF: no %PDF- header in the first 1024 bytes")
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        if not reader.decrypt(""):
            raise PdfEncrypted("encrypted: a password is needed to open it")
        warnings.append("encrypted with an empty user password (restrictions only); opened")

    def texts() -> Iterator[str]:
        for number, page in enumerate(reader.pages, start=1):
            try:
                yield (page.extract_text() or "").replace("\x00", "")
            except Exception as exc:  # one bad content stream should not cost the other pages
                warnings.append(f"page {number}: text could not be extracted ({_describe(exc)})")
                yield ""

    return len(reader.pages), texts()


def _limit_reached(
    texts: list[str], page_count: int, max_pages: int, max_text: int | None
) -> PdfStop | None:
    """Whether to read no further after the pages in ``texts`` (cutting the last page's text so
    the joined text, separators included, holds no more than ``max_text`` characters)."""
    joined = sum(len(text) for text in texts) + len(texts) - 1
    if max_text is not None and joined >= max_text:
        over = joined - max_text
        if over:
            texts[-1] = texts[-1][: max(0, len(texts[-1]) - over)]
        if over or len(texts) < page_count:
            return PdfStop.TEXT
    if len(texts) >= max_pages and len(texts) < page_count:
        return PdfStop.PAGES
    return None


def _parsed(
    page_count: int,
    texts: list[str],
    warnings: list[str],
    stop: PdfStop | None = None,
    stopped_at: int = 0,
) -> ParsedPdf:
    text = PAGE_SEPARATOR.join(texts)
    if stop is PdfStop.PAGES:
        warnings.append(f"text taken from the first {len(texts)} of {page_count} pages only")
    if page_count and not text.replace(PAGE_SEPARATOR, "").strip():
        warnings.append("no text layer (a scan or images only?): no text extracted")
    return ParsedPdf(
        page_count=page_count,
        text=text,
        warnings=list(dict.fromkeys(warnings)),
        stopped=stop,
        stopped_at=stopped_at if stop is not None else 0,
    )


# -- in a child process ----------------------------------------------------------------------------

#: The folder that holds the ``documents`` package, for the child's import path.
_CODE_ROOT = Path(__file__).resolve().parents[2]
#: How long the child may take to start (an interpreter and pypdf): generous, a loaded machine
#: can be slow; not the PDF's time.
_START_SECONDS = 120


def _parse_in_child(
    data: bytes,
    *,
    max_pages: int,
    max_text: int | None,
    page_seconds: float | None,
    total_seconds: float | None,
) -> ParsedPdf:
    """The same reading as ``_parse_here``, done by a child that is killed when a page (or the
    whole) takes too long; the child's messages are JSON lines: that it is ready, its page
    count, each page's text, then its warnings, or the error that stopped it. The clocks start
    once it is ready: starting an interpreter on a busy machine is no fault of the PDF's."""
    child = subprocess.Popen(
        [sys.executable, "-m", "documents.ingest.pdfs"],  # run from its folder: -m finds it
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=_CODE_ROOT,
    )
    try:
        if child.stdin is None or child.stdout is None:  # pragma: no cover - both are pipes
            raise ChildProcessError("no pipes to the process reading the PDF")
        messages = _Messages(child.stdout)
        if messages.next(timeout=_START_SECONDS) != {"ready": True}:
            raise ChildProcessError(
                f"the process reading PDFs did not start within {_START_SECONDS} s"
            )
        try:
            child.stdin.write(data)
            child.stdin.close()
        except BrokenPipeError:
            pass  # it died reading; its exit is reported below
        started = time.monotonic()
        page_count = 0
        texts: list[str] = []
        warnings: list[str] = []
        while True:
            waits = [s for s in (page_seconds,) if s is not None]
            if total_seconds is not None:
                waits.append(max(0.0, total_seconds - (time.monotonic() - started)))
            message = messages.next(timeout=min(waits))
            if message is None:  # out of time
                if total_seconds is not None and time.monotonic() - started >= total_seconds:
                    late = PdfStop.TOTAL_TIME
                else:
                    late = PdfStop.PAGE_TIME
                if not page_count and not texts:
                    raise PdfUnreadable(f"opening the PDF took longer than {min(waits):g} s")
                return _parsed(page_count, texts, warnings, late, len(texts) + 1)
            if "error" in message:
                error = PdfEncrypted if message["error"] == "encrypted" else PdfUnreadable
                raise error(message["reason"])
            if "page_count" in message:
                page_count = message["page_count"]
            elif "text" in message:
                texts.append(message["text"])
                warnings += message["warnings"]
                if (stop := _limit_reached(texts, page_count, max_pages, max_text)) is not None:
                    return _parsed(page_count, texts, warnings, stop, len(texts) + 1)
            elif "warnings" in message:
                return _parsed(page_count, texts, warnings + message["warnings"])
            else:  # the child ended without a word: killed (memory), or crashed
                raise PdfUnreadable(
                    f"damaged PDF: reading it stopped abruptly (exit status {child.wait()})"
                )
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()


class _Messages:
    """Newline-ended JSON messages from the child's stdout, each awaited at most ``timeout``."""

    def __init__(self, stream: Any) -> None:
        self._fd = stream.fileno()
        self._buffer = b""
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._fd, selectors.EVENT_READ)

    def next(self, *, timeout: float) -> dict[str, Any] | None:
        """The next message; ``{}`` at the end of the stream; None when the time is up."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                return None
            chunk = os.read(self._fd, 1024 * 1024)
            if not chunk:
                return {}
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        message: dict[str, Any] = json.loads(line)
        return message


def _child_main() -> None:
    """The child: reads the PDF from stdin, writes its messages to stdout (see above)."""
    out = sys.stdout

    def send(message: dict[str, Any]) -> None:
        out.write(json.dumps(message) + "\n")
        out.flush()

    send({"ready": True})
    data = sys.stdin.buffer.read()

    warnings: list[str] = []

    def new_warnings() -> list[str]:  # each is sent once, with the page that raised it
        sent = list(warnings)
        warnings.clear()
        return sent

    with _pypdf_warnings_into(warnings):
        try:
            page_count, pages = _guarded(lambda: _open(data, warnings), data)
            send({"page_count": page_count})
            iterator = iter(pages)
            while (text := _guarded(lambda: next(iterator, None), data)) is not None:
                send({"text": text, "warnings": new_warnings()})
        except PdfError as exc:
            kind = "encrypted" if isinstance(exc, PdfEncrypted) else "unreadable"
            send({"error": kind, "reason": str(exc)})
            return
    send({"warnings": new_warnings()})


def _guarded(step: Any, data: bytes) -> Any:
    """Runs one step of reading, every pypdf failure turned into a PdfError."""
    try:
        return step()
    except PdfError:
        raise
    except Exception as exc:
        raise _as_pdf_error(exc, data) from exc


def _as_pdf_error(exc: BaseException, data: bytes) -> PdfError:
    if isinstance(exc, DependencyError):
        # pypdf needs the `cryptography` package for AES; without it no AES file opens, not
        # even one whose user password is empty.
        return PdfEncrypted(f"encrypted with AES, which this installation cannot open ({exc})")
    if isinstance(exc, FileNotDecryptedError):
        return PdfEncrypted(f"encrypted: {exc}")
    if isinstance(exc, RecursionError):
        return PdfUnreadable("damaged PDF: objects nest or refer to one another endlessly")
    # besides PyPdfError, pypdf raises KeyError, ValueError, ...
    if b"%%EOF" not in data[-2048:]:
        return PdfUnreadable(f"truncated PDF: no %%EOF end marker ({_describe(exc)})")
    return PdfUnreadable(f"damaged PDF: {_describe(exc)}")


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


if __name__ == "__main__":
    _child_main()
