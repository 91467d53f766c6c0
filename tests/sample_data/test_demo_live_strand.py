"""The demo's live strand: whatever day the demo is loaded, the lawyer's first look has something
due this week, something overdue and something in the next 14 days, every date counted by the
deadline engine; the DEA release has page counts and exemptions; a reporting client can log in."""

from __future__ import annotations

import datetime
import html
import re
from io import StringIO

import icalendar
import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.today import organisation_today
from dashboard.selectors import home_overview, lawsuit_overview, week_end
from documents.models import Document, Release
from documents.selectors import exemptions_cited, release_totals, vaughn_index
from reminders.models import ReminderPreference
from requests_app.deadlines.selectors import deadline_calculate, working_calendar
from requests_app.models import Appeal, Deadline, Lawsuit, RecordsRequest
from requests_app.workflow import RequestStatus
from sample_data import demo_follow_up as strand

pytestmark = pytest.mark.django_db
D = datetime.date
PASSWORD = "demo-pass-for-tests"

# Two days of different shape, both mid-morning in New York (after the reminders' send hour):
# a Wednesday, whose week ends on a Friday deadline two days ahead; and a Friday before
# Christmas, when this week's deadline is today and Christmas Day sits inside the next two weeks.
WEDNESDAY = datetime.datetime(2026, 12, 9, 15, 0, tzinfo=datetime.UTC)
FRIDAY_BEFORE_CHRISTMAS = datetime.datetime(2026, 12, 18, 15, 0, tzinfo=datetime.UTC)
DAYS = [
    pytest.param(WEDNESDAY, D(2026, 12, 11), id="wednesday"),
    pytest.param(FRIDAY_BEFORE_CHRISTMAS, D(2026, 12, 18), id="friday-before-christmas"),
]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--password", PASSWORD, stdout=out)
    return out.getvalue()


def row_counts(*, history: bool = True) -> dict[str, int]:
    return {
        m._meta.label: m._base_manager.count()
        for m in apps.get_models()
        if history or not m.__name__.startswith("Historical")
    }


def text_of(response) -> str:
    """The page as read: tags dropped, entities decoded, every run of white space one space."""
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def lawyer():
    return get_user_model().objects.get(username="lawyer")


@pytest.mark.parametrize(("now", "fbi_due"), DAYS)
def test_the_lawyers_first_look_has_this_week_overdue_and_the_next_14_days(now, fbi_due):
    with time_machine.travel(now, tick=False):
        seed()
        today = organisation_today()
        mine = home_overview(today=today, user=lawyer())

        this_week = {row.deadline.request.title for row in mine.this_week if row.deadline.request}
        assert strand.FBI_SEARCHES in this_week
        assert all(today <= row.deadline.due_on <= week_end(today) for row in mine.this_week)
        fbi = Deadline.objects.get(request__title=strand.FBI_SEARCHES, status="open")
        assert fbi.due_on == fbi_due

        overdue = [row.deadline for row in mine.overdue]
        assert [d.request.title for d in overdue if d.request] == [strand.DEA_CONTRACTS]
        dea = overdue[0]
        assert dea.due_on < today
        assert dea.request.determined_on is None
        # Received 30 working days ago: the 20-day clock ran out 10 working days ago.
        assert dea.request.received_on == strand.working_days_before(
            working_calendar("US"), today, 30
        )

        upcoming = {row.deadline.label for row in mine.upcoming}
        assert "Determination on an administrative appeal" in upcoming  # the appeal pending
        assert "Agency's answer to a FOIA complaint" in upcoming  # the suit's answer
        assert all(row.deadline.due_on > week_end(today) for row in mine.upcoming[-1:])

        # The page says the same, counts first.
        client = Client()
        client.force_login(lawyer())
        page = text_of(client.get(reverse("dashboard:home") + "?mine=1"))
        for heading, rows in (
            ("Due this week", mine.this_week_total),
            ("Overdue deadlines", mine.overdue_total),
            ("Due in the next 14 days", mine.upcoming_total),
        ):
            assert rows >= 1
            assert f"{heading} ({rows})" in page
        assert strand.FBI_SEARCHES in page


def test_loaded_on_a_weekend_this_weeks_deadline_is_monday():
    """No FOIA deadline falls on a Saturday or Sunday (a last day rolls to the next working
    day), so a demo loaded on a weekend has nothing due "this week": the FBI's answer falls due
    on Monday, first of the next 14 days, and the overdue request is still overdue."""
    saturday = datetime.datetime(2026, 12, 12, 15, 0, tzinfo=datetime.UTC)
    with time_machine.travel(saturday, tick=False):
        seed()
        mine = home_overview(today=organisation_today(), user=lawyer())
    assert mine.this_week == []
    assert mine.upcoming[0].deadline.request.title == strand.FBI_SEARCHES
    assert mine.upcoming[0].deadline.due_on == D(2026, 12, 14)
    assert [row.deadline.request.title for row in mine.overdue] == [strand.DEA_CONTRACTS]


@pytest.mark.parametrize(("now", "_due"), DAYS)
def test_every_live_date_is_the_engines_count(now, _due):
    with time_machine.travel(now, tick=False):
        seed()
    fbi = RecordsRequest.objects.get(title=strand.FBI_SEARCHES)
    stored = fbi.deadlines.get(status="open")
    counted = deadline_calculate(jurisdiction="US", rule="response", start=fbi.received_on)
    assert (stored.rule, stored.source, stored.due_on) == ("response", "rule", counted.due)

    appeal = Appeal.objects.get(request__title=strand.DOJ_GUIDANCE)
    assert appeal.request.status == RequestStatus.APPEALED
    assert appeal.outcome == Appeal.Outcome.PENDING
    decision = appeal.deadlines.get(status="open")
    assert decision.due_on == (
        deadline_calculate(jurisdiction="US", rule="appeal_response", start=appeal.received_on).due
    )

    suit = Lawsuit.objects.get(caption=strand.SUIT_CAPTION)
    assert suit.status == Lawsuit.Status.SERVED
    answer = suit.deadlines.get(rule="foia_answer")
    assert answer.due_on == (
        deadline_calculate(
            jurisdiction="US", rule="foia_answer", start=suit.served_on, forum="US-MA"
        ).due
    )
    # The court's status reports come after the answer, each a date the schedule gives.
    reports = suit.deadlines.filter(rule="court_schedule").order_by("due_on")
    assert reports.count() >= 5
    assert reports.first().due_on > answer.due_on
    # The request the suit covers: its clock had run out when the suit was filed.
    audits = suit.requests.get()
    assert audits.status == RequestStatus.IN_LITIGATION
    assert audits.deadlines.get(rule="response", source="rule").status == Deadline.Status.MISSED


def test_the_invented_records_say_they_are_invented():
    with time_machine.travel(WEDNESDAY, tick=False):
        seed()
    follow_ups = RecordsRequest.objects.filter(title__endswith=strand.TITLE_SUFFIX)
    assert follow_ups.count() == 4
    for request in follow_ups:
        assert strand.FOLLOW_UP_NOTE in request.records_sought
        assert request.events.filter(text=strand.FOLLOW_UP_NOTE).exists()
        assert list(request.assigned_staff.all()) == [lawyer()]
    suit = Lawsuit.objects.get(caption=strand.SUIT_CAPTION)
    assert strand.FOLLOW_UP_NOTE in suit.notes
    assert "(demo)" in suit.schedules.get().order_reference
    # The historical case keeps its own dates and facts: filed 2019-10-31, the docket number
    # of the complaint's header, no service date (none is in the public record the demo uses).
    historical = Lawsuit.objects.get(caption="ACLU v. DOJ, FBI and DEA")
    assert historical.filed_on == D(2019, 10, 31)
    assert historical.docket_number == "1:19-cv-12242"
    assert historical.served_on is None
    assert not historical.deadlines.exists()


def test_the_dea_release_has_page_counts_exemptions_and_a_vaughn_index():
    with time_machine.travel(WEDNESDAY, tick=False):
        seed()
        suit = Lawsuit.objects.get(caption="ACLU v. DOJ, FBI and DEA")
        overview = lawsuit_overview(lawsuit=suit, today=organisation_today())
    [release] = overview.releases
    assert "illustrative" in release.description
    # The release's pages are its documents' pages: 1 released, 4 in part, 12 withheld.
    assert (
        release.pages_released,
        release.pages_withheld_in_part,
        release.pages_withheld_in_full,
    ) == (1, 4, 12)
    documents = Document.objects.filter(release=release)
    assert sum(d.page_count for d in documents) == 17
    assert release.bates_range == "DEMO-DEA-000001 to DEMO-DEA-000017"
    assert {e.code for e in release.exemptions.all()} == {"b4", "b6", "b7C", "b7E"}

    totals = release_totals(Release.objects.filter(lawsuit=suit))
    assert totals.pages_released + totals.pages_withheld_in_full > 0
    assert dict(totals.top_exemptions)["b7E"] == 3  # two emails and the attachment
    cited = {c.exemption.code for c in exemptions_cited(request_ids=[release.request_id])}
    assert cited == {"b4", "b6", "b7C", "b7E"}

    vaughn = list(vaughn_index(lawsuit_id=suit.pk))
    assert [d.bates_number for d in vaughn] == [
        "DEMO-DEA-000001",
        "DEMO-DEA-000002 to DEMO-DEA-000003",
        "DEMO-DEA-000004 to DEMO-DEA-000015",
        "DEMO-DEA-000016",
    ]
    withheld = vaughn[2]
    assert withheld.withheld_in_full
    assert not withheld.file
    assert withheld.parent.subject == "Demonstrations at the Reston, Virginia office"

    client = Client()
    client.force_login(lawyer())
    with time_machine.travel(WEDNESDAY, tick=False):
        page = text_of(client.get(reverse("dashboard:lawsuit", args=[suit.pk])))
    assert "page counts not entered" not in page
    assert "17 pages" in page  # the production's bar
    assert "Docket 1:19-cv-12242" in page


def test_a_reporting_client_can_log_in_and_holds_only_the_reporting_role():
    with time_machine.travel(WEDNESDAY, tick=False):
        out = seed()
    assert "user reporter" in out
    reporter = authenticate(username="reporter", password=PASSWORD)
    assert reporter is not None
    assert reporter.get_full_name() == "Sam Ortiz"
    assert [g.name for g in reporter.groups.all()] == ["reporting"]
    assert not reporter.is_staff
    assert not reporter.is_superuser
    # The API answers the reporting client; the dashboard is for lawyers and staff, so it sends
    # them to the page where they make their API tokens.
    client = Client()
    client.force_login(reporter)
    assert client.get("/api/v1/requests/").status_code == 200
    response = client.get(reverse("dashboard:home"))
    assert (response.status_code, response["Location"]) == (302, reverse("accounts:tokens"))


def test_the_lawyers_calendar_feed_has_the_live_deadlines():
    with time_machine.travel(WEDNESDAY, tick=False):
        seed()
        token = ReminderPreference.objects.get(user=lawyer()).feed_token
        response = Client().get(reverse("calendar-feed", args=[token]))
    assert response.status_code == 200
    summaries = [
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    ]
    assert any(strand.FBI_SEARCHES in s for s in summaries)
    assert any(strand.SUIT_CAPTION in s for s in summaries)


def test_loading_it_again_later_changes_nothing_of_the_demos_dates():
    with time_machine.travel(WEDNESDAY, tick=False):
        seed()
        first = row_counts()
        assert "nothing changed" in seed()
        assert row_counts() == first
    dates = sorted(Deadline.objects.values_list("pk", "due_on", "status"))
    with time_machine.travel(WEDNESDAY + datetime.timedelta(days=9), tick=False):
        seed()
    assert sorted(Deadline.objects.values_list("pk", "due_on", "status")) == dates
    assert RecordsRequest.objects.count() == first["requests_app.RecordsRequest"]


def test_a_demo_loaded_before_gets_its_docket_and_page_counts():
    """A database seeded by the earlier demo (no docket number, a release with no page counts
    or exemptions) gets them on the next load, once."""
    with time_machine.travel(WEDNESDAY, tick=False):
        seed()
        # Without the change history: recording the docket number is one more entry in it.
        complete = row_counts(history=False)
        release = Release.objects.get(request__title__startswith="DEA face recognition and bio")
        Document.objects.filter(release=release, withheld_in_full=True).delete()
        for document in release.documents.all():
            document.exemptions.clear()
        release.documents.update(redacted=False, bates_number="", page_count=None)
        release.exemptions.clear()
        Release.objects.filter(pk=release.pk).update(
            pages_released=0, pages_withheld_in_part=0, pages_withheld_in_full=0
        )
        Lawsuit.objects.filter(caption="ACLU v. DOJ, FBI and DEA").update(docket_number="")

        out = seed()
        assert "docket number 1:19-cv-12242" in out
        assert "page counts and exemptions of DEA release of 2020-06-17" in out
        assert row_counts(history=False) == complete
        release.refresh_from_db()
        assert release.pages_withheld_in_full == 12
        assert "nothing changed" in seed()
