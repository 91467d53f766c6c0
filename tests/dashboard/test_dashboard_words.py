"""The words on the dashboard follow the record's state: a deadline met early is not "ahead"."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from requests_app import services
from requests_app.workflow import RequestStatus
from tests.factories import RecordsRequestFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _timeline_item(text: str, title: str) -> str:
    items = re.findall(r"<li class=\"tl-[^\"]*\">.*?</li>", text, flags=re.S)
    found = [item for item in items if f"<strong>{title}</strong>" in item]
    assert len(found) == 1, items
    return " ".join(re.sub(r"<[^>]+>", " ", found[0]).split())


@time_machine.travel(datetime.datetime(2019, 2, 8, 15, tzinfo=datetime.UTC), tick=False)
def test_a_deadline_met_before_its_date_reads_met_not_ahead(lawyer_user):
    # 5 U.S.C. 552(a)(6)(A)(i): received 2019-01-16, due 2019-02-14; determined on 2019-02-05,
    # so on 2019-02-08 the due date is still to come but nothing is owed.
    request = RecordsRequestFactory(status=RequestStatus.SUBMITTED, filed_on=D(2019, 1, 16))
    services.request_record_receipt(request=request, received_on=D(2019, 1, 16))
    services.request_record_determination(
        request=request, outcome=RequestStatus.DENIED, determined_on=D(2019, 2, 5)
    )
    text = _page(lawyer_user, reverse("dashboard:request", args=[request.pk]))
    assert "Deadline ahead" not in text
    item = _timeline_item(text, "Determination on a FOIA request")
    assert item.endswith("Deadline Determination on a FOIA request Met on Feb 5, 2019"), item
    assert 'class="tl-deadline"' in text  # not drawn as a date still to come (tl-future)
    appeal = _timeline_item(text, "Last day to file an administrative appeal")
    assert appeal.endswith("Deadline Last day to file an administrative appeal Due in 87 days")
