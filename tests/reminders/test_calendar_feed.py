"""Personal calendar feeds and reminder preferences (reminders/calendar_feed.py and views.py)."""

import datetime

import icalendar
import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reminders import outbox
from reminders.calendar_feed import calendar_feed_issue, calendar_feed_revoke, calendar_feed_url
from reminders.models import ReminderPreference
from requests_app.models import Deadline, Jurisdiction
from tests.factories import LawsuitFactory, RecordsRequestFactory, UserFactory

FROZEN = datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)


def deadline_for(owner, due_on=datetime.date(2026, 11, 30), **fields):
    return Deadline.objects.create(
        request=RecordsRequestFactory(owner=owner, title="Face recognition records"),
        label="Response to the request",
        due_on=due_on,
        jurisdiction=Jurisdiction.objects.get(code="US"),
        rule="response",
        citation="5 U.S.C. 552(a)(6)(A)(i)",
        basis={"rule": "response", "trigger": "2026-11-02"},
        **fields,
    )


def fetch(client, user):
    url = calendar_feed_url(user=user)
    assert url is not None
    response = client.get(url.removeprefix("http://localhost:8000"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


@pytest.mark.django_db
@time_machine.travel(FROZEN, tick=False)
def test_the_feed_parses_and_lists_the_persons_open_deadlines_with_an_alarm():
    owner = UserFactory()
    mine = deadline_for(owner)
    deadline_for(owner, status=Deadline.Status.MET, met_on=datetime.date(2026, 11, 10))
    deadline_for(UserFactory())  # someone else's
    calendar_feed_issue(user=owner)

    events = fetch(Client(), owner).walk("VEVENT")
    assert len(events) == 1
    [event] = events
    assert str(event["UID"]) == f"deadline-{mine.pk}@localhost"
    assert event.decoded("DTSTART") == datetime.date(2026, 11, 30)
    assert "Face recognition records" in str(event["SUMMARY"])
    # The explanation: 20 working days after receipt on 2 November 2026, per the statute, with
    # Veterans Day and Thanksgiving skipped (5 U.S.C. 6103).
    description = str(event["DESCRIPTION"])
    assert "5 U.S.C. 552(a)(6)(A)(i)" in description
    assert "Thanksgiving" in description
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -datetime.timedelta(days=1)


@pytest.mark.django_db
@time_machine.travel(FROZEN, tick=False)
def test_the_event_names_its_rule_as_people_do_and_explains_it():
    owner = UserFactory()
    deadline_for(owner)
    court = Deadline.objects.create(
        lawsuit=LawsuitFactory(caption="ACLU v. DEA"),
        label="Joint status report",
        due_on=datetime.date(2026, 12, 4),
        source=Deadline.Source.COURT_ORDER,
        rule="court_order",
    )
    court.lawsuit.counsel.add(owner)
    calendar_feed_issue(user=owner)
    events = {
        str(e["SUMMARY"]): str(e["DESCRIPTION"]) for e in fetch(Client(), owner).walk("VEVENT")
    }
    request_event = next(d for summary, d in events.items() if "Face recognition" in summary)
    # The rule's name (rules.rule_name), its citation, and the explanation of the count.
    assert "Rule: Determination on a FOIA request (US) (5 U.S.C. 552(a)(6)(A)(i))" in request_event
    assert "Rule: response" not in request_event
    assert "Thanksgiving" in request_event
    assert "Rule: Date set by a court order" in events[f"{court.label} — ACLU v. DEA"]


@pytest.mark.django_db
@time_machine.travel(FROZEN, tick=False)
def test_every_page_the_feed_and_the_email_carry_the_one_link_on_site_url(settings, lawyer_user):
    """``make run`` on another port sets SITE_URL to it (scripts/run.sh); whatever the host a
    page is asked on, the feed link and every link out are on SITE_URL."""
    settings.SITE_URL = "http://127.0.0.1:8001"
    lawyer_user.email = "lawyer@example.org"
    lawyer_user.save()
    deadline = deadline_for(lawyer_user)
    token = calendar_feed_issue(user=lawyer_user)
    feed = f"http://127.0.0.1:8001/calendar/{token}.ics"
    assert calendar_feed_url(user=lawyer_user) == feed

    client = Client()
    client.force_login(lawyer_user)
    preferences = client.get(reverse("reminder-preferences")).content.decode()
    calendar = client.get(reverse("dashboard:calendar")).content.decode()
    assert f'value="{feed}"' in preferences
    assert f'href="{feed}"' in calendar
    for page in (preferences, calendar):
        assert "http://testserver/calendar/" not in page

    [event] = fetch(client, lawyer_user).walk("VEVENT")
    admin_link = f"http://127.0.0.1:8001{deadline.request.get_admin_url()}"
    assert str(event["URL"]) == admin_link
    assert admin_link in str(event["DESCRIPTION"])

    with time_machine.travel(datetime.datetime(2026, 11, 25, 14, tzinfo=datetime.UTC), tick=False):
        outbox.reminders_sweep(now=timezone.now())
        [reminder] = outbox.Reminder.objects.filter(recipient=lawyer_user)
        outbox.reminder_send(reminder_id=reminder.pk, now=timezone.now())
    [message] = mail.outbox
    assert admin_link in message.body
    assert "http://127.0.0.1:8001/reminders/preferences/" in message.body
    assert "Rule: Determination on a FOIA request (US) (5 U.S.C. 552(a)(6)(A)(i))" in message.body


@pytest.mark.django_db
def test_a_moved_deadline_updates_its_event_instead_of_adding_one():
    owner = UserFactory()
    client = Client()
    with time_machine.travel(FROZEN, tick=False):
        deadline = deadline_for(owner)
        calendar_feed_issue(user=owner)
        [before] = fetch(client, owner).walk("VEVENT")
    with time_machine.travel(FROZEN + datetime.timedelta(hours=1), tick=False):
        deadline.due_on = datetime.date(2026, 12, 14)
        deadline.save()
        [after] = fetch(client, owner).walk("VEVENT")
    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("DTSTART") == datetime.date(2026, 12, 14)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


@pytest.mark.django_db
def test_lawyers_can_add_every_lawsuit_deadline():
    lawyer = UserFactory(roles=["lawyer"])
    case = Deadline.objects.create(
        lawsuit=LawsuitFactory(caption="ACLU v. DEA"),
        label="Answer",
        due_on=datetime.date(2026, 12, 1),
        source=Deadline.Source.COURT_ORDER,
    )
    calendar_feed_issue(user=lawyer)
    assert fetch(Client(), lawyer).walk("VEVENT") == []
    ReminderPreference.objects.filter(user=lawyer).update(feed_all_lawsuits=True)
    [event] = fetch(Client(), lawyer).walk("VEVENT")
    assert str(event["UID"]).startswith(f"deadline-{case.pk}@")
    assert str(event["SUMMARY"]) == "Answer — ACLU v. DEA"


@pytest.mark.django_db
def test_a_wrong_or_revoked_token_is_a_plain_404():
    owner = UserFactory()
    deadline_for(owner)
    token = calendar_feed_issue(user=owner)
    client = Client()
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    wrong = client.get("/calendar/not-a-token.ics")
    calendar_feed_revoke(user=owner)
    revoked = client.get(f"/calendar/{token}.ics")
    assert wrong.status_code == revoked.status_code == 404
    assert revoked.content == wrong.content
    assert b"Face recognition" not in revoked.content
    assert calendar_feed_url(user=owner) is None


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["%00", "a%00b", "%25", "%E2%80%A8", "x" * 300, "a.b"])
def test_a_token_no_link_could_carry_is_a_404_not_a_database_error(token):
    # PostgreSQL refuses a NUL character in text; SQLite would look it up. Both answer 404.
    client = Client(raise_request_exception=False)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


@pytest.mark.django_db
def test_regenerating_the_link_stops_the_old_one():
    owner = UserFactory()
    old = calendar_feed_issue(user=owner)
    new = calendar_feed_issue(user=owner)
    assert old != new
    assert Client().get(f"/calendar/{old}.ics").status_code == 404
    assert Client().get(f"/calendar/{new}.ics").status_code == 200


@pytest.mark.django_db
def test_an_inactive_persons_feed_is_gone():
    owner = UserFactory()
    token = calendar_feed_issue(user=owner)
    owner.is_active = False
    owner.save()
    assert Client().get(f"/calendar/{token}.ics").status_code == 404


@pytest.mark.django_db
def test_preferences_page_saves_delivery_and_manages_the_link(lawyer_user):
    client = Client()
    client.force_login(lawyer_user)
    url = reverse("reminder-preferences")
    page = client.get(url)
    assert page.status_code == 200
    assert b"Create my calendar link" in page.content
    response = client.post(url, {"action": "feed-create"}, follow=True)
    feed = calendar_feed_url(user=lawyer_user)
    assert feed is not None
    # The link on SITE_URL, as everywhere else, not the host the page was asked on.
    assert feed.startswith("http://localhost:8000/calendar/")
    assert feed.encode() in response.content
    assert b"http://testserver/calendar/" not in response.content
    client.post(url, {"action": "save", "delivery": "digest", "feed_all_lawsuits": "on"})
    preference = ReminderPreference.objects.get(user=lawyer_user)
    assert preference.delivery == "digest"
    assert preference.feed_all_lawsuits
    bad = client.post(url, {"action": "save", "delivery": "carrier-pigeon"})
    assert bad.status_code == 200
    assert b"Select a valid choice" in bad.content
    assert ReminderPreference.objects.get(user=lawyer_user).delivery == "digest"
    client.post(url, {"action": "feed-revoke"})
    assert calendar_feed_url(user=lawyer_user) is None


@pytest.mark.django_db
def test_mute_asks_first_then_mutes_and_can_be_undone(staff_user):
    deadline = deadline_for(staff_user)
    client = Client()
    client.force_login(staff_user)
    url = reverse("reminder-mute", args=[deadline.pk])
    assert client.get(url).status_code == 200
    assert not ReminderPreference.objects.filter(muted_deadlines=deadline).exists()
    client.post(url)
    assert ReminderPreference.objects.get(user=staff_user).muted_deadlines.get() == deadline
    client.post(reverse("reminder-preferences"), {"action": "unmute", "deadline": deadline.pk})
    assert not ReminderPreference.objects.get(user=staff_user).muted_deadlines.exists()
    assert client.get(reverse("reminder-mute", args=[999999])).status_code == 404
    response = client.post(reverse("reminder-preferences"), {"action": "unmute", "deadline": "x"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login_and_people_without_a_role_get_404():
    url = reverse("reminder-preferences")
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    nobody = Client()
    nobody.force_login(UserFactory(is_staff=False))
    assert nobody.get(url).status_code == 404


@pytest.mark.django_db
@time_machine.travel(FROZEN, tick=False)
def test_the_calendar_is_named_for_the_person_not_their_login():
    named = UserFactory(username="pow17", first_name="Pat", last_name="Owner")
    unnamed = UserFactory(username="lee", first_name="", last_name="")
    for user in (named, unnamed):
        calendar_feed_issue(user=user)
    assert str(fetch(Client(), named)["X-WR-CALNAME"]) == "foiatracker deadlines — Pat Owner"
    assert str(fetch(Client(), unnamed)["X-WR-CALNAME"]) == "foiatracker deadlines — lee"
