"""Ingestion: the bare parse-and-hash loop over the mailbox (the limit), then `release_ingest` of
the same file into a request and release of its own, timed and checked; and the bench tables
emptied before, and a pass that was not the measured one removed after."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count

from benchmarks.bench_database import BenchmarkError
from benchmarks.measures.ingest_and_search.corpus import FIRST_DAY, LAST_DAY, Mailbox
from documents import services
from documents.ingest.charsets import decode_text
from documents.ingest.emails import iter_mbox, parse_email
from documents.ingest.pdfs import parse_pdf
from documents.models import Document, Release
from documents.services import IngestReport
from requests_app.models import Agency, Jurisdiction, RecordsRequest
from requests_app.workflow import RequestStatus

#: Ingestion at no less than half the bare parse-and-hash loop's rate.
BUDGET_SHARE_OF_BARE_LOOP = 0.5
REQUEST_TITLE = "Ingest benchmark"


def check_schema() -> None:
    """Every column the models expect is there: a migration edited after it was applied here
    leaves the table behind, and `migrate` does not notice."""
    with connection.cursor() as cursor:
        for model in (Release, Document):
            table = model._meta.db_table
            have = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            missing = [str(f.column) for f in model._meta.concrete_fields if f.column not in have]
            if missing:
                raise BenchmarkError(
                    f"{table} has no column {', '.join(missing)}: a migration changed after it "
                    "was applied to this database. Run `manage.py migrate documents zero` and "
                    "`manage.py migrate` against it (it is a bench database), then try again."
                )


def wipe() -> None:
    """Empty the release and document tables and drop the requests a previous run made."""
    tables = [
        Document.exemptions.through._meta.db_table,
        Document._meta.db_table,
        Release.exemptions.through._meta.db_table,
        Release._meta.db_table,
    ]
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    RecordsRequest.objects.filter(title__startswith=REQUEST_TITLE).delete()


def agency_and_owner() -> tuple[Agency, Any]:
    us = Jurisdiction.objects.get(code="US")
    owner, _ = get_user_model().objects.get_or_create(username="bench-owner")
    agency, _ = Agency.objects.get_or_create(
        name="Drug Enforcement Administration (benchmark)",
        defaults={"abbreviation": "DEA", "jurisdiction": us},
    )
    return agency, owner


def new_request(agency: Agency, owner: Any, label: str) -> RecordsRequest:
    """A request of its own for each ingestion pass: the same bytes are stored once per request."""
    return RecordsRequest.objects.create(
        title=f"{REQUEST_TITLE}: {label}",
        records_sought="Records about the DEA's use of face recognition, 2017-2018.",
        jurisdiction=agency.jurisdiction,
        agency=agency,
        owner=owner,
        status=RequestStatus.SUBMITTED,
        filed_on=datetime.date(2019, 1, 16),
    )


def new_release(request: RecordsRequest) -> Release:
    return services.release_create(
        request=request,
        released_on=datetime.date(2019, 6, 3),
        received_on=datetime.date(2019, 6, 5),
        records_from=FIRST_DAY.date(),
        records_to=(LAST_DAY - datetime.timedelta(days=1)).date(),
        description="Generated mailbox for the ingestion benchmark.",
    )


@dataclass
class BareLoop:
    """iter_mbox, then SHA-256 and parse of every message and attachment: no database, no files."""

    messages: int
    attachments: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else float("inf")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "messages_per_second": round(self.per_second, 1)}


def bare_loop(path: Path) -> BareLoop:
    """The pipeline's own limit: what ingestion must do to each message, and nothing else.

    Attachments are parsed by their declared type (PDF pages and text, or text decoding), as
    ingestion does once it has sniffed them; sniffing is left out, so it counts as overhead.
    """
    messages = attachments = 0
    started = time.perf_counter()
    for _, data in iter_mbox(path):
        hashlib.sha256(data).hexdigest()
        parsed = parse_email(data)
        messages += 1
        for attachment in parsed.attachments:
            hashlib.sha256(attachment.data).hexdigest()
            if attachment.content_type == "application/pdf":
                parse_pdf(attachment.data)
            else:
                decode_text(attachment.data)
            attachments += 1
    return BareLoop(messages, attachments, time.perf_counter() - started)


@dataclass
class Ingestion:
    label: str
    messages: int
    documents: int
    seconds: float
    duplicates: int
    errors: int

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else float("inf")

    def share_of(self, loop: BareLoop) -> float:
        return self.per_second / loop.per_second

    def as_dict(self, loop: BareLoop | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {**asdict(self), "messages_per_second": round(self.per_second, 1)}
        if loop is not None:
            data["share_of_bare_loop"] = round(self.share_of(loop), 3)
            data["budget_share"] = BUDGET_SHARE_OF_BARE_LOOP
            data["passes"] = self.share_of(loop) >= BUDGET_SHARE_OF_BARE_LOOP
        return data


def ingest(
    mailbox: Mailbox,
    agency: Agency,
    owner: Any,
    label: str,
    around: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext,
) -> tuple[Ingestion, Release, IngestReport]:
    """`release_ingest` over the mailbox into a fresh request and release, timed; `around` (a
    stopwatch, a profiler, a patch) wraps the call and nothing else."""
    release = new_release(new_request(agency, owner, label))
    with around():
        started = time.perf_counter()
        report = services.release_ingest(release_id=release.pk, paths=[mailbox.path])
        seconds = time.perf_counter() - started
    documents = release.documents.count()
    run = Ingestion(
        label, mailbox.messages, documents, seconds, report.duplicates, len(report.errors)
    )
    return run, release, report


def discard(release: Release) -> None:
    """Remove a pass that was not the measured one (its documents, files, release and request),
    so the search runs over the measured ingestion and the generated documents only."""
    table = connection.ops.quote_name(Document._meta.db_table)
    with connection.cursor() as cursor:
        # One statement (the foreign keys are checked at commit), not the ORM's collector.
        cursor.execute(f"DELETE FROM {table} WHERE release_id = %s", [release.pk])
    request = release.request
    folder = Path(settings.MEDIA_ROOT) / "documents" / str(request.pk)
    release.delete()
    request.delete()
    shutil.rmtree(folder, ignore_errors=True)


def check_ingestion(mailbox: Mailbox, release: Release, report: IngestReport) -> list[str]:
    """Everything stored as it should be: one document per message and per attachment."""
    expected = mailbox.messages + mailbox.attachments
    if report.errors:
        raise BenchmarkError(f"{len(report.errors)} ingestion errors, e.g. {report.errors[0]}.")
    if report.duplicates:
        raise BenchmarkError(f"{report.duplicates} duplicates; every generated file is unique.")
    if report.ingested != expected:
        raise BenchmarkError(f"{report.ingested:,} ingested; expected {expected:,}.")
    release.refresh_from_db()
    if release.ingestion != release.Ingestion.DONE:
        raise BenchmarkError(f"The release ended in state {release.ingestion!r}, not 'done'.")
    documents = Document.objects.filter(release=release)
    kinds = dict(documents.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    want = {
        Document.Kind.EMAIL: mailbox.messages,
        Document.Kind.PDF: mailbox.pdf_attachments,
        Document.Kind.TEXT: mailbox.text_attachments,
    }
    if kinds != {k: n for k, n in want.items() if n}:
        raise BenchmarkError(f"Documents by kind {kinds}; expected {want}.")
    attached = documents.filter(parent__isnull=False).count()
    if attached != mailbox.attachments:
        raise BenchmarkError(f"{attached} documents linked to an email; expected attachments.")
    folder = Path(settings.MEDIA_ROOT) / "documents" / str(release.request_id)
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    if files != expected:
        raise BenchmarkError(f"{files:,} stored files under {folder}; expected {expected:,}.")
    lines = [
        f"  checked: {documents.count():,} documents = {mailbox.messages:,} emails + "
        f"{mailbox.pdf_attachments:,} PDFs + {mailbox.text_attachments:,} text attachments, "
        f"{files:,} stored files, no errors, no duplicates"
    ]
    # Encoded-word subjects and ISO-8859-1 bodies came through decoded. A message's source ends
    # in "#<its index in the mbox>".
    stored = documents.filter(parent__isnull=True).values_list("source", "subject", "text")
    checked = 0
    for source, subject, text in stored.iterator(chunk_size=2_000):
        sample = mailbox.samples.get(int(source.rsplit("#", 1)[1]))
        if sample is None:
            continue
        want_subject, phrase = sample
        if subject != want_subject or phrase not in " ".join(text.split()):
            raise BenchmarkError(
                f"{source}: stored subject {subject!r}, wanted {want_subject!r}; "
                f"phrase {phrase!r} not in the text {text[:300]!r}."
            )
        checked += 1
    if checked != len(mailbox.samples):
        raise BenchmarkError(
            f"Only {checked} of {len(mailbox.samples)} spot-checked messages stored."
        )
    lines.append(
        f"  checked: {checked} messages with encoded-word subjects or non-ASCII bodies "
        "read back as written"
    )
    return lines


@dataclass
class Measured:
    run: Ingestion
    #: The faster of the two bare loops: the reference.
    loop: BareLoop
    release: Release
    agency: Agency
    owner: Any

    @property
    def passes(self) -> bool:
        return self.run.share_of(self.loop) >= BUDGET_SHARE_OF_BARE_LOOP


def measure_ingestion(mailbox: Mailbox, figures: dict[str, Any]) -> Measured:
    """The bare loop, the real ingestion, and the bare loop again, over the same file: the faster
    loop is the reference, so a busy machine during one loop does not flatter ingestion."""
    agency, owner = agency_and_owner()
    before = bare_loop(mailbox.path)
    if (before.messages, before.attachments) != (mailbox.messages, mailbox.attachments):
        raise BenchmarkError(
            f"The bare loop found {before.messages:,} messages and {before.attachments:,} "
            f"attachments; the mailbox has {mailbox.messages:,} and {mailbox.attachments:,}."
        )
    run, release, report = ingest(mailbox, agency, owner, "measured")
    checks = check_ingestion(mailbox, release, report)
    after = bare_loop(mailbox.path)
    loop = max(before, after, key=lambda b: b.per_second)
    measured = Measured(run, loop, release, agency, owner)

    print("\nbare loop: iter_mbox, sha256 + parse_email per message, sha256 + parse per attachment")
    print(f"  messages               {loop.messages:>10,}   (+{loop.attachments:,} attachments)")
    print(
        f"  seconds                {before.seconds:>10.3f}   before the ingestion, "
        f"{after.seconds:.3f} after"
    )
    print(
        f"  messages per second    {loop.per_second:>10,.0f}   (the faster; "
        f"{before.per_second:,.0f} before, {after.per_second:,.0f} after)"
    )
    print(f"\nrelease_ingest(release_id={release.pk}, paths=[{mailbox.path.name}])")
    print(f"  messages               {run.messages:>10,}")
    print(f"  documents created      {run.documents:>10,}   (messages + attachments)")
    print(f"  seconds                {run.seconds:>10.3f}")
    print(f"  messages per second    {run.per_second:>10,.0f}")
    print(f"  documents per second   {run.documents / run.seconds:>10,.0f}")
    print(f"  share of the bare loop {run.share_of(loop):>10.0%}")
    for line in checks:
        print(line)
    print(
        f"  budget ≥ {BUDGET_SHARE_OF_BARE_LOOP} × bare loop "  # noqa: RUF001
        f"({BUDGET_SHARE_OF_BARE_LOOP * loop.per_second:,.0f}/s): "
        f"{'PASS' if measured.passes else 'FAIL'}"
    )
    figures["bare_loop_before"] = before.as_dict()
    figures["bare_loop_after"] = after.as_dict()
    figures["bare_loop"] = loop.as_dict()
    figures["ingestion"] = run.as_dict(loop)
    return measured
