"""The domain core: agencies, requests, appeals, lawsuits, deadlines and their workflow."""

from typing import Any, ClassVar

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
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
        "calendarfingerprint",
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
        post_migrate.connect(recount_changed_calendars, sender=self)


def recount_changed_calendars(
    *, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, stdout: Any = None, **_: Any
) -> None:
    """After `migrate`: calendars are code, so a release may have changed one. Recount the open
    deadlines of each jurisdiction whose calendars differ from those they were last counted on
    (requests_app.deadlines.recount), and say what moved."""
    if using != DEFAULT_DB_ALIAS:
        return
    from requests_app.models import CalendarFingerprint, Deadline

    tables = set(connections[using].introspection.table_names())
    if not {CalendarFingerprint._meta.db_table, Deadline._meta.db_table} <= tables:
        return  # migrated back past the tables: nothing to count
    from requests_app.deadlines.recount import deadlines_recount_changed_calendars
    from requests_app.management.commands.recount_deadlines import report_recounts

    recounts = deadlines_recount_changed_calendars()
    if verbosity >= 1 and stdout is not None and recounts:
        report_recounts(recounts, stdout)
