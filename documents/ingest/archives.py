"""Walk a zip archive, and the zips inside it, refusing what is hostile.

A release often arrives as one zip of mail folders, sometimes zips within the zip. Each member is
read (within limits) and handed to the caller as bytes, which alone decides where to store it,
under its storage root and under names of its own. Only one member is held at a time: it is
decompressed into an anonymous temporary file (never named, gone when closed) and read from
there once, so a member costs its own size in memory, not twice; a nested archive is walked
straight from its temporary file and is never held in memory at all.

What is refused, each with an :class:`ArchiveError` and the walk going on with the next entry:
names that climb out (``../x``, ``a/../../x``), absolute names (``/etc/passwd``, ``C:\\x``,
``\\\\server\\share``), symbolic links and other special files (Unix mode in ``external_attr``),
encrypted entries, entries bigger than ``max_file_bytes`` (declared or actually), damaged entries,
and zips nested deeper than ``max_depth``. A nested zip is recognised by its bytes, not its name;
office documents and e-books that are zips inside (``.docx``, ``.odt``, ``.epub``) stay files.

More entries than ``max_files`` (counted over the archive and every archive nested in it): the
first ones are read, and one ``ArchiveError`` (``TOO_MANY_FILES``) says how many were left out.

What stops the whole walk, with one last ``ArchiveError`` whose ``fatal`` is true: more than
``max_total_bytes`` expanded in all, or an archive bomb, i.e. an entry that
expands more than ``max_ratio`` times its compressed size (or the archive as a whole more than that
times its own size). Sizes are counted on the bytes actually decompressed, read in chunks, so a
header that lies about sizes gains nothing. The limits are shared by the archive and every archive
nested in it.

Plain Python, no Django.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from os import PathLike
from typing import BinaryIO, NoReturn

from documents.ingest.sniff import office_media_type, sniff

__all__ = [
    "ArchiveEntry",
    "ArchiveError",
    "ArchiveLimits",
    "ArchiveProblem",
    "iter_zip",
]

_MB = 1024 * 1024
_CHUNK_BYTES = 64 * 1024
_SNIFF_BYTES = 64 * 1024
_DRIVE = re.compile(r"[A-Za-z]:")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
#: General-purpose flag bits (APPNOTE 4.4.4): 0 encrypted, 6 strong encryption.
_ENCRYPTED_FLAGS = 0x1 | 0x40


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an archive may hold. Defaults suit one release of agency records."""

    max_file_bytes: int = 100 * _MB
    max_total_bytes: int = 1024 * _MB
    max_files: int = 10_000
    max_ratio: float = 100
    max_depth: int = 3
    #: Entries that expand to less than this are exempt from the ratio check: a few hundred
    #: kilobytes of repetitive text legitimately compress more than 100 to 1.
    ratio_grace_bytes: int = 1 * _MB


class ArchiveProblem(StrEnum):
    """Why an entry, or the whole archive, was refused."""

    TRAVERSAL = "traversal"
    ABSOLUTE_PATH = "absolute_path"
    INVALID_NAME = "invalid_name"
    LINK = "link"
    SPECIAL_FILE = "special_file"
    ENCRYPTED = "encrypted"
    TOO_LARGE = "too_large"
    DAMAGED_ENTRY = "damaged_entry"
    UNSUPPORTED = "unsupported"
    TOO_DEEP = "too_deep"
    UNREADABLE_ARCHIVE = "unreadable_archive"
    TOO_MANY_FILES = "too_many_files"
    TOTAL_TOO_LARGE = "total_too_large"
    BOMB = "bomb"


@dataclass(frozen=True)
class ArchiveEntry:
    """One file from the archive: its normalised POSIX path (nested archives as folders)."""

    path: str
    data: bytes


@dataclass(frozen=True)
class ArchiveError:
    """One refused entry, or (``fatal``) the reason the whole walk stopped."""

    path: str
    reason: str
    problem: ArchiveProblem
    fatal: bool = False


def iter_zip(
    source: bytes | str | PathLike[str] | BinaryIO,
    limits: ArchiveLimits | None = None,
    *,
    name: str = "",
) -> Iterator[ArchiveEntry | ArchiveError]:
    """Yield every file of the zip ``source`` (bytes, a path, or a seekable binary stream).

    ``name`` (the uploaded file's name, say ``outer.zip``) prefixes every path, so a member of a
    nested archive comes out as ``outer.zip/inner.zip/mail/1.eml``. Directory entries are skipped.
    """
    walk = _Walk(limits or ArchiveLimits())
    try:
        yield from walk.archive(source, name, depth=1)
    except _Stop as stop:
        yield stop.error


class _Stop(Exception):
    def __init__(self, error: ArchiveError) -> None:
        super().__init__(error.reason)
        self.error = error


class _Walk:
    """The budget shared by an archive and everything nested in it."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.files = 0
        self.total_bytes = 0
        self.outer_size = 0

    def archive(
        self, source: bytes | str | PathLike[str] | BinaryIO, path: str, *, depth: int
    ) -> Iterator[ArchiveEntry | ArchiveError]:
        try:
            archive, size = _open(source)
        except Exception as exc:  # BadZipFile, but also OSError, EOFError, ValueError on damage
            yield ArchiveError(
                path,
                f"not a readable zip archive: {_describe(exc)}",
                ArchiveProblem.UNREADABLE_ARCHIVE,
                fatal=depth == 1,
            )
            return
        if depth == 1:
            self.outer_size = size
        with archive:
            members = [info for info in archive.infolist() if not _is_directory(info)]
            room = max(0, self.limits.max_files - self.files)
            for info in members[:room]:
                self.files += 1
                yield from self._member(archive, info, path, size, depth=depth)
            if len(members) > room:
                yield ArchiveError(
                    path,
                    f"archive has {len(members):,} files; only the first {room:,} were read "
                    f"(a limit of {self.limits.max_files:,} files in all, nested archives "
                    "included)",
                    ArchiveProblem.TOO_MANY_FILES,
                )

    def _member(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, prefix: str, size: int, *, depth: int
    ) -> Iterator[ArchiveEntry | ArchiveError]:
        relative, refusal = _normalise(info.filename)
        if refusal is not None:
            problem, reason = refusal
            yield ArchiveError(_join(prefix, _printable(info.filename)), reason, problem)
            return
        path = _join(prefix, relative)
        refusal = self._refuse_by_header(info)
        if refusal is not None:
            problem, reason = refusal
            yield ArchiveError(path, reason, problem)
            return
        with tempfile.TemporaryFile() as expanded:
            try:
                self._read(archive, info, path, size, into=expanded)
            except _Refused as refused:
                yield ArchiveError(path, refused.reason, refused.problem)
                return
            # By the bytes; and a .docx is a zip that stays a file.
            if not _is_archive(expanded):
                expanded.seek(0)
                data = expanded.read()
                expanded.close()  # its disk space back before the caller takes its time
                yield ArchiveEntry(path, data)
            elif depth + 1 > self.limits.max_depth:
                yield ArchiveError(
                    path,
                    f"archive nested more than {self.limits.max_depth} deep; not opened",
                    ArchiveProblem.TOO_DEEP,
                )
            else:
                yield from self.archive(expanded, path, depth=depth + 1)

    def _refuse_by_header(self, info: zipfile.ZipInfo) -> tuple[ArchiveProblem, str] | None:
        file_type = stat.S_IFMT(info.external_attr >> 16)
        if file_type == stat.S_IFLNK:
            return ArchiveProblem.LINK, "symbolic link: links are not followed or stored"
        if file_type not in (0, stat.S_IFREG):
            return ArchiveProblem.SPECIAL_FILE, "special file (device, FIFO or socket), not data"
        if info.flag_bits & _ENCRYPTED_FLAGS:
            return ArchiveProblem.ENCRYPTED, "encrypted entry: needs a password"
        if info.file_size > self.limits.max_file_bytes:
            return ArchiveProblem.TOO_LARGE, (
                f"declares {info.file_size} bytes, over the limit of "
                f"{self.limits.max_file_bytes} bytes per file"
            )
        return None

    def _read(
        self,
        archive: zipfile.ZipFile,
        info: zipfile.ZipInfo,
        path: str,
        archive_size: int,
        *,
        into: BinaryIO,
    ) -> None:
        limits = self.limits
        # A lying header can claim a huge compressed size to hide a bomb's ratio; it cannot
        # exceed the archive that holds it.
        compressed = max(1, min(info.compress_size, archive_size))
        expanded = 0
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK_BYTES):
                    expanded += len(chunk)
                    total = self.total_bytes + expanded
                    if total > limits.max_total_bytes:
                        self._stop(
                            path,
                            f"more than {limits.max_total_bytes} bytes expanded in all",
                            ArchiveProblem.TOTAL_TOO_LARGE,
                        )
                    if (
                        expanded > limits.ratio_grace_bytes
                        and expanded > limits.max_ratio * compressed
                    ):
                        self._stop(
                            path,
                            f"archive bomb: {compressed} compressed bytes expand past "
                            f"{expanded} (more than {limits.max_ratio:g} to 1)",
                            ArchiveProblem.BOMB,
                        )
                    # Many entries each under the grace size, or entries sharing their
                    # compressed data, add up: the whole archive obeys the ratio too.
                    if (
                        total > limits.ratio_grace_bytes
                        and total > limits.max_ratio * self.outer_size
                    ):
                        self._stop(
                            path,
                            f"archive bomb: a {self.outer_size}-byte archive expands past "
                            f"{total} bytes (more than {limits.max_ratio:g} to 1)",
                            ArchiveProblem.BOMB,
                        )
                    if expanded > limits.max_file_bytes:
                        raise _Refused(
                            ArchiveProblem.TOO_LARGE,
                            f"expands past the limit of {limits.max_file_bytes} bytes per file "
                            f"(declared {info.file_size})",
                        )
                    into.write(chunk)
        except (_Stop, _Refused):
            raise
        except NotImplementedError as exc:
            raise _Refused(ArchiveProblem.UNSUPPORTED, f"cannot decompress: {exc}") from exc
        except Exception as exc:  # BadZipFile (bad CRC, overlap), zlib.error, EOFError, ...
            raise _Refused(ArchiveProblem.DAMAGED_ENTRY, f"damaged: {_describe(exc)}") from exc
        finally:
            self.total_bytes += expanded

    def _stop(self, path: str, reason: str, problem: ArchiveProblem) -> NoReturn:
        raise _Stop(ArchiveError(path, reason, problem, fatal=True))


class _Refused(Exception):
    def __init__(self, problem: ArchiveProblem, reason: str) -> None:
        super().__init__(reason)
        self.problem = problem
        self.reason = reason


def _open(source: bytes | str | PathLike[str] | BinaryIO) -> tuple[zipfile.ZipFile, int]:
    """The archive opened for reading, and its size in bytes. Paths are only ever read."""
    if isinstance(source, bytes):
        return zipfile.ZipFile(io.BytesIO(source)), len(source)
    if isinstance(source, str | PathLike):
        return zipfile.ZipFile(os.fspath(source)), os.stat(source).st_size
    size = source.seek(0, io.SEEK_END)
    source.seek(0)
    return zipfile.ZipFile(source), size


def _normalise(name: str) -> tuple[str, tuple[ArchiveProblem, str] | None]:
    """The member name as a clean relative POSIX path, or why it is refused."""
    if _CONTROL_CHARS.search(name):  # NUL truncates names in C; newlines forge log and CSV rows
        return "", (ArchiveProblem.INVALID_NAME, "name contains control characters")
    posix = name.replace("\\", "/")  # zips made on Windows use backslashes; refuse both ways
    if posix.startswith("/") or _DRIVE.match(posix):
        return "", (ArchiveProblem.ABSOLUTE_PATH, "absolute path: names must be relative")
    parts: list[str] = []
    for part in posix.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return "", (ArchiveProblem.TRAVERSAL, "path climbs out of the archive (..)")
            parts.pop()
        else:
            parts.append(part)
    if not parts:
        return "", (ArchiveProblem.INVALID_NAME, "empty name")
    return "/".join(parts), None


def _is_archive(stream: BinaryIO) -> bool:
    """Whether an expanded member is a zip to walk, by its bytes: an office document or e-book is
    a zip that stays a file. Judged on its first bytes and its member names, never read whole."""
    stream.seek(0)
    if sniff(stream.read(_SNIFF_BYTES)).kind != "zip":  # ODF and EPUB show in their first bytes
        return False
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as inner:
            names = inner.namelist()
    except Exception:  # damaged: the walk into it reports why
        return True
    return office_media_type(names) is None


def _is_directory(info: zipfile.ZipInfo) -> bool:
    return info.is_dir() or stat.S_IFMT(info.external_attr >> 16) == stat.S_IFDIR


def _join(prefix: str, path: str) -> str:
    return f"{prefix}/{path}" if prefix else path


def _printable(name: str) -> str:
    return _CONTROL_CHARS.sub("?", name)


def _describe(exc: BaseException) -> str:
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
