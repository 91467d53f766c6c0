"""Fixtures the release and admin tests share: tasks run here, and a suit that covers its
request."""

from __future__ import annotations

import pytest

from foiatracker.celery import app as celery_app
from requests_app.workflow import RequestStatus
from tests.factories import LawsuitFactory, RecordsRequestFactory


@pytest.fixture
def eager():
    """Admin tests run the task in-process; tests/test_worker.py uses a real worker."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def suit_and_request():
    request = RecordsRequestFactory(status=RequestStatus.IN_LITIGATION)
    lawsuit = LawsuitFactory()
    lawsuit.requests.add(request)
    return lawsuit, request
