"""/api/v1/reminders/: the outbox, readable and filterable by every role that reads."""

import pytest
import time_machine
from rest_framework.test import APIClient

from reminders.models import Reminder
from tests.api.api_records import NOON, build_records
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(NOON, tick=False)
def test_reminders_list_filters_by_state_and_names_a_bad_value():
    records = build_records(2)
    Reminder.objects.filter(deadline=records.deadlines[1]).update(
        state=Reminder.State.FAILED, last_error="SMTPServerDisconnected"
    )
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader", roles=["reporting"]))
    every = client.get("/api/v1/reminders/").json()
    assert every["count"] == 2
    failed = client.get("/api/v1/reminders/", {"state": "failed"}).json()
    assert [row["last_error"] for row in failed["results"]] == ["SMTPServerDisconnected"]
    assert failed["results"][0]["recipient"] == "owner-of-records"
    bad = client.get("/api/v1/reminders/", {"state": "lost"})
    assert bad.status_code == 400
    assert "state" in bad.json()["error"]["fields"]
    csv = client.get("/api/v1/reminders/", {"format": "csv"})
    assert b"message_id" in b"".join(csv.streaming_content)
