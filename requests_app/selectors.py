"""Reads: querysets shaped for the admin, the API and reports, with their joins prefetched."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from documents.models import Release

from .models import (
    Agency,
    Appeal,
    ClosureDay,
    Deadline,
    Jurisdiction,
    Lawsuit,
    RecordsRequest,
    Reminder,
    RequestEvent,
    TrackingNumber,
)


def jurisdiction_list() -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.order_by("code")


def agency_list() -> QuerySet[Agency]:
    return (
        Agency.objects.select_related("jurisdiction")
        .prefetch_related(Prefetch("components", queryset=Agency.objects.order_by("name", "pk")))
        .order_by("name", "pk")
    )


def request_list() -> QuerySet[RecordsRequest]:
    return (
        RecordsRequest.objects.select_related("jurisdiction", "owner", "agency")
        .prefetch_related(
            "topics",
            Prefetch(
                "tracking_numbers",
                queryset=TrackingNumber.objects.order_by("-assigned_on", "-pk"),
            ),
            Prefetch("events", queryset=RequestEvent.objects.order_by("occurred_on", "pk")),
            Prefetch(
                "deadlines",
                # The basis (how a date was counted) is for recounting, not for lists. Ordered
                # by request first, so the planner reads them through the request's index
                # rather than walking every deadline in due order.
                queryset=Deadline.objects.select_related("jurisdiction")
                .defer("basis")
                .order_by("request_id", "due_on", "pk"),
            ),
            Prefetch("lawsuits", queryset=Lawsuit.objects.order_by("pk").only("pk")),
            Prefetch("releases", queryset=Release.objects.order_by("pk").only("pk", "request_id")),
        )
        .order_by("-filed_on", "-pk")
    )


def deadline_list() -> QuerySet[Deadline]:
    return Deadline.objects.select_related("jurisdiction").defer("basis").order_by("due_on", "pk")


def reminder_list() -> QuerySet[Reminder]:
    return Reminder.objects.select_related("recipient").order_by("-scheduled_for", "-pk")


def appeal_list() -> QuerySet[Appeal]:
    return Appeal.objects.order_by("-filed_on", "-pk")


def lawsuit_list() -> QuerySet[Lawsuit]:
    User = get_user_model()
    return Lawsuit.objects.prefetch_related(
        # Only what the list shows: ids, and the counsel's names.
        Prefetch("counsel", queryset=User.objects.only("pk", User.USERNAME_FIELD)),
        Prefetch("defendant_agencies", queryset=Agency.objects.only("pk")),
        Prefetch("requests", queryset=RecordsRequest.objects.only("pk")),
    ).order_by("-filed_on", "-pk")


def closures_for(jurisdiction_code: str) -> dict[datetime.date, str]:
    """The closure days staff entered for a jurisdiction (date → reason), for counting."""
    return dict(
        ClosureDay.objects.filter(jurisdiction__code=jurisdiction_code).values_list(
            "date", "reason"
        )
    )
