"""Uploaded files written to disk under a temporary name of our own.

Django names the temporary file of a large upload after the extension of the name the client
sent (`.upload.<extension>`), before it cuts that name to 255 characters: a client sending a name
of thousands of characters (or a 255-character one in a script of three bytes a letter) makes the
file system refuse the name, and the whole request fails. Here the temporary file takes no part of
the client's name; the name itself is still kept (as Django cuts it) for the application to show.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.files.uploadhandler import TemporaryFileUploadHandler as DjangoTemporaryHandler


class NamelessTemporaryUploadedFile(TemporaryUploadedFile):
    """A TemporaryUploadedFile whose file on disk is named by `tempfile` alone."""

    def __init__(
        self,
        name: str,
        content_type: str,
        size: int,
        charset: str | None,
        content_type_extra: dict[str, Any] | None = None,
    ) -> None:
        # Open for as long as the upload lives; Django closes (and so deletes) it with the request.
        file = tempfile.NamedTemporaryFile(  # noqa: SIM115
            suffix=".upload", dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class TemporaryFileUploadHandler(DjangoTemporaryHandler):
    """Django's handler for uploads too large for memory, with the file above."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        FileUploadHandler.new_file(self, *args, **kwargs)  # the attributes, not Django's file
        self.file = NamelessTemporaryUploadedFile(
            self.file_name or "", self.content_type or "", 0, self.charset, self.content_type_extra
        )
