"""The fixture files of the release tests, as uploads."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name.rsplit("/", 1)[-1], (FIXTURES / name).read_bytes())


def release_form(request, lawsuit=None, uploads=None, **more) -> dict:
    """The admin's release add form as a paralegal fills it: a release of the request (under
    the suit, if given) on 2020-06-17 with no page counts, carrying ``uploads`` (by default the
    mbox and the three-page PDF the worker tests read)."""
    if uploads is None:
        uploads = [upload("mbox/release.mbox"), upload("pdf/three_pages.pdf")]
    return {
        "request": request.pk,
        "lawsuit": lawsuit.pk if lawsuit is not None else "",
        "released_on": "2020-06-17",
        "pages_released": "0",
        "pages_withheld_in_full": "0",
        "pages_withheld_in_part": "0",
        "uploads": uploads,
        **more,
    }
