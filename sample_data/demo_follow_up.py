"""The demo's live strand: follow-up requests and a suit, dated from the day the demo is loaded.

The historical case (docs/design.md, section 9) ended years ago, so on its own it leaves a
lawyer's first look empty: nothing due, nothing overdue. These records are **invented for the
demo** and say so in their titles and timelines: follow-up requests the demo organisation filed
in the weeks before "today", one of them appealed and one taken to court. Their dates are chosen
so that, counted by the deadline engine from "today" (``core.today``), something falls due this
week, something is overdue, an appeal decision and the suit's answer fall due within two weeks,
and the court's status reports come after. Only the trigger dates are chosen here; every due
date is stored by the services, which count it as they count any other.

Every record is looked up by its title or caption before it is created, so loading the demo again
changes nothing (its dates stay those of the day it was first loaded).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from dashboard.selectors import week_end
from requests_app import services
from requests_app.deadlines.calendars import WorkingCalendar
from requests_app.deadlines.court import court_schedule_create
from requests_app.deadlines.selectors import working_calendar
from requests_app.models import (
    Agency,
    CourtSchedule,
    District,
    Lawsuit,
    RecordsRequest,
    Topic,
)
from requests_app.workflow import RequestStatus

FOLLOW_UP_NOTE = (
    "Demo follow-up: invented for foiatracker's demo and dated from the day the demo was loaded; "
    "not part of the public record."
)
TITLE_SUFFIX = " (demo follow-up)"

FBI_SEARCHES = "FBI face recognition searches run for field offices" + TITLE_SUFFIX
DEA_CONTRACTS = "DEA face recognition contracts and pilots since 2019" + TITLE_SUFFIX
DOJ_GUIDANCE = "DOJ guidance on face recognition in investigations" + TITLE_SUFFIX
FBI_AUDITS = "FBI audits of its face recognition unit" + TITLE_SUFFIX
SUIT_CAPTION = "Demo Organisation v. FBI" + TITLE_SUFFIX

#: Working days the federal response clock runs (5 U.S.C. 552(a)(6)(A)(i)); the appeal clock
#: runs as long (552(a)(6)(A)(ii)).
RESPONSE_WORKING_DAYS = 20


@dataclass(frozen=True)
class People:
    owner: Any  # who logs the requests (the paralegal)
    counsel: Any  # assigned to each follow-up, counsel on the suit


def working_days_before(calendar: WorkingCalendar, day: datetime.date, n: int) -> datetime.date:
    """The working day from which ``day`` is the ``n``-th working day: counting ``n`` working
    days forward from it, as the response rule does, ends on ``day`` (when ``day`` is a
    working day)."""
    counted = 0
    while counted < n:
        day -= datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def working_day_on_or_after(calendar: WorkingCalendar, day: datetime.date) -> datetime.date:
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def working_day_on_or_before(calendar: WorkingCalendar, day: datetime.date) -> datetime.date:
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def due_this_week(calendar: WorkingCalendar, today: datetime.date) -> datetime.date:
    """The last working day from ``today`` through the end of its week (the dashboard's "this
    week"); on a weekend, or a week whose remaining days are holidays, the next working day."""
    day = week_end(today)
    while day >= today:
        if calendar.is_working_day(day):
            return day
        day -= datetime.timedelta(days=1)
    return working_day_on_or_after(calendar, today)


def _follow_up(
    *,
    title: str,
    records_sought: str,
    agency: Agency,
    received_on: datetime.date,
    people: People,
    topics: list[Topic],
    report: list[str],
) -> tuple[RecordsRequest, bool]:
    existing = RecordsRequest.objects.filter(title=title, agency=agency).first()
    if existing is not None:
        return existing, False
    by = people.owner
    request = services.request_create(
        title=title,
        records_sought=records_sought,
        agency=agency,
        owner=people.owner,
        assigned_staff=[people.counsel],
        topics=topics,
        by=by,
    )
    # Sent by email, received the same day: the clock starts at receipt.
    services.request_submit(request=request, filed_on=received_on, by=by)
    services.request_record_receipt(request=request, received_on=received_on, by=by)
    services.request_log_note(request=request, on=received_on, text=FOLLOW_UP_NOTE, by=by)
    report.append(f"request {title}")
    return request, True


def demo_follow_up_seed(
    *,
    today: datetime.date,
    agencies: dict[str, Agency],
    people: People,
    topics: list[Topic],
) -> list[str]:
    """Add the follow-up requests, the appeal and the suit, once; returns what was created."""
    report: list[str] = []
    calendar = working_calendar("US")
    by = people.owner

    # Due this week: received 20 working days before this week's last working day.
    due = due_this_week(calendar, today)
    received = working_days_before(calendar, due, RESPONSE_WORKING_DAYS)
    fbi, created = _follow_up(
        title=FBI_SEARCHES,
        records_sought="Records of face recognition searches the FBI's Facial Analysis, "
        "Comparison, and Evaluation (FACE) unit ran for field offices, and the policies "
        "governing them. " + FOLLOW_UP_NOTE,
        agency=agencies["FBI"],
        received_on=received,
        people=people,
        topics=topics,
        report=report,
    )
    if created:
        services.request_acknowledge(
            request=fbi,
            acknowledged_on=working_day_on_or_after(
                calendar, received + datetime.timedelta(days=3)
            ),
            tracking_number="DEMO-FBI-0001",
            by=by,
        )

    # Overdue: received 30 working days ago, no determination since.
    received = working_days_before(calendar, today, 30)
    dea, created = _follow_up(
        title=DEA_CONTRACTS,
        records_sought="Contracts, pilots and evaluations of face recognition products by the "
        "DEA since 2019, and communications with their vendors. " + FOLLOW_UP_NOTE,
        agency=agencies["DEA"],
        received_on=received,
        people=people,
        topics=topics,
        report=report,
    )
    if created:
        services.request_acknowledge(
            request=dea,
            acknowledged_on=working_days_before(calendar, today, 24),
            tracking_number="DEMO-DEA-0002",
            by=by,
        )

    _appeal_pending(
        today=today,
        calendar=calendar,
        agencies=agencies,
        people=people,
        topics=topics,
        report=report,
    )
    _suit(
        today=today,
        calendar=calendar,
        agencies=agencies,
        people=people,
        topics=topics,
        report=report,
    )
    return report


def _appeal_pending(
    *,
    today: datetime.date,
    calendar: WorkingCalendar,
    agencies: dict[str, Agency],
    people: People,
    topics: list[Topic],
    report: list[str],
) -> None:
    """A request answered "no records", appealed; the appeal's decision falls due next week."""
    appeal_due = working_day_on_or_after(calendar, today + datetime.timedelta(days=7))
    appeal_received = working_days_before(calendar, appeal_due, RESPONSE_WORKING_DAYS)
    determined = working_days_before(calendar, appeal_received, 10)
    received = working_days_before(calendar, determined, 15)
    doj, created = _follow_up(
        title=DOJ_GUIDANCE,
        records_sought="Guidance, memoranda and training materials of the Department on the "
        "use of face recognition in criminal investigations. " + FOLLOW_UP_NOTE,
        agency=agencies["DOJ"],
        received_on=received,
        people=people,
        topics=topics,
        report=report,
    )
    if not created:
        return
    by = people.owner
    services.request_record_determination(
        request=doj,
        outcome=RequestStatus.NO_RECORDS,
        determined_on=determined,
        text="The Department found no responsive records. " + FOLLOW_UP_NOTE,
        by=by,
    )
    appeal = services.appeal_file(
        request=doj,
        filed_on=appeal_received,
        tracking_number="DEMO-OIP-0003",
        notes="Appealed to the Office of Information Policy: the search was inadequate (the "
        "Department's components are known to use face recognition). " + FOLLOW_UP_NOTE,
        by=by,
    )
    # Emailed, received the same day: the appeal's 20 working days start (552(a)(6)(A)(ii)).
    services.appeal_record_receipt(appeal=appeal, received_on=appeal_received, by=by)
    report.append(f"appeal of {doj.title}")


def _suit(
    *,
    today: datetime.date,
    calendar: WorkingCalendar,
    agencies: dict[str, Agency],
    people: People,
    topics: list[Topic],
    report: list[str],
) -> None:
    """A request the FBI never answered, taken to court: the complaint was served three weeks
    ago, so the answer falls due within two weeks; the court then wants status reports."""
    received = working_days_before(calendar, today, 75)
    audits, _created = _follow_up(
        title=FBI_AUDITS,
        records_sought="Audits, inspections and compliance reviews of the FBI's Facial "
        "Analysis, Comparison, and Evaluation (FACE) unit. " + FOLLOW_UP_NOTE,
        agency=agencies["FBI"],
        received_on=received,
        people=people,
        topics=topics,
        report=report,
    )
    if Lawsuit.objects.filter(caption=SUIT_CAPTION).exists():
        return
    filed = working_days_before(calendar, today, 25)
    served = working_day_on_or_before(calendar, today - datetime.timedelta(days=20))
    lawsuit = services.lawsuit_file(
        caption=SUIT_CAPTION,
        court="U.S. District Court for the District of Massachusetts",
        district=District.D_MASS,
        plaintiffs="Demo Organisation",
        filed_on=filed,
        served_on=served,
        docket_number="DEMO-1",
        defendant_agencies=[agencies["DOJ"], agencies["FBI"]],
        requests=[audits],
        counsel=[people.counsel],
        notes="Filed after the FBI let the response deadline pass without a determination "
        "(5 U.S.C. 552(a)(6)(C)(i)). " + FOLLOW_UP_NOTE,
        by=people.owner,
    )
    court_schedule_create(
        schedule=CourtSchedule(
            lawsuit=lawsuit,
            label="Joint status report on the FBI's processing",
            order_reference="Scheduling order, ECF No. 9 (demo)",
            recurrence=CourtSchedule.Recurrence.EVERY_N_DAYS,
            interval_days=30,
            first_due=working_day_on_or_after(calendar, today + datetime.timedelta(days=35)),
            until=today + datetime.timedelta(days=35 + 150),
        ),
        today=today,
    )
    report.append(f"lawsuit {lawsuit} with its answer and status reports")
