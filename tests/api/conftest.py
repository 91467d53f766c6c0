"""Fixtures the API tests share."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture
def api():
    """A signed-in user with no role (the calculator needs nothing more); a test module that
    needs another client defines its own `api`."""
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=False))
    return client
