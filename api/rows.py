"""Reads: querysets shaped for the admin, the API and reports, with their joins prefetched."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from core.today import organisation_today
from documents.models import Release
from reminders.models import Reminder
from requests_app.deadlines.selectors import is_overdue
from requests_app.models import (
    Agency,
    Appeal,
    Deadline,
    District,
    Jurisdiction,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    RequestKind,
    TrackingNumber,
)


def jurisdiction_list() -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.order_by("code")


def _rows(
    queryset: QuerySet[Any], columns: Sequence[tuple[str, str | None]]
) -> list[dict[str, Any]]:
    """One dict per row, keyed and ordered as the API shows it. ``columns`` is (key, lookup); a
    key without a lookup is derived by the caller, and starts as None."""
    keys = [key for key, _lookup in columns]
    derived = [i for i, (_key, lookup) in enumerate(columns) if lookup is None]
    # A values query ignores select_related, but would try to prefetch into dicts.
    values = queryset.prefetch_related(None).values_list(
        *(lookup for _key, lookup in columns if lookup is not None)
    )
    if not derived:
        return [dict(zip(keys, row, strict=True)) for row in values]
    rows = []
    for row in values:
        full = list(row)
        for i in derived:
            full.insert(i, None)
        rows.append(dict(zip(keys, full, strict=True)))
    return rows


# The API's list rows as plain data (``api.lists.PlainRows``): each equals what the endpoint's
# serializer gives for that object, at a fraction of the cost of instances and serializer fields.
# ``tests/api/test_api_plain_rows.py`` compares the two.

JURISDICTION_COLUMNS = [
    (name, name) for name in ("id", "code", "name", "level", "law_name", "law_citation")
]


def jurisdiction_rows(jurisdictions: QuerySet[Jurisdiction]) -> list[dict[str, Any]]:
    return _rows(jurisdictions, JURISDICTION_COLUMNS)


AGENCY_COLUMNS = [
    ("id", "id"),
    ("name", "name"),
    ("abbreviation", "abbreviation"),
    ("parent", "parent_id"),
    ("jurisdiction", "jurisdiction__code"),
    ("foia_email", "foia_email"),
    ("request_url", "request_url"),
    ("mailing_address", "mailing_address"),
    ("phone", "phone"),
    ("website", "website"),
]


def agency_rows(agencies: QuerySet[Agency]) -> list[dict[str, Any]]:
    """Each agency with its components (id, name, abbreviation) by name: two queries a page."""
    rows = _rows(agencies, AGENCY_COLUMNS)
    components: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
    if components:
        listed = (
            Agency.objects.filter(parent_id__in=list(components))
            .order_by("name", "pk")
            .values_list("parent_id", "id", "name", "abbreviation")
        )
        for parent_id, pk, name, abbreviation in listed:
            components[parent_id].append({"id": pk, "name": name, "abbreviation": abbreviation})
    for row in rows:
        row["components"] = components[row["id"]]
    return rows


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


REQUEST_COLUMNS = [
    ("id", "id"),
    ("title", "title"),
    ("records_sought", "records_sought"),
    ("jurisdiction", "jurisdiction__code"),
    ("agency", "agency_id"),
    ("owner", f"owner__{get_user_model().USERNAME_FIELD}"),
    ("status", "status"),
    ("filed_on", "filed_on"),
    ("received_on", "received_on"),
    ("acknowledged_on", "acknowledged_on"),
    ("determined_on", "determined_on"),
    ("closed_on", "closed_on"),
    ("expedited_processing", "expedited_processing"),
    ("fee_waiver", "fee_waiver"),
    ("fees_estimated", "fees_estimated"),
    ("fees_paid", "fees_paid"),
    ("topics", None),
    ("tracking_numbers", None),
    ("events", None),
    ("request_kind", "request_kind"),
    ("request_kind_label", None),
    ("owner_id", "owner_id"),
    ("agency_name", "agency__name"),
    ("deadlines", None),
    ("lawsuits", None),
    ("releases", None),
]

TRACKING_NUMBER_COLUMNS = [
    ("request", "request_id"),
    ("number", "number"),
    ("agency", "agency_id"),
    ("assigned_on", "assigned_on"),
    ("note", "note"),
]

EVENT_COLUMNS = [
    ("request", "request_id"),
    ("id", "id"),
    ("kind", "kind"),
    ("occurred_on", "occurred_on"),
    ("direction", "direction"),
    ("text", "text"),
    ("from_status", "from_status"),
    ("to_status", "to_status"),
]


def _money(value: decimal.Decimal | None) -> str | None:
    """A fee as the API writes it: a string with the column's two places ("12.50")."""
    if value is None:
        return None
    return f"{value.quantize(decimal.Decimal('0.01')):f}"


def request_rows(
    requests: QuerySet[RecordsRequest], *, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Each request with its topics, tracking numbers, timeline, deadlines, lawsuits and
    releases, in the orders of ``request_list``: seven queries a page, whatever its size."""
    rows = _rows(requests, REQUEST_COLUMNS)
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["fees_estimated"] = _money(row["fees_estimated"])
        row["fees_paid"] = _money(row["fees_paid"])
        row["request_kind_label"] = RequestKind(row["request_kind"]).label
        for key in ("topics", "tracking_numbers", "events", "deadlines", "lawsuits", "releases"):
            row[key] = []
    if not by_id:
        return rows
    ids = list(by_id)
    for request_id, name in (
        RecordsRequest.topics.through.objects.filter(recordsrequest_id__in=ids)
        .order_by("topic__name")
        .values_list("recordsrequest_id", "topic__name")
    ):
        by_id[request_id]["topics"].append(name)
    nested: list[tuple[str, list[dict[str, Any]]]] = [
        (
            "tracking_numbers",
            _rows(
                TrackingNumber.objects.filter(request_id__in=ids).order_by("-assigned_on", "-pk"),
                TRACKING_NUMBER_COLUMNS,
            ),
        ),
        (
            "events",
            _rows(
                RequestEvent.objects.filter(request_id__in=ids).order_by("occurred_on", "pk"),
                EVENT_COLUMNS,
            ),
        ),
    ]
    for key, children in nested:
        for child in children:
            by_id[child.pop("request")][key].append(child)
    deadlines = deadline_rows(
        Deadline.objects.filter(request_id__in=ids).order_by("request_id", "due_on", "pk"),
        today=today,
    )
    for deadline in deadlines:
        by_id[deadline["request"]]["deadlines"].append(deadline)
    for key, pairs in (
        (
            "lawsuits",
            Lawsuit.requests.through.objects.filter(recordsrequest_id__in=ids)
            .order_by("lawsuit_id")
            .values_list("recordsrequest_id", "lawsuit_id"),
        ),
        (
            "releases",
            Release.objects.filter(request_id__in=ids)
            .order_by("pk")
            .values_list("request_id", "pk"),
        ),
    ):
        for request_id, pk in pairs:
            by_id[request_id][key].append(pk)
    return rows


def deadline_list() -> QuerySet[Deadline]:
    return Deadline.objects.select_related("jurisdiction").defer("basis").order_by("due_on", "pk")


DEADLINE_COLUMNS = [
    ("id", "id"),
    ("label", "label"),
    ("due_on", "due_on"),
    ("status", "status"),
    ("overdue", None),
    ("source", "source"),
    ("estimated", None),
    ("jurisdiction", "jurisdiction__code"),
    ("rule", "rule"),
    ("citation", "citation"),
    ("court_order", "court_order"),
    ("request", "request_id"),
    ("appeal", "appeal_id"),
    ("lawsuit", "lawsuit_id"),
    ("responsible", "responsible_id"),
    ("met_on", "met_on"),
    ("paused_on", "paused_on"),
    ("days_left", "days_left"),
    ("superseded_by", "superseded_by_id"),
    ("note", "note"),
]


def deadline_rows(
    deadlines: QuerySet[Deadline], *, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """``overdue`` as the deadline selectors derive it, from the organisation's today."""
    today = today or organisation_today()
    rows = _rows(deadlines, DEADLINE_COLUMNS)
    for row in rows:
        row["overdue"] = is_overdue(row, today)
        row["estimated"] = row["source"] == Deadline.Source.ESTIMATE
    return rows


def reminder_list() -> QuerySet[Reminder]:
    return Reminder.objects.select_related("recipient").order_by("-scheduled_for", "-pk")


def appeal_list() -> QuerySet[Appeal]:
    return Appeal.objects.order_by("-filed_on", "-pk")


APPEAL_COLUMNS = [
    ("id", "id"),
    ("request", "request_id"),
    ("filed_on", "filed_on"),
    ("received_on", "received_on"),
    ("decided_on", "decided_on"),
    ("outcome", "outcome"),
    ("tracking_number", "tracking_number"),
]


def appeal_rows(appeals: QuerySet[Appeal]) -> list[dict[str, Any]]:
    return _rows(appeals, APPEAL_COLUMNS)


def lawsuit_list() -> QuerySet[Lawsuit]:
    User = get_user_model()
    return Lawsuit.objects.prefetch_related(
        # Only what the list shows: ids, and the counsel's names, each in a stable order.
        Prefetch("counsel", queryset=User.objects.only("pk", User.USERNAME_FIELD).order_by("pk")),
        Prefetch("defendant_agencies", queryset=Agency.objects.only("pk").order_by("name", "pk")),
        Prefetch(
            "requests", queryset=RecordsRequest.objects.only("pk").order_by("-filed_on", "-pk")
        ),
    ).order_by("-filed_on", "-pk")


LAWSUIT_COLUMNS = [
    ("id", "id"),
    ("caption", "caption"),
    ("court", "court"),
    ("docket_number", "docket_number"),
    ("filed_on", "filed_on"),
    ("served_on", "served_on"),
    ("status", "status"),
    ("plaintiffs", "plaintiffs"),
    ("defendant_agencies", None),
    ("requests", None),
    ("counsel", None),
    ("judge", "judge"),
    ("outcome", "outcome"),
    ("district", "district"),
    ("district_label", None),
]


def lawsuit_rows(lawsuits: QuerySet[Lawsuit]) -> list[dict[str, Any]]:
    """Each suit with its defendants' and requests' ids and its counsel's usernames, in the
    orders of ``lawsuit_list``: four queries a page, whatever its size."""
    rows = _rows(lawsuits, LAWSUIT_COLUMNS)
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["defendant_agencies"], row["requests"], row["counsel"] = [], [], []
        row["district_label"] = District(row["district"]).label if row["district"] else ""
    if not by_id:
        return rows
    ids = list(by_id)
    User = get_user_model()
    linked: list[tuple[str, Any]] = [
        (
            "defendant_agencies",
            Lawsuit.defendant_agencies.through.objects.filter(lawsuit_id__in=ids)
            .order_by("agency__name", "agency_id")
            .values_list("lawsuit_id", "agency_id"),
        ),
        (
            "requests",
            Lawsuit.requests.through.objects.filter(lawsuit_id__in=ids)
            .order_by("-recordsrequest__filed_on", "-recordsrequest_id")
            .values_list("lawsuit_id", "recordsrequest_id"),
        ),
        (
            "counsel",
            Lawsuit.counsel.through.objects.filter(lawsuit_id__in=ids)
            .order_by("user_id")
            .values_list("lawsuit_id", f"user__{User.USERNAME_FIELD}"),
        ),
    ]
    for key, pairs in linked:
        for lawsuit_id, value in pairs:
            by_id[lawsuit_id][key].append(value)
    return rows
