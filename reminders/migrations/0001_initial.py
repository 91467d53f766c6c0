"""The reminder outbox and preferences, taken over from requests_app with their tables and rows.

State only: the tables requests_app created (requests_app_reminder, requests_app_reminderpreference
and its muted-deadlines link table) stay as they are, so no row is copied and no SQL runs for them.
The content types follow the models, so every permission already granted (staff and lawyers may
retry a failed reminder) keeps pointing at them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("reminder", "reminderpreference")


def _relabel(apps, source, target):
    """Give the moved models' content types (and so their permission rows, and the groups that
    hold them) to their new app. A content type already under the new label (left by an earlier
    run) is dropped first: the one being relabelled is the one the permissions point at."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        moving = ContentType.objects.filter(app_label=source, model=model)
        if moving.exists():
            ContentType.objects.filter(app_label=target, model=model).delete()
            moving.update(app_label=target)


def content_types_follow(apps, schema_editor):
    _relabel(apps, "requests_app", "reminders")


def content_types_return(apps, schema_editor):
    _relabel(apps, "reminders", "requests_app")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("requests_app", "0010_move_reminders_and_reports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Reminder",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "reason",
                            models.CharField(
                                choices=[
                                    ("upcoming", "Upcoming"),
                                    ("due_today", "Due today"),
                                    ("overdue", "Overdue"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "scheduled_for",
                            models.DateField(help_text="The day it is due to go out."),
                        ),
                        ("due_on", models.DateField(verbose_name="about the due date")),
                        (
                            "business_days_before",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="queued",
                                max_length=20,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                        ("last_error", models.TextField(blank=True)),
                        ("enqueued_at", models.DateTimeField(blank=True, null=True)),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("claim", models.CharField(blank=True, max_length=32)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "message_id",
                            models.CharField(blank=True, max_length=255, verbose_name="Message-ID"),
                        ),
                        (
                            "digest",
                            models.BooleanField(
                                default=False, help_text="Sent as part of a daily digest."
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "deadline",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reminders",
                                to="requests_app.deadline",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reminders",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "requests_app_reminder",
                        "ordering": ["-scheduled_for", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["state", "scheduled_for"],
                                name="requests_ap_state_1613f7_idx",
                            ),
                            models.Index(
                                fields=["recipient", "state"], name="requests_ap_recipie_7464ad_idx"
                            ),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("deadline", "recipient", "reason", "scheduled_for"),
                                name="reminder_once_per_deadline_person_reason_day",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ReminderPreference",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "delivery",
                            models.CharField(
                                choices=[
                                    ("individual", "One email per reminder"),
                                    ("digest", "One daily digest"),
                                ],
                                default="individual",
                                max_length=20,
                            ),
                        ),
                        ("feed_token", models.CharField(blank=True, db_index=True, max_length=64)),
                        ("feed_token_created_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "feed_all_lawsuits",
                            models.BooleanField(
                                default=False,
                                help_text="Add every open lawsuit deadline to the feed, not only the ones you are on.",
                                verbose_name="all lawsuit deadlines in my calendar",
                            ),
                        ),
                        (
                            "muted_deadlines",
                            models.ManyToManyField(
                                blank=True,
                                help_text="No reminders about these.",
                                related_name="muted_by",
                                to="requests_app.deadline",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reminder_preference",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "requests_app_reminderpreference",
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("feed_token", ""), _negated=True),
                                fields=("feed_token",),
                                name="reminder_preference_unique_feed_token",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
