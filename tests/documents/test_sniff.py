"""Media sniffing from bytes: the name only breaks a tie for text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from documents.ingest.sniff import MEDIA_TYPES, Sniffed, looks_like_header_block, sniff

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("email/msg_07.txt", "email"),
        ("email/msg_16.txt", "email"),
        ("email/encoded_words.eml", "email"),
        ("email/undeclared_charset_8bit.eml", "email"),
        ("email/msg_25.txt", "mbox"),  # a single message with its mbox envelope line
        ("mbox/release.mbox", "mbox"),
        ("email/msg_19.txt", "text"),  # no header block at all
        ("pdf/three_pages.pdf", "pdf"),
        ("pdf/encrypted_password_secret.pdf", "pdf"),
        ("pdf/truncated.pdf", "pdf"),  # damaged, but still a PDF by its bytes
        ("README.md", "text"),
    ],
)
def test_fixtures_sniff_by_content(fixture, kind):
    data = (FIXTURES / fixture).read_bytes()
    assert sniff(data) == Sniffed(kind, MEDIA_TYPES[kind])


def test_media_types():
    assert MEDIA_TYPES == {
        "pdf": "application/pdf",
        "zip": "application/zip",
        "mbox": "application/mbox",
        "email": "message/rfc822",
        "text": "text/plain",
        "other": "application/octet-stream",
    }


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_including_an_empty_one_whatever_the_name():
    assert sniff(zip_bytes({"a.txt": b"a"}), "letter.pdf").kind == "zip"
    assert sniff(zip_bytes({}), "empty.eml") == ("zip", "application/zip")  # PK\x05\x06


def test_names_do_not_override_bytes():
    pdf = (FIXTURES / "pdf" / "three_pages.pdf").read_bytes()
    assert sniff(pdf, "message.eml").kind == "pdf"
    email = (FIXTURES / "email" / "msg_07.txt").read_bytes()
    assert sniff(email, "scan.pdf").kind == "email"
    assert sniff(b"just some words\n", "mail.zip").kind == "text"


def test_name_breaks_the_tie_for_text():
    headerless = (FIXTURES / "email" / "msg_19.txt").read_bytes()
    assert sniff(headerless, "digest.eml") == ("email", "message/rfc822")
    assert sniff(b"From someone\njust text\n", "box.mbox").kind == "mbox"
    assert sniff(b"just text\n", "box.mbox").kind == "text"  # no envelope line: not a mailbox


def test_pdf_marker_within_the_first_kilobyte_only():
    assert sniff(b"\x00" * 1000 + b"%PDF-1.7\n").kind == "pdf"
    assert sniff(b"\x00" * 1100 + b"%PDF-1.7\n").kind == "other"
    assert sniff(b"junk line\n" * 50 + b"%PDF-1.4\n").kind == "pdf"


def test_email_quoting_a_pdf_marker_is_still_an_email():
    data = b"From: a@example.org\nSubject: see\n\n%PDF-1.4 was pasted here\n"
    assert sniff(data).kind == "email"


def test_header_block_rules():
    assert looks_like_header_block(b"From: a@b\nSubject: x\n\nbody")
    assert looks_like_header_block(b"Subject: x\r\nX-Folded: a\r\n  b\r\n\r\nbody")
    assert not looks_like_header_block(b"Subject: x\nX-Other: y\nno blank line")  # never ends
    assert not looks_like_header_block(b"X-One: 1\nX-Two: 2\n\nbody")  # no message field
    assert not looks_like_header_block(b"Subject: only one\n\nbody")  # a single field
    assert not looks_like_header_block(b"  continued: first\nSubject: x\n\n")
    assert not looks_like_header_block(b"Dear Sir: hello\nSubject: x\n\n")  # space in a name
    # A sample cut inside a long header block still counts.
    assert looks_like_header_block(b"Received: x\nFrom: a@b\nX-Cut: ab", truncated=True)


def test_header_block_longer_than_the_sample():
    received = b"".join(b"Received: from relay%d.example.org by mx\n" % n for n in range(3000))
    data = b"From: a@example.org\n" + received + b"Subject: many hops\n\nbody\n"
    assert len(data) > 64 * 1024
    assert sniff(data).kind == "email"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "other"),
        (b"plain ascii\n", "text"),
        ("naïve café, 是\n".encode(), "text"),
        (b"na\xefve caf\xe9 \x93quoted\x94\n", "text"),  # legacy single-byte text
        ("utf-16 text".encode("utf-16"), "text"),  # with its byte-order mark
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "other"),
        (bytes(range(256)) * 4, "other"),
        (b"\x01\x02\x03\x04\x05" * 100, "other"),
    ],
)
def test_text_or_other(data, kind):
    assert sniff(data).kind == kind


def test_utf8_text_cut_inside_a_character_at_the_sample_edge():
    data = b"a" * (64 * 1024 - 1) + "é".encode() + b"more"
    assert sniff(data).kind == "text"


def office_open_xml(folder: str) -> bytes:
    """The skeleton of an Office Open XML package (ECMA-376 part 2): what sniffing looks at."""
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            f"{folder}/document.xml": b'<?xml version="1.0"?><document/>',
        }
    )


def opendocument(media_type: bytes) -> bytes:
    """An OpenDocument / EPUB container: an uncompressed "mimetype" member comes first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", media_type, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", b'<?xml version="1.0"?><office:document-content/>')
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (
            office_open_xml("word"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            office_open_xml("xl"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            office_open_xml("ppt"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            opendocument(b"application/vnd.oasis.opendocument.text"),
            "application/vnd.oasis.opendocument.text",
        ),
        (opendocument(b"application/epub+zip"), "application/epub+zip"),
    ],
)
def test_office_documents_are_files_not_archives(data, media_type):
    assert sniff(data, "release.zip") == Sniffed("other", media_type)


def test_a_mimetype_member_that_is_not_a_media_type_leaves_a_zip():
    assert sniff(opendocument(b"<script>"), "x.odt").kind == "zip"
    assert sniff(zip_bytes({"[Content_Types].xml": b"<Types/>"})).kind == "zip"  # no part folder
