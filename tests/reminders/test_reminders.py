"""The reminder outbox: the sweep creates each reminder once, the send claims before it sends,
and a deadline that no longer needs a reminder gets none (reminders/outbox.py)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reminders import outbox
from reminders.calendar_feed import preference_for
from reminders.models import Reminder, ReminderPreference
from requests_app.models import ClosureDay, Deadline, Jurisdiction
from tests.factories import AppealFactory, LawsuitFactory, RecordsRequestFactory, UserFactory

NY = zoneinfo.ZoneInfo("America/New_York")
State = Reminder.State


def at(year, month, day, hour=9):
    """An instant in the organisation's time zone (TIME_ZONE, America/New_York)."""
    return datetime.datetime(year, month, day, hour, tzinfo=NY)


def request_deadline(due_on, *, request=None, **fields):
    request = request or RecordsRequestFactory()
    return Deadline.objects.create(
        request=request,
        label="Response to the request",
        due_on=due_on,
        jurisdiction=Jurisdiction.objects.get(code="US"),
        rule="response",
        citation="5 U.S.C. 552(a)(6)(A)(i)",
        **fields,
    )


def sweep_and_send(now):
    with time_machine.travel(now, tick=False):
        result = outbox.reminders_sweep(now=now)
        outcomes = [outbox.reminder_send(reminder_id=pk, now=now) for pk in result.individual]
        outcomes += [outbox.reminder_digest_send(recipient_id=pk, now=now) for pk in result.digests]
    return result, outcomes


@pytest.mark.django_db
def test_upcoming_reminder_goes_to_owner_and_assigned_staff_once():
    # Due Monday 30 November 2026; 7 working days before is Wednesday the 18th (5 U.S.C. 6103:
    # Thanksgiving, the 26th, is not a working day).
    deadline = request_deadline(datetime.date(2026, 11, 30))
    staffer = UserFactory(email="staffer@example.org")
    deadline.request.assigned_staff.add(staffer)

    result, _ = sweep_and_send(at(2026, 11, 18))
    assert result.created == 2
    rows = Reminder.objects.order_by("recipient__username")
    assert {r.recipient for r in rows} == {deadline.request.owner, staffer}
    assert {(r.reason, r.scheduled_for, r.business_days_before, r.state) for r in rows} == {
        (Reminder.Reason.UPCOMING, datetime.date(2026, 11, 18), 7, State.SENT)
    }
    assert len(mail.outbox) == 2

    # The same day again, and an hour later: nothing new.
    again, _ = sweep_and_send(at(2026, 11, 18, 15))
    assert again.created == 0
    assert again.individual == []
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_email_says_what_is_due_for_what_when_and_why():
    deadline = request_deadline(datetime.date(2026, 11, 30))
    sweep_and_send(at(2026, 11, 25))
    [message] = mail.outbox
    request = deadline.request
    assert message.subject.startswith("Due Monday 30 November 2026 (in 2 working days)")
    assert "Response to the request" in message.subject
    assert request.title in message.subject
    assert "5 U.S.C. 552(a)(6)(A)(i)" in message.body
    assert f"http://localhost:8000{request.get_admin_url()}" in message.body
    assert "http://localhost:8000/reminders/preferences/" in message.body
    assert f"http://localhost:8000/reminders/mute/{deadline.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "5 U.S.C. 552(a)(6)(A)(i)" in html
    row = Reminder.objects.get()
    assert row.message_id
    assert message.extra_headers["Message-ID"] == row.message_id


@pytest.mark.django_db
def test_the_email_counts_working_days_with_closure_days_as_the_sweep_does():
    """Due Monday 30 November 2026, with Thanksgiving (the 26th, 5 U.S.C. 6103) and a closure day
    on Friday the 27th: Tuesday the 24th is 2 working days before (the 25th and the 30th). The
    email used to count on the calendar without closure days, and said 3."""
    ClosureDay.objects.create(
        jurisdiction=Jurisdiction.objects.get(code="US"), date=datetime.date(2026, 11, 27),
        reason="Executive order",
    )  # fmt: skip
    request_deadline(datetime.date(2026, 11, 30))
    sweep_and_send(at(2026, 11, 24))
    [row] = Reminder.objects.all()
    assert (row.scheduled_for, row.business_days_before) == (datetime.date(2026, 11, 24), 2)
    [message] = mail.outbox
    assert message.subject.startswith("Due Monday 30 November 2026 (in 2 working days)")


@pytest.mark.django_db
def test_due_today_is_the_organisations_today_not_utc():
    request_deadline(datetime.date(2026, 11, 30))
    # 02:30 UTC on 1 December is still 30 November in New York (21:30).
    now = datetime.datetime(2026, 12, 1, 2, 30, tzinfo=datetime.UTC)
    result, _ = sweep_and_send(now)
    assert result.today == datetime.date(2026, 11, 30)
    assert Reminder.objects.get().reason == Reminder.Reason.DUE_TODAY
    assert mail.outbox[0].subject.startswith("Due today, Monday 30 November 2026")


@pytest.mark.django_db
def test_nothing_goes_out_before_the_send_hour(settings):
    settings.REMINDER_SEND_HOUR = 8
    request_deadline(datetime.date(2026, 11, 30))
    result, _ = sweep_and_send(at(2026, 11, 30, 6))
    assert result.created == 1
    assert result.individual == []
    assert Reminder.objects.get().state == State.QUEUED
    result, _ = sweep_and_send(at(2026, 11, 30, 8))
    assert result.created == 0
    assert len(result.individual) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_overdue_first_day_then_weekly_until_met():
    deadline = request_deadline(datetime.date(2026, 11, 30))
    for day in range(1, 16):
        sweep_and_send(at(2026, 12, day))
    assert list(
        Reminder.objects.order_by("scheduled_for").values_list("scheduled_for", flat=True)
    ) == [
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 8),
        datetime.date(2026, 12, 15),
    ]
    assert len(mail.outbox) == 3
    assert mail.outbox[0].subject.startswith("Overdue since Monday 30 November 2026 (1 day ago)")
    deadline.status, deadline.met_on = Deadline.Status.MET, datetime.date(2026, 12, 16)
    deadline.save()
    sweep_and_send(at(2026, 12, 22))
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_lawsuit_deadlines_go_to_counsel_and_appeal_deadlines_to_the_requests_people():
    lawyer = UserFactory(email="counsel@example.org")
    lawsuit = LawsuitFactory()
    lawsuit.counsel.add(lawyer)
    court = Deadline.objects.create(
        lawsuit=lawsuit,
        label="Joint status report",
        due_on=datetime.date(2026, 11, 30),
        source=Deadline.Source.COURT_ORDER,
        court_order="Minute order of 2 November 2026",
    )
    appeal = AppealFactory()
    Deadline.objects.create(
        appeal=appeal,
        label="Appeal decision",
        due_on=datetime.date(2026, 11, 30),
        jurisdiction=Jurisdiction.objects.get(code="US"),
        rule="appeal_response",
        citation="5 U.S.C. 552(a)(6)(A)(ii)",
    )
    sweep_and_send(at(2026, 11, 30))
    assert set(Reminder.objects.values_list("deadline_id", "recipient_id")) == {
        (court.pk, lawyer.pk),
        (appeal.deadlines.get().pk, appeal.request.owner_id),
    }
    assert any("Set by court order: Minute order of 2 November 2026" in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_a_deadline_met_before_its_reminder_is_sent_sends_nothing():
    deadline = request_deadline(datetime.date(2026, 11, 30))
    with time_machine.travel(at(2026, 11, 25), tick=False):
        result = outbox.reminders_sweep(now=at(2026, 11, 25))
    deadline.status, deadline.met_on = Deadline.Status.MET, datetime.date(2026, 11, 25)
    deadline.save()
    # The task queued by the sweep runs after the deadline was met: it claims, sees, cancels.
    outcome = outbox.reminder_send(reminder_id=result.individual[0], now=at(2026, 11, 25))
    assert outcome.state == State.CANCELLED
    assert mail.outbox == []
    # And the next sweep would not have created it at all.
    Reminder.objects.all().delete()
    sweep_and_send(at(2026, 11, 25, 10))
    assert not Reminder.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_moved_deadline_cancels_the_queued_reminder_and_schedules_the_new_one(settings):
    settings.REMINDER_SEND_HOUR = 8
    deadline = request_deadline(datetime.date(2026, 11, 30))
    sweep_and_send(at(2026, 11, 25, 6))  # created, waiting for the send hour
    deadline.due_on = datetime.date(2026, 12, 11)
    deadline.save()
    result, _ = sweep_and_send(at(2026, 11, 25, 9))
    assert result.cancelled == 1
    old = Reminder.objects.get(due_on=datetime.date(2026, 11, 30))
    assert old.state == State.CANCELLED
    assert "moved" in old.last_error
    assert mail.outbox == []  # 11 December is 11 working days away: nothing yet
    sweep_and_send(at(2026, 12, 2))  # 7 working days before 11 December
    assert Reminder.objects.get(due_on=datetime.date(2026, 12, 11)).state == State.SENT
    assert "Friday 11 December 2026" in mail.outbox[0].subject


@pytest.mark.django_db
def test_a_stopped_clock_gets_no_reminders():
    request_deadline(
        datetime.date(2026, 11, 30), paused_on=datetime.date(2026, 11, 20), days_left=6
    )
    sweep_and_send(at(2026, 11, 30))
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_muted_deadlines_and_inactive_people_get_nothing():
    deadline = request_deadline(datetime.date(2026, 11, 30))
    preference_for(deadline.request.owner).muted_deadlines.add(deadline)
    gone = UserFactory(is_active=False)
    deadline.request.assigned_staff.add(gone)
    sweep_and_send(at(2026, 11, 30))
    assert not Reminder.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_digest_readers_get_one_email_a_day():
    owner = UserFactory(email="digest@example.org")
    ReminderPreference.objects.create(user=owner, delivery=ReminderPreference.Delivery.DIGEST)
    first = request_deadline(
        datetime.date(2026, 11, 30), request=RecordsRequestFactory(owner=owner)
    )
    second = request_deadline(
        datetime.date(2026, 11, 25), request=RecordsRequestFactory(owner=owner)
    )
    result, _ = sweep_and_send(at(2026, 11, 25))
    assert result.digests == [owner.pk]
    assert result.individual == []
    [digest] = mail.outbox
    assert digest.subject == "2 deadlines to watch on 25 November 2026"
    assert first.request.title in digest.body
    assert second.request.title in digest.body
    assert set(Reminder.objects.values_list("state", "digest")) == {(State.SENT, True)}

    # A deadline added in the afternoon waits for tomorrow's digest.
    third = request_deadline(
        datetime.date(2026, 11, 25), request=RecordsRequestFactory(owner=owner)
    )
    sweep_and_send(at(2026, 11, 25, 15))
    assert len(mail.outbox) == 1
    sweep_and_send(at(2026, 11, 27))
    assert len(mail.outbox) == 2
    assert third.request.title in mail.outbox[1].body


@pytest.mark.django_db
def test_a_send_claims_its_row_so_a_second_task_for_it_does_nothing():
    request_deadline(datetime.date(2026, 11, 30))
    with time_machine.travel(at(2026, 11, 30), tick=False):
        result = outbox.reminders_sweep(now=at(2026, 11, 30))
        [pk] = result.individual
        assert outbox.reminder_send(reminder_id=pk).state == State.SENT
        assert outbox.reminder_send(reminder_id=pk).state == "not claimed"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_row_stuck_in_sending_is_requeued_after_the_timeout(settings):
    settings.REMINDER_SENDING_TIMEOUT = 900
    request_deadline(datetime.date(2026, 11, 30))
    with time_machine.travel(at(2026, 11, 30), tick=False):
        outbox.reminders_sweep(now=at(2026, 11, 30))
    # A worker claimed the row and died before sending.
    Reminder.objects.update(state=State.SENDING, claimed_at=at(2026, 11, 30), attempts=1)
    result, _ = sweep_and_send(at(2026, 11, 30, 9) + datetime.timedelta(minutes=10))
    assert result.requeued == 0
    assert mail.outbox == []
    result, _ = sweep_and_send(at(2026, 11, 30, 9) + datetime.timedelta(minutes=16))
    assert result.requeued == 1
    row = Reminder.objects.get()
    assert row.state == State.SENT
    assert row.attempts == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_someone_without_an_address_fails_visibly_without_retries():
    deadline = request_deadline(datetime.date(2026, 11, 30))
    type(deadline.request.owner).objects.filter(pk=deadline.request.owner_id).update(email="")
    _, [outcome] = sweep_and_send(at(2026, 11, 30))
    row = Reminder.objects.get()
    assert outcome.state == State.FAILED
    assert outcome.retry_at is None
    assert row.state == State.FAILED
    assert "no email address" in row.last_error
    assert row.next_attempt_at is None


@pytest.mark.django_db
def test_retry_puts_failed_rows_back_with_a_fresh_count():
    deadline = request_deadline(datetime.date(2026, 11, 30))
    sweep_and_send(at(2026, 11, 30))
    Reminder.objects.update(state=State.FAILED, attempts=5, last_error="SMTP down")
    assert outbox.reminder_retry(reminder_ids=[Reminder.objects.get().pk]) == 1
    row = Reminder.objects.get()
    assert (row.state, row.attempts, row.last_error) == (State.QUEUED, 0, "")
    assert deadline.reminders.count() == 1


@pytest.mark.django_db
def test_the_sweep_runs_a_fixed_number_of_queries_whatever_the_number_of_deadlines():
    def queries_for(count, day):
        for _ in range(count):
            deadline = request_deadline(datetime.date(2026, 11, day))
            deadline.request.assigned_staff.add(UserFactory())
        with CaptureQueriesContext(connection) as captured:
            outbox.reminders_sweep(now=at(2026, 11, day))
        return len(captured)

    few = queries_for(1, 23)
    many = queries_for(25, 24)
    # Owner and one staffer each; on the 24th the first deadline is also a day overdue.
    assert Reminder.objects.count() == 2 + 50 + 2
    assert few == many
