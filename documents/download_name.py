"""The file name an original is offered under, and the Content-Disposition header that carries it.

A document's name is data: it came from an upload, an archive member, a MIME part or staff's
typing, so it may hold path separators (``../../evil<script>.html``), control and bidirectional
override characters (``invoice\u202efdp.exe`` reads as ``invoiceexe.pdf``), characters Windows
refuses, or hundreds of characters. The name offered is its last component with those removed or
replaced, bounded in length with its extension kept, and never empty; the header gives an ASCII
name for old clients and the whole name in UTF-8 (RFC 6266 section 4.3, RFC 8187, which RFC 5987
became).

Plain Python, no Django.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

__all__ = ["MAX_BYTES", "MAX_CHARACTERS", "content_disposition", "download_filename"]

#: At most this many characters, and this many bytes in UTF-8: file systems take 255 bytes, and a
#: browser adds " (1)" to a name it already has.
MAX_CHARACTERS = 150
MAX_BYTES = 240
#: Characters no file name may hold on common systems (Windows' list; "/" everywhere).
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
#: Windows device names, refused as a name's stem whatever the extension.
_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)
#: An extension worth keeping when a name is cut: a dot and up to 12 letters or digits.
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,12}$")


def _invisible(character: str) -> bool:
    """Control, format (bidirectional overrides, zero-width), separator and unassigned
    characters: none belongs in a name, and some make one read as another."""
    return unicodedata.category(character) in {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def _cleaned(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    # The last path component, whichever separator the name's system used.
    name = re.split(r"[/\\]", name)[-1]
    # Line breaks, tabs and other spaces become one space; the other invisible characters go.
    name = "".join(" " if c.isspace() else "" if _invisible(c) else c for c in name)
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r" {2,}", " ", name)
    # No hidden file, no "." or "..", nothing Windows drops silently.
    return name.strip(" .")


def _bounded(name: str) -> str:
    """The name cut to MAX_CHARACTERS and MAX_BYTES, keeping its extension."""
    if len(name) <= MAX_CHARACTERS and len(name.encode()) <= MAX_BYTES:
        return name
    match = _EXTENSION.search(name)
    extension = match.group() if match else ""
    stem = name[: len(name) - len(extension)]
    stem = stem[: MAX_CHARACTERS - len(extension)]
    while len((stem + extension).encode()) > MAX_BYTES:
        stem = stem[:-1]
    return stem.rstrip(" .") + extension


def download_filename(original_name: str, *, extension: str = "", fallback: str) -> str:
    """The name to offer ``original_name`` under: safe on every common system, at most
    ``MAX_CHARACTERS`` characters and ``MAX_BYTES`` UTF-8 bytes, ending in ``extension`` (".eml")
    when given and missing, and ``fallback`` (plain ASCII, e.g. "document-12") when nothing of
    the name is left."""
    name = _cleaned(original_name)
    if extension and not name.lower().endswith(extension.lower()):
        name = f"{name}{extension}" if name else ""
    if not name or name.lower() == extension.lower():
        name = fallback + extension
    stem = name.split(".", 1)[0]
    if stem.lower() in _DEVICES:
        name = f"_{name}"
    return _bounded(name)


def _ascii_fallback(filename: str, fallback: str) -> str:
    """The name in printable ASCII for a client that does not read ``filename*``: accents
    dropped (é -> e), anything else replaced; quotes, backslashes and percent signs too, which
    clients read inside a quoted string in different ways. A name with no letter or digit left
    (one written in another script) becomes ``fallback`` with the name's extension."""
    decomposed = unicodedata.normalize("NFKD", filename)
    ascii_name = "".join(
        c if " " <= c <= "~" and c not in '"\\%' else "_"
        for c in decomposed
        if not unicodedata.combining(c)
    )
    ascii_name = re.sub(r"_{2,}", "_", ascii_name)
    match = _EXTENSION.search(ascii_name)
    extension = match.group() if match else ""
    if not re.search(r"[A-Za-z0-9]", ascii_name[: len(ascii_name) - len(extension)]):
        return fallback + extension
    return ascii_name


def content_disposition(filename: str, *, fallback: str) -> str:
    """``attachment`` with the file name: ``filename="..."`` always, and ``filename*=UTF-8''...``
    as well when the name is not plain ASCII (RFC 6266 section 4.3: both, the extended one
    after). ``fallback`` (plain ASCII) stands in for a name with nothing left in ASCII."""
    ascii_name = _ascii_fallback(filename, fallback)
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header
