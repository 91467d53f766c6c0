"""Delete the files kept from release forms with errors once expired (what beat does hourly)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from documents.kept_uploads import kept_uploads_sweep


class Command(BaseCommand):
    help = (
        "Delete the files kept from release forms that had errors, once UPLOAD_KEEP_HOURS old; "
        "safe beside beat, workers and the web server."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = kept_uploads_sweep()
        self.stdout.write(
            f"Deleted {deleted} batch(es) of kept uploads older than "
            f"{settings.UPLOAD_KEEP_HOURS} hour(s)."
        )
