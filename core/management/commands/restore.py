"""Restore a backup made by `backup`, then check every stored document's bytes (README,
"Backup and restore")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from core.backup import BackupError, after_restore, backup_restore

#: The documents app's fixity check, called by name: core imports no app.
FIXITY_COMMAND = "verify_documents"
EXIT_FIXITY_FAILED = 4


class Command(BaseCommand):
    help = (
        "Restore a backup folder (the one holding manifest.json) into the configured database "
        "and MEDIA_ROOT. Every file's SHA-256 is checked first; a database that holds data is "
        "replaced only with --force. Then migrates to this code and runs the fixity check."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder", type=Path, help="the backup folder, foiatracker-<UTC time>")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that holds data (everything in it is lost)",
        )

    def handle(self, *args: Any, folder: Path, force: bool, **options: Any) -> None:
        try:
            report = backup_restore(folder=folder, force=force)
        except BackupError as exc:
            raise CommandError(f"Restore refused: {exc}", returncode=exc.exit_code) from exc
        except OperationalError as exc:  # no server, no such database, a wrong password
            raise CommandError(
                f"Restore failed: cannot use the database: {str(exc).strip()}"
            ) from exc
        rows = sum(report.tables.values())
        self.stdout.write(
            f"Restored the {report.vendor} database from {report.folder}: "
            f"{len(report.tables)} tables, {rows} rows"
            + (" (the data it held was replaced)" if report.replaced_data else "")
            + f"; {report.files} stored file(s), {report.media_bytes} bytes."
        )
        # A backup made by older code is brought up to this code's schema (a no-op otherwise).
        call_command("migrate", interactive=False, verbosity=0)
        # What no backup holds (uploads still waiting in staging), each app sets right.
        for line in after_restore():
            self.stdout.write(self.style.WARNING(line))
        if FIXITY_COMMAND in get_commands():
            try:
                call_command(FIXITY_COMMAND, stdout=self.stdout._out, stderr=self.stderr._out)
            except CommandError as exc:
                raise CommandError(
                    f"Restored, but the fixity check failed: {exc}", returncode=EXIT_FIXITY_FAILED
                ) from exc
        self.stdout.write(self.style.SUCCESS("Restore complete."))
