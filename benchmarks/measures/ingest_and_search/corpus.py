"""The mailbox the benchmark ingests: an mbox (mboxrd escaping) of generated messages, deterministic
for a seed, with replies, attachments (text and small, valid PDFs), encoded-word subjects and
bodies outside ASCII; and the seeded text the search benchmark's bulk documents are made of."""

from __future__ import annotations

import datetime
import email.utils
import quopri
import random
import re
import textwrap
from base64 import encodebytes
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from email.header import Header
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.measures.ingest_and_search.vocabulary import (
    FILLER_SENTENCES,
    GENERIC_SENTENCES,
    LATIN1_SENTENCES,
    LATIN1_SUBJECTS,
    PEOPLE,
    PEOPLE_WEIGHTS,
    RARE_SENTENCES,
    TITLES,
    TOPIC_NAMES,
    TOPIC_WEIGHTS,
    TOPICS,
    UTF8_SUBJECTS,
    WORDS,
    X_MAILERS,
)

FIRST_DAY = datetime.datetime(2017, 9, 1, tzinfo=datetime.UTC)
LAST_DAY = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
EASTERN = ZoneInfo("America/New_York")
PACIFIC = ZoneInfo("America/Los_Angeles")
_FIELDS = re.compile(r"{(\w+)}")


@dataclass
class Mailbox:
    path: Path
    messages: int
    bytes: int
    pdf_attachments: int = 0
    text_attachments: int = 0
    encoded_word_subjects: int = 0
    latin1_bodies: int = 0
    escaped_from_lines: int = 0
    replies: int = 0
    #: index -> (subject as written, a phrase its text must contain), for spot checks.
    samples: dict[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def attachments(self) -> int:
        return self.pdf_attachments + self.text_attachments

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["samples"], data["path"]
        return {**data, "attachments": self.attachments}


class Writer:
    """Seeded text: subjects, sentences and bodies over the vocabulary above."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._fields: dict[str, tuple[str, ...]] = {}

    def fill(self, template: str) -> str:
        fields = self._fields.get(template)
        if fields is None:
            fields = self._fields[template] = tuple(set(_FIELDS.findall(template)))
        return template.format(**{name: self._value(name) for name in fields})

    def _value(self, name: str) -> str:
        rng = self.rng
        if name.rstrip("0123456789") in WORDS:  # {noun2}: another noun
            return rng.choice(WORDS[name.rstrip("0123456789")])
        if name == "number":
            return str(rng.randint(12, 950))
        if name == "small":
            return str(rng.randint(0, 11))
        if name == "percent":
            return f"{rng.uniform(0.1, 99.9):.1f}"
        if name == "hour":
            return f"{rng.randint(9, 16)}:{rng.choice(('00', '30'))}"
        if name == "day":
            return str(rng.randint(1, 28))
        if name == "case":
            return f"R{rng.randint(1, 9)}-{rng.choice(('17', '18'))}-{rng.randint(1, 9999):04d}"
        raise KeyError(name)

    def topic(self) -> str:
        return self.rng.choices(TOPIC_NAMES, weights=TOPIC_WEIGHTS)[0]

    def subject(self, topic: str) -> str:
        return self.fill(self.rng.choice(TOPICS[topic].subjects))

    def sentence(self, topic: str) -> str:
        roll = self.rng.random()
        if roll < 0.0015:
            return self.fill(self.rng.choice(RARE_SENTENCES))
        if roll < 0.2:
            return self.fill(self.rng.choice(GENERIC_SENTENCES))
        if roll < 0.6:
            return self.fill(self.rng.choice(FILLER_SENTENCES))
        return self.fill(self.rng.choice(TOPICS[topic].sentences))

    def paragraph(self, topic: str) -> str:
        return " ".join(self.sentence(topic) for _ in range(self.rng.randint(2, 5)))

    def person(self) -> tuple[str, str]:
        return self.rng.choices(PEOPLE, weights=PEOPLE_WEIGHTS)[0]

    def people(self, low: int, high: int, not_: str = "") -> list[tuple[str, str]]:
        chosen: dict[str, tuple[str, str]] = {}
        for _ in range(self.rng.randint(low, high)):
            name, address = self.person()
            if address != not_:
                chosen[address] = (name, address)
        return list(chosen.values())

    def body(self, sender: tuple[str, str], topic: str, *, wrap: bool, extra: str = "") -> str:
        """About 1-3 KB: a greeting, paragraphs, a signature, sometimes a quoted message."""
        rng = self.rng
        target = rng.randint(700, 2400)
        greeting = rng.choice(("Hi all,", "Team,", "Good morning,", "All -", "Hello,", ""))
        paragraphs = [greeting] if greeting else []
        if extra:
            paragraphs.append(extra)
        length = 0
        while length < target:
            # Now and then a paragraph strays to another topic, as mail does.
            paragraph = self.paragraph(topic if rng.random() < 0.85 else self.topic())
            if rng.random() < 0.004:
                # An mbox writer must escape this line; the reader must un-escape it.
                paragraph = f"From the {rng.choice(WORDS['place'])} side: {paragraph}"
            paragraphs.append(paragraph)
            length += len(paragraph)
        name = sender[0] or "EPIC Watch"
        employer = {
            "dea.gov": "Drug Enforcement Administration (DEA)",
            "usdoj.gov": "U.S. Department of Justice",
        }.get(sender[1].rsplit("@", 1)[1], "")
        paragraphs.append(
            "\n".join(
                line
                for line in (
                    "Thanks,",
                    name,
                    rng.choice(TITLES),
                    employer,
                    f"(202) 307-{rng.randint(1000, 9999)}",
                )
                if line
            )
        )
        if rng.random() < 0.35:
            quoted_name, quoted_address = self.person()
            quoted = self.paragraph(topic)
            if wrap:
                quoted = textwrap.fill(quoted, 70)
            paragraphs.append(
                f"On {rng.choice(WORDS['weekday'])}, {quoted_name} <{quoted_address}> wrote:\n"
                + "\n".join(f"> {line}" for line in quoted.splitlines())
            )
        if wrap:
            paragraphs = [
                p if "\n" in p else textwrap.fill(p, 72, break_on_hyphens=False) for p in paragraphs
            ]
        return "\n\n".join(paragraphs) + "\n"


def address(person: tuple[str, str]) -> str:
    """`Name <addr>`; a name outside ASCII becomes an RFC 2047 encoded-word (formataddr)."""
    return email.utils.formataddr(person)


def _pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A small, valid PDF (Helvetica text, one content stream per page), built by hand."""

    def escaped(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    count = len(pages)
    page_ids = [4 + 2 * i for i in range(count)]
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for page_id, lines in zip(page_ids, pages, strict=True):
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 720 Td"]
        ops += [f"({escaped(line)}) Tj T*" for line in lines]
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1", "replace")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


_MBOX_FROM = re.compile(rb"^(>*From )", re.MULTILINE)


def generate_mailbox(path: Path, messages: int, seed: int) -> Mailbox:
    """Write `messages` messages to an mbox (mboxrd escaping), deterministic for a seed.

    Dated 2017-09 to 2018-12 in order, from a few dozen people (some names outside ASCII); about a
    third replies; about 10% multipart with a text or PDF attachment (each different); about 3%
    with an encoded-word subject, 2% with an ISO-8859-1 body, some UTF-8 quoted-printable (a
    dash, or a name outside ASCII in a signature or a quote), a few body lines starting "From ".
    """
    rng = random.Random(seed)
    writer = Writer(rng)
    span = (LAST_DAY - FIRST_DAY).total_seconds()
    moments = sorted(
        FIRST_DAY + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(messages)
    )
    mailbox = Mailbox(path=path, messages=messages, bytes=0)
    # (Message-ID, subject, topic) of recent messages, for replies.
    earlier: list[tuple[str, str, str]] = []
    with path.open("wb") as out:
        for index, moment in enumerate(moments):
            sender = writer.person()
            zone = PACIFIC if sender[1].endswith(("microsoft.com", "amazon.com")) else EASTERN
            local = moment.astimezone(zone)
            domain = sender[1].rsplit("@", 1)[1]
            message_id = f"{rng.getrandbits(64):016x}.{index}@{domain}"
            headers = [
                f"From: {address(sender)}",
                "To: " + ", ".join(address(p) for p in writer.people(1, 4, not_=sender[1])),
            ]
            if rng.random() < 0.5:
                cc = writer.people(1, 3, not_=sender[1])
                if cc:
                    headers.append("Cc: " + ", ".join(address(p) for p in cc))
            charset, encoding = "us-ascii", "7bit"
            parent_id = ""
            topic = writer.topic()
            roll = rng.random()
            if roll < 0.02:
                subject = writer.fill(rng.choice(LATIN1_SUBJECTS))
                subject_header = Header(subject, "iso-8859-1").encode()
                mailbox.encoded_word_subjects += 1
            elif roll < 0.03:
                subject = writer.fill(rng.choice(UTF8_SUBJECTS))
                subject_header = Header(subject, "utf-8").encode()
                mailbox.encoded_word_subjects += 1
            elif earlier and roll < 0.35:
                parent_id, parent_subject, topic = rng.choice(earlier[-200:])
                prefix = "Re: " if rng.random() < 0.8 else "FW: "
                subject = subject_header = prefix + parent_subject.removeprefix("Re: ")
                mailbox.replies += 1
            else:
                subject = subject_header = writer.subject(topic)
            headers += [
                f"Subject: {subject_header}",
                f"Date: {email.utils.format_datetime(local)}",
                f"Message-ID: <{message_id}>",
            ]
            if parent_id:
                headers += [f"In-Reply-To: <{parent_id}>", f"References: <{parent_id}>"]
            if rng.random() < 0.6:
                headers.append(f"X-Mailer: {rng.choice(X_MAILERS)}")
            headers.append("MIME-Version: 1.0")
            if not subject_header.startswith("=?"):
                earlier.append((message_id, subject, topic))

            extra = ""
            body_roll = rng.random()
            if body_roll < 0.02:
                extra = rng.choice(LATIN1_SENTENCES)
                charset, encoding = "iso-8859-1", rng.choice(("8bit", "quoted-printable"))
                mailbox.latin1_bodies += 1
            elif body_roll < 0.05:
                extra = f"Update — the {writer.fill('{thing}')} “works” in Reston."
                charset, encoding = "utf-8", "quoted-printable"
            text = writer.body(sender, topic, wrap=True, extra=extra)
            mailbox.escaped_from_lines += text.count("\nFrom ")
            if index < 2_000 and (extra or subject_header.startswith("=?")):
                mailbox.samples.setdefault(index, (subject, extra or ""))
            if charset == "us-ascii" and not text.isascii():  # a name in the signature
                charset, encoding = "utf-8", "quoted-printable"
            raw_text = text.encode(charset)
            if encoding == "quoted-printable":
                raw_text = quopri.encodestring(raw_text)
            text_headers = [
                f'Content-Type: text/plain; charset="{charset}"',
                f"Content-Transfer-Encoding: {encoding}",
            ]

            attachment_roll = rng.random()
            if attachment_roll < 0.10:
                boundary = f"----=_Part_{index}_{rng.getrandbits(32):08x}"
                headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
                parts = [b"\n".join(h.encode() for h in text_headers) + b"\n\n" + raw_text]
                if attachment_roll < 0.05:
                    name = f"{writer.fill('{doc}').replace(' ', '_')}_{index}.pdf"
                    pages = [
                        [
                            writer.fill("{doc}: {program} {thing}").upper(),
                            f"Prepared for DEA, reference {index}-{rng.getrandbits(24):06x}",
                            "",
                            *textwrap.wrap(writer.paragraph(topic), 80),
                        ]
                        for _ in range(rng.randint(1, 2))
                    ]
                    data = encodebytes(_pdf(pages))
                    parts.append(
                        f'Content-Type: application/pdf; name="{name}"\n'
                        f'Content-Disposition: attachment; filename="{name}"\n'
                        "Content-Transfer-Encoding: base64\n\n".encode()
                        + data
                    )
                    mailbox.pdf_attachments += 1
                else:
                    name = f"notes-{index}.txt"
                    notes = f"Notes, reference {index}\n\n" + "\n\n".join(
                        textwrap.fill(writer.paragraph(topic), 76) for _ in range(rng.randint(1, 3))
                    )
                    parts.append(
                        f'Content-Type: text/plain; charset="us-ascii"; name="{name}"\n'
                        f'Content-Disposition: attachment; filename="{name}"\n'
                        "Content-Transfer-Encoding: 7bit\n\n".encode()
                        + notes.encode()
                        + b"\n"
                    )
                    mailbox.text_attachments += 1
                delimiter = f"--{boundary}\n".encode()
                body = (
                    b"This is a multi-part message in MIME format.\n\n"
                    + b"".join(delimiter + part.rstrip(b"\n") + b"\n\n" for part in parts)
                    + f"--{boundary}--\n".encode()
                )
            else:
                headers += text_headers
                body = raw_text
            message = "\n".join(headers).encode() + b"\n\n" + body
            envelope = f"From {sender[1]} {moment:%a %b %d %H:%M:%S %Y}\n".encode()
            record = envelope + _MBOX_FROM.sub(rb">\1", message).rstrip(b"\n") + b"\n\n"
            out.write(record)
            mailbox.bytes += len(record)
    return mailbox
