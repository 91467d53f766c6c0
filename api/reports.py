"""Reports under /api/v1/reports/: the selectors in ``reports``, paged as JSON or streamed as CSV.

Each report validates its query parameters (a bad value is a 400 naming it), computes its rows,
and answers them a page at a time (``page``, ``page_size`` up to 100) or, with ``?format=csv`` or
``Accept: text/csv``, every row as CSV. Every answer says when its figures were computed:
``as_of`` in the JSON and the ``X-Report-As-Of`` header. Agency performance, releases and
exemptions are read from their precomputed snapshot (``reports.snapshots``); overdue deadlines and
the pipeline depend on today and are computed on each call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api.bounds import CodeRelatedField, KeyRelatedField
from api.csv_export import csv_response
from api.lists import ApiPagination, StrictContentNegotiation
from reports import selectors, snapshots
from requests_app.deadlines.calendars import FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR
from requests_app.models import Agency, Jurisdiction, Lawsuit
from requests_app.workflow import RequestStatus


def _agency() -> Any:
    return KeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        help_text="Agency id; a department includes its components.",
    )


def _jurisdiction() -> Any:
    return CodeRelatedField(
        slug_field="code",
        queryset=Jurisdiction.objects.all(),
        required=False,
        help_text="Jurisdiction code, e.g. US or US-MA.",
    )


def _owner() -> Any:
    return KeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, help_text="User id."
    )


def _year(help_text: str) -> Any:
    return serializers.IntegerField(
        required=False,
        min_value=FIRST_SUPPORTED_YEAR,
        max_value=LAST_SUPPORTED_YEAR,
        help_text=help_text,
    )


class OverdueParams(serializers.Serializer[Any]):
    agency = _agency()
    owner = _owner()
    jurisdiction = _jurisdiction()


class PerformanceParams(serializers.Serializer[Any]):
    agency = _agency()
    jurisdiction = _jurisdiction()
    year_from = _year("Only requests filed in this year or later.")
    year_to = _year("Only requests filed in this year or earlier.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (
            attrs.get("year_from")
            and attrs.get("year_to")
            and attrs["year_from"] > attrs["year_to"]
        ):
            raise serializers.ValidationError({"year_to": "year_to is before year_from."})
        return attrs


class ReleasesParams(serializers.Serializer[Any]):
    agency = _agency()
    lawsuit = KeyRelatedField(
        queryset=Lawsuit.objects.all(), required=False, help_text="Lawsuit id."
    )
    released_after = serializers.DateField(required=False, help_text="Released on or after.")
    released_before = serializers.DateField(required=False, help_text="Released on or before.")


class ExemptionsParams(serializers.Serializer[Any]):
    agency = _agency()


class PipelineParams(serializers.Serializer[Any]):
    agency = _agency()
    jurisdiction = _jurisdiction()
    owner = _owner()


class OverdueRow(serializers.Serializer[Any]):
    agency = serializers.IntegerField(allow_null=True, help_text="Empty for lawsuit deadlines.")
    agency_name = serializers.CharField(allow_blank=True)
    owner = serializers.IntegerField(allow_null=True)
    owner_username = serializers.CharField(allow_blank=True)
    overdue = serializers.IntegerField()
    oldest_due = serializers.DateField()


class PerformanceRow(serializers.Serializer[Any]):
    agency = serializers.IntegerField()
    agency_name = serializers.CharField()
    year = serializers.IntegerField()
    requests_filed = serializers.IntegerField()
    determined = serializers.IntegerField()
    median_working_days = serializers.FloatField(allow_null=True)
    p90_working_days = serializers.FloatField(allow_null=True)
    share_on_time = serializers.FloatField(
        allow_null=True,
        help_text="Of the requests whose response deadline has come, the share determined by "
        "it (a request still undetermined after it counts as late).",
    )
    share_appealed = serializers.FloatField(allow_null=True)
    share_litigated = serializers.FloatField(allow_null=True)
    outcome_released_in_full = serializers.IntegerField()
    outcome_partially_released = serializers.IntegerField()
    outcome_denied = serializers.IntegerField()
    outcome_no_records = serializers.IntegerField()


class ReleasesRow(serializers.Serializer[Any]):
    month = serializers.CharField(help_text="YYYY-MM")
    agency = serializers.IntegerField()
    agency_name = serializers.CharField()
    lawsuit = serializers.IntegerField(allow_null=True)
    lawsuit_caption = serializers.CharField(allow_blank=True)
    releases = serializers.IntegerField()
    documents = serializers.IntegerField()
    pages_released = serializers.IntegerField()
    pages_withheld_in_full = serializers.IntegerField()
    pages_withheld_in_part = serializers.IntegerField()


class ExemptionsRow(serializers.Serializer[Any]):
    agency = serializers.IntegerField()
    agency_name = serializers.CharField()
    exemption = serializers.CharField(help_text="The exemption's code, e.g. b5 or b7C.")
    exemption_description = serializers.CharField(
        allow_blank=True, help_text="What the exemption stands for."
    )
    exemption_citation = serializers.CharField(
        allow_blank=True, help_text="Where the law sets it out, e.g. 5 U.S.C. 552(b)(5)."
    )
    releases = serializers.IntegerField()
    documents = serializers.IntegerField()


class PipelineRow(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    requests = serializers.IntegerField()
    overdue = serializers.IntegerField()


AS_OF_HEADER = "X-Report-As-Of"


class ReportPagination(ApiPagination):
    """The list pages, plus when the figures were computed."""

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paged = super().get_paginated_response_schema(schema)
        paged["required"] = [*paged["required"], "as_of"]
        paged["properties"] = {
            "as_of": {
                "type": "string",
                "format": "date-time",
                "description": "When these figures were computed: now for reports computed on "
                "each call, the last refresh for precomputed ones.",
                "example": "2026-12-05T16:40:00Z",
            },
            **paged["properties"],
        }
        return paged


class ReportView(GenericAPIView):
    # Rows come from the selector; the queryset only tells the schema generator there is none.
    queryset = Agency.objects.none()
    pagination_class = ReportPagination
    content_negotiation_class = StrictContentNegotiation
    params_class: type[serializers.Serializer[Any]]
    row_class: type[serializers.Serializer[Any]]
    selector: Callable[..., Any]
    #: The ``reports.snapshots`` report this view reads; None for a report computed per call.
    snapshot: str | None = None
    filename: str
    #: What the report answers, for the schema and the index of reports (/api/v1/reports/).
    title: str
    description: str

    def get_serializer_class(self) -> Any:
        return self.row_class

    def get(self, request: Request) -> Any:
        params = self.params_class(data=request.query_params)
        params.is_valid(raise_exception=True)
        if self.snapshot is not None:
            as_of = snapshots.report_as_of(report=self.snapshot)
            rows = snapshots.SNAPSHOT_READERS[self.snapshot](**params.validated_data)
        else:
            as_of = timezone.now()
            rows = type(self).selector(**params.validated_data)
        stamp = as_of.isoformat().replace("+00:00", "Z")
        response: Any
        if getattr(request.accepted_renderer, "format", None) == "csv":
            response = csv_response(list(self.row_class().fields), rows, self.filename)
        else:
            response = self.get_paginated_response(self.paginate_queryset(rows))
            response.data = {"as_of": stamp, **response.data}
        response[AS_OF_HEADER] = stamp
        return response


def _report_schema(
    title: str,
    description: str,
    params: Any,
    row: Any,
    example: dict,
    precomputed: bool = False,
) -> Any:
    freshness = (
        " Precomputed: read from the last refresh (every REPORTS_REFRESH_MINUTES, ten"
        " by default), whose time"
        " is `as_of` and the `X-Report-As-Of` header."
        if precomputed
        else " Computed on each call (`as_of` is now)."
    )
    return extend_schema(
        tags=["reports"],
        summary=title,
        description=description
        + freshness
        + " Paged JSON (`page`, `page_size` ≤ 100), or every row as CSV with `?format=csv` "
        "or `Accept: text/csv`.",
        parameters=[params],
        responses={200: row(many=True)},
        examples=[OpenApiExample("A row", value=example, response_only=True)],
    )


class OverdueReportView(ReportView):
    params_class = OverdueParams
    row_class = OverdueRow
    selector = staticmethod(selectors.overdue_by_agency_and_owner)
    filename = "overdue-deadlines"
    title = "Overdue deadlines by agency and owner"
    description = (
        "Open, running deadlines past due today, counted per agency and responsible person."
    )

    @_report_schema(
        title,
        description,
        OverdueParams,
        OverdueRow,
        {
            "agency": 3,
            "agency_name": "Drug Enforcement Administration",
            "owner": 2,
            "owner_username": "lawyer",
            "overdue": 2,
            "oldest_due": "2019-02-14",
        },
    )
    def get(self, request: Request) -> Any:
        return super().get(request)


class PerformanceReportView(ReportView):
    params_class = PerformanceParams
    row_class = PerformanceRow
    selector = staticmethod(selectors.agency_performance)
    snapshot = snapshots.AGENCY_PERFORMANCE
    filename = "agency-performance"
    title = "Agency performance per agency and year"
    description = (
        "Requests filed per agency and year; median and 90th-percentile working days from "
        "receipt to determination (the jurisdiction's calendar, holidays and closure days "
        "skipped); share answered on time (of the requests whose response deadline has come, "
        "those determined by it: one still undetermined after it is late), appealed and "
        "litigated; determinations."
    )

    @_report_schema(
        title,
        description,
        PerformanceParams,
        PerformanceRow,
        {
            "agency": 3,
            "agency_name": "Drug Enforcement Administration",
            "year": 2019,
            "requests_filed": 12,
            "determined": 8,
            "median_working_days": 31.5,
            "p90_working_days": 88.0,
            "share_on_time": 0.25,
            "share_appealed": 0.3333,
            "share_litigated": 0.1667,
            "outcome_released_in_full": 1,
            "outcome_partially_released": 4,
            "outcome_denied": 2,
            "outcome_no_records": 1,
        },
        precomputed=True,
    )
    def get(self, request: Request) -> Any:
        return super().get(request)


class ReleasesReportView(ReportView):
    params_class = ReleasesParams
    row_class = ReleasesRow
    selector = staticmethod(selectors.releases_by_month)
    snapshot = snapshots.RELEASES
    filename = "releases"
    title = "Releases per month, agency and lawsuit"
    description = "Releases, documents, pages released and withheld (in full, in part)."

    @_report_schema(
        title,
        description,
        ReleasesParams,
        ReleasesRow,
        {
            "month": "2020-06",
            "agency": 3,
            "agency_name": "Drug Enforcement Administration",
            "lawsuit": 1,
            "lawsuit_caption": "ACLU v. DOJ",
            "releases": 1,
            "documents": 4,
            "pages_released": 12,
            "pages_withheld_in_full": 3,
            "pages_withheld_in_part": 2,
        },
        precomputed=True,
    )
    def get(self, request: Request) -> Any:
        return super().get(request)


class ExemptionsReportView(ReportView):
    params_class = ExemptionsParams
    row_class = ExemptionsRow
    selector = staticmethod(selectors.exemptions_by_agency)
    snapshot = snapshots.EXEMPTIONS
    filename = "exemptions"
    title = "Exemptions cited per agency"
    description = "Per agency and exemption code: releases citing it, documents it was applied to."

    @_report_schema(
        title,
        description,
        ExemptionsParams,
        ExemptionsRow,
        {
            "agency": 3,
            "agency_name": "Drug Enforcement Administration",
            "exemption": "b5",
            "exemption_description": "Privileged inter- or intra-agency memoranda (deliberative"
            " process, attorney work product, attorney-client)",
            "exemption_citation": "5 U.S.C. 552(b)(5)",
            "releases": 1,
            "documents": 2,
        },
        precomputed=True,
    )
    def get(self, request: Request) -> Any:
        return super().get(request)


class PipelineReportView(ReportView):
    params_class = PipelineParams
    row_class = PipelineRow
    selector = staticmethod(selectors.pipeline_by_status)
    filename = "pipeline"
    title = "The request pipeline by status"
    description = (
        "Requests in each status (workflow order, zeros included) and how many are overdue."
    )

    @_report_schema(
        title,
        description,
        PipelineParams,
        PipelineRow,
        {"status": "processing", "label": "Processing", "requests": 14, "overdue": 3},
    )
    def get(self, request: Request) -> Any:
        return super().get(request)


REPORTS: dict[str, type[ReportView]] = {
    "overdue-deadlines": OverdueReportView,
    "agency-performance": PerformanceReportView,
    "releases": ReleasesReportView,
    "exemptions": ExemptionsReportView,
    "pipeline": PipelineReportView,
}


class ReportEntry(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="The last part of the report's path.")
    title = serializers.CharField()
    description = serializers.CharField()
    precomputed = serializers.BooleanField(
        help_text="Read from the last refresh (every REPORTS_REFRESH_MINUTES, ten by default),"
        " not computed on each call."
    )
    url = serializers.URLField()


class ReportIndex(serializers.Serializer[Any]):
    results = ReportEntry(many=True)


class ReportIndexView(APIView):
    """Every report: its name, what it answers, and its absolute link."""

    @extend_schema(
        tags=["reports"],
        summary="The reports",
        description="Every report under /api/v1/reports/: its name, title, description, whether "
        "it is precomputed, and its absolute link.",
        responses=ReportIndex,
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "results": [
                    {
                        "name": name,
                        "title": view.title,
                        "description": view.description,
                        "precomputed": view.snapshot is not None,
                        "url": reverse(f"report-{name}", request=request),
                    }
                    for name, view in REPORTS.items()
                ]
            }
        )
