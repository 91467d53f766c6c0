"""Reads for the lawyers' dashboard: each page's data in a fixed number of queries.

Every function here returns plain data (dataclasses around model rows) fetched with its joins, so
a page runs the same number of queries whether a case has two requests or two hundred. Deadline
explanations are counted with the closure days of each jurisdiction fetched once per page, not
once per deadline.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from documents.models import Document, Release
from documents.selectors import ExemptionCitations, exemptions_cited, release_totals
from reports.selectors import Performance, performance
from requests_app.deadlines import rules
from requests_app.deadlines.selectors import (
    deadline_state,
    deadlines_due_within,
    deadlines_overdue,
    due_within_q,
    explain,
    explanation_text,
    running_q,
    working_calendars,
)
from requests_app.models import (
    Agency,
    Appeal,
    Deadline,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    TrackingNumber,
)
from requests_app.workflow import RequestStatus

Status = Deadline.Status
UPCOMING_DAYS = 14

_DEADLINE_JOINS = (
    "jurisdiction",
    "request__agency",
    "appeal__request__agency",
    "lawsuit",
    "responsible",
)


# --- Deadlines, with their state in words and their explanation ---------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline as a lawyer reads it: the date, its state in words (never colour alone), and
    how the date was worked out."""

    deadline: Deadline
    state: str  # the state's key, for its colour (``DeadlineState.key``)
    state_text: str
    explanation: str
    #: The counting behind a computed date (None for a date a court set).
    counting: rules.Explanation | None = None

    @property
    def weekend_days_skipped(self) -> int:
        if self.counting is None:
            return 0
        return sum(1 for day in self.counting.skipped if day.kind == "weekend")

    @property
    def holidays_skipped(self) -> list[Any]:
        """The named non-working days the count passed over (holidays, closure days)."""
        if self.counting is None:
            return []
        return [day for day in self.counting.skipped if day.kind != "weekend"]

    @property
    def record(self) -> RecordsRequest | Appeal | Lawsuit:
        return self.deadline.owner_record

    @property
    def request(self) -> RecordsRequest | None:
        d = self.deadline
        if d.request_id:
            return d.request
        return d.appeal.request if d.appeal_id and d.appeal else None


def deadline_rows(deadlines: Iterable[Deadline], today: datetime.date) -> list[DeadlineRow]:
    """Rows for deadlines fetched with `jurisdiction` joined; one query for all closure days."""
    deadlines = list(deadlines)
    calendars = working_calendars(
        {d.jurisdiction.code for d in deadlines if d.jurisdiction_id and d.jurisdiction}
    )
    rows = []
    for d in deadlines:
        code = d.jurisdiction.code if d.jurisdiction_id and d.jurisdiction else ""
        state, words = deadline_state(d, today)
        cal = calendars.get(code)
        rows.append(DeadlineRow(d, state, words, explanation_text(d, cal), explain(d, cal)))
    return rows


def _deadlines() -> QuerySet[Deadline]:
    return Deadline.objects.select_related(*_DEADLINE_JOINS)


# --- "Mine": what a person answers for ----------------------------------------------------------


def requests_mine_q(user: Any, prefix: str = "") -> Q:
    """Requests the person owns or is assigned to, as a condition (``prefix`` reaches the request
    through a relation). A subquery, so the many-to-many join never repeats a row."""
    mine = RecordsRequest.objects.filter(Q(owner=user) | Q(assigned_staff=user)).values("pk")
    return Q(**{f"{prefix}pk__in": mine})


def lawsuits_mine_q(user: Any, prefix: str = "") -> Q:
    """Lawsuits on which the person is counsel, as a condition (a subquery, no repeated rows)."""
    return Q(**{f"{prefix}pk__in": Lawsuit.objects.filter(counsel=user).values("pk")})


def deadlines_mine_q(user: Any) -> Q:
    """Deadlines the person answers for: those they are responsible for, and every deadline of a
    request they own or are assigned to (its appeals' too) and of a lawsuit they are counsel on."""
    return (
        Q(responsible=user)
        | requests_mine_q(user, "request__")
        | requests_mine_q(user, "appeal__request__")
        | lawsuits_mine_q(user, "lawsuit__")
    )


def week_end(today: datetime.date) -> datetime.date:
    """The last day of the organisation's week containing ``today``: weeks run Monday to Sunday
    (ISO 8601), so on a Sunday the week ends that day."""
    return today + datetime.timedelta(days=6 - today.weekday())


def deadlines_this_week(
    *, today: datetime.date, user: Any = None, limit: int = 50
) -> tuple[list[DeadlineRow], int]:
    """Open, running deadlines due from ``today`` through the Sunday ending its week (due-within
    as ``requests_app.deadlines.selectors`` defines it), the person's only when ``user`` is given;
    with the total when more than ``limit`` fall due."""
    week = Deadline.objects.filter(due_within_q((week_end(today) - today).days, today=today))
    if user is not None:
        week = week.filter(deadlines_mine_q(user))
    shown = list(_deadlines().filter(pk__in=week.values("pk")).order_by("due_on", "pk")[:limit])
    total = week.count() if len(shown) == limit else len(shown)
    return deadline_rows(shown, today), total


# --- Home ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LawsuitLine:
    lawsuit: Lawsuit
    next_deadline: DeadlineRow | None
    requests: int


@dataclass(frozen=True)
class HomeOverview:
    today: datetime.date
    overdue: list[DeadlineRow]
    upcoming: list[DeadlineRow]
    lawsuits: list[LawsuitLine]
    releases: list[Any]  # documents.Release rows, annotated with `document_count`
    overdue_total: int
    upcoming_total: int
    #: Due from today through Sunday (``week_end``), and how many in all.
    this_week: list[DeadlineRow] = field(default_factory=list)
    this_week_total: int = 0
    week_end: datetime.date | None = None
    #: Only what the person answers for (``deadlines_mine_q``), or everyone's.
    mine: bool = False


def _lawsuit_next_deadlines(
    lawsuits: Sequence[Lawsuit], today: datetime.date
) -> dict[int, DeadlineRow]:
    """The earliest open, running deadline of each lawsuit: its own, or of a request (or appeal)
    it covers. Two queries whatever the number of lawsuits."""
    ids = [s.pk for s in lawsuits]
    covered: dict[int, set[int]] = defaultdict(set)  # request id → lawsuit ids
    for lawsuit_id, request_id in Lawsuit.requests.through.objects.filter(
        lawsuit_id__in=ids
    ).values_list("lawsuit_id", "recordsrequest_id"):
        covered[request_id].add(lawsuit_id)
    candidates = (
        _deadlines()
        .filter(running_q())
        .filter(
            Q(lawsuit_id__in=ids)
            | Q(request_id__in=list(covered))
            | Q(appeal__request_id__in=list(covered))
        )
        .order_by("due_on", "pk")
    )
    best: dict[int, Deadline] = {}
    for d in candidates:
        if d.lawsuit_id:
            owners = {d.lawsuit_id}
        else:
            request_id = d.request_id or (d.appeal.request_id if d.appeal else 0)
            owners = covered.get(request_id or 0, set())
        for owner in owners:
            best.setdefault(owner, d)  # ordered by date: the first one is the next
    rows = deadline_rows(best.values(), today)
    by_pk = {row.deadline.pk: row for row in rows}
    return {owner: by_pk[d.pk] for owner, d in best.items()}


def home_overview(*, today: datetime.date, limit: int = 50, user: Any = None) -> HomeOverview:
    """Overdue deadlines, this week's, the next 14 days, open lawsuits with their next deadline,
    and the releases received most recently; with ``user``, only what that person answers for
    (``deadlines_mine_q``: the lawsuits they are counsel on, the releases of their requests and
    lawsuits)."""

    overdue_qs = deadlines_overdue(today)
    upcoming_qs = deadlines_due_within(today, UPCOMING_DAYS)
    lawsuit_qs = Lawsuit.objects.exclude(status__in=Lawsuit.FINISHED)
    release_qs = Release.objects.all()
    if user is not None:
        overdue_qs = overdue_qs.filter(deadlines_mine_q(user))
        upcoming_qs = upcoming_qs.filter(deadlines_mine_q(user))
        lawsuit_qs = lawsuit_qs.filter(lawsuits_mine_q(user))
        release_qs = release_qs.filter(
            requests_mine_q(user, "request__") | lawsuits_mine_q(user, "lawsuit__")
        )
    overdue = list(_deadlines().filter(pk__in=overdue_qs).order_by("due_on", "pk")[:limit])
    upcoming = list(_deadlines().filter(pk__in=upcoming_qs).order_by("due_on", "pk")[:limit])
    this_week, this_week_total = deadlines_this_week(today=today, user=user, limit=limit)
    lawsuits = list(
        lawsuit_qs.annotate(request_count=Count("requests", distinct=True)).order_by(
            "-filed_on", "-pk"
        )
    )
    next_deadlines = _lawsuit_next_deadlines(lawsuits, today)
    releases = list(
        release_qs.select_related("request__agency__parent", "lawsuit")
        .annotate(document_count=Count("documents"))
        .order_by(F("received_on").desc(nulls_last=True), "-released_on", "-pk")[:10]
    )
    rows = deadline_rows([*overdue, *upcoming], today)
    return HomeOverview(
        today=today,
        overdue=rows[: len(overdue)],
        upcoming=rows[len(overdue) :],
        lawsuits=[LawsuitLine(s, next_deadlines.get(s.pk), s.request_count) for s in lawsuits],
        releases=releases,
        overdue_total=overdue_qs.count() if len(overdue) == limit else len(overdue),
        upcoming_total=upcoming_qs.count() if len(upcoming) == limit else len(upcoming),
        this_week=this_week,
        this_week_total=this_week_total,
        week_end=week_end(today),
        mine=user is not None,
    )


# --- Timelines ----------------------------------------------------------------------------------


#: The ``deadline_state`` keys of a deadline still owed and not yet overdue.
AHEAD_STATES = frozenset({"today", "soon", "upcoming", "paused"})


@dataclass(frozen=True)
class TimelineEntry:
    """One dated line of a timeline: something that happened, or a deadline past or future."""

    on: datetime.date
    kind: str  # event, deadline, release, court
    title: str
    detail: str = ""
    request: RecordsRequest | None = None
    deadline: DeadlineRow | None = None
    future: bool = False


def _timeline(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    order = {"court": 0, "event": 1, "release": 2, "deadline": 3}
    return sorted(entries, key=lambda e: (e.on, order.get(e.kind, 9)))


def _event_entries(events: Iterable[RequestEvent], today: datetime.date) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            on=e.occurred_on,
            kind="event",
            title=str(e.get_kind_display()),
            detail=e.text,
            request=e.request,
            future=e.occurred_on > today,
        )
        for e in events
    ]


def _deadline_entries(rows: Iterable[DeadlineRow], today: datetime.date) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            on=row.deadline.due_on,
            kind="deadline",
            title=row.deadline.label,
            detail=row.state_text,
            request=row.request,
            deadline=row,
            # Ahead only while it is still owed: a deadline met early is due later but done.
            future=row.state in AHEAD_STATES,
        )
        for row in rows
        if row.deadline.status != Status.SUPERSEDED
    ]


def _release_entries(releases: Iterable[Any], today: datetime.date) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            on=r.released_on,
            kind="release",
            title=f"Production: {r.pages_released} pages released, "
            f"{r.pages_withheld_in_full} withheld in full, "
            f"{r.pages_withheld_in_part} in part",
            detail=r.description,
            request=r.request,
            future=r.released_on > today,
        )
        for r in releases
    ]


# --- A lawsuit ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductionBar:
    release: Any
    released: int
    withheld_in_full: int
    withheld_in_part: int


@dataclass
class LawsuitOverview:
    lawsuit: Lawsuit
    requests: list[RecordsRequest]
    deadlines: list[DeadlineRow]
    upcoming: list[DeadlineRow]
    timeline: list[TimelineEntry]
    releases: list[Any]
    totals: Any  # documents.selectors.ReleaseTotals
    #: Cited in the releases and documents of the requests covered, under this suit or not.
    exemptions_cited: list[ExemptionCitations] = field(default_factory=list)
    plaintiffs: list[str] = field(default_factory=list)


def _requests_with_joins() -> QuerySet[RecordsRequest]:
    return RecordsRequest.objects.select_related(
        "agency__parent", "jurisdiction", "owner"
    ).prefetch_related(
        Prefetch("tracking_numbers", queryset=TrackingNumber.objects.order_by("-assigned_on"))
    )


def lawsuit_overview(*, lawsuit: Lawsuit, today: datetime.date) -> LawsuitOverview:
    """Everything the lawsuit page shows: the requests it covers with their status, every
    deadline of the suit and of those requests and their appeals, the timeline, the productions
    with their totals."""

    requests = list(_requests_with_joins().filter(lawsuits=lawsuit).order_by("agency__name", "pk"))
    ids = [r.pk for r in requests]
    deadlines = deadline_rows(
        _deadlines()
        .filter(Q(lawsuit=lawsuit) | Q(request_id__in=ids) | Q(appeal__request_id__in=ids))
        .exclude(status=Status.SUPERSEDED)
        .order_by("due_on", "pk"),
        today,
    )
    events = RequestEvent.objects.filter(request_id__in=ids).select_related("request__agency")
    releases = list(
        Release.objects.filter(lawsuit=lawsuit)
        .select_related("request__agency__parent")
        .prefetch_related("exemptions")
        .annotate(document_count=Count("documents"))
        .order_by("released_on", "pk")
    )
    court = []
    if lawsuit.filed_on:
        court.append(TimelineEntry(lawsuit.filed_on, "court", "Complaint filed", lawsuit.court))
    if lawsuit.served_on:
        court.append(TimelineEntry(lawsuit.served_on, "court", "Complaint served"))
    timeline = _timeline(
        court
        + _event_entries(events, today)
        + _deadline_entries(deadlines, today)
        + _release_entries(releases, today)
    )
    return LawsuitOverview(
        lawsuit=lawsuit,
        requests=requests,
        deadlines=deadlines,
        upcoming=[
            row
            for row in deadlines
            if row.deadline.status == Status.OPEN and row.deadline.due_on >= today
        ],
        timeline=timeline,
        releases=releases,
        totals=release_totals(Release.objects.filter(lawsuit=lawsuit)),
        exemptions_cited=exemptions_cited(request_ids=ids),
        plaintiffs=[line.strip() for line in lawsuit.plaintiffs.splitlines() if line.strip()],
    )


def lawsuit_for_dashboard(pk: int) -> Lawsuit | None:
    return (
        Lawsuit.objects.prefetch_related("counsel", "defendant_agencies__parent")
        .filter(pk=pk)
        .first()
    )


# --- A request ----------------------------------------------------------------------------------


@dataclass
class RequestOverview:
    request: RecordsRequest
    deadlines: list[DeadlineRow]
    timeline: list[TimelineEntry]
    appeals: list[tuple[Appeal, list[DeadlineRow]]]
    releases: list[Any]
    documents: list[Any]
    document_total: int
    totals: Any


def request_for_dashboard(pk: int) -> RecordsRequest | None:
    return (
        _requests_with_joins()
        .prefetch_related("lawsuits", "topics", "assigned_staff")
        .filter(pk=pk)
        .first()
    )


def request_overview(
    *, request: RecordsRequest, today: datetime.date, document_limit: int = 100
) -> RequestOverview:

    all_rows = deadline_rows(
        _deadlines()
        .filter(Q(request=request) | Q(appeal__request=request))
        .order_by("due_on", "pk"),
        today,
    )
    appeals = list(Appeal.objects.filter(request=request).order_by("filed_on", "pk"))
    by_appeal: dict[int, list[DeadlineRow]] = defaultdict(list)
    for row in all_rows:
        if row.deadline.appeal_id:
            by_appeal[row.deadline.appeal_id].append(row)
    events = RequestEvent.objects.filter(request=request).select_related("request")
    releases = list(
        Release.objects.filter(request=request)
        .select_related("lawsuit")
        .prefetch_related("exemptions")
        .annotate(document_count=Count("documents"))
        .order_by("released_on", "pk")
    )
    documents = Document.objects.filter(request=request)
    listed = list(
        documents.select_related("release")
        .prefetch_related("exemptions")
        .order_by("release__released_on", "sent_at", "pk")[:document_limit]
    )
    return RequestOverview(
        request=request,
        deadlines=[row for row in all_rows if not row.deadline.appeal_id],
        timeline=_timeline(
            _event_entries(events, today)
            + _deadline_entries(all_rows, today)
            + _release_entries(releases, today)
        ),
        appeals=[(a, by_appeal.get(a.pk, [])) for a in appeals],
        releases=releases,
        documents=listed,
        document_total=documents.count() if len(listed) == document_limit else len(listed),
        totals=release_totals(Release.objects.filter(request=request)),
    )


# --- The requests list --------------------------------------------------------------------------

#: Requests shown per page of the list.
REQUESTS_PER_PAGE = 50


@dataclass(frozen=True)
class RequestLine:
    """One request in the list: the request (agency, owner and lawsuits joined) and its next open,
    running deadline, its own or an appeal's (None when nothing is running)."""

    request: RecordsRequest
    next_deadline: DeadlineRow | None


@dataclass
class RequestList:
    lines: list[RequestLine]
    page: Page[Any]
    #: The people who own at least one request, for the owner filter: (id, name).
    owners: list[tuple[int, str]]


def _next_running_deadline(field_name: str) -> Subquery:
    running = (
        Deadline.objects.filter(running_q())
        .filter(Q(request_id=OuterRef("pk")) | Q(appeal__request_id=OuterRef("pk")))
        .order_by("due_on", "pk")
    )
    return Subquery(running.values(field_name)[:1])


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def request_list(
    *,
    today: datetime.date,
    status: str = "",
    owner_id: int | None = None,
    user: Any = None,
    in_litigation: bool | None = None,
    page: int = 1,
) -> RequestList:
    """Requests, those whose next deadline comes soonest first (overdue ones at the top), then
    those with nothing running, most recently filed first. Filtered by ``status``, by owner, to
    the person's own (``requests_mine_q``) when ``user`` is given, and to those a lawsuit covers
    (``in_litigation`` True) or that none covers (False). A fixed number of queries per page:
    the next deadline is found by a subquery, then fetched for the page in one go."""
    requests = RecordsRequest.objects.annotate(
        next_due_on=_next_running_deadline("due_on"),
        next_deadline_id=_next_running_deadline("pk"),
    )
    if status:
        requests = requests.filter(status=status)
    if owner_id is not None:
        requests = requests.filter(owner_id=owner_id)
    if user is not None:
        requests = requests.filter(requests_mine_q(user))
    if in_litigation is not None:
        litigated = Q(pk__in=Lawsuit.requests.through.objects.values("recordsrequest_id"))
        requests = requests.filter(litigated if in_litigation else ~litigated)
    ordered = (
        requests.select_related("agency__parent", "owner")
        .prefetch_related("lawsuits")
        .order_by(
            F("next_due_on").asc(nulls_last=True),
            F("filed_on").desc(nulls_last=True),
            "-pk",
        )
    )
    shown = Paginator(ordered, REQUESTS_PER_PAGE).get_page(page)
    records: list[Any] = list(shown.object_list)  # annotated with next_deadline_id
    next_ids = [r.next_deadline_id for r in records if r.next_deadline_id]
    rows = deadline_rows(_deadlines().filter(pk__in=next_ids), today) if next_ids else []
    by_pk = {row.deadline.pk: row for row in rows}
    owners = (
        get_user_model()
        .objects.filter(pk__in=RecordsRequest.objects.values("owner_id"))
        .order_by("last_name", "first_name", "username")
    )
    return RequestList(
        lines=[RequestLine(r, by_pk.get(r.next_deadline_id)) for r in records],
        page=shown,
        owners=[(u.pk, _person(u)) for u in owners],
    )


def request_statuses() -> list[tuple[str, str]]:
    """The statuses a request may have, (value, words), for the status filter."""
    return [(str(value), str(label)) for value, label in RequestStatus.choices]


# --- An agency ----------------------------------------------------------------------------------


@dataclass
class AgencyOverview:
    agency: Agency
    components: list[Agency]
    requests: list[RecordsRequest]
    #: Per year filed, the agency and its components together: the agency-performance report's
    #: figures (``reports.selectors.Performance``), computed the same way.
    years: list[Performance]


def agency_overview(*, agency: Agency, today: datetime.date) -> AgencyOverview:
    """The requests to an agency (and its components) and its record per year."""
    components = list(Agency.objects.filter(parent=agency).order_by("name"))
    own = Q(agency=agency) | Q(agency__parent=agency)
    requests = list(_requests_with_joins().filter(own).order_by("-received_on", "-filed_on", "-pk"))
    return AgencyOverview(
        agency=agency,
        components=components,
        requests=requests,
        years=performance(RecordsRequest.objects.filter(own), per_agency=False, today=today),
    )


# --- The calendar -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    day: datetime.date
    in_month: bool
    deadlines: list[DeadlineRow]
    is_today: bool


def month_calendar(*, year: int, month: int, today: datetime.date) -> list[list[CalendarDay]]:
    """Weeks of a month, Monday first as the organisation's weeks run (``week_end``), each day
    with the deadlines due on it (superseded ones left out: they are history, not
    obligations)."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    rows = deadline_rows(
        _deadlines()
        .filter(due_on__gte=first, due_on__lte=last)
        .exclude(status=Status.SUPERSEDED)
        .order_by("due_on", "pk"),
        today,
    )
    by_day: dict[datetime.date, list[DeadlineRow]] = defaultdict(list)
    for row in rows:
        by_day[row.deadline.due_on].append(row)
    return [
        [CalendarDay(day, day.month == month, by_day.get(day, []), day == today) for day in week]
        for week in weeks
    ]
