"""Shared fixtures: the personas (staff, lawyer, reporting client, superuser), their logged-in
clients, and the settings every test runs under."""

from __future__ import annotations

import socket

import pytest
from django.apps import apps
from django.test import Client

from api.access import token_failures_reset
from documents.exemptions import federal_exemptions_seed
from requests_app.jurisdictions import jurisdictions_seed
from requests_app.models import Jurisdiction
from tests.celery_worker import broker_at
from tests.factories import UserFactory


@pytest.fixture
def staff_user(db):
    """A paralegal holding exactly the staff role (not a superuser): the person who logs
    requests, letters, tracking numbers, fees and releases in the admin."""

    return UserFactory(username="paralegal", is_staff=True, roles=["staff"])


@pytest.fixture
def lawyer_user(db):
    """A lawyer holding exactly the lawyer role."""

    return UserFactory(username="counsel", is_staff=True, roles=["lawyer"])


@pytest.fixture
def reporting_user(db):
    """A reporting client: the reporting role, no admin login."""

    return UserFactory(username="reporter", is_staff=False, roles=["reporting"])


@pytest.fixture
def superuser(db):
    """The operator: a superuser in no group, for tests whose subject is the superuser (it holds
    every role; it alone manages logins, and everyone's API tokens in the admin)."""

    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff_user) -> Client:
    return _logged_in(staff_user)


@pytest.fixture
def lawyer_client(lawyer_user) -> Client:
    return _logged_in(lawyer_user)


@pytest.fixture
def superuser_client(superuser) -> Client:
    return _logged_in(superuser)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Production uses WhiteNoise's manifest storage, which needs `collectstatic` first; pages
    rendered in tests only need the URLs."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Stored documents go to a temporary folder, never into the project's var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password for every user; PBKDF2's deliberate slowness would dominate the
    suite. Production keeps Django's default hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _token_failures_forgotten():
    """Failed-token counters live in the cache (Redis on PostgreSQL runs) and would carry over
    from one test to the next; only the test client's address is reset, never the whole cache
    (on CI it shares a Redis database with the task broker)."""

    token_failures_reset("127.0.0.1")
    yield
    token_failures_reset("127.0.0.1")


@pytest.fixture(autouse=True)
def _migration_data_after_flush(request):
    """A transactional test (live server, real worker) empties the database when it ends, the
    rows data migrations seeded included (jurisdictions, federal exemptions). Put them back
    before each such test (asked for by fixture or by ``django_db(transaction=True)``), so
    every one starts from a freshly migrated database."""
    marker = request.node.get_closest_marker("django_db")
    marked_transactional = marker is not None and marker.kwargs.get("transaction", False)
    if not marked_transactional and not {"transactional_db", "live_server"} & set(
        request.fixturenames
    ):
        return
    request.getfixturevalue("transactional_db")

    if Jurisdiction.objects.exists():
        return
    jurisdictions_seed(apps)
    federal_exemptions_seed(apps)


@pytest.fixture
def broker_unreachable():
    """Tasks go through a broker that is down (a Redis port nothing listens on), not in-process."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with broker_at(f"redis://127.0.0.1:{port}/0"):
        yield
