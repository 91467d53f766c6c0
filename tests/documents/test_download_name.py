"""The name an original is offered under, and its Content-Disposition: pure, no database."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from documents.download_name import (
    MAX_BYTES,
    MAX_CHARACTERS,
    content_disposition,
    download_filename,
)


def name(original: str, extension: str = "") -> str:
    return download_filename(original, extension=extension, fallback="document-7")


@pytest.mark.parametrize(
    ("original", "offered"),
    [
        ("../../evil<script>.html", "evil_script_.html"),
        ("..\\..\\windows\\system32\\drivers.sys", "drivers.sys"),
        ('report: "final" draft?.pdf', "report_ _final_ draft_.pdf"),
        ("a\r\nb\x00c\x1b.txt", "a bc.txt"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a right-to-left override: reads "exe.pdf"
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("line\u2028separator.txt", "line separator.txt"),
        ("  .hidden  ", "hidden"),
        ("trailing dots...", "trailing dots"),
        ("CON.txt", "_CON.txt"),
        ("nul", "_nul"),
        ("Übersicht — Gesichtserkennung.pdf", "Übersicht — Gesichtserkennung.pdf"),
        ("..", "document-7"),
        ("", "document-7"),
        ("/", "document-7"),
    ],
)
def test_a_name_is_its_last_component_without_anything_unsafe(original, offered):
    assert name(original) == offered


def test_a_kind_that_needs_its_extension_gets_it_once():
    assert name("dea.mbox message 3", ".eml") == "dea.mbox message 3.eml"
    assert name("Re: meeting.EML", ".eml") == "Re_ meeting.EML"
    assert name("", ".eml") == "document-7.eml"
    assert name("..", ".pdf") == "document-7.pdf"


@pytest.mark.parametrize("original", ["x" * 400 + ".pdf", "é" * 300 + ".pdf", "面" * 300])
def test_a_long_name_is_bounded_and_keeps_its_extension(original):
    offered = name(original)
    assert len(offered) <= MAX_CHARACTERS
    assert len(offered.encode()) <= MAX_BYTES
    assert offered.endswith(".pdf") == original.endswith(".pdf")
    assert offered[:10] == original[:10]


def _parameters(header: str) -> dict[str, str]:
    disposition, *parameters = (part.strip() for part in header.split(";"))
    assert disposition == "attachment"
    return dict(parameter.split("=", 1) for parameter in parameters)


def test_an_ascii_name_is_one_quoted_parameter():
    assert content_disposition("evil_script_.html", fallback="document-7") == (
        'attachment; filename="evil_script_.html"'
    )


def test_a_name_beyond_ascii_has_an_ascii_name_and_the_whole_name_in_utf8():
    header = content_disposition("Übersicht — Gesichtserkennung.pdf", fallback="document-7")
    parameters = _parameters(header)
    assert parameters["filename"] == '"Ubersicht _ Gesichtserkennung.pdf"'
    encoded = parameters["filename*"]
    assert encoded.startswith("UTF-8''")
    # RFC 8187 attr-chars only: everything else percent-encoded.
    assert re.fullmatch(r"[A-Za-z0-9!#$&+\-.^_`|~%]*", encoded.removeprefix("UTF-8''"))
    assert unquote(encoded.removeprefix("UTF-8''")) == "Übersicht — Gesichtserkennung.pdf"


def test_a_name_with_nothing_left_in_ascii_falls_back_keeping_its_extension():
    parameters = _parameters(content_disposition("面部识别.pdf", fallback="document-7"))
    assert parameters["filename"] == '"document-7.pdf"'
    assert unquote(parameters["filename*"].removeprefix("UTF-8''")) == "面部识别.pdf"


def test_quotes_backslashes_and_percent_signs_never_reach_the_quoted_name():
    # Only a name typed by hand gets here with them; the header must stay one parameter each.
    header = content_disposition('50% "off" \\ sale.pdf', fallback="document-7")
    quoted = _parameters(header)["filename"]
    assert quoted == '"50_ _off_ _ sale.pdf"'
    assert unquote(_parameters(header)["filename*"].removeprefix("UTF-8''")) == (
        '50% "off" \\ sale.pdf'
    )


@pytest.mark.parametrize(
    "original",
    ["../../evil<script>.html", "a\r\nSet-Cookie: x=1", "面" * 300, "Ü\x00\u202e.eml"],
)
def test_the_header_never_holds_a_control_character_or_a_line_break(original):
    header = content_disposition(name(original), fallback="document-7")
    assert header.isascii()
    assert not re.search(r"[\x00-\x1f\x7f]", header)
