"""What the calculator's tests share: its addresses and one call (their client, `api`, is
tests/api/conftest.py's)."""

from __future__ import annotations

from rest_framework.test import APIClient

CALCULATE = "/api/v1/deadlines/calculate/"
RULES_URL = "/api/v1/deadlines/rules/"
ADMIN_PAGE = "/admin/deadline-calculator/"


def calculate(client: APIClient, **params: str):
    return client.get(CALCULATE, params)
