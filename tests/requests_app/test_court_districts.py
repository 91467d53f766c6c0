"""A lawsuit's district: its state's legal holidays roll a court deadline's last day.

FRCP 6(a)(6): "Legal holiday" means the days set aside by statute for the federal holidays
(6(a)(6)(A)), any day declared a holiday by the President or Congress (B), and "for periods that
are measured after an event, any other day declared a holiday by the state where the district
court is located" (C). Massachusetts declares Patriots' Day, the third Monday in April (G.L. c.4
§7 cl. 18). Dates were counted by hand (``python3 -c 'import calendar; print(calendar.month(2020,
4))'``).
"""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from requests_app import services
from requests_app.deadlines.calendars import FORUMS
from requests_app.deadlines.court import court_schedule_create
from requests_app.deadlines.selectors import explanation_text
from requests_app.models import CourtSchedule, Deadline, District, Lawsuit
from requests_app.models.lawsuits import DISTRICT_FORUM
from tests.factories import AgencyFactory, LawsuitFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.datetime(2020, 3, 30, 12, tzinfo=datetime.UTC)
# Served Saturday 2020-03-21: 30 days after (5 U.S.C. 552(a)(4)(C)) is Mon 2020-04-20, Patriots'
# Day in Massachusetts.
SERVED = D(2020, 3, 21)


def answer(lawsuit: Lawsuit) -> Deadline:
    return lawsuit.deadlines.get(rule="foia_answer", status=Deadline.Status.OPEN)


def test_every_district_names_a_forum_the_calendars_know():
    assert set(DISTRICT_FORUM) == set(District.values)
    assert set(DISTRICT_FORUM.values()) <= set(FORUMS)
    assert DISTRICT_FORUM["mad"] == "US-MA"
    assert DISTRICT_FORUM["dcd"] == "US-DC"
    assert District("mad").label == "D. Mass."


@time_machine.travel(TODAY, tick=False)
def test_a_d_mass_answer_due_on_patriots_day_rolls_to_the_next_day():
    # 552(a)(4)(C): 30 days after service; FRCP 6(a)(1)(C): a last day that is a legal holiday
    # runs to the next day that is not one; 6(a)(6)(C): Patriots' Day, declared by G.L. c.4 §7,
    # is one in the District of Massachusetts. Mon 2020-04-20 -> Tue 2020-04-21.
    lawsuit = LawsuitFactory(district=District.D_MASS)
    services.lawsuit_record_service(lawsuit=lawsuit, served_on=SERVED)
    deadline = answer(lawsuit)
    assert deadline.due_on == D(2020, 4, 21)
    text = explanation_text(deadline)
    assert "2020-04-20 Patriots' Day (Massachusetts)" in text
    assert "legal holidays of US-MA, where the district court sits (FRCP 6(a)(6)(C))" in text


@time_machine.travel(TODAY, tick=False)
def test_without_a_district_only_federal_holidays_count_and_the_explanation_says_so():
    # No district recorded: Patriots' Day is no federal holiday (5 U.S.C. 6103), so the answer
    # stays due Mon 2020-04-20.
    lawsuit = LawsuitFactory(district="")
    services.lawsuit_record_service(lawsuit=lawsuit, served_on=SERVED)
    deadline = answer(lawsuit)
    assert deadline.due_on == D(2020, 4, 20)
    assert "No district recorded: counted on federal holidays only" in explanation_text(deadline)


@time_machine.travel(TODAY, tick=False)
def test_naming_the_district_recounts_the_open_deadlines_and_says_which_moved():
    # The suit was entered without its district: Mon 2020-04-20. Naming D. Mass. moves it to
    # Tue 2020-04-21 (FRCP 6(a)(6)(C), G.L. c.4 §7); naming D.D.C. instead moves it back (the
    # District of Columbia declares no holiday that day).
    lawsuit = LawsuitFactory(district="")
    services.lawsuit_record_service(lawsuit=lawsuit, served_on=SERVED)
    moved = services.lawsuit_update(lawsuit=lawsuit, changes={"district": District.D_MASS})
    assert answer(moved).due_on == D(2020, 4, 21)
    assert answer(moved).basis["forum"] == "US-MA"

    moves = services.lawsuit_deadlines_recount(lawsuit=moved)
    assert moves == []  # a second count changes nothing

    lawsuit.district = District.D_D_C
    lawsuit.save()
    moves = services.lawsuit_deadlines_recount(lawsuit=lawsuit)
    assert [(m.old, m.new, m.days) for m in moves] == [(D(2020, 4, 21), D(2020, 4, 20), -1)]
    assert answer(lawsuit).due_on == D(2020, 4, 20)


@time_machine.travel(TODAY, tick=False)
def test_a_court_schedule_in_d_mass_rolls_past_patriots_day():
    # A joint status report every 30 days from Sat 2020-03-21 (ECF No. 30): the second falls on
    # Mon 2020-04-20, Patriots' Day -> Tue 2020-04-21 (FRCP 6(a)(1)(C), 6(a)(6)(C)).
    lawsuit = LawsuitFactory(district=District.D_MASS)
    schedule = CourtSchedule(
        lawsuit=lawsuit,
        label="Joint status report",
        order_reference="ECF No. 30",
        recurrence=CourtSchedule.Recurrence.EVERY_N_DAYS,
        interval_days=30,
        first_due=D(2020, 3, 21),
        until=D(2020, 4, 30),
    )
    created = court_schedule_create(schedule=schedule)
    assert [d.due_on for d in created] == [D(2020, 3, 21), D(2020, 4, 21)]


def test_the_data_migration_reads_the_district_from_the_court_where_unambiguous():
    migration = importlib.import_module("requests_app.migrations.0013_lawsuit_district_from_court")
    assert migration.district_named("U.S. District Court, D. Mass.") == "mad"
    assert migration.district_named("U.S. District Court for the District of Massachusetts") == (
        "mad"
    )
    assert migration.district_named("U.S. District Court for the Southern District of New York")
    assert migration.district_named("United States District Court for the District of Columbia")
    assert migration.district_named("Superior Court, Suffolk County") == ""
    assert migration.district_named("D. Mass. (transferred to S.D.N.Y.)") == ""


# --- The doors: admin, API, dashboard ---------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_the_admin_changes_the_district_and_reports_what_moved(lawyer_client):
    lawsuit = LawsuitFactory(district="", served_on=SERVED, status=Lawsuit.Status.SERVED)
    lawsuit.defendant_agencies.add(AgencyFactory())
    services.lawsuit_record_service(lawsuit=lawsuit, served_on=SERVED)
    url = reverse("admin:requests_app_lawsuit_change", args=[lawsuit.pk])
    form = lawyer_client.get(url).context["adminform"].form
    data = {
        name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None
    }
    data["defendant_agencies"] = [a.pk for a in form.initial.get("defendant_agencies", [])]
    data.pop("requests", None)
    data.pop("counsel", None)
    for prefix in ("Lawsuit_requests", "deadlines", "deadlines-2", "schedules", "releases"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    data["district"] = District.D_MASS
    response = lawyer_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain, response.context["adminform"].form.errors
    messages = [str(m) for m in response.context["messages"]]
    assert any("2020-04-20 → 2020-04-21 (+1 day)" in m for m in messages), messages
    assert answer(lawsuit).due_on == D(2020, 4, 21)
    listing = lawyer_client.get(reverse("admin:requests_app_lawsuit_changelist"))
    assert "D. Mass." in listing.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_api_reads_and_writes_the_district(lawyer_user, staff_user):
    lawsuit = LawsuitFactory(district="")
    services.lawsuit_record_service(lawsuit=lawsuit, served_on=SERVED)
    client = APIClient()
    client.force_authenticate(lawyer_user)
    url = f"/api/v1/lawsuits/{lawsuit.pk}/"

    response = client.patch(url, {"district": "mad"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["district"] == "mad"
    assert response.json()["district_label"] == "D. Mass."
    assert answer(lawsuit).due_on == D(2020, 4, 21)

    bad = client.patch(url, {"district": "d-mass"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"district"}
    assert bad.json()["error"]["code"] == "invalid"

    staff = APIClient()
    staff.force_authenticate(staff_user)  # staff log requests; lawyers own lawsuits
    denied = staff.patch(url, {"district": ""}, format="json")
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "permission_denied"
    assert Lawsuit.objects.get(pk=lawsuit.pk).district == "mad"


def test_the_dashboard_names_the_district(lawyer_client):
    lawsuit = LawsuitFactory(district=District.D_MASS)
    page = lawyer_client.get(reverse("dashboard:lawsuit", args=[lawsuit.pk]))
    assert "D. Mass.: its state's legal holidays roll a last day too" in (page.content.decode())
