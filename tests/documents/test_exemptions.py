"""The federal exemptions migration 0003 seeds are `federal_exemptions_seed`'s (5 U.S.C.
552(b)(1)-(9) and (b)(7)(A)-(F)), and seeding again changes nothing."""

import pytest
from django.apps import apps

from documents.exemptions import FEDERAL_EXEMPTIONS, federal_exemptions_seed
from documents.models import Exemption

pytestmark = pytest.mark.django_db


def _rows() -> list[tuple]:
    return list(
        Exemption.objects.order_by("pk").values_list(
            "pk", "jurisdiction__code", "code", "description", "citation"
        )
    )


def test_the_migrated_federal_exemptions_are_the_seed_in_its_order():
    assert [row[1:] for row in _rows()] == [
        ("US", code, description, f"5 U.S.C. {subsection}")
        for code, description, subsection in FEDERAL_EXEMPTIONS
    ]


def test_seeding_again_changes_nothing():
    before = _rows()
    federal_exemptions_seed(apps)
    assert _rows() == before
