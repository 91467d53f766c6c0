"""Releases (productions), their documents, ingestion, search and fixity."""

from typing import ClassVar

from django.apps import AppConfig

from core.roles import EDIT, FULL, STAFF


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Releases and documents"
    default_auto_field = "django.db.models.BigAutoField"

    # Every role reads these (downloads too: lawyers are asked who saw what); staff upload
    # releases and correct their documents.
    role_readable: ClassVar[tuple[str, ...]] = (
        *("release", "document", "exemption", "fixitycheck"),
        "download",
    )
    role_grants: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {
        STAFF: {"release": FULL, "document": EDIT},
    }

    def ready(self) -> None:
        # Releases whose ingestion message never reached a worker are sent again by core's sweep.
        from core.requeue import requeue_register  # noqa: PLC0415
        from documents.services import releases_requeue  # noqa: PLC0415

        requeue_register("release ingestion", releases_requeue)
        # Uploads waiting in staging are in no backup: a restore leaves releases that list them.
        from core.backup import after_restore_register  # noqa: PLC0415
        from documents.services import releases_staged_after_restore  # noqa: PLC0415

        after_restore_register("release uploads", releases_staged_after_restore)
