"""Files kept from a release form that came back with errors, so that nobody chooses them twice.

A browser cannot put a file back into a file input: when the release form has an error, the
files chosen with it would be lost. Instead they are written into the staging area
(documents.staging) as a *kept batch*, `staging/kept/<token>/`, in the shape of a release's
batch, with a record of whose it is and when it was last kept (`kept.json`). The form carries
only a signed reference to the batch (django.core.signing: its token and the user's id,
timestamped; signed, not secret); a reference that was altered, is older than UPLOAD_KEEP_HOURS
or is another user's is refused, and nothing in it is a path. When the form saves, the batch
joins the release's staging folder by one rename (after the files chosen then are written) and
is ingested with them, as if uploaded with them; a release's staged upload is then deleted
only once its run has stored it, as any other.

Who has a batch is decided by renaming its folder, which is atomic: keeping more files into it,
claiming it for a save and sweeping it each begin by renaming the folder, and whoever renames it
first has it; the others find it gone and say so (a form error, or nothing to sweep). A keep or a
claim refreshes the batch's time before it renames the folder, so a sweep reading the time after
that leaves it alone, and one that read it before renames first and wins. The sweep
(kept_uploads_sweep: hourly by Celery beat, at each keep, and `manage.py sweep_kept_uploads`)
deletes the batches last kept more than UPLOAD_KEEP_HOURS ago, whose references have all expired,
and the release staging folders (`staging/<id>/`) older than that whose release does not exist: a
save that failed after its files were staged (its transaction rolled back) leaves them there.
A disk that cannot be read or written is a form error naming the files, never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile

from documents.models import Release
from documents.staging import STAGED_FILE, stage_files, staged_name, staging_root

log = logging.getLogger(__name__)

#: The record in each kept batch: {"user": its owner's id, "kept_at": when last kept (epoch s)}.
RECORD = "kept.json"
#: What a sweep renames a batch to before deleting it; one left by a sweep cut short is deleted
#: by the next.
SWEEPING = ".swept-"
_SALT = "documents.kept_uploads"
_TOKEN = re.compile(r"[0-9a-f]{32}")

GONE = (
    "The files kept from your last try are no longer held for this form (this form may have "
    "been sent twice, or they expired): choose them again if they are still needed."
)


class KeptUploadsRefused(Exception):
    """A kept batch that cannot be used; the message says why, in words for the form."""


class KeptUploadsUnreachable(KeptUploadsRefused):
    """The disk failed while reading or taking a kept batch (full, unwritable): the batch was
    not renamed, so the form's reference to it still holds for a later try."""


@dataclass(frozen=True)
class KeptFile:
    key: str  # its name in the batch: "0003"
    name: str  # the name it was uploaded under
    size: int


@dataclass(frozen=True)
class KeptUploads:
    """A kept batch as read from the disk: its token, its owner and its files, in order."""

    token: str
    owner_id: int
    files: tuple[KeptFile, ...]

    @property
    def folder(self) -> Path:
        return kept_root() / self.token

    @property
    def total_bytes(self) -> int:
        return sum(kept.size for kept in self.files)

    def without(self, keys: Collection[str]) -> tuple[KeptFile, ...]:
        return tuple(kept for kept in self.files if kept.key not in keys)


def kept_root() -> Path:
    return staging_root() / "kept"


def kept_lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.UPLOAD_KEEP_HOURS)


def kept_reference(kept: KeptUploads) -> str:
    """The signed reference the form carries: the batch's token and its owner, signed and
    timestamped. It names no path; the batch's folder is made from the token alone."""
    return signing.dumps({"batch": kept.token, "user": kept.owner_id}, salt=_SALT)


def kept_uploads_open(*, reference: str, user_id: int | None) -> KeptUploads:
    """The kept batch a form's reference names, for the user who sent the form; refused (with
    the reason) when the reference was altered, has expired, is another user's, or names a batch
    that is gone. Reads only: nothing is changed."""
    hours = settings.UPLOAD_KEEP_HOURS
    try:
        value = signing.loads(reference, salt=_SALT, max_age=kept_lifetime())
    except signing.SignatureExpired:
        raise KeptUploadsRefused(
            f"The files kept from your last try were kept for {hours} hours only and are no "
            "longer held for this form: choose them again."
        ) from None
    except signing.BadSignature:
        raise KeptUploadsRefused(
            "The reference to the files kept from your last try is not valid (it was changed): "
            "choose the files again."
        ) from None
    token = value.get("batch") if isinstance(value, dict) else None
    owner = value.get("user") if isinstance(value, dict) else None
    if not isinstance(token, str) or not _TOKEN.fullmatch(token) or not isinstance(owner, int):
        raise KeptUploadsRefused("The reference to the files kept from your last try is not valid.")
    if user_id is None or owner != user_id:
        raise KeptUploadsRefused(
            "The files this form refers to were kept for another user: choose your own files."
        )
    kept = _read(token)
    if kept is None or kept.owner_id != user_id:
        raise KeptUploadsRefused(GONE)
    return kept


def kept_uploads_keep(
    *,
    user_id: int,
    kept: KeptUploads | None,
    remove: Collection[str] = (),
    files: Sequence[UploadedFile] = (),
) -> KeptUploads | None:
    """Keep `files` for the user, with the batch the form brought (`kept`) less the files to
    `remove`; returns the batch under its new token (the form's old reference no longer finds it),
    or None when nothing is left to keep. Refused when the brought batch is gone meanwhile."""
    # Without a broker there is no beat: each keep clears what has expired.
    kept_uploads_sweep()
    if kept is not None:
        folder = _take(kept)
    else:
        folder = kept_root() / uuid.uuid4().hex
        folder.mkdir(parents=True)
        _record(folder, user_id)  # first, so that the sweep knows the batch even if cut short
    _remove(folder, remove)
    if files:
        keys = [int(path.name) for path in folder.iterdir() if STAGED_FILE.fullmatch(path.name)]
        stage_files(folder, files, start=max(keys, default=-1) + 1)
        _record(folder, user_id)  # kept from now: writing a large upload took its time
    return _kept_or_discard(folder)


def kept_uploads_claim(*, kept: KeptUploads, remove: Collection[str] = ()) -> KeptUploads | None:
    """Take the batch the form brought for the release being saved, less the files to `remove`:
    no reference finds it any more, so the same form sent twice saves it once (the second is
    refused). None when nothing is left. The sweep leaves it for UPLOAD_KEEP_HOURS, and the save
    hands it over at once (kept_uploads_hand_over)."""
    folder = _take(kept)
    _remove(folder, remove)
    return _kept_or_discard(folder)


def kept_uploads_hand_over(*, kept: KeptUploads, into: Path) -> list[str]:
    """Make a claimed batch one of a release's: its folder is renamed into the release's staging
    folder `into` (one rename, inside the staging area), its record removed; returns the staged
    paths of its files."""
    into.mkdir(parents=True, exist_ok=True)
    target = into / kept.token
    kept.folder.rename(target)
    (target / RECORD).unlink(missing_ok=True)
    return [str(target / file.key) for file in kept.files]


def kept_uploads_sweep() -> int:
    """Delete every kept batch last kept more than UPLOAD_KEEP_HOURS ago (no reference to it is
    valid any more), and what a sweep cut short left; returns how many batches were deleted.
    Safe beside another sweep and beside keeps and claims: each batch is renamed before it is
    deleted, and only the one who renamed it deletes it."""
    before = time.time() - kept_lifetime().total_seconds()
    try:
        entries = list(kept_root().iterdir())
    except OSError as error:
        if not isinstance(error, FileNotFoundError):
            log.warning("the kept uploads could not be listed for the sweep: %s", error)
        entries = []
    swept = 0
    for entry in entries:
        # One entry that cannot be read or deleted must not stop a keep or the hourly task.
        try:
            swept += _sweep_one(entry, before)
        except OSError as error:
            log.warning("kept upload entry %s could not be swept: %s", entry.name, error)
    try:
        _sweep_orphaned_release_folders(before)
    except OSError as error:
        log.warning("the release staging folders could not be swept: %s", error)
    return swept


def _sweep_orphaned_release_folders(before: float) -> None:
    """Delete `staging/<id>/` folders not touched since `before` whose release does not exist:
    the files of a save whose transaction rolled back after they were staged. A save in progress
    wrote its folder just now, so it is never touched."""
    if not staging_root().exists():
        return
    folders = {
        int(entry.name): entry
        for entry in staging_root().iterdir()
        if entry.name.isdigit() and entry.is_dir() and entry.stat().st_mtime < before
    }
    if not folders:
        return
    existing = set(Release.objects.filter(pk__in=folders).values_list("pk", flat=True))
    for pk, folder in folders.items():
        if pk in existing:
            continue
        try:
            shutil.rmtree(folder)
        except OSError as error:
            log.warning("staging folder of missing release %s could not be deleted: %s", pk, error)
        else:
            log.info("staging folder of missing release %s was deleted", pk)


def _sweep_one(entry: Path, before: float) -> bool:
    """Delete one batch if it expired; whether it was."""
    if entry.name.startswith(SWEEPING):
        _delete(entry)  # a sweep was cut short while deleting it
        return False
    if _kept_at(entry) >= before:
        return False
    doomed = entry.with_name(f"{SWEEPING}{uuid.uuid4().hex}")
    try:
        entry.rename(doomed)
    except FileNotFoundError:
        return False  # claimed, kept again or swept meanwhile
    _delete(doomed)
    log.info("kept upload batch %s expired and was deleted", entry.name)
    return True


def _delete(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _kept_at(entry: Path) -> float:
    """When a batch was last kept: its record's time, else (a keep cut short before writing it,
    or anything else found there) the entry's own modification time."""
    try:
        return float(json.loads((entry / RECORD).read_text())["kept_at"])
    except (OSError, ValueError, KeyError, TypeError):
        try:
            return entry.stat().st_mtime
        except FileNotFoundError:
            return float("inf")  # gone meanwhile: nothing to sweep


def _take(kept: KeptUploads) -> Path:
    """Rename the batch's folder to a new token, after refreshing its time (see the module's
    docstring): whoever renames it first has it."""
    try:
        _record(kept.folder, kept.owner_id)
        taken = kept_root() / uuid.uuid4().hex
        kept.folder.rename(taken)
    except FileNotFoundError:
        raise KeptUploadsRefused(GONE) from None
    except OSError as error:
        # Not renamed: the batch is where the form's reference finds it.
        log.warning("kept upload batch %s could not be taken: %s", kept.token, error)
        raise KeptUploadsUnreachable(unreachable_message(kept)) from None
    return taken


def unreachable_message(kept: KeptUploads | None) -> str:
    names = ", ".join(file.name for file in kept.files) if kept else ""
    which = f" ({names})" if names else ""
    return (
        f"The files kept from your last try{which} could not be read or moved on the server "
        "just now (its disk is full or cannot be written): they are still kept for this form, "
        "try saving again in a moment."
    )


def _record(folder: Path, user_id: int) -> None:
    """Write the batch's record (owner, now) in one replace, so it is never read half-written."""
    temporary = folder / f".{RECORD}.{uuid.uuid4().hex}"
    temporary.write_text(json.dumps({"user": user_id, "kept_at": time.time()}))
    try:
        os.replace(temporary, folder / RECORD)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def _remove(folder: Path, keys: Collection[str]) -> None:
    for key in keys:
        if STAGED_FILE.fullmatch(key):  # a name of the batch, never a path
            (folder / key).unlink(missing_ok=True)
            (folder / f"{key}.name").unlink(missing_ok=True)


def _read(token: str) -> KeptUploads | None:
    """The batch under `token`, None when it is not there (gone, or being renamed); refused as
    unreachable when the disk will not let it be read."""
    folder = kept_root() / token
    try:
        record = json.loads((folder / RECORD).read_text())
        files = sorted(
            (path for path in folder.iterdir() if STAGED_FILE.fullmatch(path.name)),
            key=lambda path: int(path.name),
        )
        kept = tuple(KeptFile(path.name, staged_name(path), path.stat().st_size) for path in files)
        return KeptUploads(token=token, owner_id=int(record["user"]), files=kept)
    except FileNotFoundError:
        return None
    except OSError as error:
        log.warning("kept upload batch %s could not be read: %s", token, error)
        raise KeptUploadsUnreachable(unreachable_message(None)) from None
    except (ValueError, KeyError, TypeError):
        log.warning("kept upload batch %s has an unreadable record; left to the sweep", token)
        return None


def _kept_or_discard(folder: Path) -> KeptUploads | None:
    """The batch in `folder`, or None, its folder deleted, when it holds no file any more."""
    kept = _read(folder.name)
    if kept is None or not kept.files:
        with contextlib.suppress(OSError):
            _delete(folder)
        return None
    return kept
