"""PDF page counts and text on real PDFs: multi-page, without text, encrypted, damaged."""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path

import pytest
from pypdf import PageObject, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from documents.ingest.pdfs import (
    PdfEncrypted,
    PdfError,
    PdfStop,
    PdfUnreadable,
    parse_pdf,
)

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


# -- bounds: pages, text, time ---------------------------------------------------------------------


def slow_second_page_pdf(operators: int = 200_000) -> bytes:
    """Three pages; the second's content stream repeats one text operator ``operators`` times.
    Deflated it is 17 KB; pypdf spends over 30 seconds on that page (measured: 35 s), where a
    page normally takes milliseconds."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for number in (1, 2, 3):
        page = writer.add_blank_page(200, 200)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        body = b"BT /F1 12 Tf 10 10 Td (page %d) Tj ET\n" % number
        if number == 2:
            body += b"BT /F1 12 Tf 10 10 Td (x) Tj ET\n" * operators
        content = DecodedStreamObject()
        content.set_data(body)
        page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_page_over_its_time_is_not_waited_for_and_the_pages_before_it_are_kept():
    # One second against a page that takes thirty: the margin makes the outcome certain.
    parsed = parse_pdf(slow_second_page_pdf(), page_seconds=1)

    assert parsed.page_count == 3
    assert parsed.text == "page 1"
    assert (parsed.stopped, parsed.stopped_at) == (PdfStop.PAGE_TIME, 2)


def test_the_whole_document_has_a_time_limit_too():
    parsed = parse_pdf(slow_second_page_pdf(), page_seconds=60, total_seconds=1)

    assert parsed.text == "page 1"
    assert (parsed.stopped, parsed.stopped_at) == (PdfStop.TOTAL_TIME, 2)


@pytest.mark.parametrize("name", sorted(path.name for path in PDF.iterdir()))
def test_a_child_process_reads_a_pdf_as_this_process_does(name):
    def outcome(**limits):
        try:
            return parse_pdf(read(name), **limits)
        except PdfError as exc:
            return type(exc), str(exc)

    assert outcome(page_seconds=60) == outcome()


def test_text_stops_at_its_cap_and_no_further_page_is_read():
    parsed = parse_pdf(read("three_pages.pdf"), max_text=50)

    assert parsed.text == PAGE_TEXTS[0][:50]
    assert (parsed.stopped, parsed.stopped_at) == (PdfStop.TEXT, 2)
    assert parse_pdf(read("three_pages.pdf"), max_text=50, page_seconds=60) == parsed


def test_the_page_cap_says_where_it_stopped():
    parsed = parse_pdf(read("three_pages.pdf"), max_pages=2)

    assert (parsed.stopped, parsed.stopped_at) == (PdfStop.PAGES, 3)


def test_the_text_cap_counts_the_page_separators():
    whole = parse_pdf(read("three_pages.pdf")).text
    cap = len(PAGE_TEXTS[0]) + 1 + 10  # page 1, its separator, ten characters of page 2

    parsed = parse_pdf(read("three_pages.pdf"), max_text=cap)

    assert parsed.text == whole[:cap]
    assert (parsed.stopped, parsed.stopped_at) == (PdfStop.TEXT, 3)
    assert parse_pdf(read("three_pages.pdf"), max_text=len(whole)).stopped is None
