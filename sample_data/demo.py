"""The demo case: the ACLU's face-recognition requests to the DOJ, FBI and DEA, the suit that
followed in October 2019, the DEA emails released in June 2020, and the March 2020 suit against DHS
over face recognition at airports (facts from public reporting; see docs/design.md, section 9).

Where public reporting gives a month but not a day, the day is illustrative and the event says so.
Everything is looked up before it is created, so loading the demo twice changes nothing. The live
strand beside the historical case (follow-up requests, an appeal and a suit, dated from the day
the demo is loaded) is invented for the demo and says so: ``sample_data.demo_follow_up``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from core import roles
from core.today import organisation_today
from reminders import outbox
from reminders.calendar_feed import calendar_feed_issue
from reminders.models import ReminderPreference
from requests_app import services
from requests_app.deadlines.closures import closure_day_add
from requests_app.models import (
    Agency,
    ClosureDay,
    District,
    Jurisdiction,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    Topic,
)
from requests_app.services import timeline
from sample_data.demo_follow_up import People, demo_follow_up_seed

DEMO_NOTE = "Demo data: summarises public reporting (June 2020); written for the demo."

# (source_key, name, abbreviation, parent source_key, FOIA email) — the keys match those the agency
# directory importer gives, so importing the real directory later updates these rows.
AGENCIES = [
    ("18f:DOJ", "Department of Justice", "DOJ", None, "MRUFOIA.Requests@usdoj.gov"),
    (
        "18f:DOJ/Federal Bureau of Investigation",
        "Federal Bureau of Investigation",
        "FBI",
        "18f:DOJ",
        "foiparequest@ic.fbi.gov",
    ),
    (
        "18f:DOJ/Drug Enforcement Administration",
        "Drug Enforcement Administration",
        "DEA",
        "18f:DOJ",
        "dea.foia@usdoj.gov",
    ),
    ("18f:DHS", "Department of Homeland Security", "DHS", None, "foia@hq.dhs.gov"),
    (
        "18f:DHS/U.S. Customs & Border Protection",
        "U.S. Customs & Border Protection",
        "CBP",
        "18f:DHS",
        "",
    ),
]

RECORDS_SOUGHT = (
    "All records concerning the agency's use, acquisition, testing or evaluation of face "
    "recognition and other biometric tracking technology, including policies, contracts, "
    "communications with vendors, and records of use in investigations."
)

# Month-level facts from public reporting; the day of filing is illustrative.
FILED = datetime.date(2019, 1, 16)
SUIT_FILED = datetime.date(2019, 10, 31)
# The complaint's own header: "Case 1:19-cv-12242 Document 1 Filed 10/31/19" (D. Mass., ECF No. 1).
# Its service date is not in the public reporting the demo follows, so none is recorded.
SUIT_DOCKET = "1:19-cv-12242"
DEA_RELEASE = datetime.date(2020, 6, 17)
DHS_FILED = datetime.date(2019, 11, 5)
DHS_SUIT_FILED = datetime.date(2020, 3, 12)

DEA_EMAILS = (
    "DEA released emails dated September 2017 through December 2018 (published 2020-06-17). "
    "On 2017-09-15 the DEA's chief technology officer wrote that he was hosting Microsoft's "
    "Cognitive Services group to discuss media-services use cases; in November 2017 DEA staff "
    "saw demonstrations at the company's Reston, Virginia office (translation, transcription, "
    "OCR in video, Face API: “identify similar faces, develop a face database”); a follow-up "
    "asked about a prototype; in November 2018 the company asked for another meeting; as of "
    "November 2018 the DEA had not purchased the technology. " + DEMO_NOTE
)


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


def _agencies(report: DemoReport) -> dict[str, Agency]:
    us = Jurisdiction.objects.get(code="US")
    found: dict[str, Agency] = {}
    for key, name, abbreviation, parent_key, email in AGENCIES:
        agency = Agency.objects.filter(source_key=key).first()
        if agency is None:
            agency = Agency.objects.create(
                source_key=key,
                name=name,
                abbreviation=abbreviation,
                parent=found[parent_key] if parent_key else None,
                jurisdiction=us,
                foia_email=email,
            )
            report.add(f"agency {agency}")
        elif not agency.abbreviation:
            # The 18F directory leaves some well-known abbreviations out (the FBI's, for one).
            agency.abbreviation = abbreviation
            agency.save(update_fields=["abbreviation"])
            report.add(f"abbreviation {abbreviation} for {agency.name}")
        found[abbreviation] = agency
        found[key] = agency
    return found


def _demo_user(username: str, password: str, report: DemoReport, **fields: Any) -> Any:
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=password, **fields)
        report.add(f"user {username}")
    return user


def _request(
    *,
    title: str,
    agency: Agency,
    owner: Any,
    topics: list[Topic],
    filed_on: datetime.date,
    report: DemoReport,
) -> tuple[RecordsRequest, bool]:
    existing = RecordsRequest.objects.filter(title=title, agency=agency).first()
    if existing is not None:
        return existing, False
    request = services.request_create(
        title=title,
        records_sought=RECORDS_SOUGHT,
        agency=agency,
        owner=owner,
        topics=topics,
        by=owner,
    )
    services.request_submit(request=request, filed_on=filed_on, by=owner)
    # Requests sent by email reach the agency the same day; the day itself is illustrative.
    services.request_record_receipt(request=request, received_on=filed_on, by=owner)
    report.add(f"request {title}")
    return request, True


@transaction.atomic
def demo_seed(*, password: str) -> DemoReport:
    report = DemoReport()
    agencies = _agencies(report)
    demo = _demo_user(
        "demo",
        password,
        report,
        is_staff=True,
        is_superuser=True,
        # Distinct names: the admin greets each login by first name, the dashboard names owners.
        first_name="Dana",
        last_name="Reyes",
        email="demo@example.org",
    )
    lawyer = _demo_user(
        "lawyer",
        password,
        report,
        is_staff=True,
        first_name="Lee",
        last_name="Okafor",
        email="lawyer@example.org",
    )
    lawyer.groups.add(Group.objects.get(name=roles.LAWYER))
    # A reporting client: the API only (no admin login, no dashboard), so is_staff stays off.
    reporter = _demo_user(
        "reporter",
        password,
        report,
        first_name="Sam",
        last_name="Ortiz",
        email="reporter@example.org",
    )
    reporter.groups.add(Group.objects.get(name=roles.REPORTING))
    # A real closure: Executive Order 13900 closed federal agencies on 2019-12-24. It is not a
    # statutory holiday, so it counts only because staff entered it.
    us = Jurisdiction.objects.get(code="US")
    if not ClosureDay.objects.filter(jurisdiction=us, date=datetime.date(2019, 12, 24)).exists():
        closure_day_add(
            jurisdiction=us,
            date=datetime.date(2019, 12, 24),
            reason="Executive Order 13900: executive departments closed on Christmas Eve 2019",
        )
        report.add("closure day 2019-12-24")

    topics = []
    for name in ("face recognition", "biometrics"):
        topic, created = Topic.objects.get_or_create(name=name)
        if created:
            report.add(f"topic {name}")
        topics.append(topic)

    doj_requests = []
    for abbreviation in ("DOJ", "FBI", "DEA"):
        request, _ = _request(
            title=f"{abbreviation} face recognition and biometric tracking records",
            agency=agencies[abbreviation],
            owner=demo,
            topics=topics,
            filed_on=FILED,
            report=report,
        )
        doj_requests.append(request)

    lawsuit = Lawsuit.objects.filter(caption="ACLU v. DOJ, FBI and DEA").first()
    if lawsuit is None:
        lawsuit = services.lawsuit_file(
            caption="ACLU v. DOJ, FBI and DEA",
            court="U.S. District Court for the District of Massachusetts",
            district=District.D_MASS,
            plaintiffs="American Civil Liberties Union\nACLU of Massachusetts",
            filed_on=SUIT_FILED,
            docket_number=SUIT_DOCKET,
            defendant_agencies=[agencies["DOJ"], agencies["FBI"], agencies["DEA"]],
            requests=doj_requests,
            counsel=[lawyer],
            notes="Filed after the agencies failed to comply with the records requests about "
            "face recognition and other biometric tracking technology. " + DEMO_NOTE,
            by=demo,
        )
        report.add(f"lawsuit {lawsuit}")
    elif not lawsuit.docket_number:
        # Loaded before the demo recorded it.
        services.lawsuit_update(lawsuit=lawsuit, changes={"docket_number": SUIT_DOCKET}, by=demo)
        report.add(f"docket number {SUIT_DOCKET}")

    dea_request = doj_requests[2]
    if not dea_request.events.filter(kind=RequestEvent.Kind.INTERIM_RELEASE).exists():
        timeline.interim_release_received(
            request=dea_request, on=DEA_RELEASE, text=DEA_EMAILS, by=demo
        )
        report.add("DEA release of June 2020")

    cbp_request, created = _request(
        title="CBP face recognition at airports (Traveler Verification Service)",
        agency=agencies["CBP"],
        owner=demo,
        topics=topics,
        filed_on=DHS_FILED,
        report=report,
    )
    if created:
        timeline.note_added(
            request=cbp_request,
            on=DHS_FILED,
            text="CBP's Traveler Verification Service: 22 airports, over 20 million travelers "
            "scanned by June 2019 (public reporting). " + DEMO_NOTE,
            by=demo,
        )
    if not Lawsuit.objects.filter(caption="ACLU v. DHS").exists():
        dhs_suit = services.lawsuit_file(
            caption="ACLU v. DHS",
            court="U.S. District Court for the Southern District of New York",
            district=District.S_D_N_Y,
            plaintiffs="American Civil Liberties Union\nAmerican Civil Liberties Union Foundation",
            filed_on=DHS_SUIT_FILED,
            defendant_agencies=[agencies["DHS"], agencies["CBP"]],
            requests=[cbp_request],
            counsel=[lawyer],
            notes="Suit over secrecy about face recognition at airports (March 2020; the day "
            "and court are as in public reporting — confirm against the docket). " + DEMO_NOTE,
            by=demo,
        )
        report.add(f"lawsuit {dhs_suit}")
    report.created += demo_follow_up_seed(
        today=organisation_today(),
        agencies=agencies,
        people=People(owner=demo, counsel=lawyer),
        topics=topics,
    )
    _reminders(demo=demo, lawyer=lawyer, report=report)
    return report


def _reminders(*, demo: Any, lawyer: Any, report: DemoReport) -> None:
    """The lawyer reads reminders one by one and subscribes to every case deadline; the
    paralegal takes a daily digest. A sweep fills the outbox (the worker sends it)."""
    _preference, created = ReminderPreference.objects.get_or_create(
        user=lawyer, defaults={"feed_all_lawsuits": True}
    )
    if created:
        calendar_feed_issue(user=lawyer)
        report.add("reminder preferences and calendar link for lawyer")
    _digest, created = ReminderPreference.objects.get_or_create(
        user=demo, defaults={"delivery": ReminderPreference.Delivery.DIGEST}
    )
    if created:
        report.add("daily digest for demo")
    created_reminders = outbox.reminders_sweep().created
    if created_reminders:
        report.add(f"{created_reminders} reminders due today")
