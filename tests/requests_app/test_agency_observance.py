"""An agency's observance: where the statute leaves the reading to the body, the agency says which
it follows, its requests' deadlines count with it, and changing it recounts them.

Texas: Gov't Code §552.0031(a) counts the holidays of §662.003 on their own dates for a state
agency; §552.0031(e) lets a body that observes a weekend holiday on the Friday before or the
Monday after count that weekday off instead. Independence Day 2020 fell on Saturday, July 4.
Dates counted by hand (``python3 -c 'import calendar; print(calendar.month(2020, 7))'``).
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from requests_app import services
from requests_app.deadlines.selectors import explanation_text
from requests_app.models import Agency, Deadline
from requests_app.workflow import RequestStatus
from tests.factories import AgencyFactory, RecordsRequestFactory, jurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.datetime(2020, 6, 25, 12, tzinfo=datetime.UTC)
FRIDAY_MONDAY = "friday_monday"


def texas_request(agency):
    request = RecordsRequestFactory(
        agency=agency, status=RequestStatus.SUBMITTED, filed_on=D(2020, 6, 22)
    )
    services.request_record_receipt(request=request, received_on=D(2020, 6, 22))
    return request.deadlines.get(rule="ag_ruling_request")


@time_machine.travel(TODAY, tick=False)
def test_a_texas_body_observing_weekend_holidays_on_friday_counts_that_friday_off():
    # §552.301(b): the 10th business day after receipt. Received Mon 2020-06-22: Jun 23-26 (4),
    # Jun 29-Jul 2 (8). Statute default (§552.0031(a)): Fri Jul 3 is a business day (9), Mon
    # Jul 6 (10). Observed on the Friday before (§552.0031(e)): Jul 3 is off, Jul 6 (9), Tue
    # Jul 7 (10).
    default = texas_request(AgencyFactory(jurisdiction=jurisdiction("US-TX")))
    assert default.due_on == D(2020, 7, 6)
    assert "statute's default reading" in explanation_text(default)

    observing = AgencyFactory(jurisdiction=jurisdiction("US-TX"), observance=FRIDAY_MONDAY)
    deadline = texas_request(observing)
    assert deadline.due_on == D(2020, 7, 7)
    text = explanation_text(deadline)
    assert "Counted as the agency observes: A weekend holiday also observed" in text
    assert "§552.0031(e)" in text
    assert "2020-07-03 Independence Day (observed)" in text


@time_machine.travel(TODAY, tick=False)
def test_changing_the_observance_recounts_the_agencys_open_deadlines():
    agency = AgencyFactory(jurisdiction=jurisdiction("US-TX"))
    deadline = texas_request(agency)
    assert deadline.due_on == D(2020, 7, 6)

    moves = services.agency_set_observance(agency=agency, observance=FRIDAY_MONDAY)

    assert {(m.deadline_id, m.old, m.new) for m in moves} == {
        (deadline.pk, D(2020, 7, 6), D(2020, 7, 7)),
        # §552.301(e), the 15th business day: by default Jul 3 (9), Jul 6-10 (14), Mon Jul 13
        # (15); with the Friday off, Jul 6-10 (13), 13 (14), Tue Jul 14 (15).
        (
            agency.requests.get().deadlines.get(rule="ag_submission").pk,
            D(2020, 7, 13),
            D(2020, 7, 14),
        ),
    }
    deadline.refresh_from_db()
    assert deadline.due_on == D(2020, 7, 7)
    assert deadline.basis["observance"] == FRIDAY_MONDAY
    # Back to the statute's default: the key goes and the dates come back.
    services.agency_set_observance(agency=agency, observance="")
    deadline.refresh_from_db()
    assert deadline.due_on == D(2020, 7, 6)
    assert "observance" not in deadline.basis


def test_an_observance_the_agencys_statute_does_not_offer_is_refused():
    texas = AgencyFactory(jurisdiction=jurisdiction("US-TX"))
    with pytest.raises(ValidationError) as raised:
        services.agency_set_observance(agency=texas, observance="every_tuesday")
    assert "observance" in raised.value.message_dict
    federal = AgencyFactory(jurisdiction=jurisdiction("US"))
    with pytest.raises(ValidationError) as raised:
        services.agency_set_observance(agency=federal, observance=FRIDAY_MONDAY)
    assert "none (leave it empty)" in " ".join(raised.value.message_dict["observance"])
    assert Agency.objects.get(pk=federal.pk).observance == ""


@time_machine.travel(TODAY, tick=False)
def test_the_admin_offers_the_observances_and_recounts(staff_client):
    agency = AgencyFactory(jurisdiction=jurisdiction("US-TX"), name="Austin Police Department")
    deadline = texas_request(agency)
    url = reverse("admin:requests_app_agency_change", args=[agency.pk])
    page = staff_client.get(url)
    assert "Tex. Gov&#x27;t Code §552.0031(e)" in page.content.decode()
    data = {
        "name": agency.name,
        "abbreviation": agency.abbreviation,
        "jurisdiction": agency.jurisdiction_id,
        "observance": FRIDAY_MONDAY,
        "components-TOTAL_FORMS": "0",
        "components-INITIAL_FORMS": "0",
        "components-MIN_NUM_FORMS": "0",
        "components-MAX_NUM_FORMS": "1000",
    }
    response = staff_client.post(url, data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    messages = [str(m) for m in response.context["messages"]]
    assert any("2020-07-06 → 2020-07-07 (+1 day)" in m for m in messages), messages
    deadline.refresh_from_db()
    assert deadline.due_on == D(2020, 7, 7)
    assert deadline.status == Deadline.Status.OPEN

    bad = staff_client.post(url, {**data, "observance": "nonsense"})
    assert bad.status_code == 200
    assert "observance" in bad.context["adminform"].form.errors


@time_machine.travel(datetime.datetime(2026, 6, 25, 12, tzinfo=datetime.UTC), tick=False)
def test_the_admin_sets_the_observance_through_its_service(staff_client, monkeypatch):
    # Independence Day 2026 falls on Saturday, July 4. §552.301(b), the 10th business day after
    # receipt on Mon 2026-06-22: Jun 23-26 (4), Jun 29-Jul 2 (8); by default (§552.0031(a)) Fri
    # Jul 3 is a business day (9), Mon Jul 6 (10); observed on the Friday before (§552.0031(e))
    # Jul 3 is off: Jul 6 (9), Tue Jul 7 (10).
    agency = AgencyFactory(jurisdiction=jurisdiction("US-TX"), name="Austin Police Department")
    request = RecordsRequestFactory(
        agency=agency, status=RequestStatus.SUBMITTED, filed_on=D(2026, 6, 22)
    )
    services.request_record_receipt(request=request, received_on=D(2026, 6, 22))
    deadline = request.deadlines.get(rule="ag_ruling_request")
    assert deadline.due_on == D(2026, 7, 6)
    calls = []
    real = services.agency_set_observance

    def watched(**kwargs):
        calls.append(kwargs["observance"])
        return real(**kwargs)

    monkeypatch.setattr(services, "agency_set_observance", watched)
    url = reverse("admin:requests_app_agency_change", args=[agency.pk])
    data = {
        "name": agency.name,
        "abbreviation": "APD",
        "jurisdiction": agency.jurisdiction_id,
        "observance": FRIDAY_MONDAY,
        "components-TOTAL_FORMS": "0",
        "components-INITIAL_FORMS": "0",
        "components-MIN_NUM_FORMS": "0",
        "components-MAX_NUM_FORMS": "1000",
    }
    response = staff_client.post(url, data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors

    assert calls == [FRIDAY_MONDAY]
    deadline.refresh_from_db()
    assert deadline.due_on == D(2026, 7, 7)
    agency.refresh_from_db()
    assert (agency.observance, agency.abbreviation) == (FRIDAY_MONDAY, "APD")
