"""The tracker's REST API under /api/v1/: thin views over selectors (reads) and services (writes).

Who may do what is ``read_roles`` / ``write_roles`` on each view (``api.access.RolePermission``;
the matrix is in the README). Lists share pagination, filters, ordering and CSV
(``api.lists.ListApiMixin``). Writes never touch a model directly: staff log and edit requests
and their events through ``services``, lawyers file and edit lawsuits and add court-ordered
deadlines through the services of ``requests_app``; a move the workflow forbids is a 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import rows
from api.filters import (
    AgencyFilter,
    AppealFilter,
    DeadlineFilter,
    JurisdictionFilter,
    LawsuitFilter,
    RecordsRequestFilter,
    ReminderFilter,
)
from api.lists import ListApiMixin
from api.serializers import (
    AgencyDetailSerializer,
    AppealSerializer,
    CourtDeadlineWriteSerializer,
    DeadlineMarkSerializer,
    DeadlineSerializer,
    JurisdictionSerializer,
    LawsuitSerializer,
    LawsuitWriteSerializer,
    RecordsRequestDetailSerializer,
    RecordsRequestWriteSerializer,
    ReminderSerializer,
    RequestEventWriteSerializer,
)
from core.roles import LAWYER, STAFF
from core.today import organisation_today
from requests_app import services
from requests_app.deadlines import hooks
from requests_app.deadlines.court import court_deadline_add
from requests_app.models import Deadline, Lawsuit, RecordsRequest, RequestEvent

Kind = RequestEvent.Kind


def _actor(request: Request) -> Any:
    """The caller, for the timeline and the history (every write needs a role, so a login)."""
    return request.user


class ReadViewSet(ListApiMixin, viewsets.ReadOnlyModelViewSet):
    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": organisation_today()}


@extend_schema_view(
    list=extend_schema(summary="List jurisdictions", description="Whose records law applies."),
    retrieve=extend_schema(summary="One jurisdiction"),
)
class JurisdictionViewSet(ReadViewSet):
    serializer_class = JurisdictionSerializer
    queryset = rows.jurisdiction_list()
    row_selector = staticmethod(rows.jurisdiction_rows)
    filterset_class = JurisdictionFilter
    search_fields = ["code", "name", "law_name"]
    ordering_fields = ["code", "name", "level"]
    csv_filename = "jurisdictions"


@extend_schema_view(
    list=extend_schema(
        summary="List agencies",
        description="Agencies and their components (a department lists its components).",
    ),
    retrieve=extend_schema(summary="One agency, with its components"),
)
class AgencyViewSet(ReadViewSet):
    serializer_class = AgencyDetailSerializer
    queryset = rows.agency_list()
    row_selector = staticmethod(rows.agency_rows)
    filterset_class = AgencyFilter
    search_fields = ["name", "abbreviation"]
    ordering_fields = ["name", "abbreviation", "id"]
    csv_filename = "agencies"


REQUEST_EXAMPLE = {
    "title": "DEA records on face recognition",
    "records_sought": "All records about the DEA's use of face recognition technology.",
    "agency": 3,
    "status": "submitted",
    "filed_on": "2019-01-16",
    "received_on": "2019-01-16",
    "topics": ["face recognition"],
}


@extend_schema_view(
    list=extend_schema(
        summary="List records requests",
        description="Each request with its timeline, tracking numbers and deadlines. Filters: "
        "status, agency (with its components), jurisdiction, owner, lawsuit, topic, filed / "
        "received / due date ranges, overdue, due_within, has_release; search over the title, "
        "the records sought and tracking numbers.",
    ),
    retrieve=extend_schema(summary="One records request"),
    create=extend_schema(
        summary="Log a request (staff)",
        request=RecordsRequestWriteSerializer,
        responses={201: RecordsRequestDetailSerializer},
        examples=[OpenApiExample("A federal request", value=REQUEST_EXAMPLE, request_only=True)],
    ),
    partial_update=extend_schema(
        summary="Edit a request (staff)",
        description="Changes dates, owner, fees, topics; a `status` is a move through the "
        "workflow (409 with the allowed moves if it is not one). `in_litigation` is refused "
        "(409) for a request no lawsuit covers: add the request to a lawsuit instead "
        "(`requests` of POST /api/v1/lawsuits/ or PATCH /api/v1/lawsuits/{id}/).",
        request=RecordsRequestWriteSerializer,
        responses={200: RecordsRequestDetailSerializer},
    ),
)
class RecordsRequestViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ReadViewSet,
):
    serializer_class = RecordsRequestDetailSerializer
    queryset = rows.request_list()
    row_selector = staticmethod(rows.request_rows)
    filterset_class = RecordsRequestFilter
    search_fields = ["title", "records_sought", "tracking_numbers__number"]
    ordering_fields = ["filed_on", "received_on", "determined_on", "status", "title", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_roles = (STAFF,)
    csv_filename = "requests"
    csv_columns = (
        "id",
        "title",
        "jurisdiction",
        "agency",
        "agency_name",
        "owner",
        "status",
        "filed_on",
        "received_on",
        "acknowledged_on",
        "determined_on",
        "closed_on",
        "expedited_processing",
        "fee_waiver",
        "fees_estimated",
        "fees_paid",
        "topics",
        "lawsuits",
        "releases",
    )

    def _output(self, request_obj: RecordsRequest, code: int) -> Response:
        fresh = self.get_queryset().get(pk=request_obj.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RecordsRequestWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        agency = values.pop("agency")
        jurisdiction = values.pop("jurisdiction", None)
        created = services.request_create(
            title=values.pop("title"),
            records_sought=values.pop("records_sought"),
            agency=agency,
            owner=values.pop("owner", None) or _actor(request),
            jurisdiction_id=jurisdiction.pk if jurisdiction else None,
            topics=values.pop("topics", []),
            assigned_staff=values.pop("assigned_staff", []),
            received_on=values.pop("received_on", None),
            by=_actor(request),
            **values,
        )
        return self._output(created, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        data = RecordsRequestWriteSerializer(instance, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "agency" in values or "jurisdiction" in values:
            raise ValidationError(
                {
                    name: "The agency and the law of a logged request cannot change; "
                    "log a new request (a referral) instead."
                    for name in ("agency", "jurisdiction")
                    if name in values
                }
            )
        to_status = values.pop("status", None)
        topics = values.pop("topics", None)
        staff = values.pop("assigned_staff", None)
        services.request_update(
            request=instance,
            changes=values,
            topics=topics,
            assigned_staff=staff,
            to_status=to_status,
            by=_actor(request),
        )
        return self._output(instance, status.HTTP_200_OK)

    @extend_schema(
        summary="Log an event on a request (staff)",
        description="Each kind goes through the same service as the admin: a clarification "
        "request or fee notice stops the clock, the answer restarts it, an extension moves the "
        "due date, a determination meets the response deadline, status_changed moves the "
        "request through the workflow (409 if the move is not allowed). An extension notice "
        "cannot be dated after today (400 naming occurred_on); one dated after the deadline it "
        "extends came too late (5 U.S.C. 552(a)(6)(B)(i): written notice before the time limit "
        "expires) and is recorded only with `late_reason` (else 400 naming late_reason).",
        request=RequestEventWriteSerializer,
        responses={201: RecordsRequestDetailSerializer},
        examples=[
            OpenApiExample(
                "Extension notice",
                value={"kind": "extension_notice", "occurred_on": "2019-02-10", "text": ""},
                request_only=True,
            ),
            OpenApiExample(
                "Late extension notice, accepted",
                value={
                    "kind": "extension_notice",
                    "occurred_on": "2019-02-20",
                    "text": "Unusual circumstances: records at a field office.",
                    "late_reason": "Counsel would rather wait ten more working days than sue now.",
                },
                request_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"], url_path="events")
    def log_event(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        data = RequestEventWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        kind, on, text, by = v["kind"], v["occurred_on"], v.get("text", ""), _actor(request)
        late_reason = v.get("late_reason", "")
        services.late_reason_check(kind=kind, late_reason=late_reason)
        if kind == Kind.SENT:
            services.request_submit(request=record, filed_on=on, by=by)
        elif kind == Kind.ACKNOWLEDGED:
            services.request_acknowledge(
                request=record, acknowledged_on=on, tracking_number=v.get("number", ""), by=by
            )
        elif kind == Kind.TRACKING_NUMBER:
            services.tracking_number_assign(
                request=record, number=v["number"], assigned_on=on, note=text, by=by
            )
        elif kind == Kind.DETERMINATION:
            services.request_record_determination(
                request=record, outcome=v["outcome"], determined_on=on, text=text, by=by
            )
        elif kind == Kind.STATUS_CHANGED:
            services.request_transition(
                request=record, to_status=v["to_status"], on=on, text=text, by=by
            )
        elif kind == Kind.NOTE:
            services.request_log_note(request=record, on=on, text=text, by=by)
        else:
            services.request_log_letter(
                request=record, kind=kind, on=on, text=text, late_reason=late_reason, by=by
            )
        return self._output(record, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List administrative appeals"),
    retrieve=extend_schema(summary="One appeal"),
)
class AppealViewSet(ReadViewSet):
    serializer_class = AppealSerializer
    queryset = rows.appeal_list()
    row_selector = staticmethod(rows.appeal_rows)
    filterset_class = AppealFilter
    search_fields = ["tracking_number", "request__title"]
    ordering_fields = ["filed_on", "received_on", "decided_on", "id"]
    csv_filename = "appeals"


@extend_schema_view(
    list=extend_schema(
        summary="List reminders",
        description="The reminder outbox: one row per deadline, person, reason and day, with its "
        "delivery state (queued, sending, sent, failed, cancelled), attempts and last error.",
    ),
    retrieve=extend_schema(summary="One reminder"),
)
class ReminderViewSet(ReadViewSet):
    serializer_class = ReminderSerializer
    queryset = rows.reminder_list()
    filterset_class = ReminderFilter
    search_fields = ["message_id", "last_error"]
    ordering_fields = ["scheduled_for", "sent_at", "id"]
    csv_filename = "reminders"


LAWSUIT_EXAMPLE = {
    "caption": "ACLU v. DOJ",
    "court": "U.S. District Court for the District of Massachusetts",
    "plaintiffs": "American Civil Liberties Union\nACLU of Massachusetts",
    "filed_on": "2019-10-31",
    "defendant_agencies": [1, 2, 3],
    "requests": [4, 5],
    "docket_number": "1:19-cv-12242",
}


@extend_schema_view(
    list=extend_schema(summary="List lawsuits"),
    retrieve=extend_schema(summary="One lawsuit"),
    create=extend_schema(
        summary="File a lawsuit (lawyers)",
        description="Each covered request moves into litigation; a service date starts the "
        "answer deadline (5 U.S.C. 552(a)(4)(C)).",
        request=LawsuitWriteSerializer,
        responses={201: LawsuitSerializer},
        examples=[OpenApiExample("FOIA suit", value=LAWSUIT_EXAMPLE, request_only=True)],
    ),
    partial_update=extend_schema(
        summary="Edit a lawsuit (lawyers)",
        description="A service date starts or recounts the answer deadline; added requests move "
        "into litigation; a settled, decided, dismissed or closed case waives open deadlines.",
        request=LawsuitWriteSerializer,
        responses={200: LawsuitSerializer},
    ),
)
class LawsuitViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadViewSet):
    serializer_class = LawsuitSerializer
    queryset = rows.lawsuit_list()
    row_selector = staticmethod(rows.lawsuit_rows)
    filterset_class = LawsuitFilter
    search_fields = ["caption", "docket_number", "court"]
    ordering_fields = ["filed_on", "served_on", "caption", "status", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_roles = (LAWYER,)
    csv_filename = "lawsuits"

    def _output(self, lawsuit: Lawsuit, code: int) -> Response:
        fresh = self.get_queryset().get(pk=lawsuit.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = LawsuitWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("status", None)
        values.pop("outcome", None)
        lawsuit = services.lawsuit_file(by=_actor(request), **values)
        return self._output(lawsuit, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        lawsuit = self.get_object()
        data = LawsuitWriteSerializer(lawsuit, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "filed_on" in values or "defendant_agencies" in values:
            raise ValidationError(
                {
                    name: "Change this in the admin, where the history of the case is kept."
                    for name in ("filed_on", "defendant_agencies")
                    if name in values
                }
            )
        updated = services.lawsuit_update(
            lawsuit=lawsuit,
            served_on=values.pop("served_on", None),
            add_requests=values.pop("requests", []),
            counsel=values.pop("counsel", None),
            changes=values,
            by=_actor(request),
        )
        return self._output(updated, status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(
        summary="List deadlines",
        description="Every deadline of requests, appeals and lawsuits, soonest first. "
        "`overdue` is derived from today's date in the organisation's time zone.",
    ),
    retrieve=extend_schema(summary="One deadline"),
    create=extend_schema(
        summary="Add a court-ordered deadline (lawyers)",
        description="A date a court set on a lawsuit, kept as ordered (never recounted).",
        request=CourtDeadlineWriteSerializer,
        responses={201: DeadlineSerializer},
        examples=[
            OpenApiExample(
                "Answer due",
                value={
                    "lawsuit": 1,
                    "label": "Answer due",
                    "due_on": "2019-12-30",
                    "court_order": "ECF No. 12 (2019-11-20)",
                },
                request_only=True,
            )
        ],
    ),
)
class DeadlineViewSet(mixins.CreateModelMixin, ReadViewSet):
    serializer_class = DeadlineSerializer
    queryset = rows.deadline_list()
    row_selector = staticmethod(rows.deadline_rows)
    filterset_class = DeadlineFilter
    search_fields = ["label", "citation", "court_order"]
    ordering_fields = ["due_on", "status", "label", "id"]
    write_roles = (LAWYER,)
    csv_filename = "deadlines"

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CourtDeadlineWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deadline = court_deadline_add(**data.validated_data)
        return Response(self.get_serializer(deadline).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Mark a deadline met or waived (lawyers)",
        request=DeadlineMarkSerializer,
        responses={200: DeadlineSerializer},
    )
    @action(detail=True, methods=["post"])
    def mark(self, request: Request, pk: str | None = None) -> Response:
        deadline: Deadline = self.get_object()
        data = DeadlineMarkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = hooks.deadline_mark(deadline=deadline, **data.validated_data)
        fresh = self.get_queryset().get(pk=marked.pk)
        return Response(self.get_serializer(fresh).data)
