"""The reminder outbox in the admin: state, attempts and last error; filters; retry."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from reminders import outbox
from reminders.models import Reminder
from tests.factories import DeadlineFactory, UserFactory

NOW = datetime.datetime(2026, 11, 30, 14, tzinfo=datetime.UTC)


@pytest.fixture
def failed_reminder(db):
    DeadlineFactory(due_on=datetime.date(2026, 11, 30))
    outbox.reminders_sweep(now=NOW)
    Reminder.objects.update(
        state=Reminder.State.FAILED, attempts=5, last_error="SMTPServerDisconnected: gone"
    )
    return Reminder.objects.get()


def test_the_list_shows_state_attempts_and_error_and_filters_by_state_and_person(
    failed_reminder, staff_user
):
    client = Client()
    client.force_login(staff_user)
    url = reverse("admin:reminders_reminder_changelist")
    page = client.get(
        url, {"state": "failed", "recipient__id__exact": failed_reminder.recipient_id}
    )
    assert page.status_code == 200
    assert b"SMTPServerDisconnected: gone" in page.content
    assert page.context["cl"].result_count == 1
    assert client.get(url, {"state": "sent"}).context["cl"].result_count == 0


def test_retry_action_requeues_failed_reminders(failed_reminder, staff_user):
    client = Client()
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:reminders_reminder_changelist"),
        {"action": "retry", "_selected_action": [failed_reminder.pk]},
        follow=True,
    )
    assert b"1 reminders queued again" in response.content
    failed_reminder.refresh_from_db()
    assert failed_reminder.state == Reminder.State.QUEUED
    assert failed_reminder.attempts == 0


def test_reporting_clients_cannot_see_the_outbox(failed_reminder, reporting_user):
    reporting_user.is_staff = True  # even with an admin login
    reporting_user.save()
    client = Client()
    client.force_login(reporting_user)
    url = reverse("admin:reminders_reminder_changelist")
    assert client.get(url).status_code == 403


def test_calendar_link_actions_need_the_change_permission(superuser):
    """Making or revoking someone's calendar link writes; reading the preferences does not let
    anyone do it."""

    reader = UserFactory(username="reads-preferences", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_reminderpreference"))
    url = reverse("admin:reminders_reminderpreference_changelist")
    for user, offered in ((reader, False), (superuser, True)):
        client = Client()
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200
        action_form = page.context["action_form"]
        actions = {n for n, _ in action_form.fields["action"].choices} if action_form else set()
        assert ({"regenerate_feed", "revoke_feed"} <= actions) is offered
