"""The admin speaks the domain's words: no "Lawsuit_requests object (5)", no stored codes
("appeal_decided", "response", "US-MA") where a person reads, one greeting per demo login."""

from __future__ import annotations

import datetime
import html
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from requests_app import services
from requests_app.deadlines.court import court_deadline_add
from requests_app.models import Deadline, Lawsuit
from requests_app.workflow import RequestStatus
from sample_data.demo import demo_seed
from tests.factories import RecordsRequestFactory

pytestmark = pytest.mark.django_db
S = RequestStatus
D = datetime.date


@pytest.fixture
def demo(db):
    # The demo's live strand is dated from the day it is loaded: load it on a fixed one.
    with time_machine.travel(datetime.datetime(2026, 11, 30, 14, tzinfo=datetime.UTC), tick=False):
        demo_seed(password="pw-for-tests")


def text_of(response) -> str:
    """The page as read: entities decoded, every run of white space (&nbsp; too) one space."""
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def test_the_lawsuit_page_names_each_covered_request(lawyer_client, demo):
    lawsuit = Lawsuit.objects.get(caption="ACLU v. DOJ, FBI and DEA")
    page = text_of(
        lawyer_client.get(reverse("admin:requests_app_lawsuit_change", args=[lawsuit.pk]))
    )
    assert "Lawsuit_requests object" not in page
    for request in lawsuit.requests.all():
        assert f"{request.title} (covered by ACLU v. DOJ, FBI and DEA" in page
    link = Lawsuit.requests.through.objects.filter(lawsuit=lawsuit).first()
    assert str(link) == f"{link.recordsrequest.title} (covered by {lawsuit})"


def test_the_history_page_names_statuses_by_their_labels(staff_client):
    request = RecordsRequestFactory(status=S.SUBMITTED)
    services.request_transition(request=request, to_status=S.PROCESSING, on=D(2024, 3, 4))
    page = text_of(
        staff_client.get(reverse("admin:requests_app_recordsrequest_history", args=[request.pk]))
    )
    assert "<strong>Status:</strong> Submitted → Processing" in page
    assert "submitted → processing" not in page


def test_the_demo_requests_history_shows_no_stored_status_code(staff_client, demo):
    request = Lawsuit.objects.get(caption="ACLU v. DOJ, FBI and DEA").requests.first()
    page = text_of(
        staff_client.get(reverse("admin:requests_app_recordsrequest_history", args=[request.pk]))
    )
    assert "→ In litigation" in page
    assert not re.search(r"\b(in_litigation|submitted|processing) →", page)


def test_the_deadline_list_filters_by_rule_names(lawyer_client, demo):
    url = reverse("admin:requests_app_deadline_changelist")
    response = lawyer_client.get(url)
    changelist = response.context["cl"]
    (rule_filter,) = [spec for spec in changelist.filter_specs if spec.title == "rule"]
    choices = {c["display"]: c["query_string"] for c in rule_filter.choices(changelist)}
    # The demo's rules by name, not by code ("response", "appeal_response", "foia_answer"): the
    # response clocks, and its live strand's appeal and suit.
    assert set(choices) == {
        "All",
        "Determination on a FOIA request (US)",
        "Last day to file an administrative appeal (US)",
        "Determination on an administrative appeal (US)",
        "Agency's answer to a FOIA complaint (US)",
        "Court-ordered schedule",
    }
    page = text_of(response)
    assert "Determination on a FOIA request (US)" in page
    # Each choice lists exactly its rule's deadlines, of its jurisdiction.
    chosen = lawyer_client.get(url + choices["Determination on a FOIA request (US)"])
    expected = Deadline.objects.filter(rule="response", jurisdiction__code="US").count()
    assert expected > 0
    assert chosen.context["cl"].result_count == expected


def test_the_rule_filter_names_a_courts_dates_once(lawyer_client, demo):
    lawsuit = Lawsuit.objects.get(caption="ACLU v. DOJ, FBI and DEA")
    court_deadline_add(
        lawsuit=lawsuit, label="Joint status report", due_on=D(2020, 2, 3), court_order="ECF 12"
    )
    response = lawyer_client.get(
        reverse("admin:requests_app_deadline_changelist"), {"rule": "court_order"}
    )
    assert response.context["cl"].result_count == 1
    assert "Date set by a court order" in text_of(response)


def test_the_calculator_offers_jurisdictions_by_name(staff_client):
    page = text_of(staff_client.get("/admin/deadline-calculator/"))
    assert '<option value="US-MA">Massachusetts (US-MA)</option>' in page
    assert '<option value="US" selected>United States (federal) (US)</option>' in page
    assert '<option value="US-MA">US-MA</option>' not in page


def test_the_admin_keeps_the_time_zone_note_for_times_only(staff_client):
    page = text_of(staff_client.get(reverse("admin:requests_app_recordsrequest_add")))
    # The patch of the calendar script (templates/admin/base_site.html), before that script.
    patch = page.index("shortcuts.addTimezoneWarning = function")
    assert patch < page.index("admin/js/admin/DateTimeShortcuts.js")
    assert 'input.classList.contains("vTimeField") || input.closest("p.datetime")' in page


def test_each_demo_login_is_greeted_by_its_own_name(demo):
    demo_user, lawyer = User.objects.get(username="demo"), User.objects.get(username="lawyer")
    assert demo_user.get_full_name() != lawyer.get_full_name()
    assert demo_user.get_short_name() != lawyer.get_short_name()
    for user in (demo_user, lawyer):
        client = Client()
        client.force_login(user)
        page = text_of(client.get(reverse("admin:index")))
        assert f"Welcome, <strong>{user.get_short_name()}</strong>" in page
    assert "Welcome, <strong>Demo</strong>" not in page
