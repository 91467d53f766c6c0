"""The benchmark runner's plumbing (no timing): the plug-in contract, skipping a module that is
not there yet, the table and the Markdown it writes."""

from __future__ import annotations

import datetime
import sys
import types
from pathlib import Path

import pytest

from benchmarks import run as runner
from benchmarks.contract import Context, Figure, percentile


@pytest.fixture
def context(tmp_path: Path) -> Context:
    return Context(
        database_url="postgres://postgres@127.0.0.1:5432/foiatracker_bench",
        preset="small",
        seed=1,
        as_of=datetime.date(2026, 6, 30),
        summary={},
        scratch=tmp_path,
        sizes={"ingest_messages": 10},
    )


def test_a_missing_module_is_skipped_with_a_line(context, capsys):
    assert runner._module_figures("no_such_benchmark", context) is None
    assert "no_such_benchmark: skipped, benchmarks/no_such_benchmark.py does not exist yet" in (
        capsys.readouterr().out
    )


def test_a_measure_module_is_adapted(context, monkeypatch):
    module = types.ModuleType("benchmarks.fake_reads")

    def measure(context, preset):
        assert preset == "small"
        return [
            {"name": "GET /api/v1/requests/", "p50_ms": 40.0, "p95_ms": 90.0, "raw_ms": 20.0,
             "ratio": 2.0},
            {"name": "GET /api/v1/reports/x/", "p50_ms": 400.0, "p95_ms": 500.0,
             "raw_ms": 300.0, "ratio": 1.3},
        ]  # fmt: skip

    module.measure = measure
    monkeypatch.setitem(sys.modules, "benchmarks.fake_reads", module)
    monkeypatch.setattr(runner.importlib.util, "find_spec", lambda name: object())
    figures = runner._module_figures("fake_reads", context)
    assert figures is not None
    assert [(f.name, f.met, f.ratio) for f in figures] == [
        ("GET /api/v1/requests/", True, 2.0),
        ("GET /api/v1/reports/x/", False, pytest.approx(400 / 300)),  # p50 over 300 ms
    ]


def test_table_and_markdown_show_ratio_budget_and_verdict():
    figures = [
        Figure("search p95", 50.0, "ms", 25.0, "raw SQL", "p95 < 100 ms", True),
        Figure(
            "ingestion", 300.0, "msg/s", 600.0, "bare loop", "≥ 50%", True, higher_is_better=True
        ),
        Figure("recompute", 9_000.0, "deadlines/s", None, "", "≥ 10,000/s", False),
    ]
    rows = runner.table_rows(figures)
    assert rows[0][:6] == (
        "search p95",
        "50.0 ms",
        "25.0 ms (raw SQL)",
        "2.00×",  # noqa: RUF001
        "p95 < 100 ms",
        "met",
    )
    assert rows[1][3] == "50% of limit"
    assert rows[2][5] == "MISSED"
    about = {
        "preset": "small",
        "seed": 1,
        "rows": {"request": 10},
        "generate_seconds": 3.0,
        "run_seconds": 9.0,
        "postgresql": "15",
        "python": "3.12",
        "cpus": 2,
        "load_before": "1.00",
        "skipped": ["reminder_sweep"],
        "errors": {},
    }
    text = runner.markdown(figures, about)
    assert "| search p95 | 50.0 ms | 25.0 ms (raw SQL) | 2.00× |" in text  # noqa: RUF001
    assert "Skipped (module not present in this checkout): reminder_sweep" in text


def test_percentile_is_nearest_rank():
    assert percentile([5, 1, 4, 2, 3], 0.5) == 3
    assert percentile(list(range(1, 101)), 0.95) == 95
