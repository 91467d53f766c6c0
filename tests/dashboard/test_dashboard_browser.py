"""The dashboard in a real browser: Debian's Chromium (/usr/bin/chromium) driven by Playwright
against the live server, on the demo case.

`make test` installs the `chromium` package when it is missing (`make chromium`); without it these
tests fail, they are never skipped. Screenshots go to var/test-artifacts/dashboard/ (gitignored).

The clock is frozen (ticking) at 2020-07-01, after the DEA release of 2020-06-17; the demo suit's
complaint is recorded as served on 2020-06-10, so its answer (30 days, 5 U.S.C. 552(a)(4)(C)) and a
court-ordered status report fall due in the next 14 days.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import sync_playwright

from documents.services import release_create
from requests_app import services
from requests_app.deadlines import rules
from requests_app.deadlines.court import court_deadline_add
from requests_app.deadlines.selectors import closures_for
from requests_app.models import Lawsuit
from tests.factories import DeadlineFactory, RecordsRequestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium's own background connections are refused on a closed network and
    # page loads stall.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "dashboard"
NOW = datetime.datetime(2020, 7, 1, 15, 0, tzinfo=datetime.UTC)  # 11:00 in New York
PASSWORD = "browser-test-password"
D = datetime.date


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    """One headless Chromium for the module. Missing Chromium is a failure, not a skip."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium), "
            "which `make test` does first."
        )

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous ones.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(settings, live_server) -> Iterator[Lawsuit]:
    """The demo case, with the complaint served and a status report ordered, at a frozen date."""
    # The browser runs on the real clock: cookies dated from the frozen one would have expired.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(NOW, tick=True):
        call_command("seed_demo", password=PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
        lawsuit = Lawsuit.objects.get(caption="ACLU v. DOJ, FBI and DEA")
        services.lawsuit_record_service(lawsuit=lawsuit, served_on=D(2020, 6, 10))
        court_deadline_add(
            lawsuit=lawsuit,
            label="Joint status report",
            due_on=D(2020, 7, 8),
            court_order="ECF No. 31 (illustrative, for the browser test)",
        )
        # Beside the demo's DEA release, a second, illustrative production: two bars to draw.
        fbi = lawsuit.requests.get(agency__abbreviation="FBI")
        release_create(
            request=fbi,
            lawsuit=lawsuit,
            released_on=D(2020, 6, 24),
            description="Illustrative production for the browser test (not demo data).",
            pages_released=120,
            pages_withheld_in_full=35,
            pages_withheld_in_part=12,
        )
        yield lawsuit


@pytest.fixture
def page(chromium, demo):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name: str, **options) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page="clip" not in options, **options)
    return path


def log_in(page, live_server, username: str = "lawyer", then: str = "") -> None:
    page.goto(live_server.url + (then or reverse("dashboard:home")))
    assert "/accounts/login/" in page.url  # anonymous: sent to log in first
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_log_in_and_see_the_demo_lawsuit_and_its_upcoming_deadlines(page, live_server):
    log_in(page, live_server)
    assert page.url.endswith(reverse("dashboard:home"))
    upcoming = page.locator("section", has=page.get_by_role("heading", name=re.compile("next 14")))
    # 30 days after service on 2020-06-10: July 10 (552(a)(4)(C)).
    answer = upcoming.locator("li.deadline", has_text="Jul 10, 2020")
    assert answer.count() == 1
    assert "Due in 9 days" in answer.inner_text()
    assert "ACLU v. DOJ, FBI and DEA" in answer.inner_text()
    report = upcoming.locator("li.deadline", has_text="Joint status report")
    assert "Due in 7 days" in report.inner_text()
    lawsuits = page.locator("section", has=page.get_by_role("heading", name="Open lawsuits"))
    assert lawsuits.get_by_role("link", name="ACLU v. DOJ, FBI and DEA").is_visible()
    releases = page.locator("section", has=page.get_by_role("heading", name=re.compile("release")))
    assert "DEA" in releases.inner_text()
    shot(page, "01-home")


def test_open_the_lawsuit_see_the_productions_chart_and_print_a_memo(page, live_server, demo):
    log_in(page, live_server)
    page.get_by_role("link", name="ACLU v. DOJ, FBI and DEA").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "ACLU v. DOJ, FBI and DEA"
    chart = page.locator("svg#productions-chart")
    assert chart.is_visible()
    assert chart.get_attribute("role") == "img"
    assert "Pages released and withheld" in chart.locator("title").first.text_content()
    # Three legend swatches, then three segments for each production: the DEA release's
    # (1 page released, 12 withheld in full, 4 in part) and the FBI production's.
    assert chart.locator("rect").count() == 9
    assert chart.get_by_text("17 pages").is_visible()
    assert chart.get_by_text("167 pages").is_visible()
    assert chart.get_by_text("page counts not entered").count() == 0
    assert page.locator("#productions-table").is_visible()  # the chart's text alternative
    vaughn = page.get_by_role("link", name="Vaughn index as CSV")
    assert vaughn.get_attribute("href").endswith(f"/vaughn/lawsuit/{demo.pk}/?format=csv")
    shot(page, "02-lawsuit")
    # Printed, it is a memo: no navigation, dates in full.
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.get_by_text("Status memo · prepared Wednesday, July 1, 2020").is_visible()
    assert page.get_by_text("Friday, July 10, 2020").first.is_visible()
    assert not page.get_by_text("Jul 10, 2020").first.is_visible()
    # Each date's explanation is printed, opened.
    assert page.locator("li.deadline p.explanation-text").first.is_visible()
    page.pdf(path=str(ARTIFACTS / "02-lawsuit-memo.pdf"))
    page.emulate_media(media="screen")


def test_open_a_deadlines_explanation(page, live_server):
    log_in(page, live_server)
    page.goto(live_server.url + reverse("dashboard:lawsuits"))
    page.get_by_role("link", name="ACLU v. DOJ, FBI and DEA").click()
    page.get_by_role("link", name="DEA face recognition and biometric tracking records").click()
    page.wait_for_load_state()
    first = page.locator("li.deadline details").first
    explanation = first.locator("p.explanation-text")
    assert not explanation.is_visible()
    first.locator("summary").click()  # by keyboard too: it is a native <details>
    assert explanation.is_visible()
    text = explanation.inner_text()
    # The response clock: 20 working days from receipt on 2019-01-16, past the MLK holiday.
    assert "20 working days after 2019-01-16 (5 U.S.C. 552(a)(6)(A)(i))" in text
    assert first.locator("li", has_text="Birthday of Martin Luther King, Jr.").is_visible()
    shot(page, "03-deadline-explanation")


def test_search_the_demo_documents(page, live_server):
    log_in(page, live_server)
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Documents").click()
    page.get_by_label("Words to find").fill("face database")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    hits = page.locator("ol.hits > li")
    assert hits.count() >= 1
    first = hits.first
    assert "Reston" in first.inner_text()
    assert first.locator("mark").count() >= 1  # highlighted snippet
    shot(page, "04-document-search")
    first.get_by_role("link").click()
    page.wait_for_load_state()
    assert "Demonstrations at the Reston, Virginia office" in page.locator("h1").inner_text()
    assert "Demo document" in page.locator("pre.document-text").inner_text()
    shot(page, "05-document")


def test_a_request_created_in_the_admin_shows_its_due_date_on_the_dashboard(page, live_server):
    received = D(2020, 6, 10)
    expected = rules.evaluate(
        "US", {"rule": "response", "trigger": received.isoformat()}, closures_for("US")
    ).due
    assert expected == D(2020, 7, 9)  # 20 working days, Independence Day observed on July 3
    page.goto(live_server.url + "/admin/login/?next=/admin/requests_app/recordsrequest/add/")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.fill("#id_title", "DEA drone surveillance records")
    page.fill("#id_records_sought", "All records about drone surveillance.")
    page.select_option("#id_jurisdiction", label="United States (federal) (US)")
    page.locator(".field-agency .select2-selection").click()  # the admin's autocomplete
    page.fill(".select2-container--open .select2-search__field", "Drug Enforcement")
    page.locator(".select2-results__option", has_text="Drug Enforcement Administration").click()
    page.select_option("#id_status", value="submitted")
    page.fill("#id_filed_on", received.isoformat())
    page.fill("#id_received_on", received.isoformat())
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert page.locator(".messagelist .success").count() == 1, errors
    shot(page, "06-admin-request-saved")
    # Now on the dashboard (same browser, logged in as demo, a superuser holds every role).
    page.goto(live_server.url + reverse("dashboard:home"))
    upcoming = page.locator("section", has=page.get_by_role("heading", name=re.compile("next 14")))
    row = upcoming.locator("li.deadline", has_text="DEA drone surveillance records")
    assert row.count() == 1
    assert "Jul 9, 2020" in row.inner_text()
    assert "Due in 8 days" in row.inner_text()
    shot(page, "07-home-with-new-request")


def test_mine_this_week_and_the_requests_list(page, live_server):
    """The lawyer narrows the overview to their own work, sees what falls due by Sunday
    (2020-07-05: the week runs Monday to Sunday), and finds a request no lawsuit covers."""
    lawyer = User.objects.get(username="lawyer")
    request = RecordsRequestFactory(
        title="Clearview AI contracts (not in litigation)", owner=lawyer, filed_on=D(2020, 6, 1)
    )
    DeadlineFactory(request=request, label="Response to the request", due_on=D(2020, 7, 2))
    log_in(page, live_server)
    week = page.locator("section", has=page.get_by_role("heading", name=re.compile("this week")))
    assert "Sunday" in week.inner_text()
    assert "Jul 5, 2020" in week.inner_text()
    row = week.locator("li.deadline", has_text="Clearview AI contracts")
    assert "Due in 1 day" in row.inner_text()
    assert row.get_by_role("link", name=re.compile("Clearview")).is_visible()
    page.get_by_role("link", name="Show only mine").click()
    page.wait_for_load_state()
    assert page.url.endswith("?mine=1")  # remembered in the URL
    assert page.get_by_role("heading", name=re.compile("What I answer for")).is_visible()
    assert page.get_by_role("link", name="Show everyone").first.is_visible()
    lawsuits = page.locator("section", has=page.get_by_role("heading", name="Open lawsuits"))
    assert lawsuits.get_by_role("link", name="ACLU v. DOJ, FBI and DEA").is_visible()  # counsel
    shot(page, "09-home-mine")
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Requests").click()
    page.wait_for_load_state()
    table = page.locator("table")
    assert table.get_by_role("link", name="DEA face recognition and biometric tracking records")
    page.get_by_label("Lawsuit").select_option("no")
    page.get_by_label("Only mine").check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "litigation=no" in page.url
    assert "mine=1" in page.url
    rows = page.locator("tbody tr")
    # This request, and the demo's three follow-ups the lawyer is assigned to that no suit covers
    # (the overdue one first: the soonest deadline leads).
    assert rows.count() == 4
    assert "Overdue" in rows.first.inner_text()
    row = rows.filter(has_text="Clearview AI contracts")
    assert "Due in 1 day" in row.inner_text()
    assert "Jul 2, 2020" in row.inner_text()
    assert "Lee Okafor" in row.inner_text()
    shot(page, "10-requests-mine-not-in-litigation")
    row.get_by_role("link", name=re.compile("Clearview")).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile("Clearview AI contracts")).count() >= 1


def test_phone_width_and_keyboard(chromium, demo, live_server):
    context = chromium.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    page = context.new_page()
    try:
        log_in(page, live_server)
        page.goto(live_server.url + reverse("dashboard:lawsuit", args=[demo.pk]))
        # Nothing but the scrolling table wrappers is wider than the screen.
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 375 + 1, f"the page is {overflow}px wide at 375px"
        shot(page, "08-lawsuit-phone")
        # The first Tab reaches the skip link, which leads to the main content.
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent")
        assert focused == "Skip to main content"
        page.keyboard.press("Enter")
        assert page.url.endswith("#main")
    finally:
        context.close()


def test_the_admin_asks_for_a_time_zone_only_where_a_time_is_entered(chromium, demo, live_server):
    # A browser in another time zone than the organisation's: Django's calendar script notes
    # "Enter times in the America/New_York timezone", which a date-only field does not need.
    context = chromium.new_context(timezone_id="Europe/Berlin")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/admin/login/?next=/admin/requests_app/recordsrequest/add/")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    assert page.locator("#id_filed_on + .datetimeshortcuts").count() == 1  # the calendar stays
    assert page.locator(".timezonewarning").count() == 0
    # A document's date and time (sent_at) keeps the note: there the zone matters.
    page.goto(live_server.url + "/admin/documents/document/add/")
    page.wait_for_load_state("load")
    note = page.locator(".timezonewarning")
    assert note.count() == 1
    assert "Enter times in the America/New_York timezone" in note.inner_text()
    context.close()
