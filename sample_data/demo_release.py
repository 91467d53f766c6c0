"""The demo release: the DEA emails the ACLU published on 2020-06-17, dated September 2017 through
December 2018. The documents here are short texts written for the demo that summarise public
reporting about those emails; each says so. They are not the released emails.

What was withheld is illustrative too, and the release's description says so: page counts, Bates
numbers, redactions under exemptions 6 and 7(C) (names of staff) and 7(E), and one attachment
withheld in full, so that the productions chart, the Vaughn index and the exemptions cited have
something to show. The release's page counts are the sum of its documents' pages.
"""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from django.db import transaction

from documents import services
from documents.models import Document, Exemption, Release
from requests_app.models import Lawsuit, RecordsRequest

NOTICE = (
    "[Demo document: a short text written for foiatracker's demo that summarises public "
    "reporting (ACLU, June 2020) about a released DEA email. It is not the released email.]"
)

# (date, from, to, subject, summary) — the facts as docs/design.md tells them.
MESSAGES = [
    (
        datetime.datetime(2017, 9, 15, 10, 0, tzinfo=datetime.UTC),
        "DEA Office of the Chief Technology Officer <cto-office@dea.example>",
        "DEA technology staff <tech-staff@dea.example>",
        "Hosting Microsoft Cognitive Services",
        "The DEA's chief technology officer writes that he is hosting Microsoft's Cognitive "
        "Services group to discuss media-services use cases.",
    ),
    (
        datetime.datetime(2017, 11, 8, 15, 0, tzinfo=datetime.UTC),
        "DEA technology staff <tech-staff@dea.example>",
        "DEA Office of the Chief Technology Officer <cto-office@dea.example>",
        "Demonstrations at the Reston, Virginia office",
        "DEA staff saw demonstrations at the company's Reston, Virginia office: translation, "
        "transcription, OCR in video, and the Face API (\u201cidentify similar faces, develop a "
        "face database\u201d).",
    ),
    (
        datetime.datetime(2017, 12, 4, 9, 30, tzinfo=datetime.UTC),
        "DEA technology staff <tech-staff@dea.example>",
        "Vendor account team <account-team@vendor.example>",
        "Follow-up: prototype",
        "A follow-up message asks about a prototype.",
    ),
    (
        datetime.datetime(2018, 11, 13, 14, 0, tzinfo=datetime.UTC),
        "Vendor account team <account-team@vendor.example>",
        "DEA Office of the Chief Technology Officer <cto-office@dea.example>",
        "Request for another meeting",
        "In November 2018 the company asks for another meeting. As of November 2018 the DEA had "
        "not purchased the technology.",
    ),
]


RELEASED_ON = datetime.date(2020, 6, 17)
BATES_PREFIX = "DEMO-DEA-"


@dataclass(frozen=True)
class Withholding:
    """How one document of the release was produced (illustrative, for the demo)."""

    pages: int
    first_bates: int
    exemptions: tuple[str, ...] = ()

    @property
    def bates_number(self) -> str:
        last = self.first_bates + self.pages - 1
        first = f"{BATES_PREFIX}{self.first_bates:06d}"
        return first if last == self.first_bates else f"{first} to {BATES_PREFIX}{last:06d}"


# By the Message-ID of each message above: names redacted (6, 7(C)), and where the messages
# describe what the agency wanted the technology for, 7(E); the last released in full.
EMAIL_WITHHOLDINGS = {
    "<demo-1@foiatracker.example>": Withholding(1, 1, ("b6", "b7C")),
    "<demo-2@foiatracker.example>": Withholding(2, 2, ("b6", "b7C", "b7E")),
    "<demo-3@foiatracker.example>": Withholding(1, 16, ("b6", "b7C", "b7E")),
    "<demo-4@foiatracker.example>": Withholding(1, 17),
}
# The presentation shown at the Reston demonstrations, withheld in full (vendor's commercial
# information, 4; techniques, 7(E)); pages 4-15, between the message it came with and the next.
WITHHELD_ATTACHMENT = "Vendor presentation at the November 2017 demonstrations (demo)"
WITHHELD = Withholding(12, 4, ("b4", "b7E"))
WITHHELD_WITH = "<demo-2@foiatracker.example>"

DESCRIPTION = (
    "DEA emails about Microsoft's face recognition pitch, obtained in the suit and published by "
    "the ACLU on 2020-06-17. Demo: the documents are summaries written for the demo, not the "
    "released emails; the page counts, Bates numbers, redactions, exemptions and the withheld "
    "attachment are illustrative."
)


def _message(
    index: int, sent: datetime.datetime, sender: str, to: str, subject: str, body: str
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(sent)
    message["Subject"] = subject
    message["Message-ID"] = f"<demo-{index}@foiatracker.example>"
    message.set_content(f"{NOTICE}\n\n{body}\n")
    return bytes(message)


@transaction.atomic
def demo_release_seed() -> list[str]:
    """Add the DEA release with its demo documents, once. Returns what was created."""
    request = RecordsRequest.objects.filter(
        title="DEA face recognition and biometric tracking records", agency__abbreviation="DEA"
    ).first()
    lawsuit = Lawsuit.objects.filter(caption="ACLU v. DOJ, FBI and DEA").first()
    if request is None or lawsuit is None:
        return []
    existing = Release.objects.filter(request=request, released_on=RELEASED_ON).first()
    if existing is not None:
        # Loaded before the demo gave the release its page counts and exemptions: add them
        # (once: afterwards it has page counts).
        if _withholdings_missing(existing):
            _withholdings_record(existing)
            return [f"page counts and exemptions of {existing}"]
        return []
    if Release.objects.filter(request=request).exists():
        return []  # someone's own release of the request: the demo leaves it alone
    release = services.release_create(
        request=request,
        lawsuit=lawsuit,
        released_on=RELEASED_ON,
        records_from=datetime.date(2017, 9, 1),
        records_to=datetime.date(2018, 12, 31),
        description=DESCRIPTION,
    )
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, (sent, sender, to, subject, body) in enumerate(MESSAGES, 1):
            path = Path(folder) / f"dea-{index:02d}.eml"
            path.write_bytes(_message(index, sent, sender, to, subject, body))
            paths.append(path)
        report = services.release_ingest(release_id=release.pk, paths=paths)
    _withholdings_record(release)
    return [f"release {release} with {report.ingested} demo documents and one withheld in full"]


def _exemptions(codes: tuple[str, ...]) -> list[Exemption]:
    return list(Exemption.objects.filter(jurisdiction__code="US", code__in=codes))


def _withholdings_missing(release: Release) -> bool:
    """A demo release with no page counts yet, whose four messages are all there."""
    counted = release.pages_released + release.pages_withheld_in_full
    counted += release.pages_withheld_in_part
    found = release.documents.filter(message_id__in=EMAIL_WITHHOLDINGS).count()
    return counted == 0 and found == len(EMAIL_WITHHOLDINGS)


def _withholdings_record(release: Release) -> None:
    """Mark each document as released, redacted or withheld, as staff do on its admin page
    (``document_record_by_hand``), and give the release the totals of its documents."""
    emails = {d.message_id: d for d in release.documents.filter(message_id__in=EMAIL_WITHHOLDINGS)}
    for message_id, withholding in EMAIL_WITHHOLDINGS.items():
        document = emails[message_id]
        document.page_count = withholding.pages
        document.bates_number = withholding.bates_number
        document.redacted = bool(withholding.exemptions)
        services.document_record_by_hand(document=document)
        document.exemptions.set(_exemptions(withholding.exemptions))
    withheld = Document(
        release=release,
        parent=emails[WITHHELD_WITH],
        original_name=WITHHELD_ATTACHMENT,
        subject=WITHHELD_ATTACHMENT,
        withheld_in_full=True,
        page_count=WITHHELD.pages,
        pages_withheld=WITHHELD.pages,
        bates_number=WITHHELD.bates_number,
    )
    services.document_record_by_hand(document=withheld)
    withheld.exemptions.set(_exemptions(WITHHELD.exemptions))

    released = [w for w in EMAIL_WITHHOLDINGS.values() if not w.exemptions]
    in_part = [w for w in EMAIL_WITHHOLDINGS.values() if w.exemptions]
    release.pages_released = sum(w.pages for w in released)
    release.pages_withheld_in_part = sum(w.pages for w in in_part)
    release.pages_withheld_in_full = WITHHELD.pages
    release.bates_prefix = BATES_PREFIX
    release.bates_start = 1
    release.bates_end = max(w.first_bates + w.pages - 1 for w in [*in_part, *released, WITHHELD])
    release.description = DESCRIPTION
    release.full_clean()
    release.save()
    cited = {code for w in [*EMAIL_WITHHOLDINGS.values(), WITHHELD] for code in w.exemptions}
    release.exemptions.set(_exemptions(tuple(cited)))
