"""Parse one email message (RFC 5322 / MIME) into what a Document stores, and stream an mbox.

Released mail is often old, forwarded, exported and re-exported, so everything here tolerates
damage: the standard library's ``email`` package parses with ``policy.default``; any header it
cannot parse is read again with the legacy (``compat32``) decoder; bodies are decoded through
:mod:`documents.ingest.charsets`; and every defect found becomes a human-readable line in
``ParsedEmail.warnings`` rather than an exception. A file with no header fields at all is read as
plain text, with a warning. Only empty input (:class:`EmptyInput`), binary data without headers,
and structures too deep for the parser (:class:`ParseError`) are refused.

Attached messages (``message/rfc822``) are not looked into: they are returned as attachments of kind
``email`` carrying their own bytes, so the caller ingests each as a document of its own. Only the
first ``max_attachments`` are decoded and returned; ``ParsedEmail.attachments_found`` counts them
all, so the caller can say how many were left out.

Plain Python, no Django.
"""

from __future__ import annotations

import io
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import errors as email_errors
from email import policy
from email.generator import BytesGenerator
from email.header import decode_header, make_header
from email.headerregistry import BaseHeader
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from os import PathLike
from typing import Any, BinaryIO, Literal

from documents.ingest.charsets import decode_text

__all__ = [
    "MAX_MIME_DEPTH",
    "NO_HEADERS_WARNING",
    "Attachment",
    "AttachmentKind",
    "EmptyInput",
    "ParseError",
    "ParsedEmail",
    "html_to_text",
    "iter_mbox",
    "parse_email",
]

#: MIME trees deeper than this are not walked further (real mail nests a handful of levels; a
#: crafted message can nest thousands to exhaust the stack).
MAX_MIME_DEPTH = 50

AttachmentKind = Literal["email", "file"]

NO_HEADERS_WARNING = "no header fields: the whole file is read as plain text"

_POLICY = policy.default
#: Regenerating an attached message: keep its header lines as they came, do not refold them.
_REGENERATE_POLICY = policy.default.clone(refold_source="none")
_UNFOLD = re.compile(r"\r\n|\r|\n")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})
_STATUS_TYPES = frozenset(
    {"message/delivery-status", "message/disposition-notification", "message/global-headers"}
)

_DEFECT_TEXT: tuple[tuple[type[email_errors.MessageDefect], str], ...] = (
    (email_errors.StartBoundaryNotFoundDefect, "broken MIME: a multipart's boundary never starts"),
    (email_errors.CloseBoundaryNotFoundDefect, "broken MIME: a multipart's end boundary is absent"),
    (email_errors.NoBoundaryInMultipartDefect, "broken MIME: a multipart has no boundary"),
    (email_errors.MultipartInvariantViolationDefect, "broken MIME: a multipart has no parts"),
    (
        email_errors.InvalidMultipartContentTransferEncodingDefect,
        "broken MIME: a multipart declares a content-transfer-encoding other than 7bit/8bit/binary",
    ),
    (
        email_errors.MissingHeaderBodySeparatorDefect,
        "malformed header: a line in the header block is not a header field; the body starts there",
    ),
    (
        email_errors.FirstHeaderLineIsContinuationDefect,
        "malformed header: the first header line is a continuation line",
    ),
    (
        email_errors.MisplacedEnvelopeHeaderDefect,
        "malformed header: a 'From ' envelope line inside the header block",
    ),
    (email_errors.InvalidBase64PaddingDefect, "bad base64 in a body part: wrong padding"),
    (email_errors.InvalidBase64CharactersDefect, "bad base64 in a body part: invalid characters"),
    (email_errors.InvalidBase64LengthDefect, "bad base64 in a body part: invalid length"),
)


class ParseError(Exception):
    """The input cannot be read as an email message at all."""


class EmptyInput(ParseError):
    """The input is empty."""


@dataclass
class Attachment:
    """One attached file, or (kind ``email``) one attached message with its own bytes."""

    filename: str
    content_type: str
    data: bytes
    kind: AttachmentKind = "file"


@dataclass
class ParsedEmail:
    """The metadata, text and attachments of one message, plus what was wrong with it."""

    sender: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    date: datetime | None = None
    subject: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Every attachment the message holds, including those beyond ``max_attachments``.
    attachments_found: int = 0


def parse_email(data: bytes, *, max_attachments: int | None = None) -> ParsedEmail:
    """Parse the bytes of one message; see the module docstring for what is tolerated."""
    if not data:
        raise EmptyInput("empty file")
    try:
        message = BytesParser(policy=_POLICY).parsebytes(data)
    except RecursionError as exc:
        raise ParseError("MIME structure nested too deeply to parse") from exc
    except Exception as exc:  # the feed parser is meant never to raise; guard against its bugs
        raise ParseError(f"unparseable message: {exc}") from exc
    headerless = not message.keys()
    if headerless and b"\x00" in data[:8192]:
        raise ParseError("binary data with no header fields: not an email message")
    try:
        parsed = _read(message, max_attachments)
    except RecursionError as exc:
        raise ParseError("MIME structure nested too deeply to read") from exc
    except Exception as exc:  # a parser bug must cost one file, not the whole ingestion
        raise ParseError(f"message could not be read: {exc!r}") from exc
    if headerless:  # e.g. an .eml whose headers were cut off: keep its text rather than lose it
        parsed.warnings = [NO_HEADERS_WARNING]
    return parsed


def _read(message: Message, max_attachments: int | None) -> ParsedEmail:
    warnings: list[str] = []
    headers = _Headers(message, warnings)
    senders = headers.addresses("From")
    parsed = ParsedEmail(
        sender=senders[0] if senders else "",
        to=headers.addresses("To"),
        cc=headers.addresses("Cc"),
        date=headers.date(),
        subject=headers.text("Subject"),
        message_id=headers.text("Message-ID"),
        in_reply_to=headers.text("In-Reply-To"),
        warnings=warnings,
    )
    if len(senders) > 1:
        warnings.append(f"From holds {len(senders)} addresses; the first is taken as the sender")
    body = _BodyWalker(parsed, max_attachments)
    pieces = body.walk(message, depth=0, body=True)
    parsed.text = _clean("\n\n".join(piece.strip("\n") for piece in pieces if piece.strip()))
    parsed.warnings = list(dict.fromkeys(_clean(warning) for warning in warnings))
    return parsed


def iter_mbox(source: str | PathLike[str] | BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Yield ``(index, raw message bytes)`` for each message of an mbox, numbered from 0.

    Reads line by line, holding one message at a time, so a mailbox of any size streams. A message
    starts at a ``From `` line that opens the file or follows an empty line *and* is followed by a
    header line (so a body line "From the desk of..." after a paragraph break does not split a
    message). The envelope line itself is dropped, as is the empty line mbox writers put before the
    next envelope. Body lines escaped as ``>From `` (mboxo) or ``>>From `` (mboxrd) lose one ``>``.
    Text before the first envelope line, if any, is yielded as a message of its own.
    """
    if isinstance(source, str | PathLike):
        with open(source, "rb") as stream:
            yield from _iter_mbox_stream(stream)
    else:
        yield from _iter_mbox_stream(source)


# -- headers ---------------------------------------------------------------------------------------


class _Headers:
    """Reads header fields from their raw source, one parser at a time, recording defects."""

    def __init__(self, message: Message, warnings: list[str]) -> None:
        self._raw: dict[str, list[str]] = {}
        for name, value in message.raw_items():
            self._raw.setdefault(name.lower(), []).append(str(value))
        self._warnings = warnings

    def text(self, name: str) -> str:
        values = self._values(name)
        if not values:
            return ""
        if len(values) > 1:
            self._warnings.append(f"malformed header: {len(values)} {name} fields; first used")
        header = self._parse(name, values[0])
        text = str(header) if header is not None else _legacy_decode(values[0])
        return _clean(text).strip()

    def addresses(self, name: str) -> list[str]:
        found: list[str] = []
        for value in self._values(name):
            header = self._parse(name, value)
            addresses = getattr(header, "addresses", None)  # None if the header did not parse
            if addresses is None:
                pairs = _legacy_addresses(value)
            else:
                pairs = [(address.display_name, address.addr_spec) for address in addresses]
                # "addr@host (Full Name)": the modern parser drops the comment, the legacy keeps it.
                if "(" in value and len(legacy := _legacy_addresses(value)) == len(pairs):
                    pairs = [
                        (display or legacy_display, addr)
                        for (display, addr), (legacy_display, _) in zip(pairs, legacy, strict=True)
                    ]
            found.extend(_display_address(display, addr) for display, addr in pairs)
        return [_clean(address) for address in found if address]

    def date(self) -> datetime | None:
        values = self._values("Date")
        if not values:
            return None
        value = values[0]
        header = self._parse("Date", value, report_defects=False)
        moment: datetime | None = getattr(header, "datetime", None)
        if moment is None:
            try:
                moment = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError, OverflowError):
                self._warnings.append(f"malformed header: Date {value.strip()!r} is not a date")
                return None
        if moment.tzinfo is None:  # "-0000": RFC 5322 3.3, the time is UTC, the zone unknown
            self._warnings.append("Date has no time zone (-0000); taken as UTC")
            moment = moment.replace(tzinfo=UTC)
        return moment

    def _values(self, name: str) -> list[str]:
        """Every ``name`` field, unfolded, with raw 8-bit bytes decoded."""
        values = []
        for raw in self._raw.get(name.lower(), []):
            value = _UNFOLD.sub("", raw)
            if _SURROGATE.search(value):
                # Bytes outside ASCII with no encoded-word: UTF-8 per RFC 6532, or legacy 8-bit.
                decoded = decode_text(value.encode("utf-8", "surrogateescape"))
                if decoded.charset != "utf-8":
                    self._warnings.append(
                        f"malformed header: raw 8-bit bytes in {name}, decoded as {decoded.charset}"
                    )
                value = decoded.text
            values.append(value)
        return values

    def _parse(self, name: str, value: str, *, report_defects: bool = True) -> BaseHeader | None:
        try:
            header = _POLICY.header_factory(name, value)
        except Exception as exc:  # parser bugs on hostile input: fall back to the legacy decoder
            self._warnings.append(f"malformed header: {name} could not be parsed ({exc})")
            return None
        if report_defects:
            for defect in header.defects:
                if not isinstance(defect, email_errors.ObsoleteHeaderDefect):
                    self._warnings.append(f"malformed header: {name}: {defect}")
        return header


def _legacy_decode(value: str) -> str:
    """Decode RFC 2047 encoded-words the compat32 way; the raw value if even that fails."""
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # unknown charset, broken base64, ...
        return value


def _legacy_addresses(value: str) -> list[tuple[str, str]]:
    return [pair for pair in getaddresses([_legacy_decode(value)]) if pair[0] or pair[1]]


def _display_address(display: str, addr: str) -> str:
    display = " ".join(display.split())
    addr = "" if addr == "<>" else addr  # the null return path of bounces: nobody to name
    if display and addr:
        return f"{display} <{addr}>"
    return addr or display


# -- body and attachments --------------------------------------------------------------------------


class _BodyWalker:
    """Walks the MIME tree: returns body text pieces, appends attachments and defect warnings."""

    def __init__(self, parsed: ParsedEmail, max_attachments: int | None) -> None:
        self._parsed = parsed
        self._warnings = parsed.warnings
        self._max_attachments = max_attachments

    def _room_for_one_more(self) -> bool:
        """Counts an attachment; False when it is beyond the limit (then it is not decoded)."""
        self._parsed.attachments_found += 1
        return (
            self._max_attachments is None or len(self._parsed.attachments) < self._max_attachments
        )

    def walk(self, part: Message, *, depth: int, body: bool) -> list[str]:
        """Body text of ``part`` (only if ``body``); attachments are collected either way."""
        if depth > MAX_MIME_DEPTH:
            self._warnings.append(f"MIME nested deeper than {MAX_MIME_DEPTH} levels; rest skipped")
            return []
        try:
            return self._walk(part, depth=depth, body=body)
        finally:
            self._record_defects(part)

    def _walk(self, part: Message, *, depth: int, body: bool) -> list[str]:
        content_type = _content_type(part)
        if content_type in _MESSAGE_TYPES:
            self._attach_message(part)
            return []
        payload = part.get_payload()
        if content_type in _STATUS_TYPES:
            return [_status_text(part)] if body else []
        if content_type == "message/external-body":
            self._warnings.append("a message/external-body part refers to content not included")
            return []
        if isinstance(payload, list):
            children = [child for child in payload if isinstance(child, Message)]
            if content_type == "multipart/alternative" and children:
                chosen = _pick_alternative(children)
                pieces: list[str] = []
                for index, child in enumerate(children):
                    pieces += self.walk(child, depth=depth + 1, body=body and index == chosen)
                return pieces
            return [
                piece
                for child in children
                for piece in self.walk(child, depth=depth + 1, body=body)
            ]
        if _is_attachment(part) or not _is_textual(content_type):
            self._attach_leaf(part, content_type)
            return []
        if not body:
            return []
        return [self._leaf_text(part, content_type)]

    def _leaf_text(self, part: Message, content_type: str) -> str:
        decoded = decode_text(_payload_bytes(part), _charset(part))
        if decoded.warning:
            self._warnings.append(f"{decoded.warning} ({content_type} body)")
        text = _UNFOLD.sub("\n", decoded.text)  # CRLF and bare CR line ends, as in the source
        if content_type == "text/html":
            return html_to_text(text)
        return text

    def _attach_leaf(self, part: Message, content_type: str) -> None:
        if not self._room_for_one_more():
            return
        data = _payload_bytes(part)
        filename = _safe_filename(_filename(part))
        if not filename:
            extension = mimetypes.guess_extension(content_type) or ".bin"
            filename = f"attachment-{len(self._parsed.attachments) + 1}{extension}"
        self._parsed.attachments.append(Attachment(filename, content_type, data))

    def _attach_message(self, part: Message) -> None:
        if not self._room_for_one_more():
            return
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            data = _message_bytes(inner)
            subject = _Headers(inner, []).text("Subject")
        else:  # e.g. a base64-encoded message/rfc822, which the parser leaves undecoded
            data = _payload_bytes(part)
            subject = ""
        filename = _safe_filename(_filename(part))
        if not filename:
            stem = _safe_filename(subject)[:100].strip() or "attached message"
            filename = f"{stem}.eml"
        self._parsed.attachments.append(Attachment(filename, "message/rfc822", data, "email"))

    def _record_defects(self, part: Message) -> None:
        for defect in part.defects:
            self._warnings.append(_defect_text(defect))


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # an unparseable Content-Type: RFC 2045 5.2 says treat it as text/plain
        return "text/plain"


def _is_textual(content_type: str) -> bool:
    # A multipart that failed to split (no boundary) is kept as text so its content is not lost.
    return content_type.startswith(("text/", "multipart/"))


def _is_attachment(part: Message) -> bool:
    try:
        return part.get_content_disposition() == "attachment" or bool(_filename(part))
    except Exception:
        return False


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        return ""
    return _clean(name) if isinstance(name, str) else ""


def _charset(part: Message) -> str | None:
    try:
        charset = part.get_content_charset()
    except Exception:
        return None
    return charset if isinstance(charset, str) else None


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # decoding never should raise; keep going with nothing rather than fail
        return b""
    return data if isinstance(data, bytes) else b""


def _message_bytes(message: Message) -> bytes:
    """The bytes of an attached message, regenerated from the parse with its headers unrefolded."""
    buffer = io.BytesIO()
    generator: BytesGenerator[Any] = BytesGenerator(
        buffer, mangle_from_=False, policy=_REGENERATE_POLICY
    )
    try:
        generator.flatten(message)
    except Exception:  # a header the modern policy cannot re-emit: fall back to the legacy one
        buffer = io.BytesIO()
        legacy: BytesGenerator[Any] = BytesGenerator(
            buffer, mangle_from_=False, policy=policy.compat32
        )
        legacy.flatten(message)
    return buffer.getvalue()


def _status_text(part: Message) -> str:
    """A delivery report's per-recipient blocks as ``Name: value`` lines."""
    blocks = part.get_payload()
    if not isinstance(blocks, list):
        return decode_text(_payload_bytes(part)).text
    return "\n\n".join(
        "\n".join(f"{name}: {_UNFOLD.sub('', str(value))}" for name, value in block.raw_items())
        for block in blocks
        if isinstance(block, Message)
    )


def _pick_alternative(children: list[Message]) -> int:
    """Index of the alternative to read: the last with plain text, else with HTML, else the last."""
    for subtype in ("text/plain", "text/html"):
        for index in reversed(range(len(children))):
            if _has_body_text(children[index], subtype, depth=0):
                return index
    return len(children) - 1


def _has_body_text(part: Message, content_type: str, *, depth: int) -> bool:
    if depth > MAX_MIME_DEPTH:
        return False
    payload = part.get_payload()
    if isinstance(payload, list):
        if _content_type(part) in _MESSAGE_TYPES:
            return False
        return any(
            _has_body_text(child, content_type, depth=depth + 1)
            for child in payload
            if isinstance(child, Message)
        )
    return (
        _content_type(part) == content_type
        and not _is_attachment(part)
        and bool(_payload_bytes(part).strip())
    )


def _defect_text(defect: email_errors.MessageDefect) -> str:
    for defect_class, text in _DEFECT_TEXT:
        if isinstance(defect, defect_class):
            return text
    if isinstance(defect, email_errors.HeaderDefect):
        return f"malformed header: {defect}"
    detail = f": {defect}" if str(defect) else ""
    return f"MIME defect {type(defect).__name__}{detail}"


def _safe_filename(name: str) -> str:
    """The last path component of a declared name, without control characters: names are data."""
    name = _UNSAFE_NAME_CHARS.sub("", name.replace("\\", "/")).rsplit("/", 1)[-1].strip()
    return "" if name in {".", ".."} else name[:255]


def _clean(text: str) -> str:
    """Text safe to store: lone surrogates re-decoded, NULs (PostgreSQL rejects them) dropped."""
    if _SURROGATE.search(text):
        text = decode_text(text.encode("utf-8", "surrogateescape")).text
        text = _SURROGATE.sub("\ufffd", text)
    return text.replace("\x00", "")


# -- HTML ------------------------------------------------------------------------------------------


class _HtmlText(HTMLParser):
    _BLOCKS = frozenset(
        {
            *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
            *("fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4"),
            *("h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section"),
            *("table", "td", "th", "tr", "ul", "title"),
        }
    )
    _HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth += 1
        elif tag in self._BLOCKS:
            self._break()
        if tag == "pre":
            self._pre_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in self._BLOCKS:
            self._break()
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        if not self._pre_depth:
            # Outside <pre>, line breaks in the source are just spaces (whitespace collapsing),
            # and a block's text does not start with one.
            data = re.sub(r"\s+", " ", data)
            if not self.pieces or self.pieces[-1].endswith("\n"):
                data = data.lstrip()
        self.pieces.append(data)

    def _break(self) -> None:
        if self.pieces:
            self.pieces[-1] = self.pieces[-1].rstrip(" ")
        self.pieces.append("\n")


def html_to_text(html: str) -> str:
    """The visible text of an HTML body: tags, scripts and styles removed, blocks on their lines."""
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; never let a body fail the message
        return re.sub(r"<[^>]*>", " ", html)
    text = "\n".join(line.rstrip() for line in "".join(parser.pieces).splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# -- mbox ------------------------------------------------------------------------------------------

_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
_ESCAPED_FROM = re.compile(rb">+From ")
_BLANK_LINES = (b"\n", b"\r\n")


def _iter_mbox_stream(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    index = 0
    lines: list[bytes] = []
    after_blank = True  # the start of the file counts as a message boundary
    envelope: bytes | None = None  # a "From " line waiting for the next line to confirm it

    def finish() -> bytes | None:
        if lines and lines[-1] in _BLANK_LINES:
            lines.pop()  # the separator mbox writers put before the next envelope line
        message = b"".join(lines)
        lines.clear()
        return message if message.strip() else None

    for line in stream:
        if envelope is not None:
            if _HEADER_LINE.match(line):
                message = finish()
                if message is not None:
                    yield index, message
                    index += 1
            else:
                lines.append(envelope)  # an unescaped "From " in a body, not a new message
            envelope = None
        if after_blank and line.startswith(b"From "):
            envelope = line
            after_blank = False
            continue
        if _ESCAPED_FROM.match(line):
            line = line[1:]
        lines.append(line)
        after_blank = line in _BLANK_LINES
    message = finish()
    if message is not None:
        yield index, message
