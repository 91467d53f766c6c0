"""The dashboard's lists for one person: "mine" on the overview, the deadlines due this week, and
the requests list with its filters; each a fixed number of queries, each "today" the
organisation's."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.today import organisation_today
from dashboard.selectors import (
    deadlines_this_week,
    home_overview,
    request_list,
    week_end,
)
from requests_app.deadlines.selectors import deadline_state
from requests_app.models import Deadline, RecordsRequest
from requests_app.workflow import RequestStatus
from tests.dashboard.test_dashboard import client_for
from tests.factories import (
    AppealFactory,
    DeadlineFactory,
    LawsuitFactory,
    RecordsRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
# Wednesday 2019-11-20, 10:00 in New York: the organisation's week runs to Sunday 2019-11-24.
WEDNESDAY = datetime.datetime(2019, 11, 20, 15, 0, tzinfo=datetime.UTC)
# Sunday 2019-11-24, 22:00 in New York but already Monday in UTC.
SUNDAY_NIGHT = datetime.datetime(2019, 11, 25, 3, 0, tzinfo=datetime.UTC)


def labels(rows) -> list[str]:
    return [row.deadline.label for row in rows]


# --- This week ----------------------------------------------------------------------------------


def test_the_week_runs_monday_to_sunday():
    assert week_end(D(2019, 11, 18)) == D(2019, 11, 24)  # Monday
    assert week_end(D(2019, 11, 20)) == D(2019, 11, 24)  # Wednesday
    assert week_end(D(2019, 11, 24)) == D(2019, 11, 24)  # Sunday: the week ends that day


@time_machine.travel(WEDNESDAY, tick=False)
def test_this_week_is_the_open_running_deadlines_from_today_through_sunday():
    today = organisation_today()
    DeadlineFactory(label="yesterday (overdue, not this week)", due_on=D(2019, 11, 19))
    DeadlineFactory(label="today", due_on=D(2019, 11, 20))
    DeadlineFactory(label="sunday", due_on=D(2019, 11, 24))
    DeadlineFactory(label="next monday", due_on=D(2019, 11, 25))
    DeadlineFactory(label="met", due_on=D(2019, 11, 21), status="met", met_on=D(2019, 11, 19))
    DeadlineFactory(label="clock stopped", due_on=D(2019, 11, 22), paused_on=D(2019, 11, 1))
    rows, total = deadlines_this_week(today=today)
    assert labels(rows) == ["today", "sunday"]
    assert total == 2
    assert [row.state_text for row in rows] == ["Due today", "Due in 4 days"]


@time_machine.travel(SUNDAY_NIGHT, tick=False)
def test_this_week_counts_from_the_organisations_today_not_utcs():
    DeadlineFactory(label="sunday", due_on=D(2019, 11, 24))
    DeadlineFactory(label="monday", due_on=D(2019, 11, 25))
    overview = home_overview(today=organisation_today())
    assert overview.week_end == D(2019, 11, 24)
    assert labels(overview.this_week) == ["sunday"]
    assert overview.this_week[0].state_text == "Due today"


@time_machine.travel(WEDNESDAY, tick=False)
def test_this_week_says_how_many_when_more_than_shown():
    for _ in range(4):
        DeadlineFactory(due_on=D(2019, 11, 22))
    rows, total = deadlines_this_week(today=organisation_today(), limit=3)
    assert (len(rows), total) == (3, 4)


# --- Mine ---------------------------------------------------------------------------------------


@pytest.fixture
def people(db):
    """One deadline for each way a deadline can be someone's, and one that is nobody's here."""
    me = UserFactory(username="me", roles=["lawyer"])
    other = UserFactory(username="other")
    owned = RecordsRequestFactory(title="Owned", owner=me)
    assigned = RecordsRequestFactory(title="Assigned", owner=other)
    assigned.assigned_staff.add(me, UserFactory())  # two assignees: still one row
    appealed = AppealFactory(request=RecordsRequestFactory(title="Appealed", owner=me))
    suit = LawsuitFactory(caption="Me v. Agency")
    suit.counsel.add(me, other)
    their_suit = LawsuitFactory(caption="Them v. Agency")
    their_suit.counsel.add(other)
    theirs = RecordsRequestFactory(title="Theirs", owner=other)
    due = D(2019, 11, 22)
    DeadlineFactory(label="owned", request=owned, due_on=due)
    DeadlineFactory(label="assigned", request=assigned, due_on=due)
    DeadlineFactory(label="appeal", request=None, appeal=appealed, due_on=due, rule="appeal")
    DeadlineFactory(
        label="answer", request=None, lawsuit=suit, due_on=due, jurisdiction=None, rule=""
    )
    DeadlineFactory(label="responsible", request=theirs, responsible=me, due_on=due)
    DeadlineFactory(label="not mine", request=theirs, due_on=due)
    DeadlineFactory(
        label="their answer", request=None, lawsuit=their_suit, due_on=due, jurisdiction=None
    )
    DeadlineFactory(label="mine overdue", request=owned, due_on=D(2019, 11, 1))
    return me, other


@time_machine.travel(WEDNESDAY, tick=False)
def test_mine_is_what_the_person_is_responsible_for_owns_is_assigned_or_counsel_on(people):
    me, _other = people
    today = organisation_today()
    rows, total = deadlines_this_week(today=today, user=me)
    assert sorted(labels(rows)) == ["answer", "appeal", "assigned", "owned", "responsible"]
    assert total == 5
    overview = home_overview(today=today, user=me)
    assert overview.mine
    assert sorted(labels(overview.upcoming)) == sorted(labels(rows))
    assert labels(overview.overdue) == ["mine overdue"]
    assert [line.lawsuit.caption for line in overview.lawsuits] == ["Me v. Agency"]
    everyone = home_overview(today=today)
    assert not everyone.mine
    assert everyone.this_week_total == 7
    assert {line.lawsuit.caption for line in everyone.lawsuits} == {
        "Me v. Agency",
        "Them v. Agency",
    }


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_home_page_remembers_mine_in_the_url_and_says_so(people, staff_user):
    me, _other = people
    client = client_for(me)
    everyone = client.get(reverse("dashboard:home")).content.decode()
    assert "Showing <strong>everyone" in everyone
    assert f'href="{reverse("dashboard:home")}?mine=1"' in everyone
    assert "Due this week" in everyone
    assert "not mine" in everyone
    assert 'end of the week, <time datetime="2019-11-24">' in everyone
    assert "weeks run Monday to Sunday" in everyone
    mine = client.get(reverse("dashboard:home") + "?mine=1").content.decode()
    assert "What I answer for" in mine
    assert "Show everyone" in mine
    assert "not mine" not in mine
    assert "their answer" not in mine
    assert "Me v. Agency" in mine
    assert "Them v. Agency" not in mine
    # Staff own nothing here: mine says so and what to do.
    nothing = client_for(staff_user).get(reverse("dashboard:home") + "?mine=1").content.decode()
    assert "Nothing of yours falls due this week" in nothing
    assert "Nothing of yours is overdue" in nothing
    assert "You are counsel on no open lawsuit" in nothing


@time_machine.travel(WEDNESDAY, tick=False)
def test_home_with_mine_runs_a_fixed_number_of_queries(people):
    me, other = people
    client = client_for(me)
    url = reverse("dashboard:home") + "?mine=1"

    def more(n):
        for _i in range(n):
            request = RecordsRequestFactory(owner=me)
            request.assigned_staff.add(other)
            DeadlineFactory(request=request, due_on=D(2019, 11, 21))
            DeadlineFactory(request=request, due_on=D(2019, 11, 2))
            suit = LawsuitFactory()
            suit.counsel.add(me)
            suit.requests.add(request)

    more(1)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    more(6)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before) <= 25


# --- The requests list --------------------------------------------------------------------------


@pytest.fixture
def requests_(db):
    me = UserFactory(username="me", first_name="Mia", last_name="Mine", roles=["lawyer"])
    other = UserFactory(username="other", first_name="Otto", last_name="Other")
    overdue = RecordsRequestFactory(title="Overdue one", owner=other, filed_on=D(2019, 1, 2))
    DeadlineFactory(request=overdue, label="Response", due_on=D(2019, 11, 1))
    soon = RecordsRequestFactory(title="Soon one", owner=me, filed_on=D(2019, 3, 1))
    DeadlineFactory(request=soon, label="Response", due_on=D(2019, 11, 29))
    DeadlineFactory(request=soon, label="Later", due_on=D(2019, 12, 20))
    appealed = AppealFactory(
        request=RecordsRequestFactory(
            title="Appealed one", owner=other, status=RequestStatus.APPEALED
        )
    )
    appealed.request.assigned_staff.add(me)
    DeadlineFactory(
        request=None, appeal=appealed, label="Appeal decision", due_on=D(2019, 12, 2), rule="appeal"
    )
    RecordsRequestFactory(title="Old quiet one", owner=other, filed_on=D(2018, 5, 1))
    RecordsRequestFactory(
        title="New quiet one", owner=me, filed_on=D(2019, 6, 1), status=RequestStatus.CLOSED
    )
    stopped = RecordsRequestFactory(title="Clock stopped", owner=other, filed_on=D(2019, 2, 1))
    DeadlineFactory(request=stopped, due_on=D(2019, 11, 2), paused_on=D(2019, 10, 1), days_left=9)
    suit = LawsuitFactory(caption="ACLU v. Listed")
    suit.requests.add(overdue)
    return me, other


def titles(listing) -> list[str]:
    return [line.request.title for line in listing.lines]


@time_machine.travel(WEDNESDAY, tick=False)
def test_requests_come_soonest_deadline_first_then_the_most_recently_filed(requests_):
    listing = request_list(today=organisation_today())
    assert titles(listing) == [
        "Overdue one",
        "Soon one",
        "Appealed one",
        "New quiet one",
        "Clock stopped",  # its clock is stopped: nothing running
        "Old quiet one",
    ]
    nexts = {line.request.title: line.next_deadline for line in listing.lines}
    assert nexts["Overdue one"].state_text == "Overdue by 19 days"
    assert nexts["Soon one"].deadline.label == "Response"  # the earliest, not the later one
    assert nexts["Appealed one"].deadline.label == "Appeal decision"  # an appeal's counts
    assert nexts["Old quiet one"] is None
    assert nexts["Clock stopped"] is None
    assert [name for _pk, name in listing.owners] == ["Mia Mine", "Otto Other"]


@time_machine.travel(WEDNESDAY, tick=False)
def test_requests_filter_by_status_owner_mine_and_litigation(requests_):
    me, other = requests_
    today = organisation_today()
    assert titles(request_list(today=today, status=RequestStatus.CLOSED)) == ["New quiet one"]
    assert titles(request_list(today=today, owner_id=me.pk)) == ["Soon one", "New quiet one"]
    assert titles(request_list(today=today, user=me)) == [
        "Soon one",
        "Appealed one",
        "New quiet one",
    ]
    assert titles(request_list(today=today, in_litigation=True)) == ["Overdue one"]
    assert "Overdue one" not in titles(request_list(today=today, in_litigation=False))
    assert len(request_list(today=today, in_litigation=False).lines) == 5
    assert titles(request_list(today=today, user=other, status=RequestStatus.APPEALED)) == [
        "Appealed one"
    ]


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_requests_list_runs_a_fixed_number_of_queries(requests_):
    me, _other = requests_
    today = organisation_today()
    with CaptureQueriesContext(connection) as before:
        request_list(today=today)
    for i in range(10):
        request = RecordsRequestFactory(title=f"More {i}", owner=UserFactory())
        request.assigned_staff.add(me)
        DeadlineFactory(request=request, due_on=D(2019, 11, 21 + i % 5))
        LawsuitFactory().requests.add(request)
    with CaptureQueriesContext(connection) as after:
        listing = request_list(today=today)
    assert len(listing.lines) == 16
    assert len(after) == len(before)


@pytest.mark.parametrize("persona", ["lawyer_user", "staff_user"])
@time_machine.travel(WEDNESDAY, tick=False)
def test_lawyers_and_staff_see_the_requests_list(request, requests_, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("dashboard:requests"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'aria-current="page">Requests</a>' in text
    assert "Overdue by 19 days" in text
    assert "state-overdue" in text
    overdue = RecordsRequest.objects.get(title="Overdue one")
    assert f'href="{reverse("dashboard:request", args=[overdue.pk])}">Overdue one</a>' in text
    assert "ACLU v. Listed" in text
    assert 'All requests <span class="count">(6)</span>' in text


def test_reporting_users_get_403_and_anonymous_visitors_log_in(client, requests_, reporting_user):
    url = reverse("dashboard:requests")
    assert client.get(url).status_code == 302
    response = client_for(reporting_user).get(url)
    assert response.status_code == 403
    assert "Overdue one" not in response.content.decode()


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_requests_list_page_filters_keep_their_choices(requests_):
    me, _other = requests_
    client = client_for(me)
    text = client.get(
        reverse("dashboard:requests") + f"?mine=1&status=submitted&owner={me.pk}"
    ).content.decode()
    assert "My requests" in text
    assert "Soon one" in text
    assert "Overdue one" not in text
    assert '<option value="submitted" selected>' in text
    assert f'<option value="{me.pk}" selected>' in text
    assert 'id="id_mine" checked' in text
    nothing = client.get(reverse("dashboard:requests") + "?status=denied").content.decode()
    assert "No request matches these filters" in nothing


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_requests_list_says_what_is_wrong_with_a_bad_filter(requests_, lawyer_user):
    client = client_for(lawyer_user)
    response = client.get(reverse("dashboard:requests") + "?status=bogus&owner=x&litigation=z")
    assert response.status_code == 400
    text = response.content.decode()
    assert "is not a request status" in text
    assert "is not a person" in text
    assert "is not a choice" in text


def test_empty_requests_lists_say_what_to_do(lawyer_user, db):
    client = client_for(lawyer_user)
    empty = client.get(reverse("dashboard:requests")).content.decode()
    assert "No requests yet" in empty
    assert reverse("admin:requests_app_recordsrequest_add") in empty
    RecordsRequestFactory()
    mine = client.get(reverse("dashboard:requests") + "?mine=1").content.decode()
    assert "No request is yours" in mine
    assert "Show everyone" in mine


def test_deadline_rows_on_the_list_use_deadline_state(requests_):
    # One definition of a deadline's state: the list's words are deadline_state's.
    with time_machine.travel(WEDNESDAY, tick=False):
        today = organisation_today()
        line = request_list(today=today).lines[0]
        deadline = Deadline.objects.get(pk=line.next_deadline.deadline.pk)
        assert line.next_deadline.state_text == deadline_state(deadline, today).words
