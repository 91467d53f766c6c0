"""A record's History page lists, in every "Changed" row, what changed (field: old → new, by the
field's and the choice's labels); a save that changed nothing is no row at all."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from requests_app import services
from requests_app.models import RecordsRequest
from requests_app.workflow import RequestStatus
from tests.factories import RecordsRequestFactory

pytestmark = pytest.mark.django_db
S = RequestStatus
D = datetime.date


def history_rows(client, request, page: int = 1) -> list[str]:
    """Each row of the History page as read: (action, changes), white space made single."""
    url = reverse("admin:requests_app_recordsrequest_history", args=[request.pk])
    response = client.get(url, {"p": page})
    assert response.status_code == 200
    table = response.content.decode().split('id="change-history"')[1].split("</table>")[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]:
        cells = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
        words = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]
        rows.append(f"{words[2]}: {words[-1]}".rstrip(": "))
    return rows


def _request_with_a_save_that_changed_nothing():
    request = RecordsRequestFactory(status=S.SUBMITTED, filed_on=D(2019, 1, 16))
    services.request_record_receipt(request=request, received_on=D(2019, 1, 16))
    RecordsRequest.objects.get(pk=request.pk).save()  # kept by simple_history, changes nothing
    services.request_transition(request=request, to_status=S.PROCESSING, on=D(2019, 1, 20))
    return request


def test_every_changed_row_lists_its_changes_and_a_save_without_one_is_left_out(staff_client):
    request = _request_with_a_save_that_changed_nothing()
    assert request.history.count() == 4
    assert history_rows(staff_client, request) == [
        "Changed: Status: Submitted → Processing",
        "Changed: Received by agency: — → 2019-01-16",
        "Created",
    ]


def test_the_last_row_of_a_page_is_compared_with_the_record_on_the_next(staff_client, monkeypatch):
    request = _request_with_a_save_that_changed_nothing()
    monkeypatch.setattr(admin.site._registry[RecordsRequest], "history_list_per_page", 2)
    assert history_rows(staff_client, request, page=1) == [
        "Changed: Status: Submitted → Processing"
    ]
    assert history_rows(staff_client, request, page=2) == [
        "Changed: Received by agency: — → 2019-01-16",
        "Created",
    ]


def _history_page(client, request, page: int = 1) -> str:
    url = reverse("admin:requests_app_recordsrequest_history", args=[request.pk])
    response = client.get(url, {"p": page})
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_count_under_the_history_is_of_the_rows_shown(staff_client, monkeypatch):
    request = _request_with_a_save_that_changed_nothing()
    assert request.history.count() == 4  # one of them changed nothing and is not shown
    assert len(history_rows(staff_client, request)) == 3
    assert "3 entries" in _history_page(staff_client, request)
    assert "4 entries" not in _history_page(staff_client, request)
    monkeypatch.setattr(admin.site._registry[RecordsRequest], "history_list_per_page", 2)
    assert "1 entry on this page" in _history_page(staff_client, request, page=1)
    assert "2 entries on this page" in _history_page(staff_client, request, page=2)


def test_an_empty_change_reason_or_author_reads_a_dash_not_none(staff_client):
    request = _request_with_a_save_that_changed_nothing()  # saved by services, by no login
    url = reverse("admin:requests_app_recordsrequest_history", args=[request.pk])
    table = staff_client.get(url).content.decode().split('id="change-history"')[1]
    table = table.split("</table>")[0]
    cells = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
        for c in re.findall(r"<td>(.*?)</td>", table, flags=re.S)
    ]
    assert "None" not in cells
    # Per row: object, date, comment, changed by, change reason, changes.
    rows = [cells[i : i + 6] for i in range(0, len(cells), 6)]
    assert rows
    assert all(row[3] == "—" and row[4] == "—" for row in rows)
