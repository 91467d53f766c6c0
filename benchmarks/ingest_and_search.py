"""Benchmark: ingest a generated mailbox on PostgreSQL, next to a bare parse-and-hash loop over the
same file in the same run; then search latency over 100,000 documents.

Not a test: it prints figures for a person to read (and quote), and fails only if the results are
wrong or a budget is missed. The budgets: `release_ingest` runs at no less than half the bare
loop's messages per second, and document search answers with a p95 under 100 ms.

    .venv/bin/python benchmarks/ingest_and_search.py [--messages 10000] [--documents 100000]
        [--database-url postgres://postgres@127.0.0.1:5432/foiatracker_bench] [--json PATH]
        [--profile] [--experiments]

The database's name must contain "bench": the script empties the release and document tables of
whatever database it is given. The mailbox and the stored files live in a temporary folder
(MEDIA_ROOT points there) that is removed at the end.

What it measures is in `benchmarks/measures/ingest_and_search/`, imported once Django is set up.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))  # run as a script, `foiatracker` must be importable

from benchmarks.bench_database import (  # noqa: E402 - needs the path above
    BenchmarkError,
    create_database_if_missing,
    point_django_at,
    setup_django,
)
from benchmarks.contract import Context, Figure  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/foiatracker_bench"
DEFAULT_SEED = 4


def run(context: Context) -> list[Figure]:
    """The `make bench` plug-in (benchmarks/contract.py): search over the generated documents,
    then ingestion of a generated mailbox (`context.sizes["ingest_messages"]` messages) next to
    the bare parse-and-hash loop."""
    # The runner imports this module after setting Django up, but run as a script it is imported
    # before: the measuring modules, which import models, load only when called.
    from benchmarks.measures.ingest_and_search.runs import run_plugin  # noqa: PLC0415

    return run_plugin(context)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=10_000, help="messages in the mbox (10000)")
    parser.add_argument(
        "--documents", type=int, default=100_000, help="documents to search over (100000)"
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="break down where ingestion's time goes even if it meets the budget "
        "(done anyway when it misses)",
    )
    parser.add_argument("--profile-out", type=Path, metavar="PATH", help="save cProfile stats")
    parser.add_argument(
        "--experiments",
        action="store_true",
        help="also time ingestion and search with proposed changes patched in "
        "(never the reported figures)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures as JSON")
    args = parser.parse_args(argv)
    if args.messages < 1 or args.documents < 1:
        parser.error("sizes must be at least 1")

    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # progress shows when output goes to a file
    with tempfile.TemporaryDirectory(prefix="foiatracker-bench-") as scratch:
        try:
            return _main(args, Path(scratch))
        except BenchmarkError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2


def _main(args: argparse.Namespace, scratch: Path) -> int:
    name = point_django_at(
        args.database_url,
        measures="the tsvector column with its GIN index, multi-row inserts",
        empties="release and document",
    )
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    # With DEBUG on, Django keeps every query in memory: a cost production does not pay.
    os.environ["DEBUG"] = "false"
    if create_database_if_missing(args.database_url, name):
        print(f"created database {name}")
    setup_django()
    # Only now can the measuring modules, which import models at their top, be imported.
    from benchmarks.measures.ingest_and_search.runs import run_alone  # noqa: PLC0415

    return run_alone(args, scratch)


if __name__ == "__main__":
    sys.exit(main())
