"""`make bench`: generate a preset into a PostgreSQL bench database, run every benchmark, and
report each figure next to its limit measured in the same run, with the ratio and the budget.

    .venv/bin/python benchmarks/run.py [--preset small|medium|large] [--seed N]
        [--database-url postgres://postgres@127.0.0.1:5432/foiatracker_bench]
        [--only NAME ...] [--json PATH] [--markdown docs/benchmarks.md]

Defaults come from BENCH_PRESET (small), BENCH_SEED (1) and BENCH_DATABASE_URL. The database's
name must contain "bench": the run empties the tracker tables. Writes the figures as JSON to
var/bench/results-<UTC time>.json and as a Markdown table to docs/benchmarks.md (small preset) or
docs/benchmarks-<preset>.md. Exit status: 0
when every budget is met, 1 when one is missed, 2 when a benchmark could not run.

Benchmarks plug in as described in benchmarks/contract.py; a module that does not exist yet is
skipped with a line saying so.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import importlib.util
import inspect
import io
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import django
from django.db import connection

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
#: In this order: the ones that only read (or add their own rows) first, then those that empty
#: tables (deadline_recompute truncates requests and agencies, so it runs last).
MODULES = ("api_reads", "reminder_sweep", "ingest_and_search", "deadline_recompute")
#: Sizes of the benchmarks that load their own data, per preset.
SIZES = {
    "small": {
        "ingest_messages": 4_000,
        "recompute_deadlines": 100_000,
        "sweep_deadlines": 100_000,
        "sweep_due": 10_000,
    },
    "medium": {
        "ingest_messages": 10_000,
        "recompute_deadlines": 100_000,
        "sweep_deadlines": 1_000_000,
        "sweep_due": 100_000,
    },
    "large": {
        "ingest_messages": 10_000,
        "recompute_deadlines": 200_000,
        # The reminder sweep's own figure: a million deadlines, 100,000 due.
        "sweep_deadlines": 1_000_000,
        "sweep_due": 100_000,
    },
}
#: The largest preset is generated within 15 minutes.
GENERATE_BUDGET_SECONDS = {"large": 15 * 60}


def _module_figures(name: str, context: Context) -> list[Figure] | None:
    """Run one benchmark module; None when it does not exist (yet)."""
    if importlib.util.find_spec(f"benchmarks.{name}") is None:
        print(f"\n-- {name}: skipped, benchmarks/{name}.py does not exist yet")
        return None
    module = importlib.import_module(f"benchmarks.{name}")
    print(f"\n== {name} ==", flush=True)
    if hasattr(module, "run"):
        return list(module.run(context))
    if hasattr(module, "measure"):
        available = {f.name: getattr(context, f.name) for f in fields(context)}
        available["context"] = context
        params = inspect.signature(module.measure).parameters
        required = [
            p
            for p, spec in params.items()
            if spec.default is inspect.Parameter.empty
            and spec.kind not in (spec.VAR_POSITIONAL, spec.VAR_KEYWORD)
            and p not in available
        ]
        if required:
            raise BenchmarkError(
                f"benchmarks/{name}.py measure() needs {required}, which the runner does not "
                "have; expose run(context) instead (benchmarks/contract.py)."
            )
        rows = module.measure(**{p: available[p] for p in params if p in available})
        return [Figure.from_read(row) for row in rows]
    print(f"\n-- {name}: skipped, it exposes neither run(context) nor measure()")
    return None


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def _verdict(figure: Figure) -> str:
    return {True: "met", False: "MISSED", None: "-"}[figure.met]


def _ratio(figure: Figure) -> str:
    ratio = figure.ratio
    if ratio is None:
        return "-"
    return f"{ratio:.0%} of limit" if figure.higher_is_better else f"{ratio:.2f}×"  # noqa: RUF001


def table_rows(figures: Sequence[Figure]) -> list[tuple[str, ...]]:
    return [
        (
            f.name,
            _number(f.value, f.unit),
            f"{_number(f.limit, f.unit)} ({f.limit_label})" if f.limit is not None else "-",
            _ratio(f),
            f.budget or "-",
            _verdict(f),
            f.note,
        )
        for f in figures
    ]


HEADER = ("figure", "measured", "limit (same run)", "ratio", "budget", "result", "note")


def print_table(figures: Sequence[Figure]) -> None:
    rows = [HEADER, *table_rows(figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    print()
    for n, row in enumerate(rows):
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        print("  ".join(cells) + (f"  {row[-1]}" if row[-1] else ""))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def markdown(figures: Sequence[Figure], about: dict[str, Any]) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`benchmarks/run.py`); see `benchmarks/README.md` for what each "
        "figure means and how its limit is measured. Timings depend on the machine and its load.",
        "",
        f"- preset **{about['preset']}** (seed {about['seed']}): "
        + ", ".join(f"{n:,} {name}s" for name, n in about["rows"].items()),
        f"- generated in {about['generate_seconds']:.0f} s; whole run {about['run_seconds']:.0f} s",
        f"- PostgreSQL {about['postgresql']}, Python {about['python']}, {about['cpus']} CPUs, "
        f"load average before the run {about['load_before']}",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    for row in table_rows(figures):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    skipped = about.get("skipped") or []
    if skipped:
        lines += ["", "Skipped (module not present in this checkout): " + ", ".join(skipped)]
    errors = about.get("errors") or {}
    for name, message in errors.items():
        lines += ["", f"**{name} could not run:** {message}"]
    return "\n".join(lines) + "\n"


def _describe(database_url: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    parts = urlsplit(database_url)
    host = parts.netloc.rsplit("@", 1)[-1]
    user = f"{parts.username}@" if parts.username else ""
    return {
        "database": urlunsplit(parts._replace(netloc=user + host)),  # never the password
        "postgresql": row[0] if row else "?",
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--preset", default=os.environ.get("BENCH_PRESET", "small"))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", "1")))
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--only", nargs="+", choices=MODULES, help="run only these benchmarks")
    parser.add_argument(
        "--json", type=Path, metavar="PATH", help="default var/bench/results-*.json"
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        metavar="PATH",
        help="default docs/benchmarks.md for the small preset, docs/benchmarks-<preset>.md else",
    )
    args = parser.parse_args(argv)
    if args.preset not in SIZES:
        parser.error(f"unknown preset {args.preset!r}; choose one of {', '.join(SIZES)}")
    if args.markdown is None:
        suffix = "" if args.preset == "small" else f"-{args.preset}"
        args.markdown = PROJECT_ROOT / "docs" / f"benchmarks{suffix}.md"
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    with tempfile.TemporaryDirectory(prefix="foiatracker-bench-") as scratch:
        try:
            return _main(args, Path(scratch))
        except BenchmarkError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2


def _main(args: argparse.Namespace, scratch: Path) -> int:
    started = time.perf_counter()
    name = point_django_at(
        args.database_url,
        measures="COPY, the tsvector column with its GIN index, the queries as PostgreSQL plans",
        empties="tracker",
    )
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    os.environ["DEBUG"] = "false"  # with DEBUG on, Django keeps every query in memory
    if create_database_if_missing(args.database_url, name):
        print(f"created database {name}")
    setup_django()
    about = _describe(args.database_url)
    print(
        f"foiatracker benchmarks: preset {args.preset}, seed {args.seed}, {about['database']} "
        f"(PostgreSQL {about['postgresql']}), {about['cpus']} CPUs, load {about['load_before']}"
    )

    # The generator imports models: only now, with Django set up, can it be imported.
    from sample_data.scale import PRESETS, generate  # noqa: PLC0415

    print(f"\n== generate_data --preset {args.preset} --seed {args.seed} ==")
    summary = generate(scale=PRESETS[args.preset], seed=args.seed, force=True)
    generated = summary.as_dict()
    figures: list[Figure] = []
    budget = GENERATE_BUDGET_SECONDS.get(args.preset)
    figures.append(
        Figure(
            name=f"generate_data --preset {args.preset}",
            value=summary.seconds,
            unit="s",
            limit=None,
            limit_label="",
            budget=f"≤ {budget // 60} min" if budget else "",
            met=(summary.seconds <= budget) if budget else None,
            note=f"{sum(summary.counts.values()):,} rows",
            details=generated,
        )
    )
    context = Context(
        database_url=args.database_url,
        preset=args.preset,
        seed=args.seed,
        as_of=summary.as_of,
        summary=generated,
        scratch=scratch,
        sizes=dict(SIZES[args.preset]),
    )
    skipped: list[str] = []
    errors: dict[str, str] = {}
    for module in args.only or MODULES:
        try:
            result = _module_figures(module, context)
        except BenchmarkError as exc:
            print(f"error in {module}: {exc}", file=sys.stderr)
            errors[module] = str(exc)
            continue
        except Exception as exc:  # a crash in one benchmark must not lose the others' figures
            traceback.print_exc()
            errors[module] = f"{type(exc).__name__}: {exc}"
            continue
        if result is None:
            skipped.append(module)
        else:
            figures.extend(result)

    print_table(figures)
    about.update(
        preset=args.preset,
        seed=args.seed,
        rows={
            k: generated["counts"][k]
            for k in ("request", "event", "appeal", "lawsuit", "deadline", "release", "document")
        },
        generate_seconds=summary.seconds,
        run_seconds=time.perf_counter() - started,
        skipped=skipped,
        errors=errors,
    )
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    json_path = args.json or PROJECT_ROOT / "var" / "bench" / f"results-{stamp}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(
        json.dumps({**about, "figures": [f.as_dict() for f in figures]}, indent=2, default=str)
        + "\n"
    )
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(markdown(figures, about))
    print(f"\nfigures written to {json_path} and {args.markdown}")
    print(f"whole run {about['run_seconds']:.0f} s")
    if errors:
        return 2
    return 0 if all(f.met is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
