"""Reads over releases and documents: full-text search, totals, the Vaughn index."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.paging import SEARCH_MAX_RESULTS
from documents.exemptions import exemption_code
from documents.models import Document, Exemption, Release

# Markers that cannot occur in text (control characters): ts_headline marks matches with them,
# the text is escaped, then they become <mark> tags. Document text is never trusted as HTML.
_START, _STOP = "\x02", "\x03"
_HEADLINE_OPTIONS = f"StartSel={_START}, StopSel={_STOP}, MaxWords=30, MinWords=12, MaxFragments=2"
#: How many matches are ranked (PostgreSQL): the newest ones. Ranking reads each match's whole
#: tsvector, and a common word matches most of the table (446 ms p95 at 100,000 documents when
#: every match was ranked); the newest N are found through the GIN index or by walking the
#: `document_newest_first` index, and only they are ranked. A query with fewer matches is ranked
#: in full, as before; a page beyond the window ranks a window as deep as the page.
SEARCH_RANK_WINDOW = 500


@dataclass(frozen=True)
class SearchHit:
    document: Document
    rank: float
    snippet: SafeString


def _marked(text: str) -> SafeString:
    html = escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filtered(
    *,
    release_id: int | None = None,
    request_id: int | None = None,
    lawsuit_id: int | None = None,
    sender: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    exemption: str = "",
) -> QuerySet[Document]:
    documents = Document.objects.select_related("release", "request").prefetch_related("exemptions")
    if release_id is not None:
        documents = documents.filter(release_id=release_id)
    if request_id is not None:
        documents = documents.filter(request_id=request_id)
    if lawsuit_id is not None:
        documents = documents.filter(release__lawsuit_id=lawsuit_id)
    if sender:
        documents = documents.filter(sender__icontains=sender)
    # Days in the organisation's time zone, as bounds on sent_at itself (`sent_at__date` would
    # convert every row's timestamp, and no index could serve it).
    if date_from is not None:
        documents = documents.filter(sent_at__gte=_start_of(date_from))
    if date_to is not None:
        documents = documents.filter(sent_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    if exemption:
        # EXISTS rather than a join and DISTINCT: the query stays one row per document, so it
        # can be a subquery of the ranked search.
        documents = documents.filter(
            Exists(
                Document.exemptions.through.objects.filter(
                    document_id=OuterRef("pk"), exemption__code__iexact=exemption_code(exemption)
                )
            )
        )
    return documents


def document_search(
    *, query: str, limit: int = 50, offset: int = 0, **filters: Any
) -> list[SearchHit]:
    """Documents matching `query` (words, "quoted phrases", -excluded, or), best first, each with
    a highlighted snippet; no deeper than ``core.paging.SEARCH_MAX_RESULTS`` (ValueError past
    it: one more is allowed, to tell whether another page follows). PostgreSQL uses the
    GIN-indexed tsvector and ranks the newest `SEARCH_RANK_WINDOW` matches (all of them when
    there are fewer); SQLite matches the same columns word by word, newest first."""
    if offset + limit > SEARCH_MAX_RESULTS + 1:
        # The doors check the page first (core.paging); this keeps a new door from paging deep.
        raise ValueError(f"A search reads at most {SEARCH_MAX_RESULTS} matches (and one more).")
    documents = _filtered(**filters)
    query = query.strip()
    if not query:
        page = documents.order_by("-sent_at", "pk")[offset : offset + limit]
        return [SearchHit(d, 0.0, _marked(d.text[:240])) for d in page]
    if connection.vendor == "postgresql":
        return _search_postgres(documents, query, limit, offset)
    return _search_fallback(documents, query, limit, offset)


def document_matches(documents: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Narrow a queryset to the documents matching `query` (for the admin's search box)."""
    if connection.vendor == "postgresql":
        return documents.filter(
            RawSQL(
                "documents_document.search @@ websearch_to_tsquery('english', %s)",
                [query],
                output_field=BooleanField(),
            )
        )
    for word in [w for w in _WORD.findall(query.lower()) if len(w) > 1][:10]:
        documents = documents.filter(
            Q(subject__icontains=word)
            | Q(sender__icontains=word)
            | Q(recipients__icontains=word)
            | Q(cc__icontains=word)
            | Q(text__icontains=word)
        )
    return documents


def snippet_for(document: Document, query: str) -> SafeString:
    """A highlighted fragment of one document around the query's words (computed in Python)."""
    words = [w for w in _WORD.findall(query.lower()) if len(w) > 1][:10]
    return _snippet(document.text or document.subject, words)


def _search_postgres(
    documents: QuerySet[Document], query: str, limit: int, offset: int
) -> list[SearchHit]:
    tsquery = "websearch_to_tsquery('english', %s)"
    # Unqualified `search`: in a subquery Django renames the table (U0), and a qualified name
    # would point at the outer query's row instead.
    newest = (
        documents.filter(RawSQL(f"search @@ {tsquery}", [query], output_field=BooleanField()))
        .order_by(F("sent_at").desc(nulls_last=True), F("pk").desc())
        .values("pk")[: max(SEARCH_RANK_WINDOW, offset + limit)]
    )
    matches = _filtered().filter(pk__in=Subquery(newest))
    matches = matches.annotate(
        rank=RawSQL(f"ts_rank(documents_document.search, {tsquery})", [query], FloatField())
    )
    page = list(
        matches.order_by("-rank", "-sent_at", "pk")[offset : offset + limit].annotate(
            headline=RawSQL(
                "ts_headline('english', left(coalesce(documents_document.text, ''), 200000) "
                f"|| ' ' || coalesce(documents_document.subject, ''), {tsquery}, %s)",
                [query, _HEADLINE_OPTIONS],
                output_field=TextField(),
            )
        )
    )
    return [SearchHit(d, d.rank, _marked(d.headline)) for d in page]


_WORD = re.compile(r"\w+", re.UNICODE)


def _search_fallback(
    documents: QuerySet[Document], query: str, limit: int, offset: int
) -> list[SearchHit]:
    words = [w for w in _WORD.findall(query.lower()) if len(w) > 1][:10]
    page = document_matches(documents, query).order_by("-sent_at", "pk")[offset : offset + limit]
    return [SearchHit(d, 1.0, _snippet(d.text or d.subject, words)) for d in page]


def _snippet(text: str, words: list[str], width: int = 120) -> SafeString:
    lower = text.lower()
    positions = [lower.find(w) for w in words if lower.find(w) >= 0]
    start = max(0, min(positions) - width // 2) if positions else 0
    fragment = text[start : start + 2 * width]
    for word in sorted(set(words), key=len, reverse=True):
        fragment = re.sub(
            re.escape(word), lambda m: f"{_START}{m.group(0)}{_STOP}", fragment, flags=re.I
        )
    prefix = "… " if start else ""
    return _marked(prefix + fragment)


# --- Totals and the Vaughn index ---------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseTotals:
    releases: int
    documents: int
    pages_released: int
    pages_withheld_in_full: int
    pages_withheld_in_part: int
    top_exemptions: list[tuple[str, int]]


def release_totals(releases: QuerySet[Release]) -> ReleaseTotals:
    """Totals over releases (a request's, a lawsuit's): documents, pages, the exemptions cited
    most often (counted over documents, falling back to the releases' own citations)."""
    sums = releases.aggregate(
        n=Count("pk", distinct=True),
        released=Sum("pages_released"),
        full=Sum("pages_withheld_in_full"),
        part=Sum("pages_withheld_in_part"),
    )
    documents = Document.objects.filter(release__in=releases)
    cited: Counter[str] = Counter(
        dict(
            documents.filter(exemptions__isnull=False)
            .values_list("exemptions__code")
            .annotate(n=Count("pk"))
            .values_list("exemptions__code", "n")
        )
    )
    if not cited:
        cited = Counter(
            dict(
                releases.filter(exemptions__isnull=False)
                .values_list("exemptions__code")
                .annotate(n=Count("pk"))
                .values_list("exemptions__code", "n")
            )
        )
    return ReleaseTotals(
        releases=sums["n"] or 0,
        documents=documents.count(),
        pages_released=sums["released"] or 0,
        pages_withheld_in_full=sums["full"] or 0,
        pages_withheld_in_part=sums["part"] or 0,
        top_exemptions=cited.most_common(5),
    )


@dataclass(frozen=True)
class ExemptionCitations:
    """One exemption with how often it was cited: by releases, and applied to documents."""

    exemption: Exemption
    releases: int
    documents: int

    @property
    def total(self) -> int:
        return self.releases + self.documents


def exemptions_cited(*, request_ids: Any) -> list[ExemptionCitations]:
    """The exemptions cited in the releases and documents of the requests, most cited first
    (a release citing it and a document it was applied to count once each), then by code.

    `request_ids` is a list of ids or a query of them. Three queries whatever the number of
    releases, documents or exemptions.
    """
    by_releases: dict[int, int] = dict(
        Release.exemptions.through.objects.filter(release__request_id__in=request_ids)
        .values_list("exemption_id")
        .annotate(n=Count("release_id", distinct=True))
        .order_by()
    )
    by_documents: dict[int, int] = dict(
        Document.exemptions.through.objects.filter(document__request_id__in=request_ids)
        .values_list("exemption_id")
        .annotate(n=Count("document_id", distinct=True))
        .order_by()
    )
    exemptions = Exemption.objects.select_related("jurisdiction").filter(
        pk__in=set(by_releases) | set(by_documents)
    )
    rows = [
        ExemptionCitations(
            exemption=e, releases=by_releases.get(e.pk, 0), documents=by_documents.get(e.pk, 0)
        )
        for e in exemptions
    ]
    return sorted(rows, key=lambda row: (-row.total, row.exemption.short_name, row.exemption.pk))


def vaughn_index(
    *, release_id: int | None = None, lawsuit_id: int | None = None
) -> QuerySet[Document]:
    """The withheld and redacted documents of a release or a lawsuit, in Bates order."""
    if (release_id is None) == (lawsuit_id is None):
        raise ValueError("A Vaughn index is for one release or one lawsuit.")
    documents = Document.objects.filter(Q(withheld_in_full=True) | Q(redacted=True))
    if release_id is not None:
        documents = documents.filter(release_id=release_id)
    elif lawsuit_id is not None:
        documents = documents.filter(release__lawsuit_id=lawsuit_id)
    return (
        documents.select_related("release")
        .prefetch_related("exemptions")
        .order_by("bates_number", "release__released_on", "sent_at", "pk")
    )


def release_list() -> QuerySet[Release]:
    return Release.objects.prefetch_related("exemptions").order_by("-released_on", "-pk")


def document_list() -> QuerySet[Document]:
    return Document.objects.prefetch_related("exemptions").order_by("pk")


# --- Ingestion progress ---------------------------------------------------------------------------


def _counts_sentence(counts: dict[str, int]) -> str:
    read = counts.get("units", 0)
    parts = [f"{counts.get('ingested', 0)} new document(s)"]
    if counts.get("already"):
        parts.append(f"{counts['already']} already in this release, skipped")
    if counts.get("duplicates"):
        parts.append(f"{counts['duplicates']} duplicate(s) of documents already stored, skipped")
    if counts.get("errors"):
        parts.append(f"{counts['errors']} could not be read")
    if counts.get("warnings"):
        parts.append(f"{counts['warnings']} with a warning")
    return f"{read} file(s) or message(s) read: " + "; ".join(parts) + "."


def release_progress(*, release: Release) -> dict[str, Any]:
    """Where a release's ingestion stands, as plain data and in words, for its admin page and
    the JSON the page polls while the files are read."""
    running = release.ingestion in (Release.Ingestion.PENDING, Release.Ingestion.INGESTING) and (
        bool(release.staged) or release.ingestion == Release.Ingestion.INGESTING
    )
    state = str(release.get_ingestion_display())
    if release.ingestion == Release.Ingestion.INGESTING:
        status = f"Ingesting: {release.files_done} of {release.files_total} files"
    elif running:
        status = "Waiting for a worker to start reading the files"
    elif release.files_total:
        status = f"{state}: {release.files_done} of {release.files_total} files"
    else:
        status = state
    problems = release.errors
    counts = release.ingest_counts or {}
    return {
        "state": release.ingestion,
        "running": running,
        "files_done": release.files_done,
        "files_total": release.files_total,
        "status": status,
        "last_upload": _counts_sentence(counts["last"]) if counts.get("last") else "",
        "all_uploads": _counts_sentence(counts["total"]) if counts.get("total") else "",
        "errors": sum(1 for p in problems if p.get("kind", "error") == "error"),
        "duplicates": sum(1 for p in problems if p.get("kind") == "duplicate"),
        "warnings": sum(1 for p in problems if p.get("kind") == "warning"),
    }


def releases_waiting_for_worker(*, handed_over_before: datetime.datetime) -> QuerySet[Release]:
    """Releases whose staged files were handed to the broker before the given moment and that
    no worker has started on since: still pending, files still staged. (A release pending from
    before the hand-over time was recorded counts as handed over long ago.)"""
    return (
        Release.objects.filter(ingestion=Release.Ingestion.PENDING)
        .exclude(staged=[])
        .filter(Q(ingestion_queued_at__lt=handed_over_before) | Q(ingestion_queued_at__isnull=True))
        .order_by("pk")
    )


def releases_ingesting_unmoved(*, moved_before: datetime.datetime) -> QuerySet[Release]:
    """Releases a run is ingesting, or was when it died, with files still staged, that have not
    moved (handed over, or a batch committed) since the given moment. Whether their run is
    still live is the run's claim to say (documents.services)."""
    return (
        Release.objects.filter(ingestion=Release.Ingestion.INGESTING)
        .exclude(staged=[])
        .filter(Q(ingestion_queued_at__lt=moved_before) | Q(ingestion_queued_at__isnull=True))
        .order_by("pk")
    )
