"""The reminder models moved from requests_app to this app by migration state only (and the
report snapshots, recreated, took their content types with them).

reminders.0001_initial takes over the tables requests_app created, so a database upgraded across
the move keeps every reminder, every preference and every muted deadline, and the permissions the
roles hold follow the models' content types. Going back (requests_app 0009) gives the models back
to requests_app the same way. Both directions are run here on a database holding rows.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from reminders.models import Reminder, ReminderPreference
from tests.factories import DeadlineFactory, UserFactory

pytestmark = pytest.mark.slow


def _rows() -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        found = {}
        for table in (
            "requests_app_reminder",
            "requests_app_reminderpreference",
            "requests_app_reminderpreference_muted_deadlines",
        ):
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            found[table] = cursor.fetchall()
    return found


def _labels() -> set[tuple[str, str]]:
    return set(
        ContentType.objects.filter(model__in=["reminder", "reminderpreference"]).values_list(
            "app_label", "model"
        )
    )


SNAPSHOTS = [
    "agencyyearperformance",
    "exemptioncitationtotals",
    "releasedaytotals",
    "releasemonthtotals",
    "reportrefresh",
]


def _snapshot_labels() -> dict[str, tuple[int, str]]:
    return {
        model: (pk, label)
        for pk, label, model in ContentType.objects.filter(model__in=SNAPSHOTS).values_list(
            "pk", "app_label", "model"
        )
    }


def _staff_reminder_permissions() -> set[tuple[str, str]]:
    return set(
        Group.objects.get(name="staff")
        .permissions.filter(content_type__model="reminder")
        .values_list("content_type__app_label", "codename")
    )


@pytest.mark.django_db(transaction=True)
def test_reminder_rows_and_permissions_survive_the_move_both_ways():
    deadline = DeadlineFactory()
    person = UserFactory(username="paralegal-upgrade")
    preference = ReminderPreference.objects.create(
        user=person, delivery=ReminderPreference.Delivery.DIGEST, feed_token="secret-feed"
    )
    preference.muted_deadlines.add(deadline)
    Reminder.objects.create(
        deadline=deadline,
        recipient=person,
        reason=Reminder.Reason.UPCOMING,
        scheduled_for=datetime.date(2026, 12, 1),
        due_on=deadline.due_on,
        state=Reminder.State.SENT,
        message_id="<1@foiatracker.test>",
    )
    before = _rows()
    assert all(before.values())
    assert _labels() == {("reminders", "reminder"), ("reminders", "reminderpreference")}
    assert _staff_reminder_permissions() == {
        ("reminders", "change_reminder"),
        ("reminders", "view_reminder"),
    }
    snapshots_before = _snapshot_labels()
    assert {label for _pk, label in snapshots_before.values()} == {"reports"}
    reminder_permission_ids = set(
        Permission.objects.filter(content_type__model="reminder").values_list("pk", flat=True)
    )

    try:
        call_command("migrate", "requests_app", "0009", verbosity=0)
        assert _rows() == before
        assert _labels() == {("requests_app", "reminder"), ("requests_app", "reminderpreference")}
        assert {label for _pk, label in _snapshot_labels().values()} == {"requests_app"}
    finally:
        call_command("migrate", verbosity=0)

    assert _rows() == before
    assert _labels() == {("reminders", "reminder"), ("reminders", "reminderpreference")}
    # The same permission rows, still granted: nothing was recreated or lost on the way.
    assert (
        set(Permission.objects.filter(content_type__model="reminder").values_list("pk", flat=True))
        == reminder_permission_ids
    )
    assert _staff_reminder_permissions() == {
        ("reminders", "change_reminder"),
        ("reminders", "view_reminder"),
    }
    assert ReminderPreference.objects.get(user=person).muted_deadlines.get() == deadline
    # The snapshot models' content types went back and forth too: the same rows, no strays.
    assert _snapshot_labels() == snapshots_before


# Transactional: SQLite's schema editor, which sqlmigrate uses, refuses to run inside a test's
# atomic block.
@pytest.mark.django_db(transaction=True)
def test_the_move_migrations_run_no_sql_on_the_reminder_tables():
    """The takeover is state only: sqlmigrate prints no statement for the moved tables."""
    for app, name in (("reminders", "0001"), ("requests_app", "0010")):
        out = StringIO()
        call_command("sqlmigrate", app, name, stdout=out)
        sql = out.getvalue().lower()
        assert "reminder" not in "\n".join(
            line for line in sql.splitlines() if not line.startswith("--")
        ), sql
