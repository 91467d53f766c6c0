"""Benchmark: latency of every API list endpoint and report, next to the raw SQL of the same rows.

Against an already-populated PostgreSQL database (its name must contain "bench"; fill it with
``manage.py generate_data`` or, for a quick trial, ``--populate N`` here), each list endpoint and
report is called through the Django test client with a reporting user's token, ``page_size=100``
(the largest page), ``--repeat`` times; p50 and p95 are printed. In the same run, the SQL
statements that call issued are captured once and replayed straight on a database cursor
(``--repeat`` times, the median kept): the same statements return the same rows, so ``ratio`` =
API p50 / raw SQL is what the framework (authentication, filters, serializers, JSON) adds on top
of the database's work. Budget: ratio ≤ 3 and p50 under 300 ms at 200,000 requests
and 2,000,000 deadlines.

    .venv/bin/python benchmarks/api_reads.py
        [--database-url postgres://postgres@127.0.0.1:5432/foiatracker_bench]
        [--populate 2000] [--repeat 20] [--json PATH]

``measure(repeat=20) -> list[dict]`` (keys name, p50_ms, p95_ms, raw_ms, ratio) times the
endpoints; ``run(context)`` (what ``make bench`` calls) adds, for each precomputed report
(``reports.snapshots``), the time its refresh takes next to the live report's own
SQL: what a caller would wait for if the report were computed per call.

What it measures is in `benchmarks/measures/api_reads.py`, imported once Django is set up.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))  # run as a script, `foiatracker` must be importable

from benchmarks.bench_database import (  # noqa: E402 - needs the path above
    BenchmarkError,
    create_database_if_missing,
    point_django_at,
    setup_django,
)
from benchmarks.contract import Figure  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/foiatracker_bench"
BUDGET_RATIO = 3.0
BUDGET_P50_MS = 300.0


def measure(
    *,
    repeat: int = 20,
    endpoints: list[tuple[str, str, dict[str, Any]]] | None = None,
    filtered: bool = True,
) -> list[dict[str, Any]]:
    """Time each endpoint through the test client and its own SQL replayed raw; one dict per
    endpoint with name, p50_ms, p95_ms, raw_ms, ratio (and rows, queries). The first row is the
    floor (``"floor": True``); with ``filtered``, the common filters follow (``"filtered":
    True``)."""
    # Called once Django is set up (by main() or a runner); imported here, not at the top,
    # because run as a script this module is imported before.
    from benchmarks.measures import api_reads as measures  # noqa: PLC0415

    return measures.measure(repeat=repeat, endpoints=endpoints, filtered=filtered)


def run(context: Any) -> list[Any]:
    """The ``make bench`` entry: every endpoint, then the precomputed reports' refreshes."""
    # The runner imports this module after setting Django up, but run as a script it is imported
    # before: the measuring module, which imports models, loads only when called.
    from benchmarks.measures import api_reads as measures  # noqa: PLC0415

    figures = []
    for row in measure():
        if row.get("floor"):
            figures.append(
                Figure(
                    name=row["name"],
                    value=row["p50_ms"],
                    unit="ms p50",
                    limit=row["raw_ms"],
                    limit_label="raw SQL: the token and its roles",
                    budget="",
                    met=None,
                    note="what every call below pays before reading a row",
                    details=row,
                )
            )
        else:
            figure = Figure.from_read(row)
            figure.note += f"; {row['over_floor_ms']:.1f} ms over the floor"
            if row["filtered"]:  # shown so a slow filter is seen; the budget is per endpoint
                figure.name = f"filter: {figure.name}"
                figure.budget = "(p50 < 300 ms wanted)"
                figure.met = None
                if row["p50_ms"] >= BUDGET_P50_MS:
                    figure.note = f"OVER 300 ms; {figure.note}"
            figures.append(figure)
    for row in measures.measure_refreshes():
        figures.append(
            Figure(
                name=f"refresh of reports/{row['name']} (every 10 min)",
                value=row["refresh_ms"],
                unit="ms",
                limit=row["live_sql_ms"],
                limit_label="the live report's SQL alone",
                budget="",
                met=None,
                note=f"{row['rows']:,} snapshot rows",
                details=row,
            )
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--populate", type=int, default=0, help="write N requests first")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    try:
        name = point_django_at(
            args.database_url, measures="API reads", empties="request, deadline and release"
        )
        create_database_if_missing(args.database_url, name)
        setup_django()
    except BenchmarkError as exc:
        print(exc, file=sys.stderr)
        return 2
    # Only now can the measuring module, which imports models at its top, be imported.
    from benchmarks.measures import api_reads as measures  # noqa: PLC0415

    if args.populate:
        started = time.perf_counter()
        measures.populate(args.populate)
        print(f"populated {args.populate} requests in {time.perf_counter() - started:.1f} s")
    requests, deadlines = measures.table_sizes()
    print(
        f"database {name}: {requests:,} requests, "
        f"{deadlines:,} deadlines; page_size={measures.PAGE_SIZE}, repeat={args.repeat}"
    )
    results = measure(repeat=args.repeat)
    floor, endpoints = results[0], results[1:]
    print(
        f"{floor['name']}: p50 {floor['p50_ms']:.2f} ms, raw SQL {floor['raw_ms']:.2f} ms "
        f"({floor['queries']} query)"
    )
    print(
        f"{'endpoint':38} {'p50 ms':>8} {'p95 ms':>8} {'raw ms':>8} {'ratio':>6} "
        f"{'over floor':>10} {'queries':>7} {'rows':>5}"
    )
    missed = []
    previous_filtered = False
    for r in endpoints:
        if r["filtered"] and not previous_filtered:
            print("common filters (timed, not judged by the budget):")
        previous_filtered = r["filtered"]
        print(
            f"{r['name']:38} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['raw_ms']:8.1f} "
            f"{r['ratio'] or 0:6.2f} {r['over_floor_ms']:10.1f} {r['queries']:7d} {r['rows']:5d}"
        )
        if not r["filtered"] and (r["p50_ms"] > BUDGET_P50_MS or (r["ratio"] or 0) > BUDGET_RATIO):
            missed.append(r["name"])
    if missed:
        print(f"over budget (p50 > {BUDGET_P50_MS} ms or ratio > {BUDGET_RATIO}): {missed}")
    for row in measures.measure_refreshes():
        print(
            f"refresh of reports/{row['name']:22} {row['refresh_ms']:8.1f} ms "
            f"(the live report's SQL alone: {row['live_sql_ms']:.1f} ms; {row['rows']:,} rows)"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
