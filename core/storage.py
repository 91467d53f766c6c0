"""Where stored files live: local storage under MEDIA_ROOT, with no public address.

Released records are read only by people the API lets read them, and each download is recorded,
so no stored file may have a URL that a web server could answer without asking the tracker:
``url()`` refuses, and MEDIA_ROOT is served by nothing (no URL pattern, no WhiteNoise root). A
document's original is linked through ``GET /api/v1/documents/{id}/original/``.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Django's file-system storage whose files have no URL."""

    def url(self, name: str | None) -> str:
        raise ValueError(
            f"stored files have no public address ({name}); link a document's original "
            "through the API (GET /api/v1/documents/{id}/original/)"
        )
