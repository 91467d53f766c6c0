"""Email and mbox parsing on real messages (CPython's email test corpus) and a few crafted ones.

No database: these are the pure parsers the ingestion task calls. Fixtures and their origin are
described in fixtures/README.md.
"""

from __future__ import annotations

import collections
import io
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from documents.ingest.charsets import decode_text
from documents.ingest.emails import (
    NO_HEADERS_WARNING,
    EmptyInput,
    ParseError,
    html_to_text,
    iter_mbox,
    parse_email,
)

FIXTURES = Path(__file__).parent / "fixtures"
EMAIL = FIXTURES / "email"
EDT = timezone(timedelta(hours=-4))


def parse(name: str):
    return parse_email((EMAIL / name).read_bytes())


# -- real messages ---------------------------------------------------------------------------------


def test_multipart_mixed_with_a_binary_attachment():
    message = parse("msg_07.txt")

    assert message.sender == "Barry <barry@digicool.com>"
    assert message.to == ["Dingus Lovers <cravindogs@cravindogs.com>"]
    assert message.cc == []
    assert message.date == datetime(2001, 4, 20, 19, 35, 2, tzinfo=EDT)
    assert message.subject == "Here is your dingus fish"
    assert message.text == "Hi there,\n\nThis is the dingus fish."
    [gif] = message.attachments
    assert (gif.filename, gif.content_type, gif.kind) == ("dingusfish.gif", "image/gif", "file")
    assert len(gif.data) == 3512
    assert gif.data.startswith(b"GIF87a")
    assert message.warnings == []


def test_two_jpeg_attachments_and_no_subject():
    message = parse("msg_22.txt")

    assert message.sender == "b@example.com"
    assert message.to == ["a@example.com"]
    assert message.subject == ""
    assert message.message_id == "<a05001902b7f1c33773e9@[134.84.183.138]>"
    assert message.date == datetime(2001, 10, 16, 13, 59, 25, tzinfo=timezone(timedelta(hours=3)))
    assert message.text == "Text text text.\n\nText text text."
    assert [(a.filename, a.content_type, len(a.data)) for a in message.attachments] == [
        ("wibble.JPG", "image/jpeg", 272),
        ("wibble2.JPG", "image/jpeg", 317),
    ]
    assert all(a.data.startswith(b"\xff\xd8") for a in message.attachments)  # JPEG SOI marker


def test_iso_8859_1_bodies_in_quoted_printable_and_base64():
    message = parse("msg_10.txt")

    # The text/html part is inline content of a multipart/mixed (not an alternative), so it is
    # kept; its =A1 is an inverted exclamation mark in ISO-8859-1.
    assert message.text.split("\n\n") == [
        "This is a 7bit encoded message.",
        "¡This is a Quoted Printable encoded message!",
        "This is a Base64 encoded message.",
        "This is a Base64 encoded message.",
        "This has no Content-Transfer-Encoding: header.",
    ]
    assert message.attachments == []
    assert message.warnings == []


def test_attached_message_in_a_delivery_report_becomes_an_email_attachment():
    message = parse("msg_16.txt")

    assert message.sender == "Internet Mail Delivery <postmaster@ucla.edu>"
    assert message.subject == "Delivery Notification: Delivery has failed"
    assert message.message_id == "<0GK500B04D0B8X@cougar.noc.ucla.edu>"
    assert message.date == datetime(2001, 9, 23, 20, 14, 35, tzinfo=timezone(timedelta(hours=-7)))
    assert "Reason: recipient reached disk quota" in message.text
    assert "Status: 5.0.0 (recipient reached disk quota)" in message.text  # delivery-status part
    [bounced] = message.attachments
    assert bounced.kind == "email"
    assert bounced.content_type == "message/rfc822"
    assert bounced.filename == "[scr] yeah for Ians!!.eml"
    assert len(bounced.data) == 2646

    inner = parse_email(bounced.data)
    assert inner.sender == "Ian T. Henry <henryi@oxy.edu>"
    assert inner.to == ["SoCal Raves <scr@socal-raves.org>"]
    assert inner.subject == "[scr] yeah for Ians!!"
    assert inner.message_id == "<002001c144a6$8752e060$56104586@oxy.edu>"
    assert inner.text.startswith("I always love to find more Ian's that are over 3 years old!!")
    assert inner.warnings == []


def test_forwarded_message_as_the_whole_body():
    message = parse("msg_46.txt")  # Groupwise forwards as a bare message/rfc822

    assert message.sender == "Sender <sender@example.net>"
    assert message.to == ["someone@example.com"]
    assert message.text == ""
    [forwarded] = message.attachments
    assert (forwarded.filename, forwarded.kind) == ("GroupwiseForwardingTest.eml", "email")

    inner = parse_email(forwarded.data)
    assert inner.sender == "Dr. Sender <sender@example.net>"
    assert inner.to == ["Recipient <recipient@example.com>"]
    assert inner.message_id == "<4B66B890.4070408@teconcept.de>"
    assert inner.date == datetime(2010, 2, 1, 12, 18, 40, tzinfo=timezone(timedelta(hours=1)))
    assert inner.text == "Testing email forwarding with Groupwise 1.2.2010"


def test_digest_yields_each_message_as_its_own_attachment():
    message = parse("msg_02.txt")

    assert message.subject == "Ppp digest, Vol 1 #2 - 5 msgs"
    assert "Today's Topics:" in message.text
    assert [a.filename for a in message.attachments] == [
        "[Ppp] testing #1.eml",
        "attached message.eml",  # message 2 of the digest has no Subject
        "[Ppp] testing #3.eml",
        "[Ppp] testing #4.eml",
        "[Ppp] testing #5.eml",
    ]
    inner = [parse_email(a.data) for a in message.attachments]
    # "barry@digicool.com (Barry A. Warsaw)": the name lives in an RFC 5322 comment.
    assert {m.sender for m in inner} == {"Barry A. Warsaw <barry@digicool.com>"}
    assert [m.date.minute * 60 + m.date.second for m in inner if m.date] == [
        973,
        981,
        985,
        988,
        992,
    ]
    assert {m.text for m in inner} == {"hello"}


def test_signed_message_keeps_the_signature_as_an_attachment():
    message = parse("msg_45.txt")

    assert message.text == "This is the signed contents."
    [signature] = message.attachments
    assert (signature.filename, signature.content_type) == (
        "signature.asc",
        "application/pgp-signature",
    )
    assert signature.data.startswith(b"-----BEGIN PGP SIGNATURE-----")


# -- broken MIME and bad headers -------------------------------------------------------------------


def test_reused_boundary_is_reported_and_the_text_still_read():
    message = parse("msg_15.txt")  # Outlook Express reused the outer boundary for the inner part

    assert message.subject == "XX"
    assert message.message_id == "<xxxx>"
    assert "Some removed test." in message.text
    assert "broken MIME: a multipart's boundary never starts" in message.warnings
    assert "malformed header: Message-ID: msg-id with no id-right" in message.warnings
    assert "malformed header: To: addr-spec local part with no domain" in message.warnings


def test_multipart_without_boundary_keeps_its_raw_text():
    message = parse("msg_25.txt")  # the Content-Type line was cut after "bo"

    assert message.sender == "Mail Delivery Subsystem <MAILER-DAEMON@zinfandel.lacita.com>"
    assert message.to == ["linuxuser-admin@www.linux.org.uk", "postmaster@zinfandel.lacita.com"]
    assert message.subject.startswith("Returned mail: Too many hops 19 (17 max)")
    assert "554 Too many hops 19 (17 max)" in message.text
    assert "broken MIME: a multipart has no boundary" in message.warnings


def test_missing_end_boundaries_and_boundary_lookalikes_in_the_text():
    message = parse("msg_38.txt")

    assert "puts them at the start of a line!" in message.text
    assert "It's never too late to have a happy childhood." in message.text
    assert "broken MIME: a multipart's end boundary is absent" in message.warnings


def test_message_without_any_header_is_kept_as_text():
    message = parse("msg_19.txt")  # a digest's text with its headers cut off

    assert (message.sender, message.subject, message.date, message.attachments) == (
        "",
        "",
        None,
        [],
    )
    assert message.text.startswith("Send Ppp mailing list submissions to\n\tppp@zzz.org")
    assert message.text.endswith("http://www.zzz.org/mailman/listinfo/ppp")
    assert message.warnings == [NO_HEADERS_WARNING]


def test_binary_data_is_not_an_email():
    with pytest.raises(ParseError, match="binary data"):
        parse_email(b"\x00\x01\x02 binary garbage\n")


def test_empty_input_is_refused():
    with pytest.raises(EmptyInput):
        parse_email(b"")
    assert issubclass(EmptyInput, ParseError)


def test_broken_html_only_message_gives_text_without_tags():
    message = parse("msg_40.txt")  # text/html carrying a stray boundary parameter

    assert "<html>" not in message.text
    assert "Content-Type: text/html;" in message.text


@pytest.mark.parametrize("name", sorted(p.name for p in EMAIL.iterdir()))
def test_damaged_copies_of_every_fixture_never_raise_anything_but_parse_error(name):
    data = (EMAIL / name).read_bytes()
    rng = random.Random(name)  # deterministic per file
    damaged = [data[:cut] for cut in range(1, len(data), max(1, len(data) // 40))]
    for _ in range(40):
        flipped = bytearray(data)
        for _ in range(8):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        damaged.append(bytes(flipped))
    for variant in damaged:
        try:
            message = parse_email(variant)
        except ParseError:
            continue
        assert "\x00" not in message.text
        assert all(isinstance(warning, str) for warning in message.warnings)


# -- crafted: encoded words, charsets --------------------------------------------------------------


def test_encoded_word_headers_in_q_and_b_encoding():
    message = parse("encoded_words.eml")

    assert message.sender == "André Pirard <pirard@dom.ain>"  # ISO-8859-1, Q
    assert message.to == ["Häns Würst <person@dom.ain>", "Recipient <recipient@example.com>"]
    assert message.cc == ["Finančni odbor <finance@example.cz>"]  # ISO-8859-2, Q
    # Two folded ISO-8859-1 Q words join without a space (RFC 2047 6.2), then a UTF-8 B word.
    assert (
        message.subject
        == "Britische Regierung gibt grünes Licht für Offshore-Windkraftprojekte— €500"
    )
    assert message.message_id == "<4B66B890.4070408@example.de>"
    assert message.in_reply_to == "<4B66B000.1000000@example.com>"
    assert message.date == datetime(2010, 2, 1, 11, 21, 16, tzinfo=UTC)
    # multipart/alternative: the text/plain alternative (UTF-8, base64) is the body, not the HTML.
    assert message.text == "Grünes Licht für die Windkraft: €500 Mio."
    assert message.attachments == []
    assert message.warnings == []


def test_undeclared_charset_with_8bit_bytes_falls_back_to_windows_1252():
    message = parse("undeclared_charset_8bit.eml")

    assert message.text == (
        "The café search found “no records” \u2013 see the naïve index.\n\n"
        "From the desk of the FOIA officer."
    )
    assert message.subject == "Résumé of the search"  # raw 8-bit bytes in the header too
    assert message.date is None
    assert message.warnings == [
        "malformed header: Date 'Thursday the 32nd of Smarch' is not a date",
        "malformed header: raw 8-bit bytes in Subject, decoded as cp1252",
        "undeclared charset, decoded as cp1252 (text/plain body)",
    ]


def test_wrong_and_unknown_charsets_and_a_hostile_attachment_name():
    message = parse("wrong_charsets.eml")

    assert message.text == "Straße \u2013 été\n\nCrème brûlée"
    assert message.date == datetime(2017, 9, 15, 10, 0, tzinfo=UTC)
    assert message.warnings == [
        "Date has no time zone (-0000); taken as UTC",
        "declared charset us-ascii but 8-bit bytes present, decoded as utf-8 (text/plain body)",
        "unknown charset 'x-no-such-charset', decoded as cp1252 (text/plain body)",
    ]
    [attachment] = message.attachments
    assert attachment.filename == "evil.txt"  # "..\\..\\evil.txt": only the last component
    assert attachment.data == b"not a path"


def test_html_only_body_is_stripped_to_text():
    raw = (
        b"From: a@example.org\nSubject: html only\nMIME-Version: 1.0\n"
        b"Content-Type: text/html; charset=utf-8\n\n"
        b"<html><head><style>p {color: red}</style><script>alert(1)</script></head>"
        b"<body><p>First&nbsp;paragraph,\n  wrapped.</p><p>Second &amp; last</p></body></html>\n"
    )
    assert parse_email(raw).text == "First paragraph, wrapped.\n\nSecond & last"


def nested_multiparts(depth: int) -> bytes:
    raw = b"From: a@example.org\nSubject: deep\nMIME-Version: 1.0\n"
    for level in range(depth):
        raw += f'Content-Type: multipart/mixed; boundary="b{level}"\n\n--b{level}\n'.encode()
    return raw + b"Content-Type: text/plain\n\ndeep inside\n"


def test_deep_mime_nesting_is_cut_off_with_a_warning():
    message = parse_email(nested_multiparts(120))

    assert message.text == ""
    assert "MIME nested deeper than 50 levels; rest skipped" in message.warnings


def test_mime_nesting_too_deep_for_the_parser_is_a_parse_error():
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_email(nested_multiparts(2000))


def test_decode_text_heuristics():
    assert decode_text(b"plain") == ("plain", "us-ascii", None)
    assert decode_text("Ünïcödé".encode(), "utf-8").text == "Ünïcödé"
    assert decode_text(b"caf\xe9", "iso-8859-1") == ("café", "cp1252", None)
    # ISO-8859-1 labels really mean Windows-1252 (curly quotes in 0x80-0x9f).
    assert decode_text(b"\x93quoted\x94", "ISO-8859-1").text == "“quoted”"
    # A damaged UTF-8 sequence in otherwise UTF-8 text: keep UTF-8, mark the damage.
    damaged = decode_text("Valid: 是 Invalid: ".encode() + "是是是".encode()[:-1], None)
    assert damaged.charset == "utf-8"
    assert damaged.text.startswith("Valid: 是 Invalid: 是是")
    assert damaged.warning == "undeclared charset, decoded as utf-8"
    # Bytes that are not text in any charset still come back, as Latin-1.
    assert decode_text(b"\x81\x8d", None).charset == "latin-1"
    # A bytes-to-bytes codec name is not a charset.
    assert decode_text(b"x\xff", "zlib") == (
        "xÿ",
        "cp1252",
        "unknown charset 'zlib', decoded as cp1252",
    )


def test_html_to_text_keeps_pre_formatting():
    assert html_to_text("<pre>a\n  b</pre><p>c\nd</p>") == "a\n  b\n\nc d"


# -- mbox ------------------------------------------------------------------------------------------

MBOX_MEMBERS = [
    "msg_07.txt",
    "msg_10.txt",
    "msg_16.txt",
    "msg_46.txt",
    "undeclared_charset_8bit.eml",
]


def test_mbox_yields_each_message_with_its_original_bytes():
    messages = list(iter_mbox(FIXTURES / "mbox" / "release.mbox"))

    assert [index for index, _ in messages] == [0, 1, 2, 3, 4]
    # Byte for byte the source files: envelope lines and separators gone, and the body line the
    # writer escaped as ">From the desk..." unescaped again.
    assert [data for _, data in messages] == [(EMAIL / name).read_bytes() for name in MBOX_MEMBERS]
    assert b"\nFrom the desk of the FOIA officer.\n" in messages[4][1]
    subjects = [parse_email(data).subject for _, data in messages]
    assert subjects == [
        "Here is your dingus fish",
        "Lyrics",
        "Delivery Notification: Delivery has failed",
        "GroupwiseForwardingTest",
        "Résumé of the search",
    ]


def test_mbox_accepts_a_stream_and_a_string_path():
    path = FIXTURES / "mbox" / "release.mbox"
    with path.open("rb") as stream:
        assert len(list(iter_mbox(stream))) == 5
    assert len(list(iter_mbox(str(path)))) == 5


def test_mbox_from_lines_in_bodies():
    mbox = (
        b"From a@example.org Mon Jan  1 00:00:00 2018\n"
        b"Subject: one\n\n"
        b"Para one.\n\n"
        b"From here on the text was never escaped (mboxo writers).\n"
        b">From escaped once\n"
        b">>From escaped twice (mboxrd)\n"
        b"\n"
        b"From b@example.org Tue Jan  2 00:00:00 2018\r\n"
        b"Subject: two\r\n\r\nbody two\r\n\r\n"
    )
    messages = [data for _, data in iter_mbox(io.BytesIO(mbox))]

    assert messages == [
        b"Subject: one\n\nPara one.\n\n"
        b"From here on the text was never escaped (mboxo writers).\n"
        b"From escaped once\n"
        b">From escaped twice (mboxrd)\n",
        b"Subject: two\r\n\r\nbody two\r\n",
    ]


def test_mbox_text_before_the_first_envelope_is_a_message_and_blanks_are_not():
    mbox = b"Subject: stray\n\nno envelope\n\nFrom x Mon Jan  1 00:00:00 2018\nSubject: s\n\nb\n"
    assert [data for _, data in iter_mbox(io.BytesIO(mbox))] == [
        b"Subject: stray\n\nno envelope\n",
        b"Subject: s\n\nb\n",
    ]
    assert list(iter_mbox(io.BytesIO(b"\n\n"))) == []
    assert list(iter_mbox(io.BytesIO(b""))) == []


def test_mbox_of_ten_thousand_messages_streams(tmp_path):
    path = tmp_path / "big.mbox"
    count = 10_000
    with path.open("wb") as out:
        for number in range(count):
            out.write(
                f"From sender{number}@example.org Mon Jan  1 00:00:00 2018\n"
                f"From: sender{number}@example.org\nSubject: message {number}\n"
                f"Message-ID: <{number}@example.org>\n\n"
                f"Body of message {number}.\n\n".encode()
            )
    size = path.stat().st_size

    with path.open("rb") as stream:
        messages = iter_mbox(stream)
        index, first = next(messages)
        assert (index, parse_email(first).subject) == (0, "message 0")
        assert stream.tell() < size // 20  # read lazily, not the whole file at once
        [(last_index, last)] = collections.deque(messages, maxlen=1)
    assert last_index == count - 1
    assert parse_email(last).message_id == f"<{count - 1}@example.org>"
