"""A record's History is read-only: a past version is shown, never restored. simple_history's
"Revert" saved an old version through the record's form, past the workflow (an appealed request
back to submitted), its dates, the timeline and the deadlines; every history page of every
history-tracked model now shows the version without a button and refuses a POST, saving
nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from requests_app import services
from requests_app.admin.history import READ_ONLY, HistoryAdmin
from requests_app.models import (
    Agency,
    Appeal,
    ClosureDay,
    CourtSchedule,
    Deadline,
    Lawsuit,
    RecordsRequest,
)
from requests_app.workflow import RequestStatus
from tests.factories import AgencyFactory, LawsuitFactory, RecordsRequestFactory, jurisdiction

pytestmark = pytest.mark.django_db
S = RequestStatus
D = datetime.date


def _appealed_request():
    request = RecordsRequestFactory(status=S.SUBMITTED, filed_on=D(2019, 1, 16))
    services.request_record_receipt(request=request, received_on=D(2019, 1, 16))
    services.request_acknowledge(request=request, acknowledged_on=D(2019, 1, 22))
    services.request_record_determination(
        request=request, outcome=S.DENIED, determined_on=D(2019, 2, 12)
    )
    services.appeal_file(request=request, filed_on=D(2019, 3, 1), received_on=D(2019, 3, 4))
    request.refresh_from_db()
    assert request.status == S.APPEALED
    return request


def _appeal():
    appeal = _appealed_request().appeals.get()
    appeal.tracking_number = "APP-2019-0001"
    appeal.save()
    return appeal


def _lawsuit():
    lawsuit = LawsuitFactory()
    lawsuit.caption = "ACLU v. DOJ, FBI and DEA"
    lawsuit.save()
    return lawsuit


def _agency():
    agency = AgencyFactory(name="Drug Enforcement Admin")
    agency.name = "Drug Enforcement Administration"
    agency.save()
    return agency


def _closure_day():
    day = ClosureDay.objects.create(
        jurisdiction=jurisdiction("US"), date=D(2019, 12, 24), reason="?"
    )
    day.reason = "E.O. 13900"
    day.save()
    return day


def _court_schedule():
    schedule = CourtSchedule.objects.create(
        lawsuit=LawsuitFactory(),
        label="Status report",
        order_reference="ECF No. 25",
        recurrence=CourtSchedule.Recurrence.EVERY_N_DAYS,
        interval_days=60,
        first_due=D(2020, 3, 1),
        until=D(2020, 12, 31),
    )
    schedule.label = "Joint status report"
    schedule.save()
    return schedule


RECORDS = {
    RecordsRequest: _appealed_request,
    Appeal: _appeal,
    Lawsuit: _lawsuit,
    Agency: _agency,
    ClosureDay: _closure_day,
    CourtSchedule: _court_schedule,
}


def _as_posted(instance: Any) -> dict[str, Any]:
    """A version's values as its change form would post them."""
    data: dict[str, Any] = {}
    for name, value in model_to_dict(instance).items():
        if value is None:
            data[name] = ""
        elif isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = value
    return data


def _state(record: Any) -> dict[str, Any]:
    """Everything a revert could have changed: the row, its history, and for a request its
    timeline and deadlines."""
    fresh = type(record).objects.get(pk=record.pk)
    state = {"row": model_to_dict(fresh), "history": fresh.history.count()}
    if isinstance(fresh, RecordsRequest):
        state["timeline"] = list(fresh.events.values_list("pk", "kind", "occurred_on"))
        state["deadlines"] = list(
            Deadline.objects.filter(request=fresh)
            .order_by("pk")
            .values_list("pk", "rule", "status", "due_on")
        )
    return state


def _version_url(record: Any, version: Any) -> str:
    opts = record._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_simple_history"
    return reverse(name, args=[record.pk, version.history_id])


def test_every_admin_with_history_is_the_read_only_one():
    with_history = [a for a in admin.site._registry.values() if isinstance(a, SimpleHistoryAdmin)]
    assert {type(a).__name__ for a in with_history} >= {
        "RecordsRequestWithReleasesAdmin",
        "AppealAdmin",
        "LawsuitWithReleasesAdmin",
        "AgencyAdmin",
        "ClosureDayAdmin",
        "CourtScheduleAdmin",
    }
    assert all(isinstance(a, HistoryAdmin) for a in with_history)
    assert {a.model for a in with_history} == set(RECORDS)


@pytest.mark.parametrize("model", list(RECORDS), ids=lambda m: m.__name__)
def test_a_past_version_is_shown_without_a_revert_button(superuser_client, model):
    record = RECORDS[model]()
    oldest = record.history.earliest("history_date")
    response = superuser_client.get(_version_url(record, oldest))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Revert" not in page
    assert '<input type="submit"' not in page  # no Revert, no Save
    assert 'name="_save"' not in page
    form = response.context["adminform"].form
    assert form.fields
    assert all(field.disabled for field in form.fields.values())
    history = superuser_client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[record.pk])
    )
    assert "View history:" in history.content.decode()


@pytest.mark.parametrize("model", list(RECORDS), ids=lambda m: m.__name__)
def test_posting_a_past_version_is_refused_and_changes_nothing(superuser_client, model):
    record = RECORDS[model]()
    before = _state(record)
    oldest = record.history.earliest("history_date")
    response = superuser_client.post(_version_url(record, oldest), _as_posted(oldest.instance))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.content.decode() == READ_ONLY
    assert _state(record) == before


def test_an_appealed_request_is_not_moved_back_to_submitted(superuser_client):
    """The walk-through's case: the request's first version (submitted, no dates) posted back."""
    request = _appealed_request()
    oldest = request.history.earliest("history_date")
    assert oldest.status == S.SUBMITTED
    assert oldest.received_on is None
    superuser_client.post(
        _version_url(request, oldest), {**_as_posted(oldest.instance), "_save": "Revert"}
    )
    request.refresh_from_db()
    assert request.status == S.APPEALED
    assert (request.received_on, request.acknowledged_on, request.determined_on) == (
        D(2019, 1, 16),
        D(2019, 1, 22),
        D(2019, 2, 12),
    )
