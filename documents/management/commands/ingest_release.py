"""Ingest files into a release from the command line, with a progress bar and a summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from documents import services
from documents.models import Release


class Command(BaseCommand):
    help = (
        "Ingest .eml, .mbox, .zip (nested), .pdf and text files into a release. Safe to run "
        "again: what is already stored is skipped."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("release_id", type=int)
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args: Any, release_id: int, paths: list[Path], **options: Any) -> None:
        if not Release.objects.filter(pk=release_id).exists():
            raise CommandError(f"There is no release {release_id}.")
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            report = services.release_ingest(
                release_id=release_id, paths=paths, progress=self._progress
            )
        except services.RunInProgress as exc:
            raise CommandError(f"{exc}; try again when it has finished.") from exc
        if self._bar_shown:
            self.stderr.write("")
        for problem in report.problems:
            self.stdout.write(f"  {problem['kind']}: {problem['file']}: {problem['reason']}")
        self.stdout.write(
            f"Ingested {report.ingested}, duplicates {report.duplicates}, "
            f"already stored {report.already}, errors {len(report.errors)}, "
            f"warnings {len(report.warnings)}."
        )

    _bar_shown = False

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self._bar_shown = True
        # A carriage return redraws the bar in place (OutputWrapper would add a newline).
        self.stderr.write(f"\r[{bar}] {done}/{total}", ending="")
        self.stderr.flush()
