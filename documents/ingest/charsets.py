"""Turn bytes of uncertain charset into text, never raising.

Released records arrive with bodies whose declared charset is missing (8-bit bytes under the
RFC 2045 default of US-ASCII), wrong (``us-ascii`` over Windows-1252 smart quotes), or unknown to
Python (``unknown-8bit``, ``x-mac-roman``). The text is still wanted for search, so this module
decodes what it can and says what it guessed:

1. a declared charset Python knows is used strictly, widened to the superset mail clients actually
   mean (ISO-8859-1 -> Windows-1252, GB2312 -> GB18030, ...; the WHATWG Encoding Standard's labels);
2. otherwise, or if the bytes are not valid in it: UTF-8; then UTF-8 with replacement characters if
   the bytes are nearly all valid UTF-8 (a truncated or damaged sequence or two); then Windows-1252;
   then Latin-1, which decodes any byte.

Plain Python, no Django.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

__all__ = ["DecodedText", "decode_text"]

#: Charset labels mapped to the superset that mail software really writes under them.
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "big5": "big5hkscs",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
}
_ASCII_LABELS = frozenset({"us-ascii", "ascii", "ansi_x3.4-1968", "us", "iso646-us"})


class DecodedText(NamedTuple):
    """Decoded text, the codec actually used, and a warning when the charset had to be guessed."""

    text: str
    charset: str
    warning: str | None = None


def decode_text(data: bytes, declared: str | None = None) -> DecodedText:
    """Decode ``data``, trusting ``declared`` (a MIME charset label) as far as the bytes allow."""
    label = (declared or "").strip().strip("\"'").lower()
    # Every charset a mailer would declare agrees with ASCII on ASCII bytes; the exceptions
    # (UTF-16/32, UTF-7, EBCDIC) do not, so those still go through their codec.
    if data.isascii() and not _is_ascii_incompatible(label):
        return DecodedText(data.decode("ascii"), "us-ascii")
    if label and label not in _ASCII_LABELS:
        codec = _text_codec(_SUPERSETS.get(label, label))
        if codec is None:
            reason = f"unknown charset {declared!r}"
        else:
            try:
                return DecodedText(data.decode(codec), codec)
            except (UnicodeDecodeError, LookupError):
                reason = f"bytes are not valid {declared}"
            if codec == "cp1252":  # ISO-8859-1 declared and 0x81/0x8d/0x8f/0x90/0x9d present
                return DecodedText(data.decode("latin-1"), "latin-1")
    elif label:
        reason = f"declared charset {declared} but 8-bit bytes present"
    else:
        reason = "undeclared charset"
    text, codec = _guess(data)
    return DecodedText(text, codec, f"{reason}, decoded as {codec}")


def _guess(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd")
    # Multi-byte characters that did decode: real UTF-8 has many of these and few replacements;
    # a single-byte charset's accented letters almost never form valid UTF-8 sequences.
    valid_multibyte = sum(1 for char in lenient if char > "\x7f" and char != "\ufffd")
    if valid_multibyte and damaged <= max(1, valid_multibyte // 10):
        return lenient, "utf-8"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _text_codec(label: str) -> str | None:
    """The Python codec for a charset label, or None if unknown or not a text encoding."""
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # codecs also registers bytes-to-bytes transforms (zlib, base64, rot13): never a charset.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _is_ascii_incompatible(label: str) -> bool:
    codec = _text_codec(_SUPERSETS.get(label, label)) or ""
    return codec.startswith(("utf-16", "utf-32", "utf-7", "cp037", "cp500", "cp1140"))
