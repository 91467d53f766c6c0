"""The reminder outbox and each person's reminder preferences and calendar feed.

The tables keep the names they had in requests_app (``db_table``): the models moved between
apps without a single row being copied.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from requests_app.models import Deadline


class ReminderPreference(models.Model):
    """How one person wants to hear about deadlines, and their private calendar feed."""

    class Delivery(models.TextChoices):
        INDIVIDUAL = "individual", _("One email per reminder")
        DIGEST = "digest", _("One daily digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    delivery = models.CharField(
        max_length=20, choices=Delivery.choices, default=Delivery.INDIVIDUAL
    )
    # The secret in the personal calendar feed's URL; empty = no feed (never made, or revoked).
    feed_token = models.CharField(max_length=64, blank=True, db_index=True)
    feed_token_created_at = models.DateTimeField(null=True, blank=True)
    feed_all_lawsuits = models.BooleanField(
        "all lawsuit deadlines in my calendar",
        default=False,
        help_text=_("Add every open lawsuit deadline to the feed, not only the ones you are on."),
    )
    muted_deadlines: models.ManyToManyField[Deadline, Any] = models.ManyToManyField(
        "requests_app.Deadline",
        blank=True,
        related_name="muted_by",
        help_text=_("No reminders about these."),
    )

    class Meta:
        db_table = "requests_app_reminderpreference"
        constraints = [
            models.UniqueConstraint(
                fields=["feed_token"],
                condition=~Q(feed_token=""),
                name="reminder_preference_unique_feed_token",
            )
        ]

    def __str__(self) -> str:
        return f"Reminder preferences of {self.user}"


class Reminder(models.Model):
    """One notice about one deadline to one person for one reason on one day: the outbox row.

    queued → sending → sent; a failed send → failed, retried with backoff up to
    REMINDER_MAX_ATTEMPTS; a row stuck in sending longer than REMINDER_SENDING_TIMEOUT is put back
    in the queue. A deadline met, waived, superseded, stopped or moved before the send cancels the
    row (reminders/outbox.py explains the delivery guarantee).
    """

    class Reason(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        DUE_TODAY = "due_today", _("Due today")
        OVERDUE = "overdue", _("Overdue")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # No separate indexes on the two keys: the unique constraint leads with deadline, and the
    # (recipient, state) index with recipient; every index costs the sweep's bulk insert.
    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    scheduled_for = models.DateField(help_text=_("The day it is due to go out."))
    # The due date the reminder speaks of: a deadline that moved since is rescheduled.
    due_on = models.DateField("about the due date")
    business_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField("Message-ID", max_length=255, blank=True)
    digest = models.BooleanField(default=False, help_text=_("Sent as part of a daily digest."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "requests_app_reminder"
        ordering = ["-scheduled_for", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "recipient", "reason", "scheduled_for"],
                name="reminder_once_per_deadline_person_reason_day",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "scheduled_for"]),
            models.Index(fields=["recipient", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} reminder to {self.recipient} for {self.deadline}"
