"""The lawyers' dashboard: who may see each page, what each shows, and that a page runs the same
number of queries for a case with one request as for a case with many."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard.charts import Bar, Series, bar_chart_svg
from dashboard.selectors import agency_overview, home_overview
from documents import services as document_services
from documents.models import Document, Exemption
from reminders.calendar_feed import calendar_feed_issue
from reports.selectors import agency_performance, performance
from requests_app import services
from requests_app.deadlines.court import court_deadline_add
from requests_app.deadlines.selectors import deadline_state
from requests_app.models import Agency, Deadline, Lawsuit, RecordsRequest
from tests.factories import AgencyFactory, LawsuitFactory, UserFactory, jurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date
# Mid-case: the complaint was served on 2019-11-04, so the answer (due 2019-12-04) is ahead.
TODAY = datetime.datetime(2019, 11, 20, 15, 0, tzinfo=datetime.UTC)


def build_case(n, *, caption="ACLU v. Agency"):
    """A suit over `n` requests to two components of one department: every other request denied
    and appealed, one production per request with two documents each."""
    owner = UserFactory(first_name="Pat", last_name="Owner")
    parent = AgencyFactory(name=f"Department {caption}", abbreviation="DEPT")
    components = [
        AgencyFactory(name=f"Bureau A {caption}", abbreviation="BA", parent=parent),
        AgencyFactory(name=f"Bureau B {caption}", abbreviation="BB", parent=parent),
    ]
    requests = []
    for i in range(n):
        request = services.request_create(
            title=f"{caption} request {i}",
            records_sought="Face recognition records.",
            agency=components[i % 2],
            owner=owner,
        )
        services.request_submit(request=request, filed_on=D(2019, 1, 16))
        services.request_record_receipt(request=request, received_on=D(2019, 1, 16))
        if i % 2:
            services.request_record_determination(
                request=request, outcome="denied", determined_on=D(2019, 2, 5)
            )
            services.appeal_file(request=request, filed_on=D(2019, 3, 1), received_on=D(2019, 3, 1))
        requests.append(RecordsRequest.objects.get(pk=request.pk))
    lawsuit = services.lawsuit_file(
        caption=caption,
        court="U.S. District Court for the District of Massachusetts",
        plaintiffs="American Civil Liberties Union\nACLU of Massachusetts",
        filed_on=D(2019, 10, 31),
        served_on=D(2019, 11, 4),
        docket_number=f"1:19-cv-{n:05d}",
        defendant_agencies=[parent, *components],
        requests=requests,
        counsel=[UserFactory(first_name="Lee", last_name="Counsel")],
    )
    court_deadline_add(
        lawsuit=lawsuit,
        label="Joint status report",
        due_on=D(2019, 11, 25),
        court_order="ECF No. 12",
    )
    b6 = Exemption.objects.get(jurisdiction__code="US", code="b6")
    for i, request in enumerate(requests):
        release = document_services.release_create(
            request=request,
            lawsuit=lawsuit,
            released_on=D(2019, 11, 1) + datetime.timedelta(days=i),
            pages_released=10 + i,
            pages_withheld_in_full=3,
            pages_withheld_in_part=2,
            exemptions=[b6],
        )
        for k in range(2):
            document = Document.objects.create(
                release=release,
                request=request,
                original_name=f"{i}-{k}.eml",
                source=f"{i}-{k}",
                sha256=f"{i:032d}{k:032d}",
                kind="email",
                subject=f"Face API demonstration {i}-{k}",
                sender="CTO <cto@agency.example>",
                sent_at=datetime.datetime(2017, 11, 8, tzinfo=datetime.UTC),
                text="Demonstrations of the Face API: identify similar faces.",
                redacted=bool(k),
            )
            if k:
                document.exemptions.add(b6)
    return lawsuit


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_urls(lawsuit):
    request = lawsuit.requests.order_by("pk").first()
    assert request is not None
    agency = Agency.objects.get(pk=request.agency.parent_id)
    document = Document.objects.filter(request=request).order_by("pk").first()
    assert document is not None
    return {
        "home": reverse("dashboard:home"),
        "home_mine": reverse("dashboard:home") + "?mine=1",
        "requests": reverse("dashboard:requests"),
        "requests_filtered": reverse("dashboard:requests") + "?status=denied&mine=1&litigation=yes",
        "lawsuits": reverse("dashboard:lawsuits"),
        "lawsuit": reverse("dashboard:lawsuit", args=[lawsuit.pk]),
        "request": reverse("dashboard:request", args=[request.pk]),
        "agencies": reverse("dashboard:agencies"),
        "agency": reverse("dashboard:agency", args=[agency.pk]),
        "calendar": reverse("dashboard:calendar") + "?month=2019-11",
        "documents": reverse("dashboard:documents") + "?q=face",
        "document": reverse("dashboard:document", args=[document.pk]) + "?q=face",
    }


PAGES = [
    "home",
    "home_mine",
    "requests",
    "requests_filtered",
    "lawsuits",
    "lawsuit",
    "request",
    "agencies",
    "agency",
    "calendar",
    "documents",
    "document",
]


@pytest.fixture
def case(db):
    with time_machine.travel(TODAY, tick=False):
        return build_case(3)


# --- Who may see it ------------------------------------------------------------------------------


# Each persona visits every page of one case (building the case once per test, not per page).


@pytest.mark.parametrize("persona", ["lawyer_user", "staff_user", "superuser"])
@time_machine.travel(TODAY, tick=False)
def test_lawyers_and_staff_see_every_page(request, case, persona):
    client = client_for(request.getfixturevalue(persona))
    for page, url in page_urls(case).items():
        response = client.get(url)
        assert response.status_code == 200, (page, response.content[:500])
        assert b'href="#main"' in response.content, page  # the skip link
        assert b"<main" in response.content, page


#: Where a login lands: a reporting client is sent on to the page they can use instead.
LANDING = {"home", "home_mine"}


def test_reporting_users_are_refused_every_page_with_a_page_that_says_why(case, reporting_user):
    client = client_for(reporting_user)
    for page, url in page_urls(case).items():
        response = client.get(url)
        if page in LANDING:
            assert response.status_code == 302, page
            assert response["Location"] == reverse("accounts:tokens"), page
            continue
        assert response.status_code == 403, page
        text = response.content.decode()
        assert "This dashboard is for lawyers and staff" in text, page
        assert "REST API" in text, page
        assert f'href="{reverse("accounts:tokens")}"' in text, page  # where they make a token
        assert case.caption not in text, page  # nothing of the case leaks into the refusal
        assert reverse("dashboard:lawsuits") not in text, page  # nor the navigation


def test_anonymous_visitors_are_sent_to_login_from_every_page(client, case):
    for page, url in page_urls(case).items():
        response = client.get(url)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("login") + "?next="), page
        assert case.caption not in response.content.decode(), page


def test_an_inactive_lawyer_is_sent_to_login(case):
    user = UserFactory(roles=["lawyer"], is_active=False)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_root_leads_to_the_dashboard_and_login_brings_you_back(client, case, lawyer_user):
    assert client.get("/")["Location"] == reverse("dashboard:home")
    login = client.get(reverse("login"))
    assert login.status_code == 200
    assert b'<label for="id_username">' in login.content
    response = client.post(
        reverse("login"),
        {
            "username": lawyer_user.username,
            "password": "correct horse battery staple",
            "next": reverse("dashboard:lawsuits"),
        },
    )
    assert response["Location"] == reverse("dashboard:lawsuits")
    wrong = client.post(reverse("login"), {"username": lawyer_user.username, "password": "no"})
    assert wrong.status_code == 200
    assert b"did not match" in wrong.content


def test_pages_are_read_only(case, lawyer_user):
    client = client_for(lawyer_user)
    assert client.post(page_urls(case)["lawsuit"]).status_code == 405


def test_a_missing_record_is_404(lawyer_user, db):
    client = client_for(lawyer_user)
    assert client.get(reverse("dashboard:lawsuit", args=[999999])).status_code == 404
    assert client.get(reverse("dashboard:request", args=[999999])).status_code == 404
    assert client.get(reverse("dashboard:agency", args=[999999])).status_code == 404
    assert client.get(reverse("dashboard:document", args=[999999])).status_code == 404


# --- Bounded queries ---------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_case(lawyer_user):
    """Every page runs the same number of queries for a suit over 2 requests as over 12 (with
    their deadlines, appeals, productions and documents), and at most 20."""
    client = client_for(lawyer_user)
    counts: dict[str, list[int]] = {page: [] for page in PAGES}
    with time_machine.travel(TODAY, tick=False):
        for n, caption in ((2, "ACLU v. Small"), (12, "ACLU v. Large")):
            urls = page_urls(build_case(n, caption=caption))
            for page in PAGES:
                client.get(urls[page])  # warm the session
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(urls[page])
                assert response.status_code == 200, page
                counts[page].append(len(queries))
    for page, (small, large) in counts.items():
        assert large == small, f"{page}: {small} queries for 2 requests, {large} for 12"
        assert large <= 20, f"{page}: {large} queries"


# --- What the pages say ------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_home_lists_overdue_and_upcoming_deadlines_in_words(case, lawyer_user):
    text = client_for(lawyer_user).get(reverse("dashboard:home")).content.decode()
    # The answer to the complaint served 2019-11-04: 30 days, 552(a)(4)(C).
    assert "Due in 14 days" in text
    assert "Answer" in text or "answer" in text
    assert "Joint status report" in text
    assert "Due in 5 days" in text
    # The appeal received 2019-03-01 was never decided: its 20 working days ran out long ago.
    assert "Overdue by" in text
    assert "state-overdue" in text  # the colour, beside the words
    assert case.caption in text
    assert "Recently received releases" in text


@time_machine.travel(TODAY, tick=False)
def test_lawsuit_page_has_the_case_the_productions_chart_and_the_vaughn_links(case, lawyer_user):
    text = client_for(lawyer_user).get(page_urls(case)["lawsuit"]).content.decode()
    assert "U.S. District Court for the District of Massachusetts" in text
    assert "1:19-cv-00003" in text
    assert "Lee Counsel" in text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="productions-chart"' in text
    assert "Pages released and withheld, per production" in text  # the chart's <title>
    assert 'id="productions-table"' in text  # its text alternative
    assert "33 pages released, 9 withheld in full, 6 withheld in part" in text
    assert reverse("admin:documents_lawsuit_vaughn", args=[case.pk]) + "?format=csv" in text
    assert "How this date was worked out" in text
    assert "Complaint served" in text  # the timeline
    assert case.get_admin_url() in text
    # Dates print in full in the memo.
    assert "Wednesday, December 4, 2019" in text


@time_machine.travel(TODAY, tick=False)
def test_request_page_explains_its_deadlines(case, lawyer_user):
    appealed = case.requests.order_by("pk")[1]
    text = client_for(lawyer_user).get(reverse("dashboard:request", args=[appealed.pk])).content
    text = text.decode()
    assert "<details" in text
    assert "20 working days after 2019-01-16 (5 U.S.C. 552(a)(6)(A)(i))" in text
    assert "2019-01-21 Birthday of Martin Luther King, Jr." in text
    # The named days skipped, listed apart from the weekends.
    assert "Birthday of Martin Luther King, Jr.</li>" in text
    assert "8 weekend days" in text
    assert "Appeal filed" in text
    assert "Denied" in text
    assert "Face API demonstration" in text


def test_agency_performance_counts_on_time_share_and_median_working_days():
    """Requests to one agency received in 2019: one determined in 10 working days (on time), one
    in 25 (late: 20 working days, 5 U.S.C. 552(a)(6)(A)(i)), one undetermined past its deadline
    (late), one not yet due (left out)."""
    agency = AgencyFactory()
    owner = UserFactory()

    def received(on, determined=None):
        request = services.request_create(
            title=f"r {on}", records_sought="x", agency=agency, owner=owner
        )
        services.request_submit(request=request, filed_on=on)
        services.request_record_receipt(request=request, received_on=on)
        if determined:
            services.request_record_determination(
                request=request, outcome="released_in_full", determined_on=determined
            )
        return request

    with time_machine.travel(datetime.datetime(2019, 12, 2, tzinfo=datetime.UTC), tick=False):
        received(D(2019, 3, 1), D(2019, 3, 15))  # 10 working days
        received(D(2019, 3, 1), D(2019, 4, 5))  # 25 working days: late
        received(D(2019, 6, 3))  # due 2019-07-01, still undetermined
        received(D(2019, 11, 25))  # due in December: not judged yet
        received(D(2018, 5, 1), D(2018, 5, 2))
    requests = RecordsRequest.objects.filter(agency=agency)
    years = {y.year: y for y in performance(requests, per_agency=False, today=D(2019, 12, 2))}
    assert years[2019].requests_filed == 4
    assert years[2019].determined == 2
    assert (years[2019].on_time, years[2019].judged) == (1, 3)
    assert years[2019].on_time_percent == 33
    assert years[2019].median_working_days == 17.5
    assert (years[2018].on_time, years[2018].judged, years[2018].median_working_days) == (1, 1, 1)


def test_the_agency_page_shows_the_agency_performance_reports_figures(lawyer_user):
    """One computation for the report and the page. Where they used to differ: a request counts
    in the year it was filed (the page counted the year of receipt), and one still undetermined
    after its response deadline (20 working days, 5 U.S.C. 552(a)(6)(A)(i)) is late in the
    report too (the report left it out of the share)."""
    agency = AgencyFactory(name="One computation")
    owner = UserFactory()

    def filed(on, received, determined=None):
        request = services.request_create(
            title=f"r {on} {received}", records_sought="x", agency=agency, owner=owner
        )
        services.request_submit(request=request, filed_on=on)
        services.request_record_receipt(request=request, received_on=received)
        if determined:
            services.request_record_determination(
                request=request, outcome="denied", determined_on=determined
            )

    with time_machine.travel(datetime.datetime(2020, 3, 2, 17, tzinfo=datetime.UTC), tick=False):
        filed(D(2019, 12, 30), D(2020, 1, 2), D(2020, 1, 10))  # 6 working days: on time
        filed(D(2019, 3, 1), D(2019, 3, 1))  # due 2019-03-29, still undetermined: late
        filed(D(2019, 3, 1), D(2019, 3, 1), D(2019, 3, 15))  # 10 working days: on time
        [row] = agency_performance(agency=agency)
        [year] = agency_overview(agency=agency, today=D(2020, 3, 2)).years
        text = client_for(lawyer_user).get(reverse("dashboard:agency", args=[agency.pk]))
    assert (row["year"], row["requests_filed"], row["determined"]) == (2019, 3, 2)
    assert (year.year, year.requests_filed, year.determined) == (2019, 3, 2)
    assert (year.on_time, year.judged) == (2, 3)
    assert row["share_on_time"] == year.share_on_time == 0.6667
    assert row["median_working_days"] == year.median_working_days == 8.0
    assert row["outcome_denied"] == year.outcomes["denied"] == 2
    page = text.content.decode()
    assert "67% (2 of 3)" in page
    assert "Year filed" in page


@pytest.mark.parametrize("status", Lawsuit.Status.values)
def test_a_finished_case_leaves_the_home_page_and_owes_no_more_dates(db, status):
    lawsuit = LawsuitFactory(status=status)
    court_deadline_add(
        lawsuit=lawsuit, label="Status report", due_on=D(2019, 12, 2), court_order="ECF No. 9"
    )
    waived = services.lawsuit_on_status(lawsuit=lawsuit)
    listed = {line.lawsuit for line in home_overview(today=D(2019, 11, 20)).lawsuits}
    finished = status in {"settled", "decided", "dismissed", "closed"}
    assert (status in Lawsuit.FINISHED) is finished
    assert (lawsuit in listed) is not finished
    assert waived == (1 if finished else 0)


@time_machine.travel(TODAY, tick=False)
def test_agency_page_draws_the_years(case, lawyer_user):
    text = client_for(lawyer_user).get(page_urls(case)["agency"]).content.decode()
    assert 'id="agency-chart"' in text
    # Determined 2019-02-05, received 2019-01-16: 13 working days (MLK Day skipped).
    assert 'id="agency-median-chart"' in text
    assert "13 working days (1 determined)" in text
    assert 'id="agency-years"' in text
    assert "Median working days to determination" in text
    assert "request 0" in text
    assert "request 1" in text


def test_deadline_state_words(db):
    today = D(2019, 11, 20)
    d = Deadline(label="x", due_on=D(2019, 11, 19), status="open")
    assert deadline_state(d, today) == ("overdue", "Overdue by 1 day")
    d.due_on = today
    assert deadline_state(d, today) == ("today", "Due today")
    d.due_on = D(2019, 11, 27)
    assert deadline_state(d, today) == ("soon", "Due in 7 days")
    d.due_on = D(2019, 12, 4)
    assert deadline_state(d, today) == ("upcoming", "Due in 14 days")
    d.paused_on, d.due_on = D(2019, 11, 1), D(2019, 11, 2)
    assert deadline_state(d, today)[0] == "paused"
    met = Deadline(label="x", due_on=today, status="met", met_on=D(2019, 11, 18))
    assert deadline_state(met, today) == ("met", "Met on Nov 18, 2019")
    assert deadline_state(Deadline(label="x", due_on=today, status="waived"), today)[1] == "Waived"


@time_machine.travel(TODAY, tick=False)
def test_calendar_shows_the_month_and_the_feed_link_spot(case, lawyer_user):
    client = client_for(lawyer_user)
    text = client.get(reverse("dashboard:calendar") + "?month=2019-11").content.decode()
    assert "Deadlines in November 2019" in text
    assert "Joint status report" in text
    assert "Create your calendar link in your reminder preferences" in text
    token = calendar_feed_issue(user=lawyer_user)
    text = client.get(reverse("dashboard:calendar") + "?month=2019-11").content.decode()
    # On SITE_URL, the same link as the preferences page and the feed itself (not the host the
    # page was asked on).
    assert f"http://localhost:8000/calendar/{token}.ics" in text
    assert "http://testserver/calendar/" not in text
    december = client.get(reverse("dashboard:calendar") + "?month=2019-12").content.decode()
    assert "Answer" in december or "answer" in december
    bad = client.get(reverse("dashboard:calendar") + "?month=2019-13")
    assert bad.status_code == 400
    assert "“2019-13” is not a month: use YYYY-MM" in bad.content.decode()
    # No month: this month, counted in TIME_ZONE.
    this_month = client.get(reverse("dashboard:calendar")).content.decode()
    assert "Deadlines in November 2019" in this_month


@time_machine.travel(TODAY, tick=False)
def test_the_calendar_weeks_run_monday_to_sunday(lawyer_user):
    """As the overview says ("weeks run Monday to Sunday", ISO 8601): November 2019 begins on a
    Friday, so its first row runs from Monday 28 October to Sunday 3 November."""
    response = client_for(lawyer_user).get(reverse("dashboard:calendar") + "?month=2019-11")
    weeks = response.context["weeks"]
    assert [day.day.weekday() for day in weeks[0]] == [0, 1, 2, 3, 4, 5, 6]
    assert (weeks[0][0].day, weeks[0][-1].day) == (D(2019, 10, 28), D(2019, 11, 3))
    assert weeks[-1][-1].day == D(2019, 12, 1)
    header = response.content.decode().split("<thead>")[1].split("</thead>")[0]
    assert re.findall(r'<abbr title="(\w+)">', header) == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]


@time_machine.travel(TODAY, tick=False)
def test_document_search_highlights_and_filters(case, lawyer_user):
    client = client_for(lawyer_user)
    response = client.get(reverse("dashboard:documents"), {"q": "similar faces"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<mark>" in text
    assert text.count('<li>\n      <h3><a href="/dashboard/documents/') == 6
    redacted = client.get(reverse("dashboard:documents"), {"q": "faces", "exemption": "b6"})
    b6 = (
        '· <abbr title="Personnel, medical and similar files: clearly unwarranted invasion of '
        'personal privacy (5 U.S.C. 552(b)(6))">b6</abbr>'
    )
    assert redacted.content.decode().count(b6) == 3
    by_lawsuit = client.get(reverse("dashboard:documents"), {"lawsuit": case.pk})
    assert by_lawsuit.status_code == 200
    assert (
        "No document matches"
        in client.get(reverse("dashboard:documents"), {"q": "zeppelin"}).content.decode()
    )


def test_document_search_bad_input_says_what_is_wrong(lawyer_user, db):
    client = client_for(lawyer_user)
    response = client.get(
        reverse("dashboard:documents"), {"date_from": "2019-02-30", "lawsuit": "999999"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Dated from: Enter the date as YYYY-MM-DD." in text
    assert "Lawsuit: Select a valid choice" in text
    reversed_range = client.get(
        reverse("dashboard:documents"), {"date_from": "2019-02-01", "date_to": "2019-01-01"}
    )
    assert "The end date is before the start date." in reversed_range.content.decode()


def test_document_text_is_never_trusted_as_html(case, lawyer_user):
    document = Document.objects.filter(request__lawsuits=case).first()
    document.text = "<script>alert(1)</script> similar faces"
    document.subject = "<b>bold</b>"
    document.save()
    client = client_for(lawyer_user)
    text = client.get(reverse("dashboard:document", args=[document.pk]) + "?q=faces").content
    assert b"<script>alert(1)</script>" not in text
    assert b"&lt;script&gt;" in text
    assert b"<b>bold</b>" not in text


def test_empty_dashboard_says_what_to_do_next(lawyer_user, db):
    client = client_for(lawyer_user)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "Nothing is overdue" in home
    assert "No open lawsuits" in home
    assert reverse("admin:requests_app_lawsuit_add") in home
    assert "No releases yet" in home
    assert "No lawsuits yet" in client.get(reverse("dashboard:lawsuits")).content.decode()
    agencies = client.get(reverse("dashboard:agencies")).content.decode()
    assert "No request has been made yet" in agencies
    assert "No documents yet" in client.get(reverse("dashboard:documents")).content.decode()


def _filed_request(title, agency, owner):
    request = services.request_create(title=title, records_sought="x", agency=agency, owner=owner)
    services.request_submit(request=request, filed_on=D(2019, 1, 16))
    return RecordsRequest.objects.get(pk=request.pk)


def _release_citing(request, lawsuit, codes, document_codes):
    """A release of the request (under the suit, or None) citing `codes`, with one document per
    entry of `document_codes`, each applying those codes."""
    by_code = {e.code: e for e in Exemption.objects.filter(jurisdiction__code="US")}
    release = document_services.release_create(
        request=request,
        lawsuit=lawsuit,
        released_on=D(2019, 11, 1),
        exemptions=[by_code[c] for c in codes],
    )
    for k, applied in enumerate(document_codes):
        document = Document.objects.create(
            release=release,
            request=request,
            original_name=f"{release.pk}-{k}",
            source=f"{release.pk}-{k}",
            sha256=f"{release.pk:032d}{k:032d}",
            kind="other",
            withheld_in_full=True,
        )
        document.exemptions.add(*(by_code[c] for c in applied))
    return release


def test_lawsuit_page_lists_the_exemptions_cited_most_with_meanings_and_counts(lawyer_user):
    agency = AgencyFactory(jurisdiction=jurisdiction("US"))
    covered = [_filed_request(f"Covered {i}", agency, lawyer_user) for i in range(2)]
    elsewhere = _filed_request("Not in the suit", agency, lawyer_user)
    lawsuit = services.lawsuit_file(
        caption="ACLU v. Exemptions",
        court="D. Mass.",
        plaintiffs="ACLU",
        filed_on=D(2019, 10, 31),
        defendant_agencies=[agency],
        requests=covered,
    )
    # Under the suit: cites b5 and b7C; two documents apply b7C, one b6 too.
    _release_citing(covered[0], lawsuit, ["b5", "b7C"], [["b7C"], ["b7C", "b6"]])
    # Before the suit, of a covered request: counts too.
    _release_citing(covered[1], None, ["b7C"], [["b5"]])
    # A request the suit does not cover: not counted.
    _release_citing(elsewhere, None, ["b1"], [["b1"]])

    url = reverse("dashboard:lawsuit", args=[lawsuit.pk])
    client = client_for(lawyer_user)
    with time_machine.travel(TODAY, tick=False):
        text = client.get(url).content.decode()
    listed = text.split('id="exemptions-cited"')[1].split("</ol>")[0]
    items = [item.split("</li>")[0] for item in listed.split("<li>")[1:]]
    # b7C: 2 releases + 2 documents; b5: 1 release + 1 document; b6: 1 document.
    assert [item.split("</strong>")[0].removeprefix("<strong>") for item in items] == [
        "b7C",
        "b5",
        "b6",
    ]
    assert "unwarranted invasion of personal privacy (5 U.S.C. 552(b)(7)(C))" in items[0]
    assert '<span class="count">4</span> (2 releases, 2 documents)' in items[0]
    assert '<span class="count">2</span> (1 release, 1 document)' in items[1]
    assert '<span class="count">1</span> (0 releases, 1 document)' in items[2]
    assert "b1" not in listed

    # More releases, documents and exemptions: the same number of queries.
    with time_machine.travel(TODAY, tick=False), CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(5):
        _release_citing(covered[i % 2], lawsuit, ["b4", "b7E"], [["b7A"], ["b3", "b7F"]])
    with time_machine.travel(TODAY, tick=False), CaptureQueriesContext(connection) as after:
        text = client.get(url).content.decode()
    assert len(after) == len(before)
    assert text.count("<li><strong>b7", text.index('id="exemptions-cited"')) >= 4


def test_lawsuit_page_says_what_no_exemption_cited_means(lawyer_user):
    agency = AgencyFactory(jurisdiction=jurisdiction("US"))
    request = _filed_request("Covered", agency, lawyer_user)
    lawsuit = services.lawsuit_file(
        caption="ACLU v. Openness",
        court="D. Mass.",
        plaintiffs="ACLU",
        filed_on=D(2019, 10, 31),
        defendant_agencies=[agency],
        requests=[request],
    )
    _release_citing(request, lawsuit, [], [[]])
    text = client_for(lawyer_user).get(reverse("dashboard:lawsuit", args=[lawsuit.pk])).content
    text = text.decode()
    assert "Exemptions cited most" in text
    assert "No exemption cited: no release or document of the requests this suit covers" in text
    assert 'id="exemptions-cited"' not in text


def test_an_empty_lawsuit_and_request_say_what_to_do_next(lawyer_user):
    agency = AgencyFactory(jurisdiction=jurisdiction("US"))
    lawsuit = services.lawsuit_file(
        caption="ACLU v. Nobody",
        court="D. Mass.",
        plaintiffs="ACLU",
        filed_on=D(2019, 10, 31),
        defendant_agencies=[agency],
    )
    request = services.request_create(
        title="Drafted", records_sought="x", agency=agency, owner=lawyer_user
    )
    client = client_for(lawyer_user)
    text = client.get(reverse("dashboard:lawsuit", args=[lawsuit.pk])).content.decode()
    assert "This suit covers no request yet" in text
    assert "No production yet" in text
    assert "the answer deadline starts when the service date is entered" in text
    text = client.get(reverse("dashboard:request", args=[request.pk])).content.decode()
    assert "The response clock starts when staff enter the date the agency received" in text
    text = client.get(reverse("dashboard:agency", args=[agency.pk])).content.decode()
    assert "nothing to measure" in text


def test_chart_escapes_labels_and_states_its_figures():
    svg = bar_chart_svg(
        chart_id="c",
        title="Pages <per> production",
        description="desc",
        series=[Series("Released", "a"), Series("Withheld", "b")],
        bars=[Bar("<script>", (10, 5)), Bar("second", (0, 3))],
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'role="img"' in svg
    assert '<title id="c-title">Pages &lt;per&gt; production' in svg
    assert "Released 10" in svg
    assert "Withheld 5" in svg
    assert svg.count("<rect") == 2 + 3  # the legend's two swatches, then only non-zero segments
