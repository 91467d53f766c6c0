"""Read serializers for the API. Writes go through services (issue 6 extends this)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .models import (
    Agency,
    Appeal,
    Jurisdiction,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    TrackingNumber,
)


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
    class Meta:
        model = RequestEvent
        fields = ["id", "kind", "occurred_on", "direction", "text", "from_status", "to_status"]


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
        ]


class LawsuitSerializer(serializers.ModelSerializer[Lawsuit]):
    counsel: serializers.StringRelatedField[Any] = serializers.StringRelatedField(many=True)

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
        ]
