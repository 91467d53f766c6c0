"""Shared fixtures: personas and a logged-in admin client."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def staff_user(db):
    """A paralegal: staff, with every permission on the tracker (superuser until roles land)."""
    return UserFactory(username="paralegal", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client_staff(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client
