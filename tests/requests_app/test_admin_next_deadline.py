"""Where staff work, the deadlines are in sight: the request list's next-deadline column (the
request's own and its appeals' open deadlines, earliest first, in the state words of
requests_app.deadlines.selectors), the request page's deadlines in date order with its appeals'
deadlines, and the API's deadlines of a request including its appeals'."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from requests_app.admin.requests import RecordsRequestAdmin
from requests_app.models import Deadline
from tests.factories import AppealFactory, DeadlineFactory, RecordsRequestFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NOON = datetime.datetime(2026, 11, 20, 17, tzinfo=datetime.UTC)  # noon in Boston
LIST = "admin:requests_app_recordsrequest_changelist"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOON, tick=False):
        yield


def _appeal_deadline(appeal, due_on, **kwargs):
    # An appeal's 20 working days from its receipt, 5 U.S.C. 552(a)(6)(A)(ii).
    return DeadlineFactory(
        request=None,
        appeal=appeal,
        label="Appeal decision",
        rule="appeal_response",
        citation="5 U.S.C. 552(a)(6)(A)(ii)",
        due_on=due_on,
        **kwargs,
    )


def _rows(page) -> list[str]:
    return [str(row) for row in page.context["cl"].result_list]


def test_the_list_shows_the_next_open_deadline_of_the_request_or_its_appeals(staff_client):
    own = RecordsRequestFactory(title="Own clock")
    DeadlineFactory(request=own, due_on=D(2026, 11, 25))
    DeadlineFactory(
        request=own, due_on=D(2026, 11, 1), status=Deadline.Status.MET, met_on=D(2026, 11, 1)
    )
    appealed = AppealFactory(request__title="Appealed").request
    DeadlineFactory(request=appealed, due_on=D(2026, 10, 1), status=Deadline.Status.WAIVED)
    _appeal_deadline(appealed.appeals.get(), D(2026, 11, 18))
    RecordsRequestFactory(title="No clock")
    html = staff_client.get(reverse(LIST)).content.decode()
    assert "Response to the request: 2026-11-25 — Due in 5 days" in html
    assert (
        "Appeal decision: 2026-11-18 — Overdue by 2 days" in html
    )  # the appeal's, not closed ones


def test_the_column_sorts_earliest_first_with_no_deadline_last(staff_client):
    for title, due in (("Later", D(2026, 12, 30)), ("None", None), ("Sooner", D(2026, 11, 23))):
        request = RecordsRequestFactory(title=title)
        if due:
            DeadlineFactory(request=request, due_on=due)
    appeal = AppealFactory(request__title="Appeal soonest")
    _appeal_deadline(appeal, D(2026, 11, 21))
    index = RecordsRequestAdmin.list_display.index("next_deadline")
    page = staff_client.get(reverse(LIST), {"o": str(index + 1)})  # after the checkbox column
    assert [t.title for t in page.context["cl"].result_list] == [
        "Appeal soonest",
        "Sooner",
        "Later",
        "None",
    ]


def test_the_list_reads_next_deadlines_without_a_query_per_request(staff_client):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse(LIST)).status_code == 200
        return len(queries)

    def one_more(n: int) -> None:
        request = RecordsRequestFactory(title=f"Request {n}")
        DeadlineFactory(request=request, due_on=D(2026, 12, n))
        _appeal_deadline(AppealFactory(request=request), D(2026, 11, n))

    one_more(1)
    few = count()
    for n in range(2, 12):
        one_more(n)
    assert count() == few


def test_the_request_page_lists_its_deadlines_by_date_and_its_appeals_deadlines(staff_client):
    request = RecordsRequestFactory()
    DeadlineFactory(request=request, label="Later open", due_on=D(2026, 12, 30))
    DeadlineFactory(
        request=request,
        label="Earlier met",
        due_on=D(2026, 11, 2),
        status=Deadline.Status.MET,
        met_on=D(2026, 11, 2),
    )
    appeal = AppealFactory(request=request)
    _appeal_deadline(appeal, D(2026, 11, 24))
    page = staff_client.get(reverse("admin:requests_app_recordsrequest_change", args=[request.pk]))
    inline = next(f for f in page.context["inline_admin_formsets"] if f.opts.fk_name == "request")
    labels = [form.original.label for form in inline]
    assert labels == ["Earlier met", "Later open"]  # date order, whatever the status
    html = page.content.decode()
    assert "Appeals&#x27; deadlines" in html
    assert "Appeal decision" in html
    assert "Due in 4 days" in html
    assert reverse("admin:requests_app_appeal_change", args=[appeal.pk]) in html


def test_the_api_deadlines_of_a_request_include_its_appeals():
    request = RecordsRequestFactory()
    own = DeadlineFactory(request=request, due_on=D(2026, 12, 1))
    appeal_deadline = _appeal_deadline(AppealFactory(request=request), D(2026, 11, 24))
    DeadlineFactory(due_on=D(2026, 11, 26))  # another request's
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader", roles=["reporting"]))
    body = client.get("/api/v1/deadlines/", {"request": request.pk}).json()
    assert [row["id"] for row in body["results"]] == [appeal_deadline.pk, own.pk]
