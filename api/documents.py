"""Read API over releases and documents, and document search with highlighted snippets."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.bounds import key_number
from api.filters import DocumentFilter, ReleaseFilter
from api.requests import ReadViewSet
from documents import selectors
from documents.models import Document, Exemption, Release


class ExemptionMeaningSerializer(serializers.ModelSerializer[Exemption]):
    """An exemption with what it stands for: "b7" and "b7C" differ by one letter."""

    class Meta:
        model = Exemption
        fields = ["code", "description", "citation"]
        read_only_fields = fields


class ReleaseSerializer(serializers.ModelSerializer[Release]):
    exemptions: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    exemption_meanings = ExemptionMeaningSerializer(
        source="exemptions",
        many=True,
        read_only=True,
        help_text="The exemptions cited, as in `exemptions`, each with its description and "
        "citation.",
    )

    class Meta:
        model = Release
        fields = [
            "id",
            "request",
            "lawsuit",
            "released_on",
            "received_on",
            "records_from",
            "records_to",
            "description",
            "pages_released",
            "pages_withheld_in_full",
            "pages_withheld_in_part",
            "bates_prefix",
            "bates_start",
            "bates_end",
            "exemptions",
            "exemption_meanings",
            "ingestion",
            "files_total",
            "files_done",
            "errors",
        ]


class DocumentSerializer(serializers.ModelSerializer[Document]):
    exemptions: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    exemption_meanings = ExemptionMeaningSerializer(
        source="exemptions",
        many=True,
        read_only=True,
        help_text="The exemptions cited, as in `exemptions`, each with its description and "
        "citation.",
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "release",
            "request",
            "parent",
            "original_name",
            "size",
            "sha256",
            "media_type",
            "kind",
            "page_count",
            "sender",
            "recipients",
            "cc",
            "sent_at",
            "subject",
            "message_id",
            "in_reply_to",
            "bates_number",
            "exemptions",
            "exemption_meanings",
            "redacted",
            "withheld_in_full",
            "pages_withheld",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="List releases (productions)",
        description="Filters: request, lawsuit, agency (with its components), jurisdiction, "
        "owner, released / received date ranges, exemption cited.",
    ),
    retrieve=extend_schema(summary="One release"),
)
class ReleaseViewSet(ReadViewSet):
    serializer_class = ReleaseSerializer
    queryset = selectors.release_list()
    filterset_class = ReleaseFilter
    search_fields = ["description", "bates_prefix"]
    ordering_fields = ["released_on", "received_on", "pages_released", "id"]
    csv_filename = "releases"


@extend_schema_view(
    list=extend_schema(
        summary="List documents",
        description="Filters: release, request, lawsuit, agency, kind, withheld_in_full, "
        "redacted, sent / released date ranges, exemption applied. Full-text search is "
        "/api/v1/documents/search/.",
    ),
    retrieve=extend_schema(summary="One document"),
)
class DocumentViewSet(ReadViewSet):
    serializer_class = DocumentSerializer
    queryset = selectors.document_list()
    filterset_class = DocumentFilter
    search_fields = ["subject", "sender", "original_name", "bates_number"]
    ordering_fields = ["sent_at", "bates_number", "size", "id"]
    csv_filename = "documents"


class SearchParams(serializers.Serializer[Any]):
    q = serializers.CharField(required=True, allow_blank=False, max_length=500)
    release = key_number(required=False)
    request = key_number(required=False)
    lawsuit = key_number(required=False)
    sender = serializers.CharField(required=False, max_length=200)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    exemption = serializers.CharField(required=False, max_length=20)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class SearchHitSerializer(DocumentSerializer):
    rank = serializers.FloatField(help_text="Relevance (PostgreSQL ts_rank; 1.0 on SQLite).")
    snippet = serializers.CharField(
        help_text="A fragment of the text with each match wrapped in <mark>; all else escaped."
    )

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "rank", "snippet"]


class SearchResultsSerializer(serializers.Serializer[Any]):
    results = SearchHitSerializer(many=True)


class DocumentSearchView(APIView):
    @extend_schema(
        parameters=[SearchParams],
        responses=SearchResultsSerializer,
        description="Full-text search over text, subject, sender and recipients, best first, "
        "each hit with a snippet in which matches are wrapped in <mark> (all else escaped).",
    )
    def get(self, request: Request) -> Response:
        params = SearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        hits = selectors.document_search(
            query=data["q"],
            limit=data["limit"],
            release_id=data.get("release"),
            request_id=data.get("request"),
            lawsuit_id=data.get("lawsuit"),
            sender=data.get("sender", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            exemption=data.get("exemption", ""),
        )
        return Response(
            {
                "results": [
                    {
                        **DocumentSerializer(hit.document).data,
                        "rank": hit.rank,
                        "snippet": str(hit.snippet),
                    }
                    for hit in hits
                ]
            }
        )
