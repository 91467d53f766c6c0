"""Generate a realistic, deterministic data set at a chosen scale (for benchmarks).

    manage.py generate_data --preset small|medium|large [--seed N] [--scale F]
        [--requests N] [--deadlines N] [--documents N] [--as-of YYYY-MM-DD] [--force] [--json PATH]

Agencies come from the real directory (AGENCY_DIRECTORY_DIR); everything else is generated from
the seed (`sample_data.scale`). It refuses a database that already holds requests,
lawsuits, releases or documents unless --force, which deletes them first.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports import snapshots
from sample_data.scale import DEFAULT_AS_OF, PRESETS, GenerationRefused, generate


class Command(BaseCommand):
    help = (
        "Fill the database with generated requests, timelines, appeals, lawsuits, deadlines, "
        "releases and documents (agencies from the real directory). Deterministic for a seed. "
        "Presets: "
        + "; ".join(
            f"{name}: {s.requests:,} requests, {s.deadlines:,} deadlines, {s.documents:,} documents"
            for name, s in PRESETS.items()
        )
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiply the preset's sizes (e.g. 0.01)"
        )
        parser.add_argument("--requests", type=int, help="records requests (overrides preset)")
        parser.add_argument(
            "--deadlines",
            type=int,
            help="deadlines in all (overrides preset); requests and appeals produce theirs, "
            "court schedules of the lawsuits take the rest",
        )
        parser.add_argument("--documents", type=int, help="documents (overrides preset)")
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            default=DEFAULT_AS_OF,
            help=f"the day the data set is seen from (default {DEFAULT_AS_OF})",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="delete the existing requests, lawsuits, releases and documents first",
        )
        parser.add_argument("--json", type=Path, metavar="PATH", help="write the counts as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = PRESETS[options["preset"]]
        if options["scale"] <= 0:
            raise CommandError("--scale must be greater than 0.")
        scale = scale.scaled(options["scale"])
        for knob in ("requests", "deadlines", "documents"):
            value = options[knob]
            if value is not None:
                if value < (1 if knob == "requests" else 0):
                    raise CommandError(
                        f"--{knob} must be at least {1 if knob == 'requests' else 0}."
                    )
                scale = type(scale)(**{**scale.__dict__, knob: value})
        self.stdout.write(
            f"generate_data: {scale.requests:,} requests, {scale.deadlines:,} deadlines, "
            f"{scale.documents:,} documents, seed {options['seed']}, as of {options['as_of']}"
        )
        try:
            summary = generate(
                scale=scale,
                seed=options["seed"],
                as_of=options["as_of"],
                force=options["force"],
                progress=lambda line: self.stdout.write(line),
            )
        except GenerationRefused as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{name} {n:,}" for name, n in summary.counts.items() if n)
        # The precomputed reports would otherwise still count what the data set replaced.
        for state in snapshots.reports_refresh():
            self.stdout.write(
                f"  report {state.report}: {state.rows:,} rows in {state.seconds:.1f} s"
            )
        self.stdout.write(self.style.SUCCESS(f"Done in {summary.seconds:.1f} s: {counts}"))
        if options["json"]:
            options["json"].write_text(json.dumps(summary.as_dict(), indent=2) + "\n")
