"""Read API over releases and documents, document search with highlighted snippets, and each
document's original (its stored bytes, every download recorded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.urls import reverse as url_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers
from rest_framework.authentication import TokenAuthentication
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api.bounds import key_number
from api.errors import OriginalUnavailable
from api.filters import DocumentFilter, ReleaseFilter
from api.negotiation import OriginalNegotiation
from api.requests import ReadViewSet
from documents import originals, selectors, services
from documents.models import Document, Download, Exemption, Release

#: What the original's view reads of a document (its text may be megabytes).
ORIGINAL_FIELDS = [
    "id",
    "file",
    "original_name",
    "size",
    "sha256",
    "media_type",
    "kind",
    "withheld_in_full",
]


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
    original_url = serializers.SerializerMethodField(
        help_text="Where to download the document's original, its stored bytes (absolute; "
        "GET, with the same login as this call; each download is recorded); null for a "
        "document withheld in full, which has no file."
    )

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_original_url(self, document: Document) -> str | None:
        if not document.has_original:
            return None
        return reverse("document-original", args=[document.pk], request=self.context.get("request"))

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
            "original_url",
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

    @extend_schema(
        summary="Download a document's original",
        description="The stored bytes of the document, exactly as ingested (an email: the "
        "whole message as RFC 822 text, attachments included; an attachment: its decoded "
        "bytes; a file or archive member: its bytes), checked against `sha256` before they "
        "are sent. Always an attachment (`Content-Disposition`, with a safe file name; "
        "`filename*` for a name that is not ASCII), with the media type in `media_type`, "
        "`X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`. Allowed to "
        "every role that reads documents; each download is recorded (who, when, which "
        "document, through which door). 404 for a document withheld in full (no file), 410 "
        "`original_unavailable` when the stored file is missing or no longer matches its hash.",
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The original's bytes, as an attachment."
            ),
            410: OpenApiResponse(
                description="The stored file is missing, unreadable, or no longer matches the "
                "recorded SHA-256 (logged for the operators)."
            ),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="original",
        url_name="original",
        renderer_classes=[JSONRenderer],
        content_negotiation_class=OriginalNegotiation,
    )
    def original(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        document = get_object_or_404(
            self.get_queryset().prefetch_related(None).only(*ORIGINAL_FIELDS), pk=pk
        )
        self.check_object_permissions(request, document)
        if not document.has_original and document.withheld_in_full:
            raise exceptions.NotFound(
                f"Document {document.pk} was withheld in full: no file was released."
            )
        try:
            handle = originals.original_open(document)
        except originals.OriginalUnavailable as exc:
            raise OriginalUnavailable(
                f"The original of document {document.pk} cannot be handed out: its stored file "
                f"{exc}. The server's log names the file for the operators."
            ) from exc
        if request.method == "GET":  # a HEAD hands nothing out
            services.download_record(document=document, user=request.user, door=_door(request))
        return original_response(document, handle)


def _door(request: Request) -> str:
    """Which door a download came through: a token is the API; a browser session came from the
    admin or the dashboard when the page it followed the link from says so (the Referer, sent by
    browsers for same-origin links under Django's Referrer-Policy "same-origin"), else a
    browser whose page is not known."""
    if isinstance(request.successful_authenticator, TokenAuthentication):
        return Download.Door.API
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc and referer.netloc != request.get_host():
        return Download.Door.SESSION
    if referer.path.startswith(url_path("admin:index")):
        return Download.Door.ADMIN
    if referer.path.startswith(url_path("dashboard:home")):
        return Download.Door.DASHBOARD
    return Download.Door.SESSION


def original_response(document: Document, handle: BinaryIO) -> HttpResponseBase:
    """The answer carrying the original: its bytes streamed from the checked handle, or, with
    ORIGINALS_SENDFILE, no body and the header telling the web server which file to send."""
    media_type = originals.original_media_type(document)
    response: HttpResponseBase
    if settings.ORIGINALS_SENDFILE == "":
        response = FileResponse(handle, content_type=media_type)
    else:
        handle.close()
        response = HttpResponse(content_type=media_type)
        if settings.ORIGINALS_SENDFILE == "x-accel-redirect":
            # The path checked, not the name as recorded: the web server sends what was hashed.
            location = settings.ORIGINALS_INTERNAL_LOCATION + quote(
                originals.original_path(document)
                .relative_to(Path(settings.MEDIA_ROOT).resolve())
                .as_posix()
            )
            response["X-Accel-Redirect"] = location
        else:
            response["X-Sendfile"] = str(originals.original_path(document))
    response["Content-Disposition"] = originals.original_content_disposition(document)
    response["X-Content-Type-Options"] = "nosniff"
    # Opened in a browser after all (some open downloads), an HTML or SVG original runs no
    # script and reaches nothing of this site.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


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
                        **DocumentSerializer(hit.document, context={"request": request}).data,
                        "rank": hit.rank,
                        "snippet": str(hit.snippet),
                    }
                    for hit in hits
                ]
            }
        )
