"""Run in a separate process against a restored tracker (its DATABASE_URL or FOIATRACKER_VAR_DIR
and MEDIA_ROOT): prints, as JSON, the rows of every model, what a search finds, and each stored
document's SHA-256 recomputed from its bytes. The restore drill compares it with the original."""

from __future__ import annotations

import hashlib
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foiatracker.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402

from documents.models import Document  # noqa: E402
from documents.selectors import document_search  # noqa: E402


def main(query: str) -> None:
    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }
    found = [hit.document.subject for hit in document_search(query=query)]
    rehashed = {}
    for pk, name, recorded in Document.objects.exclude(file="").values_list("pk", "file", "sha256"):
        path = os.path.join(settings.MEDIA_ROOT, name)
        with open(path, "rb") as handle:
            rehashed[str(pk)] = [recorded, hashlib.sha256(handle.read()).hexdigest()]
    print(json.dumps({"counts": counts, "found": found, "documents": rehashed}))


if __name__ == "__main__":
    main(sys.argv[1])
