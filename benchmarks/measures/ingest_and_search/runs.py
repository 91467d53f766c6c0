"""The two ways the benchmark runs once Django is set up: alone, as the script
`benchmarks/ingest_and_search.py` (the mailbox, ingestion, search, a closing table), and as a
plug-in of `benchmarks/run.py` (search over the generated preset, then ingestion; one figure
each)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import django
from django.db import connection
from django.db.models import Count

from benchmarks.bench_database import BenchmarkError
from benchmarks.contract import Context, Figure, percentile
from benchmarks.measures.ingest_and_search.breakdown import where_the_time_goes
from benchmarks.measures.ingest_and_search.corpus import generate_mailbox
from benchmarks.measures.ingest_and_search.experiments import (
    ingestion_experiments,
    search_experiment,
)
from benchmarks.measures.ingest_and_search.ingestion import (
    BUDGET_SHARE_OF_BARE_LOOP,
    Measured,
    check_schema,
    discard,
    measure_ingestion,
    wipe,
)
from benchmarks.measures.ingest_and_search.search import (
    SEARCH_P95_BUDGET_MS,
    SEARCH_ROUNDS,
    SearchRun,
    measure_search,
    raw_search,
    search_over,
)
from requests_app.models import RecordsRequest


def run_alone(args: argparse.Namespace, scratch: Path) -> int:
    """The benchmark as a script (Django set up, the database migrated): the figures printed,
    and written as JSON with --json; 0 when both budgets are met, 1 when one is missed."""
    check_schema()
    about = describe(args.database_url)
    print("foiatracker: ingest a mailbox, then search the documents")
    print(
        f"  database     {about['database']} (PostgreSQL {about['postgresql']}, "
        f"synchronous_commit {about['synchronous_commit']})"
    )
    print(
        f"  python {about['python']}, Django {about['django']}, "
        f"{about['cpus']} CPUs ({about['machine']})"
    )
    wipe()
    figures: dict[str, Any] = {**about, "seed": args.seed}

    started = time.perf_counter()
    mailbox = generate_mailbox(scratch / "dea-production.mbox", args.messages, args.seed)
    print(
        f"\n== mailbox: {mailbox.messages:,} messages, {mailbox.bytes / 1e6:.1f} MB, "
        f"generated in {time.perf_counter() - started:.1f} s (seed {args.seed}) =="
    )
    print(
        f"  {mailbox.pdf_attachments:,} PDF and {mailbox.text_attachments:,} text attachments, "
        f"{mailbox.replies:,} replies, {mailbox.encoded_word_subjects} encoded-word subjects, "
        f"{mailbox.latin1_bodies} ISO-8859-1 bodies, {mailbox.escaped_from_lines} '>From ' lines"
    )
    figures["mailbox"] = mailbox.as_dict()

    measured = measure_ingestion(mailbox, figures)
    if args.profile or not measured.passes:
        where_the_time_goes(mailbox, measured, figures, args.profile_out)
    if args.experiments:
        ingestion_experiments(mailbox, measured, figures)
    search = measure_search(measured.release, args.documents, args.seed, figures)
    if args.experiments:
        search_experiment(search, figures)
    table(measured, search)

    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n")
        print(f"\nfigures written to {args.json}")
    return 0 if measured.passes and search.passes else 1


def run_plugin(context: Context) -> list[Figure]:
    """Search over the generated documents, then ingestion of a generated mailbox
    (`context.sizes["ingest_messages"]` messages) next to the bare parse-and-hash loop."""
    figures: dict[str, Any] = {}
    busiest = RecordsRequest.objects.annotate(n=Count("documents")).order_by("-n", "pk").first()
    if busiest is None:
        raise BenchmarkError("No requests in the bench database: generate_data first.")
    search = search_over(busiest.pk, figures)
    raw = raw_search(search.queries, SEARCH_ROUNDS)
    p50, p95 = search.at(0.5), search.at(0.95)
    raw_p95 = percentile(raw, 0.95)
    found = [
        Figure(
            name=f"document search p95 ({search.documents:,} documents, {len(search.queries)} "
            "queries)",
            value=p95,
            unit="ms",
            limit=raw_p95,
            limit_label="raw SQL p95, same rows",
            budget=f"p95 < {SEARCH_P95_BUDGET_MS:.0f} ms",
            met=search.passes,
            note=f"p50 {p50:.1f} ms, raw p50 {percentile(raw, 0.5):.1f} ms",
            details=figures["search"],
        )
    ]
    messages = context.sizes.get("ingest_messages", 10_000)
    mailbox = generate_mailbox(context.scratch / "dea-production.mbox", messages, context.seed)
    print(f"\n== mailbox: {mailbox.messages:,} messages, {mailbox.bytes / 1e6:.1f} MB ==")
    measured = measure_ingestion(mailbox, figures)
    found.append(
        Figure(
            name=f"ingestion: release_ingest of an mbox ({messages:,} messages)",
            value=measured.run.per_second,
            unit="msg/s",
            limit=measured.loop.per_second,
            limit_label="bare parse-and-hash loop",
            budget=f"≥ {BUDGET_SHARE_OF_BARE_LOOP:.0%} of the bare loop",
            met=measured.passes,
            higher_is_better=True,
            note=f"{measured.run.documents:,} documents",
            details={"ingestion": figures["ingestion"], "bare_loop": figures["bare_loop"]},
        )
    )
    discard(measured.release)
    return found


def describe(database_url: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()
        cursor.execute("SHOW synchronous_commit")
        synchronous = cursor.fetchone()
    parts = urlsplit(database_url)
    host = parts.netloc.rsplit("@", 1)[-1]
    user = f"{parts.username}@" if parts.username else ""
    shown = parts._replace(netloc=user + host)  # never the password
    return {
        "database": urlunsplit(shown),
        "postgresql": version[0] if version else "?",
        "synchronous_commit": synchronous[0] if synchronous else "?",
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }


def table(measured: Measured, search: SearchRun) -> None:
    run, loop = measured.run, measured.loop
    header = f"{'figure':<34} {'value':>22}  {'budget':<28} result"
    print("\n" + header)
    print("-" * len(header))
    print(f"{'bare loop (parse + hash)':<34} {loop.per_second:>16,.0f} msg/s  {'-':<28} -")
    print(
        f"{'release_ingest':<34} {run.per_second:>16,.0f} msg/s  "
        f"{f'≥ {BUDGET_SHARE_OF_BARE_LOOP * loop.per_second:,.0f} msg/s (½ bare loop)':<28} "
        f"{'PASS' if measured.passes else 'FAIL'}"
    )
    print(f"{'  share of the bare loop':<34} {run.share_of(loop):>22.0%}  {'≥ 50%':<28}")
    print(f"{'  documents created':<34} {run.documents:>22,}")
    label = f"({search.documents:,} documents)"
    print(f"{f'search p50 {label}':<34} {search.at(0.5):>19.1f} ms")
    print(
        f"{f'search p95 {label}':<34} {search.at(0.95):>19.1f} ms  "
        f"{f'< {SEARCH_P95_BUDGET_MS:.0f} ms':<28} {'PASS' if search.passes else 'FAIL'}"
    )
    print(f"{'search max':<34} {max(search.samples):>19.1f} ms")
