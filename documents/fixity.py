"""Fixity: do the stored bytes still hash to what was recorded? Read-only over the files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.utils import timezone

from documents.models import Document, FixityCheck


def _sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fixity_check(*, progress: Callable[[int, int], None] | None = None) -> FixityCheck:
    """Re-hash each stored file once (documents of several releases may share bytes) and record
    the documents whose file changed or vanished. Nothing is repaired or moved."""
    check = FixityCheck.objects.create()
    stored = (
        Document.objects.exclude(file="")
        .order_by("file", "pk")
        .values_list("pk", "file", "sha256", "original_name")
    )
    total = stored.count()
    seen: dict[str, str | None] = {}
    changed, missing = [], []
    for done, (pk, name, expected, original) in enumerate(stored.iterator(chunk_size=2000), 1):
        if name not in seen:
            try:
                seen[name] = _sha256(name) if default_storage.exists(name) else None
            except OSError as exc:  # unreadable counts as missing, with the reason
                seen[name] = f"unreadable: {exc.strerror or exc}"
        actual = seen[name]
        entry = {"document": pk, "name": original, "file": name}
        if actual is None or actual.startswith("unreadable"):
            missing.append({**entry, "reason": actual or "no such file"})
        elif actual != expected:
            changed.append({**entry, "expected": expected, "found": actual})
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)
    check.checked = total
    check.changed = changed
    check.missing = missing
    check.finished_at = timezone.now()
    check.save()
    return check
