"""Aggregate reports over requests, deadlines and releases (selectors: plain rows, no HTTP).

Each report returns a list of flat dicts (one per row, the same keys on every row) so the API can
page it as JSON or stream it as CSV. Filters are keyword arguments; an agency includes its
components. "Today" and "overdue" are those of ``requests_app.deadlines.selectors`` (derived,
never stored), as everywhere else.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth

from core.today import organisation_today
from documents.models import Document, Release
from requests_app.deadlines.calendars import working_days_between
from requests_app.deadlines.hooks import CLOCK_RULES
from requests_app.deadlines.selectors import (
    is_overdue,
    is_running,
    overdue_q,
    working_calendars,
)
from requests_app.models import (
    Agency,
    Appeal,
    Deadline,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
)
from requests_app.workflow import DETERMINED, RequestStatus


def agency_ids(agency: Agency | None) -> list[int] | None:
    """The ids of an agency and its components (None for no agency: no filter)."""
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
    ids = agency_ids(agency)
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


@dataclass(frozen=True)
class Performance:
    """How an agency answered the requests filed with it in one year: a row of the
    agency-performance report (and of its snapshot), and a year of the dashboard's agency page.

    On time: of the requests whose response deadline has come (the last one in force: an
    extension counts, 552(a)(6)(B)(i)), those determined by it (a stopped clock stops it,
    552(a)(6)(A)(ii)); a request still undetermined after its deadline is late. Requests whose
    deadline has not come, or that have none (Florida's "promptly"), are left out of the share
    but counted as filed. Working days run from receipt (from filing when the receipt date is
    unknown) to determination, on the jurisdiction's calendar with its closure days, the trigger
    day not counted, as for the deadline itself.
    """

    agency: int | None  # None: an agency and its components counted together
    year: int
    requests_filed: int
    determined: int
    #: Requests whose response deadline has come: determined (on time or late) or overdue.
    judged: int
    on_time: int
    median_working_days: float | None
    p90_working_days: float | None
    appealed: int
    litigated: int
    #: The first determination of each request, from its timeline: status → requests.
    outcomes: dict[str, int]

    @property
    def share_on_time(self) -> float | None:
        return _share(self.on_time, self.judged)

    @property
    def on_time_percent(self) -> int | None:
        return None if not self.judged else round(100 * self.on_time / self.judged)


def _on_time(
    clock: Mapping[str, Any] | None, determined: datetime.date | None, today: datetime.date
) -> bool | None:
    """Whether a request was answered by its response deadline ``clock``: None while that is
    not known (no deadline, or it has not come)."""
    if clock is None:
        return None
    if clock["status"] == Deadline.Status.MET:
        return True
    if clock["status"] == Deadline.Status.MISSED:
        return False
    if determined is not None:  # a determination the clock was not closed for
        return not is_running(clock) or determined <= clock["due_on"]
    return False if is_overdue(clock, today) else None


def performance(
    requests: QuerySet[RecordsRequest],
    *,
    per_agency: bool = True,
    today: datetime.date | None = None,
) -> list[Performance]:
    """The agency-performance figures of ``requests`` (those filed), per agency and year filed,
    or per year filed for all of them together (``per_agency=False``: an agency and its
    components). Ordered by agency id and year. ``today`` (the organisation's) decides which
    undetermined requests are past their deadline."""
    today = today or organisation_today()
    requests = requests.filter(filed_on__isnull=False)
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
    # The response deadline in force per request: the last clock neither superseded nor waived.
    clocks: dict[int, Mapping[str, Any]] = {}
    for clock in (
        Deadline.objects.filter(request__in=request_ids, rule__in=CLOCK_RULES)
        .exclude(status__in=[Deadline.Status.SUPERSEDED, Deadline.Status.WAIVED])
        .order_by("request_id", "due_on", "pk")
        .values("request_id", "status", "due_on", "paused_on")
    ):
        clocks[clock["request_id"]] = clock  # ordered by date: the last one wins
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
    calendars = working_calendars({row[3] for row in rows})

    groups: dict[tuple[int | None, int], dict[str, Any]] = {}
    for pk, agency_id, year, code, filed, received, determined, appealed, litigated in rows:
        group = groups.setdefault(
            (agency_id if per_agency else None, year),
            {
                "filed": 0,
                "determined": 0,
                "days": [],
                "judged": 0,
                "on_time": 0,
                "appealed": 0,
                "litigated": 0,
                "outcomes": Counter(),
            },
        )
        group["filed"] += 1
        group["appealed"] += bool(appealed)
        group["litigated"] += bool(litigated)
        start = received or filed
        if determined is not None:
            group["determined"] += 1
            cal = calendars.get(code)
            # No calendar for the jurisdiction, or a date outside the supported years: not counted.
            if cal is not None and start is not None:
                with contextlib.suppress(ValueError):
                    group["days"].append(working_days_between(cal, start, determined))
        verdict = _on_time(clocks.get(pk), determined, today)
        if verdict is not None:
            group["judged"] += 1
            group["on_time"] += verdict
        if pk in first_outcome:
            group["outcomes"][first_outcome[pk]] += 1
    result = []
    for (group_agency, year), g in sorted(
        groups.items(), key=lambda item: (item[0][0] or 0, item[0][1])
    ):
        days: list[int] = g["days"]
        result.append(
            Performance(
                agency=group_agency,
                year=year,
                requests_filed=g["filed"],
                determined=g["determined"],
                judged=g["judged"],
                on_time=g["on_time"],
                median_working_days=float(statistics.median(days)) if days else None,
                p90_working_days=percentile(days, 0.9),
                appealed=g["appealed"],
                litigated=g["litigated"],
                outcomes=dict(g["outcomes"]),
            )
        )
    return result


def agency_performance(
    *,
    agency: Agency | None = None,
    jurisdiction: Any = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> list[dict[str, Any]]:
    """The agency-performance report: ``performance`` per agency and year filed, as rows.

    Per agency and year filed: requests filed; working days from receipt (or filing, when the
    receipt date is unknown) to determination, median and 90th percentile; the share answered
    on time (``Performance``); the share appealed and litigated; and the determinations (first
    determination of each request, from its timeline)."""
    requests: QuerySet[RecordsRequest] = RecordsRequest.objects.all()
    ids = agency_ids(agency)
    if ids is not None:
        requests = requests.filter(agency_id__in=ids)
    if jurisdiction is not None:
        requests = requests.filter(jurisdiction=jurisdiction)
    if year_from is not None:
        requests = requests.filter(filed_on__year__gte=year_from)
    if year_to is not None:
        requests = requests.filter(filed_on__year__lte=year_to)
    figures = performance(requests)
    names = _agency_names(p.agency for p in figures)
    figures.sort(key=lambda p: (names.get(p.agency or 0, ""), p.agency or 0, p.year))
    return [
        {
            "agency": p.agency,
            "agency_name": names.get(p.agency or 0, ""),
            "year": p.year,
            "requests_filed": p.requests_filed,
            "determined": p.determined,
            "median_working_days": p.median_working_days,
            "p90_working_days": p.p90_working_days,
            "share_on_time": p.share_on_time,
            "share_appealed": _share(p.appealed, p.requests_filed),
            "share_litigated": _share(p.litigated, p.requests_filed),
            **{f"outcome_{s.value}": p.outcomes.get(s.value, 0) for s in _OUTCOMES},
        }
        for p in figures
    ]


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
    ids = agency_ids(agency)
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
    ids = agency_ids(agency)
    if ids is not None:
        release_links = release_links.filter(release__request__agency_id__in=ids)
        document_links = document_links.filter(document__request__agency_id__in=ids)
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(
        lambda: {"releases": 0, "documents": 0}
    )
    # What each code stands for; an agency cites one jurisdiction's list, so the code says which.
    meanings: dict[tuple[int, str], tuple[str, str]] = {}
    for agency_id, code, description, citation, n in (
        release_links.values_list(
            "release__request__agency_id",
            "exemption__code",
            "exemption__description",
            "exemption__citation",
        )
        .annotate(n=Count("release_id", distinct=True))
        .order_by()
    ):
        counts[agency_id, code]["releases"] += n
        meanings[agency_id, code] = (description, citation)
    for agency_id, code, description, citation, n in (
        document_links.values_list(
            "document__request__agency_id",
            "exemption__code",
            "exemption__description",
            "exemption__citation",
        )
        .annotate(n=Count("document_id", distinct=True))
        .order_by()
    ):
        counts[agency_id, code]["documents"] += n
        meanings[agency_id, code] = (description, citation)
    names = _agency_names(agency_id for agency_id, _code in counts)
    return [
        {
            "agency": agency_id,
            "agency_name": names.get(agency_id, ""),
            "exemption": code,
            "exemption_description": meanings[agency_id, code][0],
            "exemption_citation": meanings[agency_id, code][1],
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
    ids = agency_ids(agency)
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
