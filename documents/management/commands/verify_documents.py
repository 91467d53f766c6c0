"""Re-hash every stored document and report any whose bytes changed or vanished."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from documents.fixity import fixity_check


class Command(BaseCommand):
    help = "Fixity check: re-hash stored files, report changed or missing ones; touches nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        check = fixity_check()
        for entry in check.changed:
            self.stdout.write(
                f"  CHANGED  document {entry['document']} ({entry['name']}): "
                f"expected {entry['expected'][:12]}…, found {entry['found'][:12]}…"
            )
        for entry in check.missing:
            self.stdout.write(f"  MISSING  document {entry['document']} ({entry['name']})")
        summary = (
            f"Checked {check.checked} document(s): {len(check.changed)} changed, "
            f"{len(check.missing)} missing."
        )
        if not check.ok:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
