"""A lawsuit's deadlines name a responsible person: the suit's lead (first) counsel, set when the
deadline is made and when counsel change, never over a person staff chose by hand. Reminders go
to every counsel of the suit whoever is named (reminders.outbox)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from requests_app import services
from requests_app.deadlines import hooks
from requests_app.deadlines.court import court_deadline_add
from requests_app.models import Deadline
from tests.factories import AgencyFactory, LawsuitFactory, UserFactory
from tests.requests_app.test_admin import _form_data, _lawsuit_inline

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2019, 11, 4, 9, tzinfo=datetime.UTC), tick=False):
        yield


def _suit(*counsel):
    return services.lawsuit_file(
        caption="ACLU v. DOJ",
        court="D. Mass.",
        plaintiffs="ACLU",
        filed_on=D(2019, 10, 31),
        served_on=D(2019, 11, 1),
        defendant_agencies=[AgencyFactory()],
        counsel=counsel,
    )


def test_the_answer_deadline_names_the_lead_counsel():
    lead, second = UserFactory(username="lead"), UserFactory(username="second")
    suit = _suit(lead, second)
    answer = Deadline.objects.get(lawsuit=suit, rule="foia_answer")
    # 5 U.S.C. 552(a)(4)(C): the answer is due 30 days after service (2019-11-01 + 30).
    assert answer.due_on == D(2019, 12, 2)
    assert answer.responsible == lead


def test_a_suit_filed_without_counsel_names_the_first_counsel_added():
    suit = _suit()
    answer = Deadline.objects.get(lawsuit=suit, rule="foia_answer")
    assert answer.responsible is None
    lawyer = UserFactory(username="lawyer")
    services.lawsuit_update(lawsuit=suit, changes={}, counsel=[lawyer])
    answer.refresh_from_db()
    assert answer.responsible == lawyer


def test_counsel_change_hands_the_former_leads_deadlines_on_but_keeps_a_hand_picked_person():
    lead, second, paralegal = (UserFactory(username=n) for n in ("lead", "second", "paralegal"))
    suit = _suit(lead, second)
    answer = Deadline.objects.get(lawsuit=suit, rule="foia_answer")
    by_hand = court_deadline_add(
        lawsuit=suit,
        label="Joint status report",
        due_on=D(2020, 1, 15),
        court_order="ECF No. 12",
        responsible=paralegal,
    )
    unnamed = court_deadline_add(
        lawsuit=suit, label="Vaughn index", due_on=D(2020, 2, 14), court_order="ECF No. 12"
    )
    assert unnamed.responsible == lead  # nobody named: the lead counsel
    services.lawsuit_update(lawsuit=suit, changes={}, counsel=[second])
    answer.refresh_from_db()
    by_hand.refresh_from_db()
    unnamed.refresh_from_db()
    assert (answer.responsible, unnamed.responsible) == (second, second)
    assert by_hand.responsible == paralegal


def test_a_closed_deadline_keeps_who_was_responsible_then():
    lead, second = UserFactory(username="lead"), UserFactory(username="second")
    suit = LawsuitFactory()
    suit.counsel.set([lead])
    done = court_deadline_add(
        lawsuit=suit, label="Answer", due_on=D(2019, 11, 1), court_order="ECF No. 3"
    )
    hooks.deadline_mark(deadline=done, status=Deadline.Status.MET, on=D(2019, 11, 1))
    services.lawsuit_update(lawsuit=suit, changes={}, counsel=[second])
    done.refresh_from_db()
    assert done.responsible == lead


def test_counsel_changed_on_the_admin_page_moves_the_leads_deadlines(lawyer_client, lawyer_user):
    suit = _suit()
    url = reverse("admin:requests_app_lawsuit_change", args=[suit.pk])
    form = lawyer_client.get(url).context["adminform"].form
    data = _form_data(form, counsel=[lawyer_user.pk])
    data.update(_lawsuit_inline(suit))
    response = lawyer_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    answer = Deadline.objects.get(lawsuit=suit, rule="foia_answer")
    assert answer.responsible == lawyer_user
