"""Load the demo case (docs/design.md, "The demo data"); running it again changes nothing."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from reports.snapshots import reports_refresh
from sample_data.demo import demo_seed
from sample_data.demo_release import demo_release_seed


class Command(BaseCommand):
    help = (
        "Load the demo case: the ACLU's face-recognition requests to the DOJ, FBI and DEA, the "
        "October 2019 suit, the June 2020 DEA release and the March 2020 suit against DHS; "
        "beside it, follow-up requests and a suit invented for the demo, dated from today. "
        "Creates the logins 'demo' (staff, all permissions), 'lawyer' and 'reporter' (reporting "
        "client). Idempotent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", "foiatracker-demo"),
            help="Password for new demo logins (default: $DEMO_PASSWORD or foiatracker-demo).",
        )

    def handle(self, *args: Any, password: str, **options: Any) -> None:
        report = demo_seed(password=password)
        # The demo spans both apps: the DEA release and its documents live in `documents`.
        report.created += demo_release_seed()
        # The precomputed reports count the demo too (beat refreshes them every
        # REPORTS_REFRESH_MINUTES).
        reports_refresh()
        if report.created:
            for item in report.created:
                self.stdout.write(f"  created {item}")
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({len(report.created)} new)."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
