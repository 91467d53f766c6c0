"""The staging area: uploaded files wait here, inside the media root, until a run ingests them.

Files are written in batches, one folder per batch, each file under a name we make (its position
in the batch: `0000`, `0001`, …) with the name it was uploaded under kept beside it
(`0000.name`), so nothing a client sends decides where bytes are written. A release's batches
live under `staging/<release>/`; the files kept from a release form that came back with errors
(documents.kept_uploads) under `staging/kept/`, in batches of the same shape, so that one rename
makes a kept batch one of a release's. Backups leave the whole area out (core.backup).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

#: The name a staged file is written under: its position in its batch.
STAGED_FILE = re.compile(r"[0-9]{4,}")


def staging_root() -> Path:
    """Where uploads wait for ingestion: inside the media root, never anywhere a name chooses."""
    return Path(settings.MEDIA_ROOT) / "staging"


def stage_files(folder: Path, files: Sequence[UploadedFile], *, start: int = 0) -> list[Path]:
    """Write uploaded files into a batch folder, numbered from `start`, each with its original
    name beside it (the base name only: a name never says where to write). Returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    staged = []
    for index, upload in enumerate(files, start=start):
        target = folder / f"{index:04d}"
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        (folder / f"{index:04d}.name").write_text(
            os.path.basename(upload.name or f"upload-{index}")
        )
        staged.append(target)
    return staged


def staged_name(path: Path) -> str:
    """The name a staged file was uploaded under (its own name when none was kept)."""
    name_file = path.with_name(path.name + ".name")
    return name_file.read_text().strip() if name_file.exists() else path.name
