"""Recount open computed deadlines with the calendars as the code now has them.

`migrate` does this by itself for the jurisdictions whose calendars changed (requests_app.apps);
this command recounts on demand, one jurisdiction or all, and `--dry-run` only reports.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.deadlines.calendars import JURISDICTIONS
from requests_app.deadlines.recount import deadlines_recount, report_recounts


class Command(BaseCommand):
    help = (
        "Recount every open computed deadline of a jurisdiction (or of all) with the current "
        "calendars and closure days, and list each one that moved and by how much."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--jurisdiction",
            metavar="CODE",
            help="Only this jurisdiction: " + ", ".join(JURISDICTIONS) + ".",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count and report, but change nothing.",
        )

    def handle(
        self, *args: Any, jurisdiction: str | None, dry_run: bool, verbosity: int = 1, **_: Any
    ) -> None:
        code = jurisdiction.strip().upper() if jurisdiction else None
        if code is not None and code not in JURISDICTIONS:
            raise CommandError(
                f"--jurisdiction: no calendar for {jurisdiction!r}; known: "
                + ", ".join(JURISDICTIONS)
            )
        report_recounts(deadlines_recount(jurisdiction=code, dry_run=dry_run), self.stdout)
