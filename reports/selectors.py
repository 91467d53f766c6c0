"""Aggregate reports over requests, deadlines and releases (selectors: plain rows, no HTTP).

Each report returns a list of flat dicts (one per row, the same keys on every row) so the API can
page it as JSON or stream it as CSV. Filters are keyword arguments; an agency includes its
components. "Today" and "overdue" follow ``api.filters`` (derived, never stored).
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth

from documents.models import Document, Release
from requests_app.deadlines import calendars
from requests_app.deadlines.hooks import CLOCK_RULES
from requests_app.deadlines.selectors import overdue_q
from requests_app.models import (
    Agency,
    Appeal,
    ClosureDay,
    Deadline,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
)
from requests_app.workflow import DETERMINED, RequestStatus


def _agency_ids(agency: Agency | None) -> list[int] | None:
    if agency is None:
        return None
    return [agency.pk, *Agency.objects.filter(parent_id=agency.pk).values_list("pk", flat=True)]


def _agency_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    return dict(Agency.objects.filter(pk__in=wanted).values_list("pk", "name"))


def _usernames(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    User = get_user_model()
    return dict(User.objects.filter(pk__in=wanted).values_list("pk", User.USERNAME_FIELD))


def percentile(values: list[int], share: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least `share` of values at or below
    it): p90 of 10 values is the 9th smallest. None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return float(ordered[rank - 1])


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# --- Overdue deadlines by agency and owner -------------------------------------------------------


def overdue_by_agency_and_owner(
    *,
    agency: Agency | None = None,
    owner: Any = None,
    jurisdiction: Any = None,
) -> list[dict[str, Any]]:
    """Open, running deadlines past due, counted per agency and responsible person.

    The agency is the request's (or the appealed request's); a lawsuit's deadline has no single
    agency (agency empty). The person is the one named on the deadline, else the request's owner.
    """
    rows = Deadline.objects.filter(overdue_q()).annotate(
        agency_ref=Coalesce(F("request__agency_id"), F("appeal__request__agency_id")),
        owner_ref=Coalesce(
            F("responsible_id"), F("request__owner_id"), F("appeal__request__owner_id")
        ),
    )
    ids = _agency_ids(agency)
    if ids is not None:
        rows = rows.filter(agency_ref__in=ids)
    if owner is not None:
        rows = rows.filter(owner_ref=owner.pk)
    if jurisdiction is not None:
        rows = rows.filter(
            Q(request__jurisdiction=jurisdiction) | Q(appeal__request__jurisdiction=jurisdiction)
        )
    grouped = list(
        rows.values("agency_ref", "owner_ref")
        .annotate(overdue=Count("pk"), oldest_due=Min("due_on"))
        .order_by("-overdue", "agency_ref", "owner_ref")
    )
    agencies = _agency_names(r["agency_ref"] for r in grouped)
    users = _usernames(r["owner_ref"] for r in grouped)
    return [
        {
            "agency": r["agency_ref"],
            "agency_name": agencies.get(r["agency_ref"], ""),
            "owner": r["owner_ref"],
            "owner_username": users.get(r["owner_ref"], ""),
            "overdue": r["overdue"],
            "oldest_due": r["oldest_due"],
        }
        for r in grouped
    ]


# --- Agency performance per agency and year -----------------------------------------------------


def agency_performance(
    *,
    agency: Agency | None = None,
    jurisdiction: Any = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> list[dict[str, Any]]:
    """Per agency and year filed: requests filed; working days from receipt (or filing, when the
    receipt date is unknown) to determination, median and 90th percentile, counted on the
    jurisdiction's calendar with its closure days (``calendars``); the share of determined
    requests whose response clock was met; the share appealed and litigated; and the
    determinations (first determination of each request, from its timeline)."""
    requests: QuerySet[RecordsRequest] = RecordsRequest.objects.filter(filed_on__isnull=False)
    ids = _agency_ids(agency)
    if ids is not None:
        requests = requests.filter(agency_id__in=ids)
    if jurisdiction is not None:
        requests = requests.filter(jurisdiction=jurisdiction)
    if year_from is not None:
        requests = requests.filter(filed_on__year__gte=year_from)
    if year_to is not None:
        requests = requests.filter(filed_on__year__lte=year_to)
    rows = list(
        requests.annotate(
            year=ExtractYear("filed_on"),
            appealed=Exists(Appeal.objects.filter(request=OuterRef("pk"))),
            litigated=Exists(
                Lawsuit.requests.through.objects.filter(recordsrequest=OuterRef("pk"))
            ),
        ).values_list(
            "pk",
            "agency_id",
            "year",
            "jurisdiction__code",
            "filed_on",
            "received_on",
            "determined_on",
            "appealed",
            "litigated",
        )
    )
    request_ids = requests.values("pk")
    clocks = dict(
        Deadline.objects.filter(
            request__in=request_ids,
            rule__in=CLOCK_RULES,
            status__in=[Deadline.Status.MET, Deadline.Status.MISSED],
        )
        .order_by("request_id", "due_on", "pk")
        .values_list("request_id", "status")
    )
    first_outcome: dict[int, str] = {}
    for request_id, to_status in (
        RequestEvent.objects.filter(
            request__in=request_ids,
            kind=RequestEvent.Kind.STATUS_CHANGED,
            to_status__in=list(DETERMINED),
        )
        .order_by("-occurred_on", "-pk")
        .values_list("request_id", "to_status")
    ):
        first_outcome[request_id] = to_status  # oldest last, so the first determination wins
    closures: dict[str, dict[datetime.date, str]] = defaultdict(dict)
    for code, day, reason in ClosureDay.objects.values_list("jurisdiction__code", "date", "reason"):
        closures[code][day] = reason

    groups: dict[tuple[int, int], dict[str, Any]] = {}
    for pk, agency_id, year, code, filed, received, determined, appealed, litigated in rows:
        group = groups.setdefault(
            (agency_id, year),
            {
                "filed": 0,
                "days": [],
                "met": 0,
                "clocked": 0,
                "appealed": 0,
                "litigated": 0,
                "outcomes": Counter(),
            },
        )
        group["filed"] += 1
        group["appealed"] += bool(appealed)
        group["litigated"] += bool(litigated)
        start = received or filed
        if determined is not None and start is not None:
            try:
                cal = calendars.calendar_for(code, closures.get(code))
                group["days"].append(calendars.working_days_between(cal, start, determined))
            except ValueError:
                pass  # a jurisdiction without a calendar, or a date outside the supported years
        clock = clocks.get(pk)
        if clock is not None and determined is not None:
            group["clocked"] += 1
            group["met"] += clock == Deadline.Status.MET
        if pk in first_outcome:
            group["outcomes"][first_outcome[pk]] += 1
    names = _agency_names(agency_id for agency_id, _year in groups)
    result = []
    for (agency_id, year), g in sorted(
        groups.items(), key=lambda item: (names.get(item[0][0], ""), item[0][0], item[0][1])
    ):
        days: list[int] = g["days"]
        result.append(
            {
                "agency": agency_id,
                "agency_name": names.get(agency_id, ""),
                "year": year,
                "requests_filed": g["filed"],
                "determined": len(days),
                "median_working_days": float(statistics.median(days)) if days else None,
                "p90_working_days": percentile(days, 0.9),
                "share_on_time": _share(g["met"], g["clocked"]),
                "share_appealed": _share(g["appealed"], g["filed"]),
                "share_litigated": _share(g["litigated"], g["filed"]),
                **{f"outcome_{s.value}": g["outcomes"][s.value] for s in _OUTCOMES},
            }
        )
    return result


_OUTCOMES = (
    RequestStatus.RELEASED_IN_FULL,
    RequestStatus.PARTIALLY_RELEASED,
    RequestStatus.DENIED,
    RequestStatus.NO_RECORDS,
)


# --- Releases per month, agency and lawsuit ------------------------------------------------------


def releases_by_month(
    *,
    agency: Agency | None = None,
    lawsuit: Lawsuit | None = None,
    released_after: datetime.date | None = None,
    released_before: datetime.date | None = None,
) -> list[dict[str, Any]]:
    """Per month released, agency and lawsuit (empty outside litigation): releases, documents,
    pages released, withheld in full and withheld in part."""
    releases = Release.objects.all()
    ids = _agency_ids(agency)
    if ids is not None:
        releases = releases.filter(request__agency_id__in=ids)
    if lawsuit is not None:
        releases = releases.filter(lawsuit=lawsuit)
    if released_after is not None:
        releases = releases.filter(released_on__gte=released_after)
    if released_before is not None:
        releases = releases.filter(released_on__lte=released_before)
    keys = ("month", "agency_ref", "lawsuit_id")
    grouped = (
        releases.annotate(month=TruncMonth("released_on"), agency_ref=F("request__agency_id"))
        .values(*keys)
        .annotate(
            releases=Count("pk"),
            pages_released=Sum("pages_released"),
            pages_withheld_in_full=Sum("pages_withheld_in_full"),
            pages_withheld_in_part=Sum("pages_withheld_in_part"),
        )
        .order_by("-month", "agency_ref", "lawsuit_id")
    )
    documents = {
        (row["month"], row["agency_ref"], row["release__lawsuit_id"]): row["documents"]
        for row in Document.objects.filter(release__in=releases.values("pk"))
        .annotate(
            month=TruncMonth("release__released_on"), agency_ref=F("release__request__agency_id")
        )
        .values("month", "agency_ref", "release__lawsuit_id")
        .annotate(documents=Count("pk"))
        .order_by()
    }
    rows = list(grouped)
    agencies = _agency_names(r["agency_ref"] for r in rows)
    captions = dict(
        Lawsuit.objects.filter(
            pk__in={r["lawsuit_id"] for r in rows if r["lawsuit_id"]}
        ).values_list("pk", "caption")
    )
    return [
        {
            "month": _month(r["month"]),
            "agency": r["agency_ref"],
            "agency_name": agencies.get(r["agency_ref"], ""),
            "lawsuit": r["lawsuit_id"],
            "lawsuit_caption": captions.get(r["lawsuit_id"], ""),
            "releases": r["releases"],
            "documents": documents.get((r["month"], r["agency_ref"], r["lawsuit_id"]), 0),
            "pages_released": r["pages_released"] or 0,
            "pages_withheld_in_full": r["pages_withheld_in_full"] or 0,
            "pages_withheld_in_part": r["pages_withheld_in_part"] or 0,
        }
        for r in rows
    ]


def _month(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.year:04d}-{value.month:02d}"


# --- Exemptions cited per agency ----------------------------------------------------------------


def exemptions_by_agency(*, agency: Agency | None = None) -> list[dict[str, Any]]:
    """Per agency and exemption: the releases that cite it and the documents it was applied to."""
    release_links = Release.exemptions.through.objects.all()
    document_links = Document.exemptions.through.objects.all()
    ids = _agency_ids(agency)
    if ids is not None:
        release_links = release_links.filter(release__request__agency_id__in=ids)
        document_links = document_links.filter(document__request__agency_id__in=ids)
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(
        lambda: {"releases": 0, "documents": 0}
    )
    for agency_id, code, n in (
        release_links.values_list("release__request__agency_id", "exemption__code")
        .annotate(n=Count("release_id", distinct=True))
        .order_by()
    ):
        counts[agency_id, code]["releases"] = n
    for agency_id, code, n in (
        document_links.values_list("document__request__agency_id", "exemption__code")
        .annotate(n=Count("document_id", distinct=True))
        .order_by()
    ):
        counts[agency_id, code]["documents"] = n
    names = _agency_names(agency_id for agency_id, _code in counts)
    return [
        {
            "agency": agency_id,
            "agency_name": names.get(agency_id, ""),
            "exemption": code,
            "releases": c["releases"],
            "documents": c["documents"],
        }
        for (agency_id, code), c in sorted(
            counts.items(), key=lambda item: (names.get(item[0][0], ""), item[0][0], item[0][1])
        )
    ]


# --- The pipeline by status ---------------------------------------------------------------------


def pipeline_by_status(
    *, agency: Agency | None = None, jurisdiction: Any = None, owner: Any = None
) -> list[dict[str, Any]]:
    """How many requests are in each status (every status, in workflow order, zeros included),
    and how many of them have an overdue deadline."""
    requests = RecordsRequest.objects.all()
    ids = _agency_ids(agency)
    if ids is not None:
        requests = requests.filter(agency_id__in=ids)
    if jurisdiction is not None:
        requests = requests.filter(jurisdiction=jurisdiction)
    if owner is not None:
        requests = requests.filter(owner=owner)
    # Two counts rather than one with an EXISTS per request: the overdue requests are one
    # semi-join against the overdue deadlines (5x faster at 200,000 requests than a probe each).
    counted = dict(requests.values_list("status").annotate(n=Count("pk")).order_by())
    overdue_requests = Deadline.objects.filter(overdue_q(), request__isnull=False)
    overdue = dict(
        requests.filter(pk__in=overdue_requests.values("request_id"))
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        {
            "status": status.value,
            "label": str(status.label),
            "requests": counted.get(status.value, 0),
            "overdue": overdue.get(status.value, 0),
        }
        for status in RequestStatus
    ]
