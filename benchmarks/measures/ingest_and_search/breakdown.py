"""Where ingestion's time goes: the same ingestion with a stopwatch around each step of the real
code (nested SQL taken out of the Python step that sent it), then under cProfile."""

from __future__ import annotations

import contextlib
import cProfile
import functools
import hashlib
import io
import pstats
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

from django.core.files.storage import FileSystemStorage
from django.db import connection, connections

from benchmarks.measures.ingest_and_search.corpus import Mailbox
from benchmarks.measures.ingest_and_search.ingestion import (
    Measured,
    check_ingestion,
    discard,
    ingest,
)
from documents import services
from documents.ingest import charsets
from documents.models import Document

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class Stopwatch:
    """Seconds and calls per named step, from wrappers put around the real functions."""

    #: Steps whose every timing is kept, to see whether they grow with the table.
    TRACKED = ("sql: INSERT document", "sql: SAVEPOINT")

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.each: dict[str, list[float]] = {name: [] for name in self.TRACKED}

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.calls[name] = self.calls.get(name, 0) + 1
        if name in self.each:
            self.each[name].append(seconds)

    def timed(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - started)

        return wrapper

    def timed_iterator(
        self, name: str, function: Callable[..., Iterator[Any]]
    ) -> Callable[..., Iterator[Any]]:
        """Time only the generator's own work between items, not the consumer's."""

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = function(*args, **kwargs)
            while True:
                started = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    self.add(name, time.perf_counter() - started)
                    return
                self.add(name, time.perf_counter() - started)
                yield item

        return wrapper

    def sql(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.add(_sql_step(sql), time.perf_counter() - started)

    def growth(self, name: str, window: int = 1_000) -> tuple[float, float]:
        """Mean seconds of the first and of the last `window` calls."""
        each = self.each[name]
        if not each:
            return 0.0, 0.0
        first, last = each[:window], each[-window:]
        return sum(first) / len(first), sum(last) / len(last)


def _sql_step(sql: str) -> str:
    if sql.startswith('INSERT INTO "documents_document"'):
        return "sql: INSERT document"
    if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
        return "sql: SAVEPOINT"
    if sql.startswith('UPDATE "documents_release"'):
        return "sql: UPDATE release"
    if sql.startswith('SELECT %s AS "a"'):
        return "sql: SELECT 1 per foreign key"
    if sql.startswith("SELECT") and 'FROM "documents_document"' in sql:
        return "sql: SELECT documents"
    return "sql: other"


@contextlib.contextmanager
def instrumented(watch: Stopwatch) -> Iterator[None]:
    """Wrap the steps of `release_ingest` in stopwatches; the code that runs is the real one."""
    default: Any = connections["default"]  # its private _commit is what COMMIT costs
    timed_sha256 = watch.timed("sha256", hashlib.sha256)

    def sha256(*args: Any, **kwargs: Any) -> Any:
        # Without data: the streaming hash of a whole input, inside `expand`, timed there.
        return timed_sha256(*args, **kwargs) if args else hashlib.sha256(**kwargs)

    with contextlib.ExitStack() as stack:
        patches: list[tuple[Any, str, Any]] = [
            (services, "count_units", watch.timed("count_units", services.count_units)),
            (services, "expand", watch.timed_iterator("expand", services.expand)),
            (services, "hashlib", SimpleNamespace(sha256=sha256)),
            (services, "sniff", watch.timed("sniff", services.sniff)),
            (services, "parse_email", watch.timed("parse_email", services.parse_email)),
            (services, "parse_pdf", watch.timed("parse_pdf", services.parse_pdf)),
            (charsets, "decode_text", watch.timed("decode_text", charsets.decode_text)),
            (
                FileSystemStorage,
                "exists",
                watch.timed("storage.exists", FileSystemStorage.exists),
            ),
            (FileSystemStorage, "save", watch.timed("storage.save", FileSystemStorage.save)),
            (Document, "full_clean", watch.timed("full_clean", Document.full_clean)),
            (Document, "clean_fields", watch.timed("clean_fields", Document.clean_fields)),
            (Document, "save", watch.timed("Document.save", Document.save)),
            (default, "_commit", watch.timed("COMMIT", default._commit)),
        ]
        for target, name, replacement in patches:
            stack.enter_context(mock.patch.object(target, name, replacement))
        stack.enter_context(connection.execute_wrapper(watch.sql))
        yield


@dataclass
class Step:
    name: str
    calls: int
    seconds: float
    note: str = ""


def breakdown(watch: Stopwatch, total: float) -> list[Step]:
    """Non-overlapping steps: nested SQL is taken out of the Python step that issued it. Steps
    the code did not take (no calls) are left out."""
    s, c = watch.seconds, watch.calls

    def get(name: str) -> float:
        return s.get(name, 0.0)

    fk = get("sql: SELECT 1 per foreign key")
    insert = get("sql: INSERT document")
    # full_clean calls clean_fields: count each once.
    validation = "full_clean" if c.get("full_clean") else "clean_fields"

    def step(label: str, key: str, seconds: float | None = None, note: str = "") -> Step:
        return Step(label, c.get(key, 0), get(key) if seconds is None else seconds, note)

    steps = [
        step("count_units (a first pass over the mbox)", "count_units"),
        step("expand: hash the input, iter_mbox splits it", "expand"),
        step("sha256", "sha256", note="bare loop"),
        step("parse_email", "parse_email", note="bare loop"),
        step("parse_pdf", "parse_pdf", note="bare loop"),
        step("decode_text (text attachments)", "decode_text", note="bare loop"),
        step("sniff", "sniff"),
        step("SELECT what the release and request hold", "sql: SELECT documents"),
        step("storage.exists", "storage.exists"),
        step("storage.save (write the file)", "storage.save"),
        step(f"{validation}: Python", validation, get(validation) - fk),
        step(f"{validation}: SELECT 1 per foreign key", "sql: SELECT 1 per foreign key"),
        step("SAVEPOINT, RELEASE per unit (+ BEGIN)", "sql: SAVEPOINT"),
        step("INSERT document (tsvector, GIN)", "sql: INSERT document"),
        step("Document.save: Python", "Document.save", get("Document.save") - insert),
        step("COMMIT", "COMMIT"),
        step("UPDATE release (progress, state)", "sql: UPDATE release"),
        step("other SQL", "sql: other"),
    ]
    steps = [step for step in steps if step.calls]
    accounted = sum(step.seconds for step in steps)
    steps.append(Step("the rest: loop, Document(), atomic, report", 0, total - accounted))
    return steps


def report_breakdown(steps: Sequence[Step], total: float, documents: int) -> None:
    print(f"  {'step':<46} {'calls':>7} {'seconds':>8} {'share':>6} {'µs/doc':>7}")
    for step in steps:
        print(
            f"  {step.name:<46} {step.calls:>7,} {step.seconds:>8.3f} "
            f"{step.seconds / total:>6.1%} {step.seconds / documents * 1e6:>7.0f}"
            + (f"  ({step.note})" if step.note else "")
        )
    print(f"  {'total (release_ingest, instrumented)':<46} {'':>7} {total:>8.3f} {1:>6.0%}")


def profile_top(profile: cProfile.Profile, limit: int) -> list[str]:
    """The functions with the most time of their own, project and Django frames named short."""
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(pstats.SortKey.TIME).print_stats(limit)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    prefixes = [str(PROJECT_ROOT / ".venv" / "lib") + "/", str(PROJECT_ROOT) + "/"]
    cleaned = []
    for line in lines[start:]:
        if not line.strip():
            continue
        for prefix in prefixes:
            line = line.replace(prefix, "")
        cleaned.append("  " + re.sub(r"python3\.\d+/site-packages/", "", line)[:150])
    return cleaned


def where_the_time_goes(
    mailbox: Mailbox, measured: Measured, figures: dict[str, Any], profile_out: Path | None
) -> None:
    """The same ingestion twice more, each into a request of its own: with a stopwatch around
    each step, then under cProfile."""
    agency, owner = measured.agency, measured.owner
    watch = Stopwatch()
    traced, traced_release, traced_report = ingest(
        mailbox, agency, owner, "instrumented", lambda: instrumented(watch)
    )
    check_ingestion(mailbox, traced_release, traced_report)
    discard(traced_release)
    steps = breakdown(watch, traced.seconds)
    print(
        f"\nwhere the time goes: the same ingestion with a stopwatch around each step "
        f"({traced.seconds:.3f} s, {traced.per_second:,.0f} messages/s)"
    )
    report_breakdown(steps, traced.seconds, traced.documents)
    print("  the same statement early and late in the pass (µs each):")
    growth = {}
    for name in Stopwatch.TRACKED:
        first, last = watch.growth(name)
        growth[name] = {"first_1000_us": round(first * 1e6), "last_1000_us": round(last * 1e6)}
        print(
            f"    {name.removeprefix('sql: '):<40} first 1,000 {first * 1e6:>7,.0f}   "
            f"last 1,000 {last * 1e6:>7,.0f}"
        )
    figures["breakdown"] = {
        "seconds": round(traced.seconds, 3),
        "documents": traced.documents,
        "steps": [asdict(step) for step in steps],
        "growth": growth,
    }

    profile = cProfile.Profile()
    profiled, profiled_release, profiled_report = ingest(
        mailbox, agency, owner, "cProfile", lambda: profile
    )
    check_ingestion(mailbox, profiled_release, profiled_report)
    discard(profiled_release)
    print(
        f"\ncProfile of the same ingestion ({profiled.seconds:.1f} s under the profiler, which "
        "inflates the many small calls of parsing), by own time:"
    )
    for line in profile_top(profile, 15):
        print(line)
    if profile_out:
        profile.dump_stats(profile_out)
        print(f"  stats written to {profile_out}")
