"""Precomputed reports: agency performance, releases, exemptions.

These three reports add up every request, release and document the organisation ever logged; at
200,000 requests and 1,000,000 documents their live SQL alone takes 0.8 to 1.6 s, too slow to answer
per call. So a refresh computes them (with the live selectors in ``reports``) into snapshot
tables, and the API reads the snapshot, saying when its figures were computed (``as_of``).

- Refresh: ``report_refresh(report=...)`` replaces one report's rows in a single transaction while
  holding that report's ``ReportRefresh`` row lock, so readers see the old figures or the new,
  never a mix, and two refreshes (beat and the command, say) run one after the other. Celery beat
  runs ``reports_refresh`` every ``REPORTS_REFRESH_MINUTES`` (``foiatracker/celery.py``);
  ``manage.py refresh_reports`` does the same by hand; ``seed_demo`` and ``generate_data``
  refresh after loading.
- First read: a report never computed in this database is computed inline by the call that
  asks for it, so a fresh install never answers with nothing.
- Without a broker (no ``REDIS_URL``, as under ``make run`` on a laptop) there is no beat, so a
  read that finds a report older than ``REPORTS_REFRESH_MINUTES`` refreshes it first, and its
  ``as_of`` is that refresh's time. A read, not each write, pays for it: a write touching
  many requests (an import, a release of thousands of documents) would otherwise recompute the
  reports many times over, and a report nobody reads is never recomputed. With a broker, beat
  refreshes on the same period and a read never does.
- Filters read the same rows the live report would have produced: every filter of these reports
  selects whole groups (an agency and its components, a jurisdiction, years filed, a lawsuit), and
  the releases report's date range is answered from per-day totals added up per month.

The overdue-deadlines and pipeline reports depend on today's date and stay live.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from documents.models import Document, Release
from reports import selectors
from reports.models import (
    AgencyYearPerformance,
    ExemptionCitationTotals,
    ReleaseDayTotals,
    ReleaseMonthTotals,
    ReportRefresh,
)
from requests_app.models import Agency, Lawsuit, RecordsRequest

AGENCY_PERFORMANCE = "agency-performance"
RELEASES = "releases"
EXEMPTIONS = "exemptions"

PERFORMANCE_KEYS = (
    "agency",
    "agency_name",
    "year",
    "requests_filed",
    "determined",
    "median_working_days",
    "p90_working_days",
    "share_on_time",
    "share_appealed",
    "share_litigated",
    "outcome_released_in_full",
    "outcome_partially_released",
    "outcome_denied",
    "outcome_no_records",
)
RELEASE_KEYS = (
    "month",
    "agency",
    "agency_name",
    "lawsuit",
    "lawsuit_caption",
    "releases",
    "documents",
    "pages_released",
    "pages_withheld_in_full",
    "pages_withheld_in_part",
)
EXEMPTION_KEYS = (
    "agency",
    "agency_name",
    "exemption",
    "exemption_description",
    "exemption_citation",
    "releases",
    "documents",
)
RELEASE_ORDER = ("-month", "agency", "lawsuit")
BATCH = 2000


# --- Refresh ----------------------------------------------------------------------------------


def _refresh_agency_performance() -> int:
    rows = selectors.agency_performance()
    codes = dict(Agency.objects.values_list("pk", "jurisdiction__code"))
    AgencyYearPerformance.objects.all().delete()
    AgencyYearPerformance.objects.bulk_create(
        [
            AgencyYearPerformance(position=i, jurisdiction=codes.get(row["agency"], ""), **row)
            for i, row in enumerate(rows)
        ],
        batch_size=BATCH,
    )
    return len(rows)


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'YYYY-MM')"
    return f"strftime('%Y-%m', {column})"


def _refresh_releases() -> int:
    """Per-day totals in one INSERT … SELECT (113,000 groups at the large preset: building them
    in Python would cost more than the query), then the month rows from the day rows."""
    day, month = ReleaseDayTotals._meta.db_table, ReleaseMonthTotals._meta.db_table
    release, document = Release._meta.db_table, Document._meta.db_table
    request, agency = RecordsRequest._meta.db_table, Agency._meta.db_table
    lawsuit = Lawsuit._meta.db_table
    ReleaseMonthTotals.objects.all().delete()
    ReleaseDayTotals.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {day} (released_on, month, agency, agency_name, lawsuit, lawsuit_caption,
                release_count, document_count, pages_released_total,
                pages_withheld_in_full_total, pages_withheld_in_part_total)
            SELECT r.released_on, {_month_sql("r.released_on")}, q.agency_id, a.name,
                r.lawsuit_id, COALESCE(l.caption, ''), COUNT(*), COALESCE(SUM(d.n), 0),
                SUM(r.pages_released), SUM(r.pages_withheld_in_full),
                SUM(r.pages_withheld_in_part)
            FROM {release} r
            JOIN {request} q ON q.id = r.request_id
            JOIN {agency} a ON a.id = q.agency_id
            LEFT JOIN {lawsuit} l ON l.id = r.lawsuit_id
            LEFT JOIN (
                SELECT release_id, COUNT(*) AS n FROM {document} GROUP BY release_id
            ) d ON d.release_id = r.id
            GROUP BY r.released_on, q.agency_id, a.name, r.lawsuit_id, l.caption
            """
        )
        cursor.execute(
            f"""
            INSERT INTO {month} (month, agency, agency_name, lawsuit, lawsuit_caption, releases,
                documents, pages_released, pages_withheld_in_full, pages_withheld_in_part)
            SELECT month, agency, agency_name, lawsuit, lawsuit_caption, SUM(release_count),
                SUM(document_count), SUM(pages_released_total),
                SUM(pages_withheld_in_full_total), SUM(pages_withheld_in_part_total)
            FROM {day}
            GROUP BY month, agency, agency_name, lawsuit, lawsuit_caption
            """
        )
        return max(cursor.rowcount, 0)


def _refresh_exemptions() -> int:
    rows = selectors.exemptions_by_agency()
    ExemptionCitationTotals.objects.all().delete()
    ExemptionCitationTotals.objects.bulk_create(
        [ExemptionCitationTotals(position=i, **row) for i, row in enumerate(rows)],
        batch_size=BATCH,
    )
    return len(rows)


REFRESHERS: dict[str, Callable[[], int]] = {
    AGENCY_PERFORMANCE: _refresh_agency_performance,
    RELEASES: _refresh_releases,
    EXEMPTIONS: _refresh_exemptions,
}


def report_refresh(*, report: str) -> ReportRefresh:
    """Recompute one report's snapshot, replacing its rows whole. The figures are as of the
    moment the refresh took the lock (what it reads is committed by then)."""
    if report not in REFRESHERS:
        raise ValueError(f"Unknown precomputed report {report!r}; known: {', '.join(REFRESHERS)}.")
    with transaction.atomic():
        ReportRefresh.objects.get_or_create(report=report)
        state = ReportRefresh.objects.select_for_update().get(report=report)
        started_at, started = timezone.now(), time.perf_counter()
        state.rows = REFRESHERS[report]()
        state.refreshed_at = started_at
        state.seconds = round(time.perf_counter() - started, 3)
        state.save()
    return state


def reports_refresh() -> list[ReportRefresh]:
    """Every precomputed report, each in its own transaction (one report's lock at a time)."""
    return [report_refresh(report=report) for report in REFRESHERS]


def refreshed_by_beat() -> bool:
    """Whether Celery beat refreshes the reports: only with a broker (``REDIS_URL``)."""
    return bool(settings.REDIS_URL)


def _due(refreshed_at: datetime.datetime | None) -> bool:
    """Whether a read must compute the report before answering: never computed, or (with no
    beat to do it) older than the refresh period."""
    if refreshed_at is None:
        return True
    if refreshed_by_beat():
        return False
    period = datetime.timedelta(minutes=settings.REPORTS_REFRESH_MINUTES)
    return timezone.now() - refreshed_at >= period


def report_as_of(*, report: str) -> datetime.datetime:
    """When the report's figures were computed. A report never computed is computed now, and so,
    without a broker, is one older than ``REPORTS_REFRESH_MINUTES``."""
    refreshed_at = (
        ReportRefresh.objects.filter(report=report).values_list("refreshed_at", flat=True).first()
    )
    if _due(refreshed_at):
        with transaction.atomic():
            ReportRefresh.objects.get_or_create(report=report)
            locked = ReportRefresh.objects.select_for_update().get(report=report)
            # Another call may have refreshed it while this one waited for the lock.
            refreshed_at = locked.refreshed_at
        if _due(refreshed_at):
            refreshed_at = report_refresh(report=report).refreshed_at
    assert refreshed_at is not None
    return refreshed_at


# --- Reads (the API's selectors for these reports) ---------------------------------------------


def agency_performance(
    *,
    agency: Agency | None = None,
    jurisdiction: Any = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> QuerySet[Any]:
    """``selectors.agency_performance`` with the same filters, from the snapshot."""
    rows = AgencyYearPerformance.objects.all()
    ids = selectors.agency_ids(agency)
    if ids is not None:
        rows = rows.filter(agency__in=ids)
    if jurisdiction is not None:
        rows = rows.filter(jurisdiction=jurisdiction.code)
    if year_from is not None:
        rows = rows.filter(year__gte=year_from)
    if year_to is not None:
        rows = rows.filter(year__lte=year_to)
    return rows.order_by("position").values(*PERFORMANCE_KEYS)


def releases_by_month(
    *,
    agency: Agency | None = None,
    lawsuit: Lawsuit | None = None,
    released_after: datetime.date | None = None,
    released_before: datetime.date | None = None,
) -> QuerySet[Any]:
    """``selectors.releases_by_month`` with the same filters, from the snapshot: the month rows,
    or, for a date range, the day rows inside it added up per month."""
    rows: QuerySet[Any]
    if released_after is None and released_before is None:
        rows = ReleaseMonthTotals.objects.all()
    else:
        rows = ReleaseDayTotals.objects.all()
        if released_after is not None:
            rows = rows.filter(released_on__gte=released_after)
        if released_before is not None:
            rows = rows.filter(released_on__lte=released_before)
    ids = selectors.agency_ids(agency)
    if ids is not None:
        rows = rows.filter(agency__in=ids)
    if lawsuit is not None:
        rows = rows.filter(lawsuit=lawsuit.pk)
    if rows.model is ReleaseMonthTotals:
        return rows.order_by(*RELEASE_ORDER).values(*RELEASE_KEYS)
    return (
        rows.values("month", "agency", "agency_name", "lawsuit", "lawsuit_caption")
        .annotate(
            releases=Sum("release_count"),
            documents=Sum("document_count"),
            pages_released=Sum("pages_released_total"),
            pages_withheld_in_full=Sum("pages_withheld_in_full_total"),
            pages_withheld_in_part=Sum("pages_withheld_in_part_total"),
        )
        .order_by(*RELEASE_ORDER)
    )


def exemptions_by_agency(*, agency: Agency | None = None) -> QuerySet[Any]:
    """``selectors.exemptions_by_agency`` with the same filter, from the snapshot."""
    rows = ExemptionCitationTotals.objects.all()
    ids = selectors.agency_ids(agency)
    if ids is not None:
        rows = rows.filter(agency__in=ids)
    return rows.order_by("position").values(*EXEMPTION_KEYS)


#: The live computations the snapshots copy (for the refresh's benchmark and tests).
LIVE_REPORTS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    AGENCY_PERFORMANCE: selectors.agency_performance,
    RELEASES: selectors.releases_by_month,
    EXEMPTIONS: selectors.exemptions_by_agency,
}

SNAPSHOT_READERS: dict[str, Callable[..., QuerySet[Any]]] = {
    AGENCY_PERFORMANCE: agency_performance,
    RELEASES: releases_by_month,
    EXEMPTIONS: exemptions_by_agency,
}
