"""Benchmark: the reminder sweep over a million deadlines, next to the raw SQL that inserts the same
due rows into the outbox, in the same run, on PostgreSQL.

Not a test: it prints figures for a person to read (and quote), and fails only if the sweep's
answer is wrong. The budget: the sweep within 2x the bare INSERT of the same rows (writing one
outbox row per reminder is the floor of the sweep's guarantee), and a number of queries that does
not grow with the number of deadlines. The raw SELECT of the same rows is printed beside it, for
information.

The data set: N deadlines (1,000,000 by default) on N/5 requests, each request owned by one of
1,000 people. `--due` of them (100,000) are due for a reminder on the sweep's day — 7 and 2 working
days ahead, due that day, or overdue — and the rest are open but due later, or already met. The
sweep's day is Wednesday 13 March 2030, 09:00 in the organisation's time zone.

    .venv/bin/python benchmarks/reminder_sweep.py [--deadlines 1000000] [--due 100000]
        [--database-url postgres://postgres@127.0.0.1:5432/foiatracker_bench] [--json PATH]

The database's name must contain "bench": the script empties the request, deadline and reminder
tables of whatever database it is given.

What it measures is in `benchmarks/measures/reminder_sweep.py`, imported once Django is set up.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

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
BUDGET_RATIO = 2.0


def run(context: Any) -> list[Any]:
    """The `make bench` plug-in (benchmarks/contract.py): the same measurement, in a process and a
    database of its own (the context's name + "_sweep"), so that emptying its tables leaves the
    generated preset alone for the benchmarks that follow."""
    parts = urlsplit(context.database_url)
    own_url = urlunsplit(parts._replace(path=parts.path + "_sweep"))
    deadlines = context.sizes.get("sweep_deadlines", 100_000)
    due = context.sizes.get("sweep_due", deadlines // 10)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "sweep.json"
        done = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--deadlines",
                str(deadlines),
                "--due",
                str(due),
                "--database-url",
                own_url,
                "--json",
                str(out),
            ],
            cwd=PROJECT_ROOT,
            check=False,
        )
        if done.returncode != 0 or not out.exists():
            raise BenchmarkError(f"reminder_sweep.py exited with status {done.returncode}")
        figures = json.loads(out.read_text())
    name = f"reminder sweep, {deadlines:,} deadlines ({due:,} due)"
    return [
        Figure(
            name=name,
            value=figures["sweep_s"] * 1000,
            unit="ms",
            limit=figures["raw_insert_s"] * 1000,
            limit_label="raw INSERT of the same rows, committed",
            budget=f"≤ {BUDGET_RATIO:g}x raw INSERT; queries constant",
            met=figures["met"],
            note=f"{figures['queries']} queries",
            details=figures,
        ),
        Figure(
            name=f"{name}, against the bare read",
            value=figures["sweep_s"] * 1000,
            unit="ms",
            limit=figures["raw_sql_s"] * 1000,
            limit_label="raw SELECT of the same rows",
            budget="(information: a SELECT writes no outbox; no budget)",
            met=None,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deadlines", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not 0 < args.due <= args.deadlines:
        parser.error("--due must be between 1 and --deadlines")
    try:
        name = point_django_at(
            args.database_url, measures="the set-based INSERT … SELECT", empties="deadline"
        )
        create_database_if_missing(args.database_url, name)
        setup_django()
        # Only now can the measuring module, which imports models at its top, be imported.
        from benchmarks.measures import reminder_sweep as measures  # noqa: PLC0415

        figures = measures.measure(
            deadlines=args.deadlines, due=args.due, budget_ratio=BUDGET_RATIO
        )
    except BenchmarkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"reminder sweep over {figures['deadlines']:,} deadlines ({figures['due']:,} due): "
        f"{figures['sweep_s'] * 1000:,.0f} ms in {figures['queries']} queries; the same rows "
        f"inserted by hand-written SQL and committed {figures['raw_insert_s'] * 1000:,.0f} ms; "
        f"ratio {figures['ratio_to_raw_insert']}x "
        f"(budget <= {BUDGET_RATIO}x: {'met' if figures['met'] else 'MISSED'})"
    )
    print(
        f"  for information: raw SQL selecting the same rows "
        f"{figures['raw_sql_s'] * 1000:,.0f} ms; sweep / that = {figures['ratio']}x"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
