"""What is decided about each request and lawsuit before a row is written, and the ids rows get."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from requests_app.workflow import RequestStatus


class Ids:
    """The next id of each table. The generator gives ids itself, in the order it writes rows,
    so a seed always gives the same ids."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def next(self, name: str) -> int:
        self.last[name] = self.last.get(name, 0) + 1
        return self.last[name]


@dataclass(slots=True)
class RequestPlan:
    id: int
    code: str
    jurisdiction_id: int
    agency_id: int
    owner_id: int
    status: RequestStatus
    title: str
    subject: str
    filed: datetime.date | None = None
    received: datetime.date | None = None
    acknowledged: datetime.date | None = None
    determined: datetime.date | None = None
    closed: datetime.date | None = None
    outcome: RequestStatus | None = None  # the determination, if there was one
    expedited: str = "not_requested"
    fee_waiver: str = "not_requested"
    appealed: bool = False
    sued_on: datetime.date | None = None
    lawsuit_id: int | None = None
    releases: int = 0
    documents: list[int] = field(default_factory=list)  # per release


@dataclass(slots=True)
class LawsuitPlan:
    id: int
    caption: str
    court: str
    docket: str
    filed: datetime.date
    served: datetime.date | None
    status: str
    request_ids: list[int]
    agency_ids: list[int]
    ended: datetime.date | None
    schedule_budget: int = 0
