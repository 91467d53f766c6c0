"""A send that fails, whatever the reason, fails one row visibly and holds up nothing else; what
people type in a title never breaks a header. Sent through the SMTP backend to a real SMTP
server on loopback (tests/reminders/smtp_server.py), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime
import email
import email.policy
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from reminders import outbox
from reminders.models import Reminder, ReminderPreference
from tests.factories import DeadlineFactory, RecordsRequestFactory, UserFactory
from tests.reminders.smtp_server import Inbox, SMTPServer, free_port

pytestmark = pytest.mark.django_db
# Monday 30 November 2026, 09:00 in New York: the day the deadlines below are due.
FROZEN = datetime.datetime(2026, 11, 30, 9, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
State = Reminder.State
# Carriage return, line feed, vertical tab, form feed, NEL, line and paragraph separators, and
# the file/group/record separators str.splitlines() also breaks on.
LINE_BREAKS = "\r \n \x0b \x0c \x85 \u2028 \u2029 \x1c \x1d \x1e"


@pytest.fixture
def smtp(settings):
    server = SMTPServer(Inbox(), free_port())
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    yield server
    server.stop()


def due_today(title: str = "Visitor logs", **owner) -> None:
    owner.setdefault("email", f"{owner.get('username', 'owner')}@example.org")
    request = RecordsRequestFactory(title=title, owner=UserFactory(**owner))
    DeadlineFactory(request=request, due_on=FROZEN.date())


def send_reminders() -> tuple[str, CommandError | None]:
    """Run the command at the frozen instant: what it printed, and the error it exited with."""
    out = io.StringIO()
    with time_machine.travel(FROZEN, tick=False):
        try:
            call_command("send_reminders", stdout=out)
        except CommandError as error:
            return out.getvalue(), error
    return out.getvalue(), None


def received(server: SMTPServer) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
        for m in server.inbox.messages
    ]


def test_header_text_keeps_every_header_on_one_line():
    text = outbox.header_text(f"Files{LINE_BREAKS}Bcc: someone@example.org\x00\x7f\t end")
    assert text == "Files Bcc: someone@example.org end"
    assert outbox.header_text("x" * 300) == "x" * outbox.HEADER_LIMIT


def test_a_title_with_line_breaks_is_delivered_with_a_clean_subject(smtp):
    due_today(
        title=f"FBI files{LINE_BREAKS}Bcc: victim@example.org",
        username="jane",
        first_name="Jane\r\nBcc: other@example.org",
        last_name="Doe\u2028",
    )
    output, error = send_reminders()

    assert (error, "1 sent, 0 failed" in output) == (None, True)
    [message] = received(smtp)
    subject = message["Subject"]
    assert "FBI files Bcc: victim@example.org" in subject
    assert not any(ch in subject for ch in LINE_BREAKS.replace(" ", ""))
    assert message["To"] == '"Jane Bcc: other@example.org Doe" <jane@example.org>'
    assert message["Bcc"] is None
    assert [m.addresses[0].addr_spec for m in [message["To"]]] == ["jane@example.org"]
    row = Reminder.objects.get()
    assert (row.state, row.last_error) == (State.SENT, "")
    assert message["Message-ID"] == row.message_id


def test_a_failure_in_one_send_holds_up_neither_the_next_rows_nor_the_digest(smtp, monkeypatch):
    for n in range(3):
        due_today(username=f"person{n}")
    reader = UserFactory(username="reader", email="reader@example.org")
    ReminderPreference.objects.create(user=reader, delivery=ReminderPreference.Delivery.DIGEST)
    DeadlineFactory(request=RecordsRequestFactory(owner=reader), due_on=FROZEN.date())
    real_email = outbox.reminder_email
    calls = []

    def first_one_breaks(*, reminder, today):
        calls.append(reminder.pk)
        if len(calls) == 1:
            raise RuntimeError("template missing")
        return real_email(reminder=reminder, today=today)

    monkeypatch.setattr(outbox, "reminder_email", first_one_breaks)

    output, error = send_reminders()

    # Every row was tried, the counts say what happened, and the exit status says it went wrong.
    assert "3 sent, 1 failed" in output
    assert "1 of the reminders and digests due could not be sent" in str(error)
    assert len(smtp.inbox.messages) == 3  # the two other reminders and the digest
    assert any(m["Subject"].startswith("1 deadline to watch") for m in received(smtp))
    broken = Reminder.objects.get(pk=calls[0])
    assert broken.state == State.FAILED
    assert "RuntimeError: template missing" in broken.last_error
    assert "not retried" in broken.last_error
    assert broken.next_attempt_at is None  # the same row would fail the same way
    assert not Reminder.objects.filter(state=State.SENDING).exists()
    assert Reminder.objects.filter(state=State.SENT).count() == 3


def test_an_smtp_refusal_is_retried_later_and_the_next_row_still_goes(smtp):
    for n in range(2):
        due_today(username=f"person{n}")
    smtp.stop()  # nothing listens: every send is refused, each row fails on its own

    output, error = send_reminders()

    assert "0 sent, 2 failed" in output
    assert error is not None

    rows = list(Reminder.objects.all())
    assert {row.state for row in rows} == {State.FAILED}
    assert all(row.next_attempt_at is not None for row in rows)  # transient: retried
    assert all("retrying at" in row.last_error for row in rows)


def test_nothing_failed_means_exit_status_zero(smtp):
    due_today(username="person")
    output, error = send_reminders()
    assert error is None
    assert "1 sent, 0 failed" in output
