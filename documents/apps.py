"""Releases (productions), their documents, ingestion, search and fixity."""

from typing import ClassVar

from django.apps import AppConfig

from core.roles import EDIT, FULL, STAFF


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Releases and documents"
    default_auto_field = "django.db.models.BigAutoField"

    # Every role reads these; staff upload releases and correct their documents.
    role_readable: ClassVar[tuple[str, ...]] = ("release", "document", "exemption", "fixitycheck")
    role_grants: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {
        STAFF: {"release": FULL, "document": EDIT},
    }
