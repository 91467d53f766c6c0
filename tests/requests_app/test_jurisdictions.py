"""The jurisdictions migration 0002 seeds are `jurisdictions_seed`'s, and seeding again (as the
test suite does after a transactional test) changes nothing."""

import pytest
from django.apps import apps

from requests_app.jurisdictions import JURISDICTIONS, jurisdictions_seed
from requests_app.models import Jurisdiction

pytestmark = pytest.mark.django_db


def _rows() -> list[tuple]:
    return list(
        Jurisdiction.objects.order_by("pk").values_list(
            "pk", "code", "name", "level", "law_name", "law_citation"
        )
    )


def test_the_migrated_jurisdictions_are_the_seed_in_its_order():
    assert [row[1:] for row in _rows()] == list(JURISDICTIONS)


def test_seeding_again_changes_nothing():
    before = _rows()
    jurisdictions_seed(apps)
    assert _rows() == before
