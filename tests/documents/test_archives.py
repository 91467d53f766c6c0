"""Zip walking: hostile archives are built here, in memory, with zipfile (and a few patched bytes).

Each hostile entry must produce its own ArchiveError while the good entries around it still come
out; the limits that stop a whole walk must stop it; and nothing may ever be written to disk.
"""

from __future__ import annotations

import builtins
import io
import os
import random
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest

from documents.ingest.archives import (
    ArchiveEntry,
    ArchiveError,
    ArchiveLimits,
    ArchiveProblem,
    iter_zip,
)

P = ArchiveProblem
MB = 1024 * 1024
MAIL = b"From: a@example.org\nSubject: hello\n\nbody\n"


def make_zip(members, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of ``members``: (name or ZipInfo, bytes) pairs, in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for member, data in members:
            archive.writestr(member, data)
    return buffer.getvalue()


def unix_entry(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix
    info.external_attr = mode << 16
    return info


def incompressible(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def patch_entry(data: bytes, name: str, **fields: int) -> bytes:
    """Overwrite header fields of entry ``name`` in both its local and central headers.

    Fields: ``flag_bits``, ``compress_type``, ``compress_size``, ``file_size``: what a hostile or
    damaged archive can claim that zipfile would never write.
    """
    layout = {  # offsets in the local header / the central directory header, and struct format
        "flag_bits": (6, 8, "<H"),
        "compress_type": (8, 10, "<H"),
        "compress_size": (18, 20, "<I"),
        "file_size": (22, 24, "<I"),
    }
    patched = bytearray(data)
    local = zipfile.ZipFile(io.BytesIO(data)).getinfo(name).header_offset
    central = -1
    while (central := data.find(b"PK\x01\x02", central + 1)) != -1:
        (name_length,) = struct.unpack_from("<H", data, central + 28)
        if data[central + 46 : central + 46 + name_length] == name.encode():
            break
    assert central != -1
    for field, value in fields.items():
        local_offset, central_offset, fmt = layout[field]
        struct.pack_into(fmt, patched, local + local_offset, value)
        struct.pack_into(fmt, patched, central + central_offset, value)
    return bytes(patched)


def walk(source, limits=None, **kwargs):
    return list(iter_zip(source, limits or ArchiveLimits(), **kwargs))


def problems(results):
    return [(r.path, r.problem, r.fatal) for r in results if isinstance(r, ArchiveError)]


def entries(results):
    return [(r.path, r.data) for r in results if isinstance(r, ArchiveEntry)]


# -- names and entry types -------------------------------------------------------------------------


def test_hostile_names_and_links_are_refused_one_by_one_and_the_rest_is_read():
    archive = make_zip(
        [
            ("mail/", b""),  # a directory entry: skipped
            ("mail/1.eml", MAIL),
            ("../../evil.txt", b"x"),
            ("a/../../b.txt", b"x"),
            ("/etc/passwd", b"x"),
            ("C:\\Windows\\x.txt", b"x"),
            ("\\\\server\\share\\y.txt", b"x"),
            ("..\\..\\win-evil.txt", b"x"),
            (unix_entry("link-to-etc", 0o120777), b"/etc"),
            (unix_entry("fifo", 0o010644), b""),
            ("./mail//2.eml", MAIL),
            ("a/../3.txt", b"three"),
            ("forged\nline.txt", b"x"),
            (unix_entry("unix-regular.txt", 0o100644), b"regular"),
        ]
    )

    results = walk(archive)

    assert entries(results) == [
        ("mail/1.eml", MAIL),
        ("mail/2.eml", MAIL),
        ("3.txt", b"three"),  # climbs inside the archive only: normalised
        ("unix-regular.txt", b"regular"),
    ]
    assert problems(results) == [
        ("../../evil.txt", P.TRAVERSAL, False),
        ("a/../../b.txt", P.TRAVERSAL, False),
        ("/etc/passwd", P.ABSOLUTE_PATH, False),
        ("C:\\Windows\\x.txt", P.ABSOLUTE_PATH, False),
        ("\\\\server\\share\\y.txt", P.ABSOLUTE_PATH, False),
        ("..\\..\\win-evil.txt", P.TRAVERSAL, False),
        ("link-to-etc", P.LINK, False),
        ("fifo", P.SPECIAL_FILE, False),
        ("forged?line.txt", P.INVALID_NAME, False),
    ]
    reasons = {r.path: r.reason for r in results if isinstance(r, ArchiveError)}
    assert reasons["../../evil.txt"] == "path climbs out of the archive (..)"
    assert reasons["/etc/passwd"] == "absolute path: names must be relative"
    assert reasons["link-to-etc"] == "symbolic link: links are not followed or stored"


def test_encrypted_entry_is_refused():
    # zipfile cannot write encrypted entries; setting the "encrypted" flag bit (APPNOTE 4.4.4,
    # bit 0) in both headers is what the reader sees in a real ZipCrypto archive.
    archive = make_zip([("secret.txt", b"hidden"), ("open.txt", b"visible")])
    archive = patch_entry(archive, "secret.txt", flag_bits=0x1)

    results = walk(archive)

    assert problems(results) == [("secret.txt", P.ENCRYPTED, False)]
    assert entries(results) == [("open.txt", b"visible")]


def test_unsupported_compression_method_is_refused():
    archive = make_zip([("deflate64.bin", b"x" * 100), ("ok.txt", b"ok")])
    archive = patch_entry(archive, "deflate64.bin", compress_type=9)  # Deflate64: not in zipfile

    results = walk(archive)

    assert problems(results) == [("deflate64.bin", P.UNSUPPORTED, False)]
    assert entries(results) == [("ok.txt", b"ok")]


# -- sizes, bombs and counts -----------------------------------------------------------------------


def test_entry_declaring_more_than_the_file_limit_is_refused_alone():
    archive = make_zip([("big.bin", incompressible(3000)), ("small.txt", b"small")])

    results = walk(archive, ArchiveLimits(max_file_bytes=2000))

    assert problems(results) == [("big.bin", P.TOO_LARGE, False)]
    assert results[0].reason == "declares 3000 bytes, over the limit of 2000 bytes per file"
    assert entries(results) == [("small.txt", b"small")]


def test_entry_lying_about_its_size_is_caught_on_the_bytes():
    data = incompressible(3000)
    archive = make_zip([("liar.bin", data), ("ok.txt", b"ok")])
    archive = patch_entry(archive, "liar.bin", file_size=10)

    results = walk(archive, ArchiveLimits(max_file_bytes=2000))

    # zipfile stops at the declared size, and the CRC of the real bytes then does not match.
    assert problems(results) == [("liar.bin", P.DAMAGED_ENTRY, False)]
    assert "Bad CRC-32" in results[0].reason
    assert entries(results) == [("ok.txt", b"ok")]


def test_zip_bomb_stops_the_walk():
    archive = make_zip(
        [("before.txt", b"before"), ("zeros.bin", bytes(10 * MB)), ("after.txt", b"after")]
    )
    assert len(archive) < 20_000  # 10 MB of zeros deflate to about 10 kB

    results = walk(archive)

    assert entries(results) == [("before.txt", b"before")]
    assert problems(results) == [("zeros.bin", P.BOMB, True)]
    assert results[-1].reason.startswith("archive bomb: ")


def test_zip_bomb_lying_about_its_compressed_size_gains_nothing():
    # Claiming more compressed bytes than the archive holds (to dilute the ratio) makes zipfile
    # run off the end of the data: the entry is refused before it expands.
    archive = make_zip([("zeros.bin", bytes(10 * MB)), ("ok.txt", b"ok")])
    archive = patch_entry(archive, "zeros.bin", compress_size=0x7FFFFFFF)

    results = walk(archive)

    assert problems(results) == [("zeros.bin", P.DAMAGED_ENTRY, False)]
    assert results[0].reason == "damaged: EOFError"
    assert entries(results) == [("ok.txt", b"ok")]


def test_small_compressible_files_are_not_bombs():
    archive = make_zip([("zeros.bin", bytes(512 * 1024))])  # ratio ~1000, but only 512 kB

    assert entries(walk(archive)) == [("zeros.bin", bytes(512 * 1024))]


def test_many_small_compressible_files_add_up_to_a_bomb():
    archive = make_zip([(f"{n}.bin", bytes(900 * 1024)) for n in range(30)])

    results = walk(archive)

    assert problems(results)[-1][1:] == (P.BOMB, True)
    assert "-byte archive expands past" in results[-1].reason
    assert len(entries(results)) < 30


def test_total_expanded_size_stops_the_walk():
    archive = make_zip([(f"{n}.bin", incompressible(2000, seed=n)) for n in range(4)])

    results = walk(archive, ArchiveLimits(max_total_bytes=5000))

    assert [path for path, _ in entries(results)] == ["0.bin", "1.bin"]
    assert problems(results) == [("2.bin", P.TOTAL_TOO_LARGE, True)]


def test_too_many_files_keeps_the_first_and_says_how_many_were_left_out():
    archive = make_zip([(f"{n}.txt", b"x") for n in range(5)] + [("dir/", b"")])

    results = walk(archive, ArchiveLimits(max_files=4), name="many.zip")

    assert [path for path, _ in entries(results)] == [f"many.zip/{n}.txt" for n in range(4)]
    assert results[-1] == ArchiveError(
        "many.zip",
        "archive has 5 files; only the first 4 were read (a limit of 4 files in all, nested "
        "archives included)",
        P.TOO_MANY_FILES,
    )
    assert len(entries(walk(archive, ArchiveLimits(max_files=5)))) == 5  # directories not counted


# -- nesting ---------------------------------------------------------------------------------------


def test_nested_zip_is_walked_with_paths_through_it_and_its_own_hostile_names_refused():
    inner = make_zip([("mail/1.eml", MAIL), ("../../evil.txt", b"x")])
    outer = make_zip([("inner.zip", inner), ("readme.txt", b"hi")])

    results = walk(outer, name="outer.zip")

    assert entries(results) == [
        ("outer.zip/inner.zip/mail/1.eml", MAIL),
        ("outer.zip/readme.txt", b"hi"),
    ]
    assert problems(results) == [("outer.zip/inner.zip/../../evil.txt", P.TRAVERSAL, False)]


def test_nested_zip_found_by_its_bytes_not_its_name():
    inner = make_zip([("a.txt", b"a")])

    results = walk(make_zip([("records.dat", inner)]))

    assert entries(results) == [("records.dat/a.txt", b"a")]


def test_nesting_beyond_max_depth_is_refused():
    archive = make_zip([("deepest.txt", b"4")])
    for level in (3, 2, 1):
        archive = make_zip([(f"level{level + 1}.zip", archive), (f"at{level}.txt", b"x")])

    results = walk(archive, ArchiveLimits(max_depth=3))

    assert [path for path, _ in entries(results)] == [
        "level2.zip/level3.zip/at3.txt",
        "level2.zip/at2.txt",
        "at1.txt",
    ]
    assert problems(results) == [("level2.zip/level3.zip/level4.zip", P.TOO_DEEP, False)]


def test_limits_are_shared_with_nested_archives():
    inner = make_zip([(f"{n}.txt", b"x") for n in range(3)])
    outer = make_zip([("a.txt", b"a"), ("inner.zip", inner)])

    results = walk(outer, ArchiveLimits(max_files=4))

    assert entries(results) == [
        ("a.txt", b"a"),
        ("inner.zip/0.txt", b"x"),
        ("inner.zip/1.txt", b"x"),
    ]
    assert problems(results) == [("inner.zip", P.TOO_MANY_FILES, False)]


def test_bomb_inside_a_nested_zip_stops_everything():
    inner = make_zip([("zeros.bin", bytes(10 * MB))])
    outer = make_zip([("inner.zip", inner), ("after.txt", b"after")], zipfile.ZIP_STORED)

    results = walk(outer)

    assert problems(results) == [("inner.zip/zeros.bin", P.BOMB, True)]
    assert entries(results) == []


# -- damage ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a zip at all",
        b"PK\x03\x04" + b"\x00" * 100,
        make_zip([("a.txt", incompressible(500))])[:300],  # cut before its central directory
    ],
)
def test_unreadable_archive(data):
    [error] = walk(data, name="upload.zip")

    assert (error.path, error.problem, error.fatal) == ("upload.zip", P.UNREADABLE_ARCHIVE, True)
    assert error.reason.startswith("not a readable zip archive: BadZipFile")


def test_damaged_entry_is_refused_and_the_others_read():
    archive = bytearray(make_zip([("bad.txt", b"hello " * 500), ("good.txt", b"good")]))
    start = 30 + len("bad.txt")  # the first entry's compressed data follow its local header
    archive[start + 5 : start + 15] = b"\xff" * 10

    results = walk(bytes(archive))

    assert problems(results) == [("bad.txt", P.DAMAGED_ENTRY, False)]
    assert results[0].reason.startswith("damaged: ")
    assert entries(results) == [("good.txt", b"good")]


def test_damaged_nested_zip_is_refused_and_the_outer_goes_on():
    fake = b"PK\x03\x04" + b"junk" * 20
    outer = make_zip([("broken.zip", fake), ("ok.txt", b"ok")])

    results = walk(outer)

    assert problems(results) == [("broken.zip", P.UNREADABLE_ARCHIVE, False)]
    assert entries(results) == [("ok.txt", b"ok")]


# -- sources and the disk --------------------------------------------------------------------------


def test_path_and_stream_sources(tmp_path):
    archive = make_zip([("a.txt", b"a")])
    path = tmp_path / "upload.zip"
    path.write_bytes(archive)

    assert entries(walk(path)) == [("a.txt", b"a")]
    assert entries(walk(str(path), name="upload.zip")) == [("upload.zip/a.txt", b"a")]
    with path.open("rb") as stream:
        assert entries(walk(stream)) == [("a.txt", b"a")]
        assert not stream.closed  # the caller's stream is the caller's to close


def test_nothing_is_ever_written_to_disk(tmp_path, monkeypatch):
    inner = make_zip([("../../../escape.txt", b"x"), ("in.txt", b"in")])
    hostile = make_zip(
        [
            ("../../evil.txt", b"x"),
            ("/tmp/absolute.txt", b"x"),
            (unix_entry("link", 0o120777), b"/etc/passwd"),
            ("inner.zip", inner),
            ("ok.txt", b"ok"),
            ("zeros.bin", bytes(10 * MB)),
        ]
    )
    source = tmp_path / "source" / "hostile.zip"
    source.parent.mkdir()
    source.write_bytes(hostile)
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)

    real_open = builtins.open

    def read_only_open(file, mode="r", *args, **kwargs):
        # The one exception: a member is expanded into an anonymous temporary file (O_TMPFILE
        # in the temporary folder: no name, gone when closed), never a file named by the input.
        if file != tempfile.gettempdir():
            assert not set(mode) & set("wax+"), f"opened {file!r} for writing"
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only_open)
    monkeypatch.setattr(io, "open", read_only_open)
    monkeypatch.setattr(zipfile.ZipFile, "extract", None)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", None)
    before = sorted(os.walk(tmp_path))

    for source_kind in (hostile, source):
        results = walk(source_kind)
        assert ("ok.txt", b"ok") in entries(results)
        assert problems(results)[-1] == ("zeros.bin", P.BOMB, True)

    assert list(workdir.iterdir()) == []
    assert sorted(os.walk(tmp_path)) == before
    assert not Path("/tmp/absolute.txt").exists()


def test_default_limits():
    assert ArchiveLimits() == ArchiveLimits(
        max_file_bytes=100 * MB,
        max_total_bytes=1024 * MB,
        max_files=10_000,
        max_ratio=100,
        max_depth=3,
        ratio_grace_bytes=1 * MB,
    )


def test_office_documents_inside_an_archive_stay_whole_files():
    docx = make_zip(
        [
            ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            ("word/document.xml", b'<?xml version="1.0"?><document/>'),
        ]
    )
    results = walk(make_zip([("letters/determination.docx", docx)]))

    assert entries(results) == [("letters/determination.docx", docx)]
