"""Benchmark: recompute open deadlines after a closure day is added, then removed, on PostgreSQL.

Not a test: it prints figures for a person to read (and quote), and fails only if the results are
wrong or the budget is missed. The budget: at least 10,000 deadlines recomputed per second.

The data set is the worst case for `closures.closure_day_add`: N open federal `response`
deadlines (20 working days, 5 U.S.C. 552(a)(6)(A)(i)) whose counting spans the closure day, so
every one of them moves by one working day; plus a share (10% by default) due before the day,
which the `touching` filter must leave unread.

    .venv/bin/python benchmarks/deadline_recompute.py [--deadlines 100000]
        [--database-url postgres://postgres@127.0.0.1:5432/foiatracker_bench]
        [--also 10000] [--json PATH]

The database's name must contain "bench": the script empties the request, deadline, agency and
closure-day tables of whatever database it is given.

What it measures is in `benchmarks/measures/deadline_recompute.py`, imported once Django is
set up.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
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
# A Wednesday; the twenty working days before it pass over Washington's Birthday (18 February).
DEFAULT_CLOSURE_DAY = datetime.date(2030, 3, 13)


def run(context: Context) -> list[Figure]:
    """Both operations at `context.sizes["recompute_deadlines"]`, each next to the bare loop.

    Empties the request, deadline and agency tables (with everything that hangs off them): the
    runner calls it last."""
    # The runner imports this module after setting Django up, but run as a script it is imported
    # before: the measuring module, which imports models, loads only when called.
    from benchmarks.measures import deadline_recompute as measures  # noqa: PLC0415

    spanning = context.sizes.get("recompute_deadlines", 100_000)
    result = measures.run_plugin(spanning=spanning, closure_day=DEFAULT_CLOSURE_DAY)
    return [
        Figure(
            name=f"deadline recompute: {timing.operation} ({spanning:,} deadlines)",
            value=timing.per_second,
            unit="deadlines/s",
            limit=loop.per_second,
            limit_label="bare rules.evaluate loop",
            budget=f"≥ {measures.BUDGET_PER_SECOND:,}/s",
            met=timing.passes,
            higher_is_better=True,
            note=f"{timing.queries} SQL queries",
            details={"timing": timing.as_dict(), "bare_loop": loop.as_dict()},
        )
        for timing, loop in ((result.add, result.bare_closed), (result.remove, result.bare_open))
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--deadlines", type=int, default=100_000, help="deadlines spanning the day (100000)"
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--due-before",
        type=float,
        default=0.10,
        help="extra deadlines due before the day, as a share of --deadlines (0.10)",
    )
    parser.add_argument(
        "--also", type=int, help="run a second size too and compare its query counts"
    )
    parser.add_argument(
        "--closure-day", type=datetime.date.fromisoformat, default=DEFAULT_CLOSURE_DAY
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures as JSON")
    args = parser.parse_args(argv)
    if args.deadlines < 1 or (args.also is not None and args.also < 1):
        parser.error("sizes must be at least 1")

    try:
        name = point_django_at(
            args.database_url,
            measures="deadlines_recompute: one UPDATE ... FROM unnest per batch",
            empties="request and deadline",
        )
        if create_database_if_missing(args.database_url, name):
            print(f"created database {name}", flush=True)
        setup_django()
        # Only now can the measuring module, which imports models at its top, be imported.
        from benchmarks.measures import deadline_recompute as measures  # noqa: PLC0415

        about, runs = measures.run_alone(
            database_url=args.database_url,
            closure_day=args.closure_day,
            sizes=[args.deadlines] + ([args.also] if args.also else []),
            due_before=args.due_before,
        )
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    measures.table(runs)
    if args.json:
        args.json.write_text(
            json.dumps({**about, "runs": [r.as_dict() for r in runs]}, indent=2) + "\n"
        )
        print(f"\nfigures written to {args.json}")
    return 0 if all(t.passes for r in runs for t in (r.add, r.remove)) else 1


if __name__ == "__main__":
    sys.exit(main())
