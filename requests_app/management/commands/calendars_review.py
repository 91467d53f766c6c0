"""Write docs/calendars.md, the holiday calendars a lawyer reviews once a year, from the code.

``--check`` writes nothing and exits non-zero when the committed page differs from what the code
gives (a test runs it, so a change to the holiday law must come with the regenerated page).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.deadlines.calendar_review import DEFAULT_YEARS, parse_years, render
from requests_app.deadlines.calendars import FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR

DEFAULT_PAGE = Path(settings.BASE_DIR) / "docs" / "calendars.md"


class Command(BaseCommand):
    help = (
        "Write docs/calendars.md: per jurisdiction and court forum, every non-business weekday "
        "and every holiday a last day rolls past, with citations. --check: fail if it is stale."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = f"{DEFAULT_YEARS.start}-{DEFAULT_YEARS.stop - 1}"
        parser.add_argument("--years", default=default, help=f"FIRST-LAST (default {default}).")
        parser.add_argument("--output", type=Path, default=DEFAULT_PAGE, help="The page to write.")
        parser.add_argument(
            "--check", action="store_true", help="Write nothing; exit 1 if the page is stale."
        )

    def handle(self, *args: Any, years: str, output: Path, check: bool, **options: Any) -> None:
        try:
            span = parse_years(years)
        except ValueError as exc:
            raise CommandError(f"--years must be FIRST-LAST, e.g. 2025-2028: {exc}") from exc
        if span.start < FIRST_SUPPORTED_YEAR or span.stop - 1 > LAST_SUPPORTED_YEAR:
            raise CommandError(
                f"--years must lie within {FIRST_SUPPORTED_YEAR}-{LAST_SUPPORTED_YEAR}"
            )
        page = render(span)
        if check:
            current = output.read_text(encoding="utf-8") if output.exists() else ""
            if current != page:
                raise CommandError(
                    f"{output} is out of date: run `manage.py calendars_review` and commit it"
                )
            self.stdout.write(f"{output} is up to date")
            return
        output.write_text(page, encoding="utf-8")
        self.stdout.write(f"wrote {output}")
