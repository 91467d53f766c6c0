"""Admin for the reminder outbox and people's reminder preferences."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from reminders import outbox
from reminders.calendar_feed import calendar_feed_issue, calendar_feed_revoke
from reminders.models import Reminder, ReminderPreference


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "scheduled_for",
        "reason",
        "deadline_link",
        "recipient",
        "state",
        "attempts",
        "short_error",
        "sent_at",
    ]
    list_filter = ["state", "reason", "digest", ("recipient", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["deadline__label", "recipient__username", "recipient__email", "message_id"]
    date_hierarchy = "scheduled_for"
    list_select_related = ["deadline", "recipient"]
    actions = ["retry"]
    readonly_fields = [
        "deadline",
        "recipient",
        "reason",
        "scheduled_for",
        "due_on",
        "business_days_before",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "enqueued_at",
        "claimed_at",
        "sent_at",
        "message_id",
        "digest",
        "created_at",
    ]
    exclude = ["claim"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the sweep writes the outbox; people only read it and retry

    @admin.display(description="deadline", ordering="deadline__due_on")
    def deadline_link(self, obj: Reminder) -> str:
        url = reverse("admin:requests_app_deadline_change", args=[obj.deadline_id])
        return format_html('<a href="{}">{}</a>', url, obj.deadline)

    @admin.display(description="last error")
    def short_error(self, obj: Reminder) -> str:
        return obj.last_error[:120] + ("…" if len(obj.last_error) > 120 else "")

    @admin.action(
        description="Retry the selected failed or cancelled reminders", permissions=["change"]
    )
    def retry(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        count = outbox.reminder_retry(reminder_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        message = f"{count} reminders queued again; the next sweep sends them."
        if skipped:
            message += f" {skipped} were not failed or cancelled and were left as they are."
        messages.success(request, message)


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "delivery", "has_feed", "feed_token_created_at", "feed_all_lawsuits"]
    list_filter = ["delivery", "feed_all_lawsuits"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["muted_deadlines"]
    fields = ["user", "delivery", "feed_all_lawsuits", "muted_deadlines", "feed_token_created_at"]
    readonly_fields = ["feed_token_created_at"]
    actions = ["regenerate_feed", "revoke_feed"]

    @admin.display(boolean=True, description="calendar link")
    def has_feed(self, obj: ReminderPreference) -> bool:
        return bool(obj.feed_token)

    @admin.action(
        description="Make a new calendar link (the old one stops working)", permissions=["change"]
    )
    def regenerate_feed(self, request: HttpRequest, queryset: QuerySet[ReminderPreference]) -> None:
        for preference in queryset.select_related("user"):
            calendar_feed_issue(user=preference.user)
        messages.success(
            request,
            f"{queryset.count()} calendar links made anew; each person finds theirs in "
            "their reminder preferences.",
        )

    @admin.action(description="Revoke the calendar link", permissions=["change"])
    def revoke_feed(self, request: HttpRequest, queryset: QuerySet[ReminderPreference]) -> None:
        for preference in queryset.select_related("user"):
            calendar_feed_revoke(user=preference.user)
        messages.success(request, f"{queryset.count()} calendar links revoked.")
