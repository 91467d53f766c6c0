"""PDF page counts and text on real PDFs: multi-page, without text, encrypted, damaged."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from pypdf import PageObject

from documents.ingest.pdfs import PdfEncrypted, PdfError, PdfUnreadable, parse_pdf

PDF = Path(__file__).parent / "fixtures" / "pdf"
HAS_CRYPTOGRAPHY = importlib.util.find_spec("cryptography") is not None

PAGE_TEXTS = [
    "foiatracker test fixture: page 1 of 3\n"
    "Text written for the test suite; not an agency record.\n"
    "Subject: Cognitive Services demonstration, Reston, Virginia\n",
    "foiatracker test fixture: page 2 of 3\n"
    "Translation, transcription and OCR in video were shown.\n",
    "foiatracker test fixture: page 3 of 3\nWithheld in part under exemption b7C.\n",
]


def read(name: str) -> bytes:
    return (PDF / name).read_bytes()


def test_multi_page_pdf_gives_its_pages_and_their_text():
    parsed = parse_pdf(read("three_pages.pdf"))

    assert parsed.page_count == 3
    assert parsed.text.split("\f") == PAGE_TEXTS  # pages joined by form feeds
    assert parsed.warnings == []


def test_max_pages_limits_the_text_not_the_count():
    parsed = parse_pdf(read("three_pages.pdf"), max_pages=2)

    assert parsed.page_count == 3
    assert parsed.text.split("\f") == PAGE_TEXTS[:2]
    assert parsed.warnings == ["text taken from the first 2 of 3 pages only"]


def test_pdf_without_a_text_layer_is_read_and_flagged():
    parsed = parse_pdf(read("no_text.pdf"))

    assert (parsed.page_count, parsed.text) == (1, "")
    assert parsed.warnings == ["no text layer (a scan or images only?): no text extracted"]


def test_encrypted_pdf_needing_a_password_is_refused():
    with pytest.raises(PdfEncrypted, match="a password is needed"):
        parse_pdf(read("encrypted_password_secret.pdf"))


def test_encrypted_pdf_with_an_empty_user_password_opens_with_a_warning():
    parsed = parse_pdf(read("encrypted_empty_user_password.pdf"))

    assert parsed.page_count == 3
    assert parsed.text.split("\f") == PAGE_TEXTS
    assert parsed.warnings == ["encrypted with an empty user password (restrictions only); opened"]


def test_aes_encrypted_pdf_with_an_empty_user_password_opens_with_cryptography():
    # cryptography is a locked dependency (pypdf[crypto]); without it this would be PdfEncrypted.
    assert HAS_CRYPTOGRAPHY
    parsed = parse_pdf(read("encrypted_aes256_empty_user_password.pdf"))

    assert parsed.page_count == 3
    assert parsed.text.split("\f") == PAGE_TEXTS


def test_truncated_pdf_is_unreadable_with_a_clear_reason():
    with pytest.raises(PdfUnreadable, match=r"^truncated PDF: no %%EOF end marker"):
        parse_pdf(read("truncated.pdf"))


def test_wrong_startxref_is_repaired_and_reported():
    data = read("three_pages.pdf")
    offset = re.search(rb"startxref\s+(\d+)", data)
    assert offset is not None
    damaged = data[: offset.start(1)] + b"99" + data[offset.end(1) :]

    parsed = parse_pdf(damaged)

    assert parsed.text.split("\f") == PAGE_TEXTS
    assert "PDF structure: incorrect startxref pointer(3)" in parsed.warnings


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"hello, not a pdf", "not a PDF: no %PDF- header"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n", "damaged PDF: "),
    ],
)
def test_not_a_pdf(data, reason):
    with pytest.raises(PdfUnreadable, match=re.escape(reason)):
        parse_pdf(data)


def test_a_page_that_fails_costs_only_that_page(monkeypatch):
    original = PageObject.extract_text

    def extract_text(self, *args, **kwargs):
        if self.page_number == 1:
            raise KeyError("/Font")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", extract_text)
    parsed = parse_pdf(read("three_pages.pdf"))

    assert parsed.text.split("\f") == [PAGE_TEXTS[0], "", PAGE_TEXTS[2]]
    assert parsed.warnings == ["page 2: text could not be extracted (KeyError: '/Font')"]


def test_any_pypdf_failure_becomes_a_pdf_error(monkeypatch):
    def explode(self, *args, **kwargs):
        raise AttributeError("'NullObject' object has no attribute 'get_object'")

    monkeypatch.setattr("pypdf.PdfReader.__init__", explode)
    with pytest.raises(PdfUnreadable, match="AttributeError"):
        parse_pdf(read("three_pages.pdf"))
    assert issubclass(PdfEncrypted, PdfError)
    assert issubclass(PdfUnreadable, PdfError)


def test_fixtures_are_small():
    assert all(path.stat().st_size < 50 * 1024 for path in PDF.iterdir())
