"""The domain core: agencies, requests, appeals, lawsuits, deadlines and their workflow."""

from typing import ClassVar

from django.apps import AppConfig
from django.db.models.signals import post_migrate

from core.roles import EDIT, FULL, LAWYER, STAFF


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Records requests"
    default_auto_field = "django.db.models.BigAutoField"

    # Every role reads these; core.roles turns the declarations into the role groups.
    role_readable: ClassVar[tuple[str, ...]] = (
        "jurisdiction",
        "agency",
        "topic",
        "recordsrequest",
        "trackingnumber",
        "requestevent",
        "appeal",
        "lawsuit",
        "closureday",
        "courtschedule",
        "deadline",
    )
    role_grants: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {
        # Advocacy staff log requests, letters, tracking numbers, appeals and closure days.
        STAFF: {
            "agency": EDIT,
            "topic": FULL,
            "recordsrequest": EDIT,
            "trackingnumber": EDIT,
            "requestevent": ("add", "view"),  # the timeline is added to, never rewritten
            "appeal": EDIT,
            "closureday": FULL,
        },
        # Lawyers own lawsuits, appeals, court-ordered deadlines and court schedules.
        LAWYER: {
            "lawsuit": EDIT,
            "appeal": EDIT,
            "deadline": EDIT,
            "courtschedule": FULL,
        },
    }

    def ready(self) -> None:
        # Not at module level: the recount reads this app's models, not loaded when apps.py is.
        from requests_app.deadlines.recount import deadlines_recount_after_migrate  # noqa: PLC0415

        post_migrate.connect(deadlines_recount_after_migrate, sender=self)
