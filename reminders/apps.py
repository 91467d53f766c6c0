"""The reminder outbox, its policy, sweep and delivery, and personal calendar feeds."""

from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders"
    default_auto_field = "django.db.models.BigAutoField"
