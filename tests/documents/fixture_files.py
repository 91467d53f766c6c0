"""The fixture files of the release tests, as uploads."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name.rsplit("/", 1)[-1], (FIXTURES / name).read_bytes())
