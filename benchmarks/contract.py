"""The plug-in contract between `benchmarks/run.py` and each benchmark module.

A benchmark module `benchmarks/<name>.py` plugs in by exposing

    def run(context: Context) -> list[Figure]

The runner has already pointed Django at a PostgreSQL *bench* database, migrated it and filled it
with the generated preset (`context.summary`); `run` measures, prints what it likes, and returns
one `Figure` per measured figure. A figure carries its own limit, measured in the same run on the
same data (the raw SQL that returns the same rows, or the bare loop over the same input), and its
budget, so the runner can print and store every figure the same way.

Also accepted, for modules written before this contract: `measure(...) -> list[dict]` whose dicts
have the keys name, p50_ms, p95_ms, raw_ms and ratio (read endpoints and reports, budget "≤ 3x
raw SQL and p50 under 300 ms"); `measure` is called with the keyword arguments it declares among
the `Context` fields (`context` itself included).

Raise `BenchmarkError` when the benchmark cannot run or measured a wrong answer: the runner reports
it and goes on with the next module.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.bench_database import BenchmarkError

__all__ = ["BenchmarkError", "Context", "Figure", "percentile"]


@dataclass
class Context:
    """What the runner hands each benchmark."""

    database_url: str
    preset: str
    seed: int
    #: The day the generated data is seen from; "today" for anything date-relative.
    as_of: datetime.date
    #: generate_data's summary: target sizes, rows written per table, status mixes.
    summary: dict[str, Any]
    #: A folder removed after the run (MEDIA_ROOT is inside it).
    scratch: Path
    #: Sizes of the benchmarks that bring their own data (ingest_messages, recompute_deadlines).
    sizes: dict[str, int] = field(default_factory=dict)


@dataclass
class Figure:
    """One measured figure next to its limit and budget.

    `ratio` is value / limit. For a latency (`higher_is_better` false) it is how many times the
    raw SQL's time the real code takes (1.0 is the floor); for a throughput it is the share of the
    bare loop's rate that the real code reaches (1.0 is the ceiling).
    """

    name: str
    value: float
    unit: str
    limit: float | None
    limit_label: str
    budget: str
    met: bool | None
    higher_is_better: bool = False
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.limit is None or self.limit == 0:
            return None
        return self.value / self.limit

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        return data

    @classmethod
    def from_read(cls, row: dict[str, Any]) -> Figure:
        """A figure from the `measure()` shape: name, p50_ms, p95_ms, raw_ms, ratio."""
        p50, p95, raw = float(row["p50_ms"]), float(row["p95_ms"]), row.get("raw_ms")
        ratio = float(row["ratio"]) if row.get("ratio") is not None else None
        met = p50 < 300 and (ratio is None or ratio <= 3)
        return cls(
            name=str(row["name"]),
            value=p50,
            unit="ms p50",
            limit=float(raw) if raw is not None else None,
            limit_label="raw SQL, same rows",
            budget="≤ 3× raw SQL, p50 < 300 ms",  # noqa: RUF001
            met=met,
            note=f"p95 {p95:.1f} ms",
            details=dict(row),
        )


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
