"""The API's serializers: read serializers present rows; write serializers only parse input for
the services, which do the writing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from api.bounds import CodeRelatedField
from reminders.models import Reminder
from requests_app.deadlines.selectors import is_overdue
from requests_app.models import (
    Agency,
    Appeal,
    Deadline,
    District,
    Jurisdiction,
    Lawsuit,
    ProcessingChoice,
    RecordsRequest,
    RequestEvent,
    RequestKind,
    Topic,
    TrackingNumber,
)
from requests_app.workflow import DETERMINED, RequestStatus


class JurisdictionSerializer(serializers.ModelSerializer[Jurisdiction]):
    class Meta:
        model = Jurisdiction
        fields = ["id", "code", "name", "level", "law_name", "law_citation"]


class AgencySerializer(serializers.ModelSerializer[Agency]):
    jurisdiction: serializers.SlugRelatedField[Jurisdiction] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "abbreviation",
            "parent",
            "jurisdiction",
            "foia_email",
            "request_url",
            "mailing_address",
            "phone",
            "website",
        ]


class TrackingNumberSerializer(serializers.ModelSerializer[TrackingNumber]):
    class Meta:
        model = TrackingNumber
        fields = ["number", "agency", "assigned_on", "note"]


class RequestEventSerializer(serializers.ModelSerializer[RequestEvent]):
    from_status = serializers.CharField(
        read_only=True, help_text="For a status change: the status before (else empty)."
    )
    to_status = serializers.CharField(
        read_only=True, help_text="For a status change: the status after (else empty)."
    )

    class Meta:
        model = RequestEvent
        fields = ["id", "kind", "occurred_on", "direction", "text", "from_status", "to_status"]


class ReminderSerializer(serializers.ModelSerializer[Reminder]):
    recipient: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Reminder
        fields = [
            "id",
            "deadline",
            "recipient",
            "reason",
            "scheduled_for",
            "due_on",
            "business_days_before",
            "state",
            "attempts",
            "next_attempt_at",
            "last_error",
            "sent_at",
            "message_id",
            "digest",
        ]


class AppealSerializer(serializers.ModelSerializer[Appeal]):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "request",
            "filed_on",
            "received_on",
            "decided_on",
            "outcome",
            "tracking_number",
        ]


class RecordsRequestSerializer(serializers.ModelSerializer[RecordsRequest]):
    jurisdiction: serializers.SlugRelatedField[Jurisdiction] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    owner: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    topics: serializers.StringRelatedField[Any] = serializers.StringRelatedField(many=True)
    tracking_numbers = TrackingNumberSerializer(many=True, read_only=True)
    events = RequestEventSerializer(many=True, read_only=True)
    request_kind_label = serializers.CharField(
        source="get_request_kind_display",
        read_only=True,
        help_text="The kind of request in words.",
    )

    class Meta:
        model = RecordsRequest
        fields = [
            "id",
            "title",
            "records_sought",
            "jurisdiction",
            "agency",
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
            "tracking_numbers",
            "events",
            "request_kind",
            "request_kind_label",
        ]


class LawsuitSerializer(serializers.ModelSerializer[Lawsuit]):
    counsel: serializers.StringRelatedField[Any] = serializers.StringRelatedField(many=True)
    district_label = serializers.CharField(
        source="get_district_display",
        read_only=True,
        help_text='The district as cited ("D. Mass."); empty when none is recorded.',
    )

    class Meta:
        model = Lawsuit
        fields = [
            "id",
            "caption",
            "court",
            "docket_number",
            "filed_on",
            "served_on",
            "status",
            "plaintiffs",
            "defendant_agencies",
            "requests",
            "counsel",
            "judge",
            "outcome",
            "district",
            "district_label",
        ]


# --- The reporting API ---------------------------------------------------------------------------


class AgencyComponentSerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["id", "name", "abbreviation"]


class AgencyDetailSerializer(AgencySerializer):
    components = AgencyComponentSerializer(many=True, read_only=True)

    class Meta(AgencySerializer.Meta):
        fields = [*AgencySerializer.Meta.fields, "components"]


class DeadlineSerializer(serializers.ModelSerializer[Deadline]):
    jurisdiction: serializers.SlugRelatedField[Jurisdiction] = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Whose calendar counts it; empty for a date a court set.",
    )
    overdue = serializers.SerializerMethodField(
        help_text="Open, running and past due today (derived, never stored)."
    )
    estimated = serializers.SerializerMethodField(
        help_text="Estimated: receipt not confirmed. Counted from the filing date until the "
        "agency's receipt is recorded, which replaces it; no statutory clock runs yet and no "
        "reminders are sent for it (source: estimate)."
    )

    class Meta:
        model = Deadline
        fields = [
            "id",
            "label",
            "due_on",
            "status",
            "overdue",
            "source",
            "estimated",
            "jurisdiction",
            "rule",
            "citation",
            "court_order",
            "request",
            "appeal",
            "lawsuit",
            "responsible",
            "met_on",
            "paused_on",
            "days_left",
            "superseded_by",
            "note",
        ]

    def get_overdue(self, deadline: Deadline) -> bool:
        return is_overdue(deadline, self.context.get("today"))

    def get_estimated(self, deadline: Deadline) -> bool:
        return deadline.source == Deadline.Source.ESTIMATE


class RecordsRequestDetailSerializer(RecordsRequestSerializer):
    owner_id = serializers.IntegerField(read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    deadlines = DeadlineSerializer(many=True, read_only=True)
    lawsuits: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    releases: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(RecordsRequestSerializer.Meta):
        fields = [
            *RecordsRequestSerializer.Meta.fields,
            "owner_id",
            "agency_name",
            "deadlines",
            "lawsuits",
            "releases",
        ]


class RecordsRequestWriteSerializer(serializers.Serializer[Any]):
    """What staff send to log or edit a request; the services do the rest."""

    title = serializers.CharField(max_length=300)
    records_sought = serializers.CharField()
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    jurisdiction = CodeRelatedField(
        slug_field="code",
        queryset=Jurisdiction.objects.all(),
        required=False,
        help_text="The law; defaults to the agency's jurisdiction.",
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(),
        required=False,
        help_text="User id; defaults to the caller.",
    )
    status = serializers.ChoiceField(
        choices=RequestStatus.choices,
        required=False,
        help_text="On create: draft (default) or submitted. On update: a move the workflow "
        "allows, else 409; in_litigation only for a request a lawsuit covers (add it to the "
        "lawsuit instead).",
    )
    filed_on = serializers.DateField(required=False, allow_null=True)
    received_on = serializers.DateField(required=False, allow_null=True)
    acknowledged_on = serializers.DateField(required=False, allow_null=True)
    determined_on = serializers.DateField(required=False, allow_null=True)
    expedited_processing = serializers.ChoiceField(choices=ProcessingChoice.choices, required=False)
    request_kind = serializers.ChoiceField(
        choices=RequestKind.choices,
        required=False,
        help_text="standard (default), commercial or recurrent: where the law gives such a "
        "request its own time limit (Illinois: 5 ILCS 140/3.1, 3.2). Another law's request "
        "can only be standard (a 400 naming request_kind).",
    )
    fee_waiver = serializers.ChoiceField(choices=ProcessingChoice.choices, required=False)
    fees_estimated = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )
    fees_paid = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )
    topics = CodeRelatedField(
        slug_field="name", queryset=Topic.objects.all(), many=True, required=False
    )
    assigned_staff = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), many=True, required=False
    )

    def validate_status(self, value: str) -> str:
        if self.instance is None and value not in (RequestStatus.DRAFT, RequestStatus.SUBMITTED):
            raise serializers.ValidationError(
                "A new request starts as draft or submitted; later states follow from events."
            )
        return value


EVENT_KINDS_LOGGED = (
    RequestEvent.Kind.SENT,
    RequestEvent.Kind.ACKNOWLEDGED,
    RequestEvent.Kind.TRACKING_NUMBER,
    RequestEvent.Kind.CLARIFICATION_REQUESTED,
    RequestEvent.Kind.CLARIFICATION_ANSWERED,
    RequestEvent.Kind.FEE_NOTICE,
    RequestEvent.Kind.EXTENSION_NOTICE,
    RequestEvent.Kind.DETERMINATION,
    RequestEvent.Kind.STATUS_CHANGED,
    RequestEvent.Kind.NOTE,
)


class RequestEventWriteSerializer(serializers.Serializer[Any]):
    """One event staff log on a request; each kind goes through its service."""

    kind = serializers.ChoiceField(
        choices=[(k.value, k.label) for k in EVENT_KINDS_LOGGED],
        help_text="sent (submits a draft), acknowledged, tracking_number, "
        "clarification_requested / fee_notice (stop the clock), clarification_answered "
        "(restarts it), extension_notice, determination (needs outcome), status_changed "
        "(needs to_status), note (needs text).",
    )
    occurred_on = serializers.DateField()
    text = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(
        choices=sorted((s.value, s.label) for s in DETERMINED),
        required=False,
        help_text="For a determination.",
    )
    to_status = serializers.ChoiceField(
        choices=RequestStatus.choices, required=False, help_text="For status_changed."
    )
    number = serializers.CharField(
        required=False, max_length=100, help_text="For tracking_number (or with acknowledged)."
    )
    late_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="For an extension_notice dated after the deadline it extends, and only then: "
        "why the late notice is accepted (5 U.S.C. 552(a)(6)(B)(i) asks for written notice "
        "before the time limit expires). Without it such a notice is a 400 naming late_reason; "
        "with it the extension is recorded and the reason written into the timeline entry. "
        "An extension notice dated after today is a 400 naming occurred_on.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs["kind"]
        if kind == RequestEvent.Kind.DETERMINATION and not attrs.get("outcome"):
            raise serializers.ValidationError({"outcome": "A determination needs its outcome."})
        if kind == RequestEvent.Kind.STATUS_CHANGED and not attrs.get("to_status"):
            raise serializers.ValidationError({"to_status": "Say which status to move to."})
        if kind == RequestEvent.Kind.TRACKING_NUMBER and not attrs.get("number", "").strip():
            raise serializers.ValidationError({"number": "A tracking number cannot be blank."})
        return attrs


class LawsuitWriteSerializer(serializers.Serializer[Any]):
    caption = serializers.CharField(max_length=300)
    court = serializers.CharField(max_length=200)
    plaintiffs = serializers.CharField(help_text="One per line.")
    filed_on = serializers.DateField()
    defendant_agencies = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), many=True, allow_empty=False
    )
    requests = serializers.PrimaryKeyRelatedField(
        queryset=RecordsRequest.objects.all(), many=True, required=False
    )
    docket_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    served_on = serializers.DateField(required=False, allow_null=True)
    counsel = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), many=True, required=False
    )
    judge = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(
        choices=Lawsuit.Status.choices, required=False, help_text="On update only."
    )
    outcome = serializers.CharField(required=False, allow_blank=True, help_text="On update only.")
    district = serializers.ChoiceField(
        choices=District.choices,
        required=False,
        allow_blank=True,
        help_text="The federal district (PACER id, e.g. mad for D. Mass.): its state's legal "
        "holidays move a last day too (FRCP 6(a)(6)(C)). Empty: federal holidays only. "
        "Changing it recounts the suit's open computed deadlines.",
    )


class CourtDeadlineWriteSerializer(serializers.Serializer[Any]):
    """A date a court set on a lawsuit; kept as ordered, never recounted."""

    lawsuit = serializers.PrimaryKeyRelatedField(queryset=Lawsuit.objects.all())
    # "label" is also an attribute of DRF fields; as a declared field it works at run time.
    label = serializers.CharField(max_length=200)  # type: ignore[assignment]
    due_on = serializers.DateField()
    court_order = serializers.CharField(
        max_length=200, help_text="The order that sets it, e.g. ECF No. 12 (2019-11-20)."
    )
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True
    )


class DeadlineMarkSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=[("met", "Met"), ("waived", "Waived")])
    on = serializers.DateField(required=False, help_text="The day it was met (for met).")
    note = serializers.CharField(required=False, allow_blank=True, default="")
