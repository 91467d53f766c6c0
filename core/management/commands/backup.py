"""Back up the database and the stored files into a new folder (README, "Backup and restore")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup (database dump, stored files, manifest with SHA-256s) into a new "
        "folder foiatracker-<UTC time> inside FOLDER; it appears only once complete."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder", type=Path, help="where backups are kept (created if missing)")

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            report = backup_create(
                folder=folder, progress=lambda line: self.stdout.write(f"  {line}")
            )
        except BackupError as exc:
            raise CommandError(f"Backup failed: {exc}", returncode=exc.exit_code) from exc
        except OperationalError as exc:  # no server, no such database, a wrong password
            raise CommandError(
                f"Backup failed: cannot use the database: {str(exc).strip()}"
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {report.folder}: database dump {report.dump_bytes} bytes, "
                f"{report.files} stored file(s), {report.media_bytes} bytes."
            )
        )
