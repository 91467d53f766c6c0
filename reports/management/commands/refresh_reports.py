"""Recompute the precomputed reports (what Celery beat does every REPORTS_REFRESH_MINUTES)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reports import snapshots


class Command(BaseCommand):
    help = (
        "Recompute the precomputed reports (agency performance, releases, exemptions) that "
        "/api/v1/reports/ reads; Celery beat does this every REPORTS_REFRESH_MINUTES."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--report",
            choices=sorted(snapshots.REFRESHERS),
            action="append",
            help="only this report (repeatable); all of them by default",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for report in options["report"] or snapshots.REFRESHERS:
            state = snapshots.report_refresh(report=report)
            self.stdout.write(f"  {state.report}: {state.rows:,} rows in {state.seconds:.1f} s")
        self.stdout.write(self.style.SUCCESS("Reports refreshed."))
