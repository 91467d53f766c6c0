"""Experiments (--experiments): the real code with one change each, for the closing note, never
the reported figures. Ingestion with multi-row INSERTs and no savepoint per unit (with and without
a writer thread), and a two-step search that must find the same documents in the same order."""

from __future__ import annotations

import contextlib
import functools
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.db.models import BooleanField, FloatField, TextField
from django.db.models.expressions import RawSQL

from benchmarks.bench_database import BenchmarkError
from benchmarks.contract import percentile
from benchmarks.measures.ingest_and_search.corpus import Mailbox
from benchmarks.measures.ingest_and_search.ingestion import (
    Measured,
    check_ingestion,
    discard,
    ingest,
)
from benchmarks.measures.ingest_and_search.search import SEARCH_ROUNDS, SearchRun, run_searches
from documents import services
from documents.ingest.emails import EmptyInput, ParseError
from documents.ingest.pdfs import PdfEncrypted, PdfError
from documents.models import Document, Release
from documents.selectors import _HEADLINE_OPTIONS, SearchHit, _filtered, _marked
from documents.services import IngestReport


def release_ingest_batched(
    *,
    release_id: int,
    paths: Sequence[Path | str],
    batch_size: int | None = None,
    overlap: bool = False,
    **unused: Any,  # release_ingest's `progress`
) -> IngestReport:
    """A sketch of `release_ingest` with multi-row INSERTs (experiments only, never the figure).

    The same units, parsers, checks, duplicate map, content-addressed files and batches of
    units per transaction as the real one, but no savepoint per unit and one multi-row INSERT
    per level of the batch (emails, then their attachments) instead of one INSERT per document.
    A batch still commits whole units. If it fails (a concurrent run, a bad row), the batch is
    redone unit by unit by the real code (`_store_one`, a savepoint each), so the guarantees and
    the per-file errors stay the same.

    With `overlap`, a writer thread (its own connection) INSERTs and commits batch N while this
    thread parses batch N+1: PostgreSQL builds the tsvectors on another core, and the thread
    waiting on the socket does not hold the GIL.
    """
    # As many units per transaction as the real code commits together.
    per_batch = batch_size or int(getattr(services, "COMMIT_EVERY", 100))
    report = services.IngestReport()
    releases = Release.objects.filter(pk=release_id)
    releases.update(ingestion=Release.Ingestion.INGESTING)
    release = Release.objects.select_related("request").get(pk=release_id)
    done_sources = set(release.documents.values_list("source", flat=True))
    known = dict(
        Document.objects.filter(request_id=release.request_id)
        .exclude(sha256="")
        .values_list("sha256", "source")
    )
    releases.update(files_total=services.count_units(paths), files_done=0)
    limit = settings.DOCUMENT_MAX_FILE_BYTES

    def build(
        unit: services.Unit,
        parent: int | None,
        out: list[tuple[Document, int | None, bytes]],
        batch_report: IngestReport,
    ) -> None:
        """The unit's document, then (depth first) its attachments'; parent = index in `out`."""
        problem = ""
        if not unit.data:
            problem = "is empty"
        elif len(unit.data) > limit:
            problem = f"is {len(unit.data):,} bytes, over the limit"
        else:
            try:
                document, attachments, _ = services._document(
                    release, unit, parent=None, warnings=[]
                )
            except PdfEncrypted:
                problem = "is an encrypted PDF: ask the agency for an unencrypted copy"
            except (PdfError, ParseError, EmptyInput) as exc:
                problem = f"cannot be read: {exc}"
        if problem:
            batch_report.error(unit.source, problem)
            return
        seen = known.get(document.sha256)
        if seen is not None:
            batch_report.duplicate(
                unit.source, f"same bytes as the document from {seen}: stored once"
            )
            return  # like the real code: a duplicate's attachments are not looked at
        known[document.sha256] = unit.source
        document.file.name = services._store(release.request_id, document.sha256, unit.data)
        out.append((document, parent, unit.data))
        here = len(out) - 1
        for attachment in attachments:
            build(attachment, here, out, batch_report)

    Built = list[tuple[Document, int | None, bytes]]
    failed: list[tuple[list[services.Unit], Built]] = []

    def write(
        units: list[services.Unit], built: Built, batch_report: IngestReport, done: int
    ) -> None:
        try:
            with transaction.atomic():
                level = [i for i, (_, parent, _) in enumerate(built) if parent is None]
                while level:
                    for i in level:
                        document, parent, _ = built[i]
                        if parent is not None:
                            document.parent = built[parent][0]
                        document.clean_fields(exclude=["release", "request", "parent"])
                    Document.objects.bulk_create([built[i][0] for i in level])
                    placed = set(level)
                    level = [i for i, (_, parent, _) in enumerate(built) if parent in placed]
                releases.update(files_done=done)
        except Exception:
            failed.append((units, built))  # redone unit by unit at the end, by the real code
            return
        report.ingested += len(built)
        report.duplicates += batch_report.duplicates
        report.problems += batch_report.problems

    pending: queue.Queue[tuple[list[services.Unit], Built, IngestReport, int] | None]
    pending = queue.Queue(maxsize=1)

    def writer() -> None:
        try:
            while (item := pending.get()) is not None:
                write(*item)
        finally:
            default_connection.close()  # this thread's own connection

    thread = threading.Thread(target=writer, name="ingest-writer") if overlap else None
    if thread:
        thread.start()

    def flush(units: list[services.Unit], done: int) -> None:
        batch_report = services.IngestReport()
        built: Built = []
        for unit in units:
            build(unit, None, built, batch_report)
        if thread:
            pending.put((list(units), built, batch_report, done))
        else:
            write(units, built, batch_report, done)

    batch: list[services.Unit] = []
    done = 0
    try:
        for unit in services.expand(paths, report):
            if unit.source in done_sources:
                report.already += 1
            else:
                batch.append(unit)
            done += 1
            if len(batch) >= per_batch:
                flush(batch, done)
                batch = []
        flush(batch, done)
    finally:
        if thread:
            pending.put(None)
            thread.join()
    for units, built in failed:
        for document, _, _ in built:
            known.pop(document.sha256, None)
        for unit in units:
            services._store_one(release, unit, report, known)
    state = Release.Ingestion.DONE_WITH_ERRORS if report.errors else Release.Ingestion.DONE
    releases.update(ingestion=state, files_total=done, files_done=done, errors=report.problems)
    return report


def _experiments() -> dict[str, Callable[[], contextlib.AbstractContextManager[Any]]]:
    return {
        "multi-row INSERTs, no savepoints (sketch)": lambda: mock.patch.object(
            services, "release_ingest", release_ingest_batched
        ),
        "the same, parsing while a thread writes": lambda: mock.patch.object(
            services, "release_ingest", functools.partial(release_ingest_batched, overlap=True)
        ),
    }


@contextlib.contextmanager
def _all_of(
    makers: Sequence[Callable[[], contextlib.AbstractContextManager[Any]]],
) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for make in makers:
            stack.enter_context(make())
        yield


def ingestion_experiments(mailbox: Mailbox, measured: Measured, figures: dict[str, Any]) -> None:
    print("\nexperiments: release_ingest with one change patched in each (not the figure above)")
    makers = _experiments()
    results: dict[str, float] = {}
    for label, chosen in ((label, [make]) for label, make in makers.items()):
        tried, tried_release, tried_report = ingest(
            mailbox, measured.agency, measured.owner, label, functools.partial(_all_of, chosen)
        )
        check_ingestion(mailbox, tried_release, tried_report)
        discard(tried_release)
        results[label] = tried.per_second
        print(
            f"  {label:<46} {tried.per_second:>6,.0f} messages/s  "
            f"{tried.share_of(measured.loop):>4.0%} of the bare loop  "
            f"{tried.per_second / measured.run.per_second:>4.1f} times the measured run"
        )
    figures["experiments"] = {k: round(v, 1) for k, v in results.items()}


def document_search_two_step(
    *, query: str, limit: int = 50, offset: int = 0, **filters: Any
) -> list[Any]:
    """A sketch of a faster `document_search` on PostgreSQL (experiments only).

    Rank the matches carrying only (id, rank, sent_at), with no join to releases and requests
    unless a filter needs one, then load, join and headline just the page. The current query
    carries every column of every match, joined to its release and request, into the sort.
    """
    tsquery = "websearch_to_tsquery('english', %s)"
    matches = _filtered(**filters).filter(
        RawSQL(f"documents_document.search @@ {tsquery}", [query], output_field=BooleanField())
    )
    ranked = list(
        matches.annotate(
            rank=RawSQL(f"ts_rank(documents_document.search, {tsquery})", [query], FloatField())
        )
        .order_by("-rank", "-sent_at", "pk")
        .values_list("pk", "rank")[offset : offset + limit]
    )
    page = (
        Document.objects.select_related("release", "request")
        .filter(pk__in=[pk for pk, _ in ranked])
        .annotate(
            headline=RawSQL(
                "ts_headline('english', left(coalesce(documents_document.text, ''), 200000) "
                f"|| ' ' || coalesce(documents_document.subject, ''), {tsquery}, %s)",
                [query, _HEADLINE_OPTIONS],
                output_field=TextField(),
            )
        )
    )
    by_pk = {document.pk: document for document in page}
    return [SearchHit(by_pk[pk], rank, _marked(by_pk[pk].headline)) for pk, rank in ranked]


def search_experiment(search: SearchRun, figures: dict[str, Any]) -> None:
    """The same queries through `document_search_two_step`, which must find the same documents."""
    tried, _ = run_searches(search.queries, SEARCH_ROUNDS, document_search_two_step)
    differ = [
        t.search.label() for t, u in zip(search.timed, tried, strict=True) if t.found != u.found
    ]
    if differ:
        raise BenchmarkError(f"The two-step search found other documents for {differ}.")
    samples = [ms for t in tried for ms in t.milliseconds]
    print(
        "\n  experiment: document_search_two_step (rank narrow rows, then load the page), "
        "same documents in the same order for every query"
    )
    print(
        f"  timed rounds           p50 {percentile(samples, 0.5):>7.1f} ms   "
        f"p95 {percentile(samples, 0.95):>7.1f} ms   max {max(samples):>7.1f} ms"
    )
    pairs = sorted(
        zip(search.timed, tried, strict=True),
        key=lambda pair: percentile(pair[0].milliseconds, 0.5),
        reverse=True,
    )
    for t, u in pairs[:5]:
        print(
            f"    {percentile(t.milliseconds, 0.5):>7.1f} ms -> "
            f"{percentile(u.milliseconds, 0.5):>7.1f} ms  {t.matches:>7,} matches  "
            f"{t.search.label()}"
        )
    figures["search"]["experiment_two_step"] = {
        "p50_ms": round(percentile(samples, 0.5), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "max_ms": round(max(samples), 2),
    }
