"""Deadline reminders: the sweep that fills the outbox, and the send that empties it.

Delivery guarantee — **at least once, with one window for a duplicate.**

1. The sweep (Celery beat, hourly; or ``manage.py send_reminders``) inserts one ``Reminder`` row per
   (deadline, person, reason, scheduled day) with ``INSERT … ON CONFLICT DO NOTHING`` under the
   database's uniqueness constraint, so any number of sweeps, at once or again, create each row
   once. It then enqueues one send task per due row after the transaction commits.
2. The send claims its row before any side effect with a conditional ``UPDATE … WHERE state IN
   ('queued', 'failed')`` that must change exactly one row: of two tasks for the same row (two
   sweeps, a redelivered message) one wins and the other does nothing.
3. The email goes out outside any transaction and row lock; then a targeted update marks the row
   sent and keeps its Message-ID. An SMTP or network error marks it failed, to be retried with
   backoff; any other error in building or sending the message (a bug, data no mail server would
   take) marks it failed at once with the error, not retried: the same row would fail the same
   way, and the admin's retry sends it again once it is fixed. No send leaves its row claimed.
4. A row left in ``sending`` longer than ``REMINDER_SENDING_TIMEOUT`` (a worker killed, a
   machine lost) is put back in the queue by the next sweep.

The window: a process that dies **after the SMTP server accepted the message and before the row
is marked sent** leaves a ``sending`` row that step 4 re-queues, and the person gets that reminder
twice (with the same Message-ID, which mail clients may use to fold the two). A send that outlasts
the timeout would open the same window, which is why ``REMINDER_SENDING_TIMEOUT`` must exceed
``EMAIL_TIMEOUT`` (settings refuse otherwise). Nothing else sends twice, and nothing is lost: a
row is either sent, still queued or failed (visible in the admin with its error), or cancelled
because its deadline no longer needs it.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url, site_host
from core.today import organisation_day_start, organisation_today
from reminders import policy
from reminders.models import Reminder, ReminderPreference
from requests_app.deadlines.calendars import WorkingCalendar, working_days_between
from requests_app.deadlines.rules import rule_name
from requests_app.deadlines.selectors import (
    deadline_sql,
    due_within_q,
    explanation_text,
    is_overdue,
    is_running,
    overdue_q,
    running_q,
    working_calendar,
    working_calendars,
)
from requests_app.models import Appeal, Deadline, Jurisdiction, Lawsuit, RecordsRequest

log = logging.getLogger(__name__)

State = Reminder.State
SWEEP_LOCK = 0x666F6961  # "foia": the advisory lock key the reminder sweep holds
# A court-ordered date has no jurisdiction: FRCP 6(a) counts federal days, and a federal closure
# day makes the clerk's office inaccessible (6(a)(3)), as the court schedules count it.
COURT_CALENDAR = "US"


@dataclass
class SweepResult:
    today: datetime.date
    cancelled: int = 0
    created: int = 0
    requeued: int = 0
    individual: list[int] = field(default_factory=list)  # reminder ids to send one by one
    digests: list[int] = field(default_factory=list)  # recipient ids to send a digest to

    def summary(self) -> str:
        return (
            f"{self.today}: {self.created} reminders created, {self.cancelled} cancelled, "
            f"{self.requeued} re-queued after a cut-short send; "
            f"{len(self.individual)} to send, {len(self.digests)} digests"
        )


# --- the sweep -----------------------------------------------------------------------------------


def _calendars(today: datetime.date) -> dict[int, WorkingCalendar]:
    """Each jurisdiction's calendar with its closure days, keyed by id; 0 for court dates."""
    ids = dict(Jurisdiction.objects.values_list("code", "id"))
    # Reminders count forward from today: older closure days cannot change a slot.
    recent = today - datetime.timedelta(days=60)
    calendars = {0: working_calendar(COURT_CALENDAR)}
    for code, cal in working_calendars(ids, since=recent).items():
        calendars[ids[code]] = cal
    return calendars


def _calendar_of(deadline: Deadline) -> WorkingCalendar:
    """The calendar the sweep counts a deadline's reminders on (``_calendars``)."""
    code = deadline.jurisdiction.code if deadline.jurisdiction is not None else COURT_CALENDAR
    return working_calendar(code)


def _db_datetime(value: datetime.datetime) -> Any:
    # Raw SQL must store datetimes as the ORM does (SQLite: naive UTC text), or comparisons break.
    return connection.ops.adapt_datetimefield_value(value)


def _date_param() -> str:
    # SQLite keeps dates as ISO text; a CAST there would turn '2026-11-22' into 2026.
    return "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"


def _overdue_day_sql() -> str:
    """SQL for policy.overdue_slot(d.due_on, today, every); params: today, today, every."""
    if connection.vendor == "postgresql":
        return "(CAST(%s AS date) - ((CAST(%s AS date) - d.due_on - 1) %% %s))"
    return (
        "date(%s, '-' || (CAST(julianday(%s) - julianday(d.due_on) - 1 AS INTEGER) %% %s) "
        "|| ' days')"
    )


def _tables() -> dict[str, str]:
    User = get_user_model()
    return {
        "deadline": Deadline._meta.db_table,
        "request": RecordsRequest._meta.db_table,
        "staff": RecordsRequest.assigned_staff.through._meta.db_table,
        "appeal": Appeal._meta.db_table,
        "counsel": Lawsuit.counsel.through._meta.db_table,
        "user": User._meta.db_table,
        "pref": ReminderPreference._meta.db_table,
        "muted": ReminderPreference.muted_deadlines.through._meta.db_table,
        "reminder": Reminder._meta.db_table,
    }


def _cancel_stale(now: datetime.datetime) -> int:
    """Cancel queued or failed rows whose deadline no longer needs them: met, waived, missed,
    superseded, its clock stopped, moved to another day, or muted by the person."""
    t = _tables()
    not_running, not_running_params = deadline_sql(~running_q(), "d")
    sql = f"""
        UPDATE {t["reminder"]} SET state = %s, last_error = %s, enqueued_at = NULL
        WHERE state IN (%s, %s) AND (
            EXISTS (
                SELECT 1 FROM {t["deadline"]} d
                WHERE d.id = {t["reminder"]}.deadline_id
                  AND ({not_running} OR d.due_on <> {t["reminder"]}.due_on)
            )
            OR EXISTS (
                SELECT 1 FROM {t["muted"]} m JOIN {t["pref"]} p ON p.id = m.reminderpreference_id
                WHERE p.user_id = {t["reminder"]}.recipient_id
                  AND m.deadline_id = {t["reminder"]}.deadline_id
            )
        )
    """
    note = (
        f"Cancelled on {timezone.localtime(now):%Y-%m-%d %H:%M}: the deadline was met, waived, "
        "superseded, stopped or moved, or the reminder was muted, before it was sent."
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [State.CANCELLED, note, State.QUEUED, State.FAILED, *not_running_params]
        )
        return cursor.rowcount


#: Which deadlines are reminded of. An estimate counted from filing while receipt is unknown is
#: not: no statutory clock runs before receipt (5 U.S.C. 552(a)(6)(A)(i)), so a reminder would
#: nag about a date the law does not set. Staff see estimates on the request list, the request's
#: page and the dashboard, marked as such; recording receipt replaces them with reminded ones.
REMINDED = ~Q(source=Deadline.Source.ESTIMATE)


def _create_due(today: datetime.date, now: datetime.datetime) -> tuple[int, list[tuple[int, int]]]:
    """Insert the latest reminder whose day has come for every open, running deadline and each of
    its people — one statement whatever the number of deadlines. Returns how many rows it wrote
    and (id, recipient) of those that may go out now, already stamped as handed to a worker."""
    upcoming = settings.REMINDER_UPCOMING_BUSINESS_DAYS
    slots: list[Any] = []
    horizon = today
    for calendar_id, cal in _calendars(today).items():
        for due, slot in policy.upcoming_slots(cal, today, upcoming=upcoming):
            slots += [calendar_id, due.isoformat(), slot.scheduled_for.isoformat()]
            slots.append(slot.business_days_before)
            horizon = max(horizon, due)
    t = _tables()
    date = _date_param()
    # A VALUES list cannot be empty; a row no deadline matches keeps the statement valid.
    values = ", ".join([f"(%s, {date}, {date}, %s)"] * (len(slots) // 4)) or (
        f"(-1, {date}, {date}, CAST(NULL AS integer))"
    )
    if not slots:
        slots = [today.isoformat(), today.isoformat()]
    # Running, due today and overdue as the deadline selectors define them, compiled to SQL.
    running, running_params = deadline_sql(running_q() & REMINDED, "d")
    due_today, due_today_params = deadline_sql(due_within_q(0, today=today) & REMINDED, "d")
    overdue, overdue_params = deadline_sql(overdue_q(today=today) & REMINDED, "d")
    sql = f"""
        WITH slots (calendar_id, due_on, scheduled_for, business_days) AS (VALUES {values}),
        due AS (
            SELECT d.id AS deadline_id, d.due_on, %s AS reason, s.scheduled_for,
                   s.business_days, d.request_id, d.appeal_id, d.lawsuit_id, d.responsible_id
            FROM {t["deadline"]} d
            JOIN slots s ON s.calendar_id = COALESCE(d.jurisdiction_id, 0) AND s.due_on = d.due_on
            WHERE {running} AND d.due_on > {date} AND d.due_on <= {date}
            UNION ALL
            SELECT d.id, d.due_on, %s, {date}, NULL,
                   d.request_id, d.appeal_id, d.lawsuit_id, d.responsible_id
            FROM {t["deadline"]} d WHERE {due_today}
            UNION ALL
            SELECT d.id, d.due_on, %s, {_overdue_day_sql()}, NULL,
                   d.request_id, d.appeal_id, d.lawsuit_id, d.responsible_id
            FROM {t["deadline"]} d WHERE {overdue}
        ),
        people (deadline_id, user_id) AS (
            SELECT deadline_id, responsible_id FROM due WHERE responsible_id IS NOT NULL
            UNION
            SELECT due.deadline_id, r.owner_id FROM due
            JOIN {t["request"]} r ON r.id = due.request_id WHERE r.owner_id IS NOT NULL
            UNION
            SELECT due.deadline_id, s.user_id FROM due
            JOIN {t["staff"]} s ON s.recordsrequest_id = due.request_id
            UNION
            SELECT due.deadline_id, r.owner_id FROM due
            JOIN {t["appeal"]} a ON a.id = due.appeal_id
            JOIN {t["request"]} r ON r.id = a.request_id WHERE r.owner_id IS NOT NULL
            UNION
            SELECT due.deadline_id, s.user_id FROM due
            JOIN {t["appeal"]} a ON a.id = due.appeal_id
            JOIN {t["staff"]} s ON s.recordsrequest_id = a.request_id
            UNION
            SELECT due.deadline_id, c.user_id FROM due
            JOIN {t["counsel"]} c ON c.lawsuit_id = due.lawsuit_id
        )
        INSERT INTO {t["reminder"]} (
            deadline_id, recipient_id, reason, scheduled_for, due_on, business_days_before,
            state, attempts, last_error, claim, message_id, digest, created_at, enqueued_at
        )
        SELECT due.deadline_id, people.user_id, due.reason, due.scheduled_for, due.due_on,
               due.business_days, %s, 0, '', '', '', %s, %s,
               CASE WHEN due.scheduled_for <= {date} THEN %s END
        FROM due
        JOIN people ON people.deadline_id = due.deadline_id
        JOIN {t["user"]} u ON u.id = people.user_id AND u.is_active = %s
        WHERE NOT EXISTS (
            SELECT 1 FROM {t["muted"]} m JOIN {t["pref"]} p ON p.id = m.reminderpreference_id
            WHERE p.user_id = people.user_id AND m.deadline_id = due.deadline_id
        )
        ON CONFLICT (deadline_id, recipient_id, reason, scheduled_for) DO UPDATE
            SET state = excluded.state, due_on = excluded.due_on, attempts = 0,
                last_error = '', next_attempt_at = NULL, enqueued_at = excluded.enqueued_at,
                claim = ''
            WHERE {t["reminder"]}.state = %s
        RETURNING id, recipient_id, enqueued_at
    """
    iso = today.isoformat()
    params = [
        *slots,
        Reminder.Reason.UPCOMING,
        *running_params,
        iso,
        # The furthest due date with a reminder by today: a range the (status, due_on) index can
        # scan, instead of every open deadline joined to the slots.
        horizon.isoformat(),
        Reminder.Reason.DUE_TODAY,
        iso,
        *due_today_params,
        Reminder.Reason.OVERDUE,
        iso,
        iso,
        settings.REMINDER_OVERDUE_EVERY_DAYS,
        *overdue_params,
        State.QUEUED,
        False,
        _db_datetime(now),
        send_through(now).isoformat(),
        _db_datetime(now),
        True,
        # A row cancelled earlier (muted, or the deadline moved) comes back when it applies again.
        State.CANCELLED,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.fetchall()
    return len(written), [(pk, recipient) for pk, recipient, enqueued in written if enqueued]


def _requeue_stuck(now: datetime.datetime) -> int:
    """Rows left in `sending` past the timeout go back to the queue (the duplicate window)."""
    cutoff = now - datetime.timedelta(seconds=settings.REMINDER_SENDING_TIMEOUT)
    return Reminder.objects.filter(state=State.SENDING, claimed_at__lt=cutoff).update(
        state=State.QUEUED,
        enqueued_at=None,
        last_error=(
            f"Re-queued at {timezone.localtime(now):%Y-%m-%d %H:%M}: a send was cut short "
            "(worker lost); if the mail server had already accepted it, this is sent twice."
        ),
    )


def send_through(now: datetime.datetime) -> datetime.date:
    """The last scheduled day that may go out at ``now``: today once the send hour has come."""
    today = organisation_today(now)
    sending = timezone.localtime(now).hour >= settings.REMINDER_SEND_HOUR
    return today if sending else today - datetime.timedelta(1)


def _mark_enqueued(now: datetime.datetime) -> list[tuple[int, int]]:
    """Stamp rows created earlier that may go out now as handed to a worker; (id, recipient).

    Rows created earlier and still waiting: the send hour has come, a retry is due, or a message
    was lost. A row stamped less than REMINDER_REQUEUE_AFTER ago is left alone, so hourly sweeps
    do not pile up messages for a queue a worker has not reached yet.
    """
    table = Reminder._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET enqueued_at = %s
            WHERE ((state = %s AND scheduled_for <= {_date_param()})
                   OR (state = %s AND next_attempt_at <= %s))
              AND (enqueued_at IS NULL OR enqueued_at < %s)
            RETURNING id, recipient_id
            """,
            [
                _db_datetime(now),
                State.QUEUED,
                send_through(now).isoformat(),
                State.FAILED,
                _db_datetime(now),
                _db_datetime(now - datetime.timedelta(seconds=settings.REMINDER_REQUEUE_AFTER)),
            ],
        )
        return [(pk, recipient) for pk, recipient in cursor.fetchall()]


def reminders_due(*, now: datetime.datetime) -> tuple[list[int], list[int]]:
    """Every row that may be sent now, whoever enqueued it: (reminder ids to send one by one,
    recipient ids to send a digest to). For `send_reminders`, which sends from its own process."""
    through = send_through(now)
    rows = Reminder.objects.filter(
        Q(state=State.QUEUED, scheduled_for__lte=through)
        | Q(state=State.FAILED, next_attempt_at__lte=now)
    ).values_list("pk", "recipient_id")
    readers = set(
        ReminderPreference.objects.filter(delivery=ReminderPreference.Delivery.DIGEST).values_list(
            "user_id", flat=True
        )
    )
    individual = [pk for pk, recipient in rows if recipient not in readers]
    return individual, sorted({recipient for _, recipient in rows if recipient in readers})


@transaction.atomic
def reminders_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """One sweep: cancel what is no longer needed, create what has fallen due, put back what a
    lost worker left half-sent, and enqueue a send per due row (a digest per digest reader)."""
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        # Sweeps take turns (the second finds the work done): two concurrent multi-row inserts
        # into one unique index could otherwise deadlock. SQLite serialises writers anyway.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])
            # The planner overestimates the people union by orders of magnitude, which makes it
            # JIT-compile the insert: 2 of the 5 seconds at a million deadlines, for nothing.
            cursor.execute("SET LOCAL jit = off")
    result = SweepResult(today=organisation_today(now))
    result.cancelled = _cancel_stale(now)
    result.requeued = _requeue_stuck(now)
    rows = _mark_enqueued(now)  # before the insert, which stamps its own rows
    result.created, fresh = _create_due(result.today, now)
    rows += fresh
    digest_readers = set(
        ReminderPreference.objects.filter(
            user_id__in={recipient for _, recipient in rows},
            delivery=ReminderPreference.Delivery.DIGEST,
        ).values_list("user_id", flat=True)
    )
    result.individual = [pk for pk, recipient in rows if recipient not in digest_readers]
    result.digests = sorted({recipient for _, recipient in rows if recipient in digest_readers})
    return result


# --- the send ------------------------------------------------------------------------------------


class PermanentFailure(Exception):
    """A send that retrying cannot fix (no address on file)."""


#: What a mail server or network may fix by the next attempt; anything else is permanent.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REMINDER_RETRY_BASE_SECONDS * 3 ** (attempts - 1))


def _message_id() -> str:
    return make_msgid(domain=site_host())


def _claim(filter_sql: str, params: list[Any], now: datetime.datetime, digest: bool) -> str | None:
    """Claim queued rows (or failed ones whose retry time has come) before any side effect."""
    token = uuid.uuid4().hex
    table = Reminder._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table}
            SET state = %s, claim = %s, claimed_at = %s, attempts = attempts + 1,
                message_id = COALESCE(NULLIF(message_id, ''), %s), digest = %s
            WHERE {filter_sql} AND (state = %s OR (state = %s AND next_attempt_at <= %s))
            """,
            [
                State.SENDING,
                token,
                _db_datetime(now),
                _message_id(),
                digest,
                *params,
                State.QUEUED,
                State.FAILED,
                _db_datetime(now),
            ],
        )
        return token if cursor.rowcount else None


def _still_needed(reminder: Reminder) -> bool:
    deadline = reminder.deadline
    return (
        is_running(deadline)
        and deadline.due_on == reminder.due_on
        and not ReminderPreference.objects.filter(
            user_id=reminder.recipient_id, muted_deadlines=deadline
        ).exists()
    )


def _record_failure(
    token: str, error: BaseException, now: datetime.datetime
) -> datetime.datetime | None:
    """Mark the claimed rows failed with the error; return when they will be retried (None when
    the error is permanent or the attempts are used up — the admin can retry them)."""
    attempts = max(
        Reminder.objects.filter(claim=token).values_list("attempts", flat=True), default=1
    )
    message = f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S}, attempt {attempts}: "
    message += f"{type(error).__name__}: {error}"
    retry_at: datetime.datetime | None = None
    if not isinstance(error, TRANSIENT_ERRORS):
        message += " — not retried; retry it from the admin once the cause is fixed"
    elif attempts >= settings.REMINDER_MAX_ATTEMPTS:
        message += f" — gave up after {attempts} attempts; retry it from the admin"
    else:
        retry_at = now + _backoff(attempts)
        message += f" — retrying at {timezone.localtime(retry_at):%Y-%m-%d %H:%M}"
    Reminder.objects.filter(claim=token, state=State.SENDING).update(
        state=State.FAILED, last_error=message, next_attempt_at=retry_at, enqueued_at=now
    )
    return retry_at


@dataclass
class SendOutcome:
    state: str
    retry_at: datetime.datetime | None = None


def _deliver(build: Callable[[], EmailMultiAlternatives], token: str) -> SendOutcome:
    """Build and send outside any transaction, then record the result with a targeted update.

    Whatever goes wrong building or sending the message is recorded on the claimed rows, never
    left to the caller: an exception escaping here would leave them in ``sending`` with no
    error, re-queued as "worker lost" on every sweep and never failed."""
    try:
        build().send()
    except TRANSIENT_ERRORS as error:
        log.warning("Reminder send failed (claim %s): %s", token, error)
        return SendOutcome(State.FAILED, _record_failure(token, error, timezone.now()))
    except PermanentFailure as error:  # expected (no address): the row says why, no traceback
        return SendOutcome(State.FAILED, _record_failure(token, error, timezone.now()))
    except Exception as error:
        log.exception("Reminder could not be sent (claim %s)", token)
        return SendOutcome(State.FAILED, _record_failure(token, error, timezone.now()))
    Reminder.objects.filter(claim=token, state=State.SENDING).update(
        state=State.SENT, sent_at=timezone.now(), last_error=""
    )
    return SendOutcome(State.SENT)


def reminder_send(*, reminder_id: int, now: datetime.datetime | None = None) -> SendOutcome:
    """Send one reminder if it is still due and nobody else has claimed it."""
    now = now or timezone.now()
    token = _claim("id = %s", [reminder_id], now, digest=False)
    if token is None:
        return SendOutcome("not claimed")
    reminder = _load(Reminder.objects.filter(claim=token))[0]
    if not _still_needed(reminder):
        Reminder.objects.filter(claim=token).update(
            state=State.CANCELLED,
            last_error="Cancelled at send time: the deadline no longer needs this reminder.",
        )
        return SendOutcome(State.CANCELLED)
    return _deliver(lambda: reminder_email(reminder=reminder, today=organisation_today(now)), token)


def _digest_sent_today(recipient_id: int, now: datetime.datetime) -> bool:
    start = organisation_day_start(now)
    return Reminder.objects.filter(
        recipient_id=recipient_id, digest=True, state=State.SENT, sent_at__gte=start
    ).exists()


def reminder_digest_send(*, recipient_id: int, now: datetime.datetime | None = None) -> SendOutcome:
    """One email with every due reminder of a person who reads a daily digest — once a day:
    what falls due after today's digest went out waits for tomorrow's."""
    now = now or timezone.now()
    if _digest_sent_today(recipient_id, now):
        return SendOutcome("already sent today")
    through = send_through(now)
    token = _claim(
        "recipient_id = %s AND scheduled_for <= %s", [recipient_id, through], now, digest=True
    )
    if token is None:
        return SendOutcome("not claimed")
    claimed = _load(Reminder.objects.filter(claim=token))
    needed = [r for r in claimed if _still_needed(r)]
    stale = [r.pk for r in claimed if r not in needed]
    if stale:
        Reminder.objects.filter(pk__in=stale).update(
            state=State.CANCELLED,
            last_error="Cancelled at send time: the deadline no longer needs this reminder.",
        )
    if not needed:
        return SendOutcome(State.CANCELLED)
    return _deliver(lambda: digest_email(reminders=needed, today=organisation_today(now)), token)


def _load(queryset: Any) -> list[Reminder]:
    return list(
        queryset.select_related(
            "recipient",
            "deadline__request__agency",
            "deadline__appeal__request__agency",
            "deadline__lawsuit",
            "deadline__jurisdiction",
        ).order_by("deadline__due_on", "pk")
    )


def reminder_retry(*, reminder_ids: Iterable[int]) -> int:
    """Put failed (or cancelled) reminders back in the queue with a fresh count (admin action)."""
    return Reminder.objects.filter(
        pk__in=list(reminder_ids), state__in=[State.FAILED, State.CANCELLED]
    ).update(
        state=State.QUEUED,
        attempts=0,
        next_attempt_at=None,
        enqueued_at=None,
        claim="",
        last_error="",
    )


# --- the email -----------------------------------------------------------------------------------


def _record_of(deadline: Deadline) -> tuple[str, str]:
    """What the deadline belongs to, in words, and the link to it."""
    if deadline.lawsuit is not None:
        return f"case {deadline.lawsuit}", deadline.lawsuit.get_admin_url()
    if deadline.appeal is not None:
        request = deadline.appeal.request
        return f"appeal in request “{request.title}” to {request.agency}", request.get_admin_url()
    record = deadline.owner_record
    assert isinstance(record, RecordsRequest)
    return f"request “{record.title}” to {record.agency}", record.get_admin_url()


def _when(reminder: Reminder, today: datetime.date, cal: WorkingCalendar) -> str:
    due = reminder.deadline.due_on
    if due < today:
        days = (today - due).days
        return f"overdue since {due:%A %-d %B %Y} ({days} day{'s' if days != 1 else ''} ago)"
    if due == today:
        return f"due today, {due:%A %-d %B %Y}"
    left = working_days_between(cal, today, due)
    return f"due {due:%A %-d %B %Y} (in {left} working day{'s' if left != 1 else ''})"


def _item(reminder: Reminder, today: datetime.date) -> dict[str, Any]:
    deadline = reminder.deadline
    record, link = _record_of(deadline)
    # The calendar the sweep counted "7 and 2 working days before" on, closure days included, so
    # the email says as many working days as the reminder was sent for.
    cal = _calendar_of(deadline)
    return {
        "reminder": reminder,
        "deadline": deadline,
        "record": record,
        "when": _when(reminder, today, cal),
        # The rule's name, as the calendar feed shows it, not its code.
        "rule": rule_name(
            deadline.jurisdiction.code if deadline.jurisdiction else None, deadline.rule
        ),
        "citation": deadline.citation,
        "explanation": explanation_text(deadline, cal if deadline.jurisdiction else None),
        "link": absolute_url(link),
        "mute_link": absolute_url(reverse("reminder-mute", args=[deadline.pk])),
    }


#: Unicode categories that break a header line or are invisible control: C0/C1 controls (CR,
#: LF, NEL U+0085, NUL, tab…), the line separator U+2028 and the paragraph separator U+2029.
#: Python's email package splits headers on several of these, so one in a subject would either
#: be refused at send time or start a header of its own.
_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})
HEADER_LIMIT = 250


def header_text(value: str, *, limit: int = HEADER_LIMIT) -> str:
    """``value`` as one header line: every control or line-separator character becomes a space,
    runs of whitespace one space, at most ``limit`` characters. Every header a reminder carries
    (subject, names, addresses, Message-ID) is built through here; the email package folds the
    result into lines of the right length when it writes the message."""
    text = "".join(" " if unicodedata.category(ch) in _LINE_BREAKING else ch for ch in value)
    return " ".join(text.split())[:limit]


def _mailbox(name: str, address: str) -> str:
    """``Name <address>``; an address header_text would change is refused, never rewritten:
    mail must not go to an address other than the one on file."""
    if not address or header_text(address) != address or " " in address:
        raise PermanentFailure(f"{address!r} is not an email address")
    return formataddr((header_text(name), address))


def _address(reminder: Reminder) -> str:
    recipient = reminder.recipient
    if not recipient.email:
        raise PermanentFailure(f"{recipient} has no email address on file")
    return _mailbox(recipient.get_full_name(), recipient.email)


def _sender() -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return _mailbox(name, address)


def reminder_email(*, reminder: Reminder, today: datetime.date) -> EmailMultiAlternatives:
    item = _item(reminder, today)
    context = {
        "item": item,
        "recipient": reminder.recipient,
        "preferences_link": absolute_url(reverse("reminder-preferences")),
    }
    when = item["when"]
    subject = f"{when[:1].upper()}{when[1:]}: {reminder.deadline.label} — {item['record']}"
    return _message(
        subject=subject,
        to=_address(reminder),
        template="reminders/reminder",
        context=context,
        message_id=reminder_message_id(reminder),
    )


def digest_email(*, reminders: list[Reminder], today: datetime.date) -> EmailMultiAlternatives:
    first = reminders[0]
    items = [_item(r, today) for r in reminders]
    overdue = sum(1 for r in reminders if is_overdue(r.deadline, today))
    subject = f"{len(items)} deadline{'s' if len(items) != 1 else ''} to watch on {today:%-d %B %Y}"
    if overdue:
        subject += f", {overdue} overdue"
    return _message(
        subject=subject,
        to=_address(first),
        template="reminders/digest",
        context={
            "items": items,
            "recipient": first.recipient,
            "today": today,
            "preferences_link": absolute_url(reverse("reminder-preferences")),
        },
        message_id=reminder_message_id(first),
    )


def reminder_message_id(reminder: Reminder) -> str:
    """The Message-ID given at the row's first claim and kept on it before the send, so a resend
    after a lost worker carries the same one."""
    return reminder.message_id or _message_id()


def _message(
    *, subject: str, to: str, template: str, context: dict[str, Any], message_id: str
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=header_text(subject),
        body=render_to_string(f"{template}.txt", context),
        from_email=_sender(),
        to=[to],
        headers={"Message-ID": header_text(message_id)},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
