"""A linked set of records for the API tests: every resource has rows, every join has a partner.

``build_records(n)`` makes n chains (plus one department with a component): a request with a
topic, a tracking number, events, an appeal, a lawsuit over it, deadlines on all three (one
overdue on the frozen date the tests use), a release under the lawsuit with a document citing an
exemption, its bytes stored as ingestion stores them. Rows are written directly (not through
services): these tests are about reading.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from documents.models import Document, Exemption, Release
from reminders.models import Reminder
from requests_app.models import (
    Agency,
    Appeal,
    Deadline,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    Topic,
    TrackingNumber,
)
from requests_app.workflow import RequestStatus
from tests.factories import UserFactory, jurisdiction

#: The day the API tests freeze time on (a Wednesday), and noon of it in the organisation's time
#: zone (midnight UTC would still be the day before in New York).
TODAY = datetime.date(2020, 3, 4)
NOON = datetime.datetime(2020, 3, 4, 12, tzinfo=ZoneInfo("America/New_York"))


@dataclass
class Records:
    department: Agency
    component: Agency
    owner: Any
    requests: list[RecordsRequest] = field(default_factory=list)
    appeals: list[Appeal] = field(default_factory=list)
    lawsuits: list[Lawsuit] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


def build_records(n: int, *, owner: Any = None) -> Records:
    us = jurisdiction("US")
    department, _ = Agency.objects.get_or_create(
        name="Department of Justice", jurisdiction=us, parent=None, defaults={"abbreviation": "DOJ"}
    )
    component, _ = Agency.objects.get_or_create(
        name="Drug Enforcement Administration",
        parent=department,
        defaults={"abbreviation": "DEA", "jurisdiction": us},
    )
    owner = owner or UserFactory(username="owner-of-records")
    topic, _ = Topic.objects.get_or_create(name="face recognition")
    b5 = Exemption.objects.get(jurisdiction=us, code="b5")
    records = Records(department=department, component=component, owner=owner)
    start = RecordsRequest.objects.count()
    for i in range(n):
        k = start + i
        filed_on = datetime.date(2019, 1, 2) + datetime.timedelta(days=i)
        request = RecordsRequest.objects.create(
            title=f"Records on face recognition {k}",
            records_sought="All records about face recognition.",
            jurisdiction=us,
            agency=component if i % 2 == 0 else department,
            owner=owner,
            status=RequestStatus.IN_LITIGATION,
            filed_on=filed_on,
            received_on=datetime.date(2019, 1, 3) + datetime.timedelta(days=i),
            determined_on=datetime.date(2019, 3, 1) + datetime.timedelta(days=i),
        )
        request.topics.add(topic)
        TrackingNumber.objects.create(
            request=request, agency=request.agency, number=f"DEA-{k:05d}", assigned_on=TODAY
        )
        for kind, to_status in (
            (RequestEvent.Kind.SENT, ""),
            (RequestEvent.Kind.STATUS_CHANGED, RequestStatus.DENIED),
        ):
            RequestEvent.objects.create(
                request=request, kind=kind, occurred_on=filed_on, to_status=to_status
            )
        appeal = Appeal.objects.create(request=request, filed_on=datetime.date(2019, 4, 1))
        lawsuit = Lawsuit.objects.create(
            caption=f"ACLU v. DOJ {k}",
            court="U.S. District Court for the District of Massachusetts",
            docket_number=f"1:19-cv-{k:05d}",
            filed_on=datetime.date(2019, 10, 31),
            status=Lawsuit.Status.FILED,
            plaintiffs="American Civil Liberties Union",
        )
        lawsuit.defendant_agencies.add(department)
        lawsuit.requests.add(request)
        lawsuit.counsel.add(owner)
        deadlines = [
            Deadline.objects.create(
                request=request,
                label="Response due",
                due_on=datetime.date(2019, 2, 1),
                jurisdiction=us,
                rule="response",
                status=Deadline.Status.MISSED,
            ),
            Deadline.objects.create(
                appeal=appeal,
                label="Appeal decision due",
                due_on=TODAY - datetime.timedelta(days=3),  # overdue
                jurisdiction=us,
                rule="appeal_response",
            ),
            Deadline.objects.create(
                lawsuit=lawsuit,
                label="Answer due",
                due_on=TODAY + datetime.timedelta(days=10),
                source=Deadline.Source.COURT_ORDER,
                rule="court_order",
                court_order="ECF No. 12",
            ),
        ]
        release = Release.objects.create(
            request=request,
            lawsuit=lawsuit,
            released_on=datetime.date(2020, 6, 17),
            pages_released=10,
            pages_withheld_in_full=2,
            pages_withheld_in_part=1,
        )
        release.exemptions.add(b5)
        subject = '=HYPERLINK("http://example.org")' if i == 0 else f"Meeting {k}"
        message = (
            f"From: cto@dea.example\r\nTo: staff@dea.example\r\nSubject: {subject}\r\n"
            f"Date: Fri, 15 Sep 2017 10:00:00 -0400\r\n\r\nMessage {k}.\r\n"
        ).encode()
        digest = hashlib.sha256(message).hexdigest()
        stored = default_storage.save(
            f"documents/{request.pk}/{digest[:2]}/{digest}", ContentFile(message)
        )
        document = Document.objects.create(
            release=release,
            request=request,
            file=stored,
            original_name=f"msg-{k}.eml",
            source=f"msg-{k}.eml",
            kind=Document.Kind.EMAIL,
            media_type="message/rfc822",
            size=len(message),
            subject=subject,
            sha256=digest,
            redacted=True,
            pages_withheld=1,
        )
        document.exemptions.add(b5)
        Reminder.objects.create(
            deadline=deadlines[1],
            recipient=owner,
            reason=Reminder.Reason.OVERDUE,
            scheduled_for=TODAY - datetime.timedelta(days=2),
            due_on=deadlines[1].due_on,
            state=Reminder.State.SENT,
            attempts=1,
            message_id=f"<reminder-{k}@example.org>",
        )
        records.requests.append(request)
        records.appeals.append(appeal)
        records.lawsuits.append(lawsuit)
        records.deadlines.extend(deadlines)
        records.releases.append(release)
        records.documents.append(document)
    return records
