"""The sizes a data set is generated at, the day it is seen from, and what a run reports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

DEFAULT_AS_OF = datetime.date(2026, 6, 30)
#: The first day a generated request can have been filed.
FIRST_FILED = datetime.date(2016, 1, 4)


@dataclass(frozen=True)
class Scale:
    requests: int
    deadlines: int
    documents: int

    def scaled(self, factor: float) -> Scale:
        return Scale(
            requests=max(1, round(self.requests * factor)),
            deadlines=max(0, round(self.deadlines * factor)),
            documents=max(0, round(self.documents * factor)),
        )


PRESETS: dict[str, Scale] = {
    "small": Scale(requests=10_000, deadlines=100_000, documents=100_000),
    "medium": Scale(requests=50_000, deadlines=500_000, documents=250_000),
    "large": Scale(requests=200_000, deadlines=2_000_000, documents=1_000_000),
}


class GenerationRefused(Exception):
    """The database already holds tracker data (and --force was not given)."""


@dataclass
class Summary:
    seed: int
    as_of: datetime.date
    target: Scale
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    deadline_statuses: dict[str, int] = field(default_factory=dict)
    request_statuses: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "target": self.target.__dict__,
            "counts": self.counts,
            "request_statuses": self.request_statuses,
            "deadline_statuses": self.deadline_statuses,
            "seconds": round(self.seconds, 1),
        }
