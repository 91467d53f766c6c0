"""Precomputed reports: snapshot tables recomputed by a refresh and read by the reports API.

Three reports aggregate every request, release and document ever logged; at 200,000 requests
and 1,000,000 documents their live SQL alone takes 0.8 to 1.6 s. They are computed by a refresh
(Celery beat, `manage.py refresh_reports`) into these tables and read from them; each answer
says when its figures were computed. Plain columns named as the report's row keys, no foreign
keys: a snapshot is a copy of figures, replaced whole by the next refresh.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class ReportRefresh(models.Model):
    """When a precomputed report was last computed. Its row lock serialises refreshes."""

    report = models.CharField(max_length=40, unique=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0, help_text=_("How long the last refresh took."))
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.report} as of {self.refreshed_at}"


class AgencyYearPerformance(models.Model):
    """One row of the agency-performance report: an agency and a year filed."""

    position = models.PositiveIntegerField(help_text=_("The report's order (agency name, year)."))
    agency = models.IntegerField()
    agency_name = models.CharField(max_length=300)
    jurisdiction = models.CharField(max_length=10, help_text=_("The agency's jurisdiction code."))
    year = models.PositiveSmallIntegerField()
    requests_filed = models.PositiveIntegerField()
    determined = models.PositiveIntegerField()
    median_working_days = models.FloatField(null=True)
    p90_working_days = models.FloatField(null=True)
    share_on_time = models.FloatField(null=True)
    share_appealed = models.FloatField(null=True)
    share_litigated = models.FloatField(null=True)
    outcome_released_in_full = models.PositiveIntegerField()
    outcome_partially_released = models.PositiveIntegerField()
    outcome_denied = models.PositiveIntegerField()
    outcome_no_records = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["position"]), models.Index(fields=["agency", "year"])]

    def __str__(self) -> str:
        return f"{self.agency_name}, {self.year}"


class ReleaseDayTotals(models.Model):
    """Releases of one day, agency and lawsuit (none outside litigation), with their documents
    and pages: what the releases report adds up when it is asked for a date range."""

    released_on = models.DateField()
    month = models.CharField(max_length=7, help_text="YYYY-MM")
    agency = models.IntegerField()
    agency_name = models.CharField(max_length=300)
    lawsuit = models.IntegerField(null=True)
    lawsuit_caption = models.CharField(max_length=300, blank=True)
    release_count = models.PositiveIntegerField()
    document_count = models.PositiveIntegerField()
    pages_released_total = models.PositiveIntegerField()
    pages_withheld_in_full_total = models.PositiveIntegerField()
    pages_withheld_in_part_total = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["released_on"])]

    def __str__(self) -> str:
        return f"{self.agency_name}, {self.released_on}"


class ReleaseMonthTotals(models.Model):
    """One row of the releases report: a month, agency and lawsuit (the day rows added up)."""

    month = models.CharField(max_length=7, help_text="YYYY-MM")
    agency = models.IntegerField()
    agency_name = models.CharField(max_length=300)
    lawsuit = models.IntegerField(null=True)
    lawsuit_caption = models.CharField(max_length=300, blank=True)
    releases = models.PositiveIntegerField()
    documents = models.PositiveIntegerField()
    pages_released = models.PositiveIntegerField()
    pages_withheld_in_full = models.PositiveIntegerField()
    pages_withheld_in_part = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(F("month").desc(), "agency", "lawsuit", name="release_month_report_order"),
            models.Index(fields=["lawsuit"]),
        ]

    def __str__(self) -> str:
        return f"{self.agency_name}, {self.month}"


class ExemptionCitationTotals(models.Model):
    """One row of the exemptions report: an agency and an exemption code."""

    position = models.PositiveIntegerField(help_text=_("The report's order (agency name, code)."))
    agency = models.IntegerField()
    agency_name = models.CharField(max_length=300)
    exemption = models.CharField(max_length=20)
    exemption_description = models.CharField(max_length=300, blank=True)
    exemption_citation = models.CharField(max_length=200, blank=True)
    releases = models.PositiveIntegerField()
    documents = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["position"]), models.Index(fields=["agency"])]

    def __str__(self) -> str:
        return f"{self.agency_name}, {self.exemption}"
