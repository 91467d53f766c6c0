"""The demo release: the DEA emails the ACLU published on 2020-06-17, dated September 2017 through
December 2018. The documents here are short texts written for the demo that summarise public
reporting about those emails; each says so. They are not the released emails.
"""

from __future__ import annotations

import datetime
import tempfile
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from django.db import transaction

from documents import services
from documents.models import Release
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
        agency__abbreviation="DEA", lawsuits__isnull=False
    ).first()
    lawsuit = Lawsuit.objects.filter(caption="ACLU v. DOJ, FBI and DEA").first()
    if request is None or lawsuit is None or Release.objects.filter(request=request).exists():
        return []
    release = services.release_create(
        request=request,
        lawsuit=lawsuit,
        released_on=datetime.date(2020, 6, 17),
        records_from=datetime.date(2017, 9, 1),
        records_to=datetime.date(2018, 12, 31),
        description="DEA emails about Microsoft's face recognition pitch, obtained in the suit "
        "and published by the ACLU on 2020-06-17. Demo: the documents are summaries written for "
        "the demo, not the released emails; page counts are not given.",
    )
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, (sent, sender, to, subject, body) in enumerate(MESSAGES, 1):
            path = Path(folder) / f"dea-{index:02d}.eml"
            path.write_bytes(_message(index, sent, sender, to, subject, body))
            paths.append(path)
        report = services.release_ingest(release_id=release.pk, paths=paths)
    return [f"release {release} with {report.ingested} demo documents"]
