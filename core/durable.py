"""Writing a file so that a crash never leaves a partial one under its real name.

The pattern every writer of kept bytes follows (stored documents, restored backups): write
under a temporary name beside the target, flush it to the disk, check it, rename it into place,
then flush the folder so that the rename itself survives a power cut.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1024 * 1024


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder (which makes a rename or a new entry in it durable)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def copy_beside(target: Path, source: BinaryIO, *, suffix: str) -> Path:
    """Copy `source` into a new temporary file in `target`'s folder, flushed to the disk, and
    return its path; the caller checks it and renames it into place (or removes it). A failure
    while copying removes the temporary file."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            shutil.copyfileobj(source, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
