"""The reminder outbox, its policy, sweep and delivery, and personal calendar feeds."""

from typing import ClassVar

from django.apps import AppConfig

from core.roles import LAWYER, STAFF


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders"
    default_auto_field = "django.db.models.BigAutoField"

    # Staff and lawyers see the outbox and may retry a failed reminder ("change"); a person's own
    # preferences are theirs alone, on their own page.
    role_grants: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {
        STAFF: {"reminder": ("change", "view")},
        LAWYER: {"reminder": ("change", "view")},
    }
