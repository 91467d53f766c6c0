"""The upgrade: DRF's plain-text tokens become hashed API tokens, and each old key still opens the
API afterwards (accounts' migration 0002, run here on the models as that migration sees them)."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("accounts.migrations.0002_authtoken_keys_hashed")
CREATED = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)


@pytest.fixture
def apps_at_the_move():
    """The app registry as the migration sees it (the state after it and what it depends on)."""
    loader = MigrationLoader(connection)
    return loader.project_state(("accounts", "0002_authtoken_keys_hashed"), at_end=False).apps


def test_old_keys_are_moved_hashed_and_still_open_the_api(apps_at_the_move):
    reporter = UserFactory(roles=["reporting"])
    staff = UserFactory(roles=["staff"])
    old_token = apps_at_the_move.get_model("authtoken", "Token")
    # Keys made as DRF made them (40 hex characters); the historical model has no save() to.
    old_keys = {reporter.pk: Token.generate_key(), staff.pk: Token.generate_key()}
    for user_id, key in old_keys.items():
        old_token.objects.create(user_id=user_id, key=key)
    old_token.objects.filter(user_id=reporter.pk).update(created=CREATED)

    MIGRATION.authtoken_keys_hash(apps_at_the_move, None)

    assert not old_token.objects.exists()  # no plain-text key left in the database
    moved = ApiToken.objects.get(user=reporter)
    assert moved.name == "Created before named tokens"
    assert moved.prefix == old_keys[reporter.pk][:8]
    assert moved.created_at == CREATED
    assert (moved.last_used_at, moved.expires_at, moved.revoked_at) == (None, None, None)
    for user_id, key in old_keys.items():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table} WHERE user_id = %s", [user_id])
            row = cursor.fetchone()
        assert key not in [str(value) for value in row]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")  # exactly as the client sent it
        assert client.get("/api/v1/jurisdictions/").status_code == 200


def test_with_no_old_tokens_it_changes_nothing(apps_at_the_move):
    MIGRATION.authtoken_keys_hash(apps_at_the_move, None)
    assert not ApiToken.objects.exists()


def test_the_migration_reads_drf_tokens_only_after_their_table_exists():
    assert ("authtoken", "0004_alter_tokenproxy_options") in MIGRATION.Migration.dependencies
