"""Import the federal FOIA agency directory (18F, 2017) and FOIA.gov agency components.

Re-importing updates and never duplicates. Each file is imported whole or not at all: a malformed
file is reported on stderr naming the file and the field, the other files still import, and the
command then exits non-zero.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.directory.importer import DirectoryPathError, ImportReport, directory_import


class Command(BaseCommand):
    help = (
        "Import agencies and their FOIA components from 18F agency-directory JSON files and "
        "FOIA.gov agency-component JSON. PATH is a file or a directory of *.json files; "
        "default: settings.AGENCY_DIRECTORY_DIR. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            metavar="PATH",
            help="A directory file, or a directory of them (default: AGENCY_DIRECTORY_DIR).",
        )

    def handle(self, *args: Any, paths: list[Path], verbosity: int = 1, **options: Any) -> None:
        if not paths:
            paths = [Path(settings.AGENCY_DIRECTORY_DIR)]
        try:
            report = directory_import(paths=paths)
        except DirectoryPathError as exc:
            raise CommandError(str(exc)) from exc
        self.show(report, verbosity)
        if report.rejected:
            raise CommandError(
                f"{len(report.rejected)} file(s) rejected and nothing of them imported; "
                "the other files were imported."
            )

    def show(self, report: ImportReport, verbosity: int) -> None:
        for file in report.files:
            if file.error:
                self.stderr.write(f"rejected {file.error}")
                continue
            if verbosity >= 1:
                self.stdout.write(
                    f"{file.path.name}: agencies {file.agencies}; components {file.components}"
                )
            if verbosity >= 2:
                for label in file.created:
                    self.stdout.write(f"  created {label}")
                for label in file.updated:
                    self.stdout.write(f"  updated {label}")
            if verbosity >= 1:
                for note in file.notes:
                    self.stdout.write(f"  {note}")
                for skipped in file.skipped:
                    self.stdout.write(f"  skipped {file.path.name}: {skipped}")
        summary = (
            f"Agencies: {report.agencies}; components: {report.components}; "
            f"files rejected: {len(report.rejected)}"
        )
        style = self.style.ERROR if report.rejected else self.style.SUCCESS
        self.stdout.write(style(summary))
